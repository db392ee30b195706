//! An organisation's identity (name, short name, kind, SIREN, SIRET, roles) is the programme
//! team's to change (#12 finding 8): its own editors and contributors cannot rename it, change
//! its numbers or give it roles, nor archive it.

use renouveau_domain::{Actor, Organisation, OrganisationRole, Role, RoleSet};
use renouveau_store::StoreError;

use super::{Fixture, admin};

fn forbidden<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::Forbidden { .. })),
        "{what}: expected Forbidden, got {result:?}"
    );
}

/// A field and a change of it.
type IdentityChange = (&'static str, fn(&mut Organisation));

#[tokio::test]
async fn partners_cannot_change_their_organisations_identity() {
    let f = Fixture::new().await;
    let orgs = f.db.records::<Organisation>();
    let lens = orgs.get(f.lens).await.unwrap();
    let changes: [IdentityChange; 6] = [
        ("name", |o| o.name = "Région Hauts-de-France".into()),
        ("short_name", |o| o.short_name = Some("HDF".into())),
        ("kind", |o| {
            o.kind = renouveau_domain::OrganisationKind::Region
        }),
        ("siren", |o| o.siren = Some("200053742".parse().unwrap())),
        ("siret", |o| {
            o.siret = Some("24620036400015".parse().unwrap())
        }),
        ("roles", |o| {
            o.roles = RoleSet::new([OrganisationRole::Funder])
        }),
    ];
    let editor = f.editor(f.lens);
    let contributor = Actor::user(8, "contrib@exemple.fr", f.lens, Role::Contributor);
    for (field, change) in changes {
        let mut changed = lens.data.clone();
        change(&mut changed);
        for actor in [&editor, &contributor] {
            forbidden(
                orgs.update(actor, lens.id, lens.version, changed.clone())
                    .await,
                &format!("{} changing {field}", actor.role.code()),
            );
        }
    }
    forbidden(
        orgs.archive(&editor, lens.id, lens.version).await,
        "an editor archiving its organisation",
    );
    assert_eq!(orgs.get(f.lens).await.unwrap().data, lens.data);

    // The programme team does it.
    let mut renamed = lens.data.clone();
    renamed.name = "Communauté d'agglomération de Lens-Liévin".into();
    orgs.update(&admin(), lens.id, lens.version, renamed)
        .await
        .unwrap();
}
