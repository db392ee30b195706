//! Who made a change, as each viewer may see it: visitors see the organisation only, never a
//! person's address (personal data); signed-in users see the person too.

use std::collections::HashMap;

use renouveau_domain::Organisation;
use renouveau_store::Store;
use renouveau_store::audit::AuditEntry;

use super::lookup;
use crate::auth::Viewer;
use crate::error::WebError;

/// Names the authors of some audit rows.
pub struct Authors {
    organisations: HashMap<i64, String>,
    show_people: bool,
}

impl Authors {
    pub async fn of(
        store: &Store,
        viewer: &Viewer,
        entries: &[AuditEntry],
    ) -> Result<Self, WebError> {
        let ids = entries.iter().filter_map(|e| e.actor_organisation_id);
        let organisations = lookup::by_ids::<Organisation>(store, ids)
            .await?
            .into_iter()
            .map(|(id, record)| (id, record.data.name))
            .collect();
        Ok(Self {
            organisations,
            show_people: viewer.user.is_some(),
        })
    }

    pub fn name(&self, entry: &AuditEntry) -> String {
        let organisation = entry
            .actor_organisation_id
            .and_then(|id| self.organisations.get(&id).cloned());
        match (entry.actor_user_id, organisation) {
            (Some(_), Some(organisation)) if self.show_people => {
                format!("{} ({organisation})", entry.actor_label)
            }
            (Some(_), None) if self.show_people => entry.actor_label.clone(),
            (_, Some(organisation)) => organisation,
            (Some(_), None) => "Un partenaire".into(),
            (None, None) => "Équipe du programme".into(),
        }
    }
}
