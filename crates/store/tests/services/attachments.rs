//! A partner cannot attach records to another partner's operation by naming itself in them
//! (#12 finding 7): facets and milestones are the operation owner's to write, financing lines
//! too, and a funder updates only the lines the owner recorded with it as funder, where they are.

use renouveau_domain::{
    Actor, FinancingLine, FinancingState, HousingFacet, Milestone, Operation, Role,
};
use renouveau_store::{Record, StoreError};

use super::{Fixture, admin, euros, financing, operation};

fn housing(operation: i64, landlord: Option<i64>) -> HousingFacet {
    HousingFacet {
        operation_id: operation,
        dwellings: 40,
        landlord_id: landlord,
        energy_before: Some(310.0),
        energy_after: Some(90.0),
        biosourced: false,
        validation: renouveau_domain::ValidationStatus::Validated,
        validation_note: None,
    }
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::Forbidden { .. })),
        "{what}: expected Forbidden, got {result:?}"
    );
}

/// An operation of Douai's, beside the fixture's operation of Lens's.
async fn douai_operation(f: &Fixture) -> Record<Operation> {
    f.db.records::<Operation>()
        .create(
            &admin(),
            operation(f.programme, f.douai, None, "Cité Notre-Dame"),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_landlord_cannot_attach_a_housing_facet_to_another_partners_operation() {
    let f = Fixture::new().await;
    let douai = f.editor(f.douai);
    let facets = f.db.records::<HousingFacet>();
    forbidden(
        facets
            .create(&douai, housing(f.operation.id, Some(f.douai)))
            .await,
        "a facet naming its author landlord on another's operation",
    );

    // Made on its own operation, then moved to Lens's.
    let own = douai_operation(&f).await;
    let facet = facets
        .create(&douai, housing(own.id, Some(f.douai)))
        .await
        .unwrap();
    let mut moved = facet.data.clone();
    moved.operation_id = f.operation.id;
    forbidden(
        facets.update(&douai, facet.id, facet.version, moved).await,
        "a facet moved to another's operation",
    );

    // A facet of Lens's operation naming Douai as landlord stays Lens's to write.
    let named = facets
        .create(&admin(), housing(f.operation.id, Some(f.douai)))
        .await
        .unwrap();
    let mut changed = named.data.clone();
    changed.dwellings = 400;
    forbidden(
        facets
            .update(&douai, named.id, named.version, changed.clone())
            .await,
        "the landlord changing the owner's facet",
    );
    facets
        .update(&f.editor(f.lens), named.id, named.version, changed)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_milestone_is_written_by_the_operations_owner_only() {
    let f = Fixture::new().await;
    let milestones = f.db.records::<Milestone>();
    let milestone = |operation| Milestone {
        operation_id: operation,
        label: "Ordre de service".into(),
        planned_on: Some(super::date("2026-09-01")),
        done_on: None,
    };
    forbidden(
        milestones
            .create(&f.editor(f.douai), milestone(f.operation.id))
            .await,
        "a milestone on another's operation",
    );
    let own = douai_operation(&f).await;
    let made = milestones
        .create(&f.editor(f.douai), milestone(own.id))
        .await
        .unwrap();
    forbidden(
        milestones
            .update(
                &f.editor(f.douai),
                made.id,
                made.version,
                milestone(f.operation.id),
            )
            .await,
        "a milestone moved to another's operation",
    );
}

#[tokio::test]
async fn a_funder_cannot_put_its_own_line_on_another_partners_operation() {
    let f = Fixture::new().await;
    let douai = f.editor(f.douai);
    let lines = f.db.records::<FinancingLine>();
    forbidden(
        lines
            .create(&douai, financing(f.operation.id, f.douai))
            .await,
        "a line naming its author funder on another's operation",
    );

    // Made on its own operation, then moved to Lens's.
    let own = douai_operation(&f).await;
    let line = lines
        .create(&douai, financing(own.id, f.douai))
        .await
        .unwrap();
    let mut moved = line.data.clone();
    moved.operation_id = f.operation.id;
    forbidden(
        lines.update(&douai, line.id, line.version, moved).await,
        "a line moved to another's operation",
    );
    // Nor may the owner move a line to an operation it does not own.
    let lens = f.editor(f.lens);
    let lens_line = lines
        .create(&lens, financing(f.operation.id, f.lens))
        .await
        .unwrap();
    let mut given = lens_line.data.clone();
    given.operation_id = own.id;
    forbidden(
        lines
            .update(&lens, lens_line.id, lens_line.version, given)
            .await,
        "a line moved to an operation its author does not own",
    );
}

#[tokio::test]
async fn a_funder_updates_the_lines_the_owner_recorded_with_it_where_they_are() {
    let f = Fixture::new().await;
    let lines = f.db.records::<FinancingLine>();
    // The owner records Douai's part in its operation.
    let line = lines
        .create(&f.editor(f.lens), financing(f.operation.id, f.douai))
        .await
        .unwrap();

    // Douai follows it: granted, with its decision.
    let douai = f.editor(f.douai);
    let mut granted = line.data.clone();
    granted.state = FinancingState::Granted;
    granted.granted = euros(250_000);
    granted.decision_ref = Some("CP 2025-07".into());
    let line = lines
        .update(&douai, line.id, line.version, granted)
        .await
        .unwrap();
    assert_eq!(line.data.granted, euros(250_000));
    let contributor = Actor::user(9, "contrib@douai.fr", f.douai, Role::Contributor);
    lines
        .update(&contributor, line.id, line.version, line.data.clone())
        .await
        .unwrap();
    let line = lines.get(line.id).await.unwrap();

    // But not elsewhere, nor under another funder's name, nor archive it.
    let own = douai_operation(&f).await;
    let mut moved = line.data.clone();
    moved.operation_id = own.id;
    forbidden(
        lines.update(&douai, line.id, line.version, moved).await,
        "the funder moving the owner's line",
    );
    let mut renamed = line.data.clone();
    renamed.funder_id = f.lens;
    forbidden(
        lines.update(&douai, line.id, line.version, renamed).await,
        "the funder giving its line another funder",
    );
    forbidden(
        lines.archive(&douai, line.id, line.version).await,
        "the funder archiving the owner's line",
    );
    // A line of the owner's own stays out of the funder's reach.
    let lens_line = lines
        .create(&f.editor(f.lens), financing(f.operation.id, f.lens))
        .await
        .unwrap();
    let mut taken = lens_line.data.clone();
    taken.funder_id = f.douai;
    forbidden(
        lines
            .update(&douai, lens_line.id, lens_line.version, taken)
            .await,
        "a funder naming itself on another funder's line",
    );
}
