//! The bundled ERBM programme: what it must hold, that every figure is stated where it points in
//! the seed document, and that loading it again changes nothing.

use std::collections::HashSet;

use renouveau_domain::{
    Actor, Convention, ConventionNode, ConventionSignatory, Deliberation, NodeKind, Organisation,
    Territory,
};
use renouveau_ingest::bundle::{DATA_FILES, load_bundle};
use renouveau_ingest::document::{Added, add_document};
use renouveau_ingest::figures::{DisagreementKind, SourceStatus, disagreements, verify_sources};
use renouveau_store::testing::TestDb;
use renouveau_store::{ListQuery, Record, Store};

/// The 11 signatories with a SIREN (the State has none): Région, the two Départements and the
/// eight EPCIs.
const SIGNATORY_SIRENS: [&str; 11] = [
    "200053742",
    "225900018",
    "226200012",
    "200072460",
    "246200364",
    "246200299",
    "200044618",
    "200042190",
    "245901152",
    "245901160",
    "200044048",
];
const EPCI_SIRENS: [&str; 8] = [
    "200072460",
    "246200364",
    "246200299",
    "200044618",
    "200042190",
    "245901152",
    "245901160",
    "200044048",
];

async fn loaded() -> TestDb {
    let db = TestDb::new().await;
    load_bundle(&db.store, &Actor::system("test"))
        .await
        .unwrap();
    db
}

async fn all<E: renouveau_store::Entity>(store: &Store, query: ListQuery) -> Vec<Record<E>> {
    let mut items = Vec::new();
    for page in 1.. {
        let found = store
            .records::<E>()
            .list(&query.clone().page(page, 500))
            .await
            .unwrap();
        let total = usize::try_from(found.total).unwrap();
        items.extend(found.items);
        if items.len() >= total {
            break;
        }
    }
    items
}

async fn convention(store: &Store, code: &str) -> Record<Convention> {
    all::<Convention>(store, ListQuery::default().eq("code", code))
        .await
        .pop()
        .unwrap_or_else(|| panic!("convention {code} missing"))
}

#[tokio::test]
async fn both_conventions_have_their_twelve_signatories() {
    let db = loaded().await;
    let organisations = all::<Organisation>(&db.store, ListQuery::default()).await;
    for code in ["erbm-2017", "erbm-2025-2027"] {
        let convention = convention(&db.store, code).await;
        let signed: HashSet<i64> = all::<ConventionSignatory>(
            &db.store,
            ListQuery::default().eq("convention_id", convention.id),
        )
        .await
        .iter()
        .map(|s| s.data.organisation_id)
        .collect();
        assert_eq!(signed.len(), 12, "{code}");
        for siren in SIGNATORY_SIRENS {
            let organisation = organisations
                .iter()
                .find(|o| o.data.siren.as_ref().is_some_and(|s| s.as_ref() == siren))
                .unwrap_or_else(|| panic!("no organisation with SIREN {siren}"));
            assert!(
                signed.contains(&organisation.id),
                "{code}: {siren} has not signed"
            );
        }
        let state = organisations
            .iter()
            .find(|o| o.data.short_name.as_deref() == Some("État"))
            .unwrap();
        assert!(
            signed.contains(&state.id),
            "{code}: the State has not signed"
        );
    }
}

#[tokio::test]
async fn conventions_have_four_and_five_axes() {
    let db = loaded().await;
    for (code, axes) in [("erbm-2017", 4), ("erbm-2025-2027", 5)] {
        let convention = convention(&db.store, code).await;
        let nodes = all::<ConventionNode>(
            &db.store,
            ListQuery::default().eq("convention_id", convention.id),
        )
        .await;
        let codes: Vec<String> = nodes
            .iter()
            .filter(|n| n.data.kind == NodeKind::Axis)
            .map(|n| n.data.code.clone())
            .collect();
        let expected: Vec<String> = (1..=axes).map(|i| i.to_string()).collect();
        assert_eq!(codes, expected, "{code}");
        if code == "erbm-2025-2027" {
            let actions = nodes
                .iter()
                .filter(|n| n.data.kind == NodeKind::Action)
                .count();
            assert!(actions >= 40, "{code}: {actions} actions");
        }
        assert!(
            nodes.iter().any(|n| n.data.kind == NodeKind::Objective),
            "{code} has no objective"
        );
    }
}

