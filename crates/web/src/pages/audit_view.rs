//! What each viewer may see of the audit trail. Visitors see the organisation behind a change,
//! never a person's address (personal data), and only the versions the programme team
//! validated (what partners declared is for signed-in users until then); signed-in users see
//! every change and the person who made it.

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
            (None, None) if self.show_people => lookup::actor(&entry.actor_label),
            (_, Some(organisation)) => organisation,
            (Some(_), None) => "Un partenaire".into(),
            (None, None) => "Équipe du programme".into(),
        }
    }
}

/// Whether a visitor may see the change `entry` made: it left the record validated (the
/// records nobody reviews are always so). An audited state that cannot be read is not shown.
pub fn visible_to(viewer: &Viewer, entry: &AuditEntry) -> bool {
    if viewer.user.is_some() {
        return true;
    }
    let Ok(serde_json::Value::Object(after)) = serde_json::from_str(&entry.after_state) else {
        return false;
    };
    // Reviewed records name their state `validation` (`status` for observations, whose
    // `status` is nothing else).
    let state = if entry.entity == "observation" {
        after.get("status")
    } else {
        after.get("validation")
    };
    state.is_none_or(|s| s == "validated")
}
