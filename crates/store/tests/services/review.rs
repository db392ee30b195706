//! The validation workflow: partners declare, the programme team validates or returns with a
//! comment, and every step is in the record's history.

use renouveau_domain::{
    Actor, FinancingLine, FinancingState, Operation, Reviewed, Role, ValidationStatus,
};
use renouveau_store::summaries::{self, Figures};
use renouveau_store::{ListQuery, StoreError};

use super::{Fixture, admin, euros, financing};

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

/// Granted euros of `funder` in the summaries that count `figures`.
async fn granted_by(f: &Fixture, funder: i64, figures: Figures) -> Option<i128> {
    summaries::money_by_funder(f.db.db(), figures)
        .await
        .unwrap()
        .iter()
        .find(|m| m.funder_id == funder)
        .map(|m| m.granted.cents() / 100)
}

/// Statuses of the operations the summaries counting `figures` see.
async fn statuses(f: &Fixture, figures: Figures) -> Vec<(String, i64)> {
    summaries::operations_by_status(f.db.db(), figures)
        .await
        .unwrap()
}

/// A partner's edit of a validated record used to take it out of the validated figures (the
/// edited operation dropped out of `?chiffres=valides`). Its last validated version now stays
/// in them until the team validates the edit.
#[tokio::test]
async fn an_edited_record_keeps_its_validated_version_in_the_validated_figures() {
    let f = Fixture::new().await;
    let lines = f.db.records::<FinancingLine>();
    let mut granted = financing(f.operation.id, f.douai);
    granted.state = FinancingState::Granted;
    granted.granted = euros(200_000);
    granted.decision_ref = Some("Commission permanente du 3 mars 2025".into());
    let line = lines.create(&admin(), granted).await.unwrap();
    assert_eq!(
        granted_by(&f, f.douai, Figures::Validated).await,
        Some(200_000)
    );

    let mut raised = line.data.clone();
    raised.granted = euros(250_000);
    let declared = lines
        .update(&f.editor(f.lens), line.id, line.version, raised)
        .await
        .unwrap();
    assert_eq!(declared.data.validation, ValidationStatus::Declared);
    assert_eq!(granted_by(&f, f.douai, Figures::All).await, Some(250_000));
    assert_eq!(
        granted_by(&f, f.douai, Figures::Validated).await,
        Some(200_000)
    );

    let ops = f.db.records::<Operation>();
    let counted_before = statuses(&f, Figures::Validated).await;
    let mut renamed = f.operation.data.clone();
    renamed.title = "École Jules Elby (déclarée)".into();
    ops.update(
        &f.editor(f.lens),
        f.operation.id,
        f.operation.version,
        renamed,
    )
    .await
    .unwrap();
    assert_eq!(statuses(&f, Figures::Validated).await, counted_before);
    let published =
        f.db.published::<Operation>()
            .get(f.operation.id)
            .await
            .unwrap();
    assert_eq!(published.data.title, f.operation.data.title);
    assert_eq!(published.version, f.operation.version);

    // Validated, the edit is what the validated figures count.
    let validated = lines
        .review(
            &admin(),
            declared.id,
            declared.version,
            ValidationStatus::Validated,
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        granted_by(&f, f.douai, Figures::Validated).await,
        Some(250_000)
    );

    // Archived, the line counts nowhere; restored, it comes back.
    let archived = lines
        .archive(&f.editor(f.lens), validated.id, validated.version)
        .await
        .unwrap();
    assert_eq!(granted_by(&f, f.douai, Figures::Validated).await, None);
    lines
        .restore(&f.editor(f.lens), archived.id, archived.version)
        .await
        .unwrap();
    assert_eq!(
        granted_by(&f, f.douai, Figures::Validated).await,
        Some(250_000)
    );
    let report = renouveau_store::check::run(f.db.db()).await.unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
}

/// Records the team never validated have no published version.
#[tokio::test]
async fn a_record_never_validated_is_not_published() {
    let f = Fixture::new().await;
    let contributor = Actor::user(9, "contrib@exemple.fr", f.lens, Role::Contributor);
    let line =
        f.db.records::<FinancingLine>()
            .create(&contributor, financing(f.operation.id, f.lens))
            .await
            .unwrap();
    let published = f.db.published::<FinancingLine>().get(line.id).await;
    assert!(
        matches!(published, Err(StoreError::NotFound { .. })),
        "{published:?}"
    );
    let listed =
        f.db.published::<FinancingLine>()
            .list(&ListQuery::default())
            .await
            .unwrap();
    assert!(listed.items.iter().all(|l| l.id != line.id));
}
