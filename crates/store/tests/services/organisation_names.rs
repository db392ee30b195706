//! Organisation names are stored in one canonical form, and a name that looks like a live
//! organisation's name is refused, naming it (#12 finding 12).

use renouveau_domain::{FieldErrorKind, Organisation, OrganisationKind};
use renouveau_store::StoreError;

use super::{Fixture, admin, organisation};

const REGION: &str = "Région Hauts-de-France";

/// Partners of the fixture have names of their own; each look-alike gets its own numbers.
fn named(name: &str, short: &str, siren: &str) -> Organisation {
    Organisation {
        kind: OrganisationKind::Region,
        ..organisation(name, short, siren)
    }
}

fn assert_confusable<T: std::fmt::Debug>(result: Result<T, StoreError>, existing_id: i64) {
    match result {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.field, "name", "{e:?}");
            assert_eq!(
                e.kind,
                FieldErrorKind::LooksLike {
                    existing: REGION.into(),
                    id: existing_id
                }
            );
            let message = e.message_fr();
            assert!(
                message.contains(&format!("«\u{a0}{REGION}\u{a0}»")),
                "{message}"
            );
        }
        other => panic!("expected a look-alike name refused, got {other:?}"),
    }
}

#[tokio::test]
async fn organisation_names_are_stored_in_one_form() {
    let f = Fixture::new().await;
    let orgs = f.db.records::<Organisation>();
    // Decomposed accent, zero-width spaces, a byte order mark, runs of spaces and tabs.
    let messy = named(
        " Re\u{301}gion \u{200b}\t Hauts-de-\u{200b}France\u{feff} ",
        "  HDF\u{00a0} ",
        "200053742",
    );
    let created = orgs.create(&admin(), messy).await.unwrap();
    assert_eq!(created.data.name, REGION);
    assert_eq!(created.data.short_name.as_deref(), Some("HDF"));
    let mut spaced = created.data.clone();
    spaced.name = "Région   Hauts-de-France  Nord".into();
    let updated = orgs
        .update(&admin(), created.id, created.version, spaced)
        .await
        .unwrap();
    assert_eq!(updated.data.name, "Région Hauts-de-France Nord");
}

#[tokio::test]
async fn a_name_that_looks_like_a_live_organisations_is_refused() {
    let f = Fixture::new().await;
    let orgs = f.db.records::<Organisation>();
    let region = orgs
        .create(&admin(), named(REGION, "HDF", "200053742"))
        .await
        .unwrap();
    let look_alikes = [
        ("decomposed accent", "Re\u{301}gion Hauts-de-France"),
        ("Cyrillic е", "Région Hauts-de-Franc\u{435}"),
        ("zero-width space", "Région Hauts\u{200b}-de-France"),
        ("trailing space", "Région Hauts-de-France "),
        ("capitals", "RÉGION HAUTS-DE-FRANCE"),
    ];
    for (i, (what, name)) in look_alikes.into_iter().enumerate() {
        let short = format!("HDF{i}");
        let refused = orgs
            .create(&admin(), named(name, &short, "130005267"))
            .await;
        assert!(refused.is_err(), "{what}: {refused:?}");
        assert_confusable(refused, region.id);
    }
    // Renaming another organisation to it is refused the same way.
    let lens = orgs.get(f.lens).await.unwrap();
    let mut renamed = lens.data.clone();
    renamed.name = "Région Hauts-de-Franc\u{435}".into();
    assert_confusable(
        orgs.update(&admin(), lens.id, lens.version, renamed).await,
        region.id,
    );

    // A record keeps its own name, and an archived organisation's name is free again, until it
    // is restored while another holds it.
    let kept = orgs
        .update(&admin(), region.id, region.version, region.data.clone())
        .await
        .unwrap();
    let archived = orgs.archive(&admin(), kept.id, kept.version).await.unwrap();
    let successor = orgs
        .create(
            &admin(),
            named("Région Hauts-de-Franc\u{435}", "HDF2", "130005267"),
        )
        .await
        .unwrap();
    match orgs.restore(&admin(), archived.id, archived.version).await {
        Err(StoreError::Invalid(e)) => assert_eq!(
            e.kind,
            FieldErrorKind::LooksLike {
                existing: "Région Hauts-de-Franc\u{435}".into(),
                id: successor.id
            }
        ),
        other => panic!("expected the restore refused, got {other:?}"),
    }
    orgs.create(&admin(), named("Région Grand Est", "GE", "200052264"))
        .await
        .unwrap();
}
