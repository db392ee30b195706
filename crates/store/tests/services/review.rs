//! The validation workflow: partners declare, the programme team validates or returns with a
//! comment, and every step is in the record's history.

use renouveau_domain::{Actor, FinancingLine, Operation, Reviewed, Role, ValidationStatus};
use renouveau_store::StoreError;

use super::{Fixture, admin, financing};

#[tokio::test]
async fn what_a_partner_writes_is_declared_until_the_team_reviews_it() {
    let f = Fixture::new().await;
    let ops = f.db.records::<Operation>();
    assert_eq!(f.operation.data.validation, ValidationStatus::Validated);

    // A partner cannot validate its own figures: whatever it sends is declared.
    let mut renamed = f.operation.data.clone();
    renamed.title = "École Jules Elby (déclarée)".into();
    renamed.validation = ValidationStatus::Validated;
    let declared = ops
        .update(
            &f.editor(f.lens),
            f.operation.id,
            f.operation.version,
            renamed,
        )
        .await
        .unwrap();
    assert_eq!(declared.data.validation, ValidationStatus::Declared);

    // Only the programme team reviews.
    let refused = ops
        .review(
            &f.editor(f.lens),
            declared.id,
            declared.version,
            ValidationStatus::Validated,
            None,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Forbidden { .. })),
        "{refused:?}"
    );

    // Returning needs a comment; the comment reaches the partner.
    let silent = ops
        .review(
            &admin(),
            declared.id,
            declared.version,
            ValidationStatus::Returned,
            None,
        )
        .await;
    assert!(matches!(silent, Err(StoreError::Invalid(ref e)) if e.field == "validation_note"));
    let returned = ops
        .review(
            &admin(),
            declared.id,
            declared.version,
            ValidationStatus::Returned,
            Some("Le coût HT manque.".into()),
        )
        .await
        .unwrap();
    assert_eq!(returned.data.validation_note(), Some("Le coût HT manque."));

    // The partner corrects: declared again, the comment answered.
    let mut corrected = returned.data.clone();
    corrected.cost_ht = Some(super::euros(120_000));
    let again = ops
        .update(&f.editor(f.lens), returned.id, returned.version, corrected)
        .await
        .unwrap();
    assert_eq!(again.data.validation, ValidationStatus::Declared);
    assert_eq!(again.data.validation_note, None);

    // The team reviews the version it saw, not a later one.
    let stale = ops
        .review(
            &admin(),
            again.id,
            returned.version,
            ValidationStatus::Validated,
            None,
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    let validated = ops
        .review(
            &admin(),
            again.id,
            again.version,
            ValidationStatus::Validated,
            None,
        )
        .await
        .unwrap();
    assert_eq!(validated.data.validation, ValidationStatus::Validated);

    let steps: Vec<String> = ops
        .history(f.operation.id)
        .await
        .unwrap()
        .iter()
        .map(|e| {
            let after: serde_json::Value = serde_json::from_str(&e.after_state).unwrap();
            format!(
                "{} {}",
                e.actor_label,
                after["validation"].as_str().unwrap_or("?")
            )
        })
        .collect();
    assert_eq!(
        steps[1..],
        [
            "editeur@exemple.fr declared",
            "system:test returned",
            "editeur@exemple.fr declared",
            "system:test validated",
        ]
    );
}

#[tokio::test]
async fn financing_lines_are_reviewed_and_other_records_are_not() {
    let f = Fixture::new().await;
    let contributor = Actor::user(9, "contrib@exemple.fr", f.lens, Role::Contributor);
    let line =
        f.db.records::<FinancingLine>()
            .create(&contributor, financing(f.operation.id, f.lens))
            .await
            .unwrap();
    assert_eq!(line.data.validation, ValidationStatus::Declared);
    let by_team =
        f.db.records::<FinancingLine>()
            .create(&admin(), financing(f.operation.id, f.douai))
            .await
            .unwrap();
    assert_eq!(by_team.data.validation, ValidationStatus::Validated);

    let organisation =
        f.db.records::<renouveau_domain::Organisation>()
            .get(f.lens)
            .await
            .unwrap();
    let not_reviewed =
        f.db.records::<renouveau_domain::Organisation>()
            .review(
                &admin(),
                organisation.id,
                organisation.version,
                ValidationStatus::Validated,
                None,
            )
            .await;
    assert!(
        matches!(not_reviewed, Err(StoreError::Invalid(_))),
        "{not_reviewed:?}"
    );
}