#[tokio::test]
async fn the_eight_epcis_and_their_communes_are_bundled() {
    let db = loaded().await;
    let epcis = all::<Territory>(&db.store, ListQuery::default().eq("level", "epci")).await;
    let sirens: HashSet<&str> = epcis.iter().map(|t| t.data.code.as_str()).collect();
    assert_eq!(sirens, EPCI_SIRENS.into_iter().collect());
    let epci_ids: HashSet<i64> = epcis.iter().map(|t| t.id).collect();
    let communes = all::<Territory>(&db.store, ListQuery::default().eq("level", "commune")).await;
    assert_eq!(communes.len(), 336);
    assert!(
        communes
            .iter()
            .all(|c| c.data.parent_id.is_some_and(|p| epci_ids.contains(&p)))
    );
    let population: i64 = communes.iter().filter_map(|c| c.data.population).sum();
    assert!(
        (1_100_000..1_400_000).contains(&population),
        "population of the 8 EPCIs: {population}"
    );
}

#[tokio::test]
async fn the_deliberation_of_23_june_2025_was_adopted_78_0_0() {
    let db = loaded().await;
    let found = all::<Deliberation>(&db.store, ListQuery::default().eq("number", "2025-246")).await;
    let deliberation = &found.first().expect("deliberation 2025-246").data;
    assert_eq!(
        (
            deliberation.votes_for,
            deliberation.votes_against,
            deliberation.abstentions
        ),
        (78, 0, 0)
    );
    assert!(deliberation.adopted);
    assert_eq!(deliberation.decided_on.to_string(), "2025-06-23");
    assert_eq!(deliberation.members_present + deliberation.proxies, 78);
}

#[tokio::test]
#[ignore = "needs RENOUVEAU_SOURCE_DOCUMENT, the path of the programme's source document"]
async fn every_bundled_figure_is_stated_where_it_points_in_the_source_document() {
    let seed = crate::source_document::path();
    let db = loaded().await;
    let before = verify_sources(db.store.db()).await.unwrap();
    assert!(before.iter().all(|c| c.status == SourceStatus::NoText));

    let added = add_document(&db.store, &seed, &Actor::system("test"))
        .await
        .unwrap();
    assert_eq!(
        added.added,
        Added::TextAttached,
        "the seed is the bundled source document"
    );

    let checks = verify_sources(db.store.db()).await.unwrap();
    let wrong: Vec<_> = checks
        .iter()
        .filter(|c| c.status != SourceStatus::Stated)
        .collect();
    assert!(
        wrong.is_empty(),
        "figures not stated by their passage: {wrong:#?}"
    );
    // Every figure cell of the data files that carries provenance is checked.
    let figure_cells = DATA_FILES
        .iter()
        .filter(|f| f.name.ends_with(".csv"))
        .map(|f| f.text.lines().filter(|l| l.contains(',')).count())
        .sum::<usize>();
    assert!(
        checks.len() > 200 && checks.len() < figure_cells,
        "{} checks",
        checks.len()
    );

    let again = add_document(&db.store, &seed, &Actor::system("test"))
        .await
        .unwrap();
    assert_eq!(again.added, Added::AlreadyThere);
}

#[tokio::test]
async fn the_seed_disagreements_are_found() {
    let db = loaded().await;
    let found = disagreements(db.store.db()).await.unwrap();
    let same_period: Vec<_> = found
        .iter()
        .filter(|d| d.kind == DisagreementKind::SamePeriod)
        .collect();
    assert_eq!(same_period.len(), 1, "{found:#?}");
    let values: Vec<f64> = same_period[0].values.iter().map(|v| v.value).collect();
    assert_eq!(values, vec![330.0, 500.0]);
    assert!(
        found
            .iter()
            .any(|d| matches!(d.kind, DisagreementKind::PaceBreak { .. })
                && d.indicator.contains("insertion")),
        "{found:#?}"
    );
}

#[tokio::test]
async fn loading_twice_changes_nothing() {
    let db = loaded().await;
    let audit_rows = |store: &Store| {
        let db = store.db().clone();
        async move {
            let mut tx = db.read().await.unwrap();
            renouveau_store::audit::count(&mut tx).await.unwrap()
        }
    };
    let before = audit_rows(&db.store).await;
    let report = load_bundle(&db.store, &Actor::system("test"))
        .await
        .unwrap();
    assert_eq!(report.total_created(), 0, "{report:?}");
    assert!(report.total_kept() > 1000);
    assert_eq!(audit_rows(&db.store).await, before);
}
