//! Search and sort as French users type: case, accents and typography do not matter, names
//! sort in French order with empty values last, and both backends give the same answers.

use renouveau_domain::*;
use renouveau_store::folding::FOLD_VERSION;
use renouveau_store::testing::TestDb;
use renouveau_store::{ListQuery, Record, summaries};

use super::admin;

fn partner(name: &str, short: Option<&str>) -> Organisation {
    Organisation {
        name: name.into(),
        short_name: short.map(Into::into),
        kind: OrganisationKind::Other,
        siren: None,
        siret: None,
        roles: RoleSet::new([OrganisationRole::Funder]),
    }
}

/// Partners whose names carry what French users do not type: accents, capitals, « & » and
/// typographic apostrophes. Created out of alphabetical order, so that id order is no answer.
async fn partners(db: &TestDb) -> Vec<Record<Organisation>> {
    let mut created = Vec::new();
    for (name, short) in [
        ("Maisons & Cités", None),
        ("Hôpital de Béthune", Some("Béthune")),
        ("État", Some("État")),
        ("Office public de l’habitat de Liévin", None),
        ("Mairie de Busnes", Some("Busnes")),
        ("Ville d'Arras", Some("arras")),
    ] {
        created.push(
            db.records::<Organisation>()
                .create(&admin(), partner(name, short))
                .await
                .unwrap(),
        );
    }
    created
}

async fn found(db: &TestDb, typed: &str) -> Vec<String> {
    db.records::<Organisation>()
        .list(&ListQuery::default().search(typed))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.data.name)
        .collect()
}

#[tokio::test]
async fn search_ignores_case_accents_and_typography() {
    let db = TestDb::new().await;
    partners(&db).await;
    for (typed, expected) in [
        ("hopital", "Hôpital de Béthune"),
        ("HÔPITAL", "Hôpital de Béthune"),
        ("bethune", "Hôpital de Béthune"),
        ("etat", "État"),
        ("lievin", "Office public de l’habitat de Liévin"),
        ("Liévin", "Office public de l’habitat de Liévin"),
        ("l'habitat", "Office public de l’habitat de Liévin"),
        ("l’habitat", "Office public de l’habitat de Liévin"),
        ("d’arras", "Ville d'Arras"),
        ("Maisons & Cités", "Maisons & Cités"),
        ("maisons et cites", "Maisons & Cités"),
        ("MAISONS&CITES", "Maisons & Cités"),
    ] {
        assert_eq!(found(&db, typed).await, [expected], "search {typed:?}");
    }
    assert!(found(&db, "hopital lievin").await.is_empty(), "every word");
    assert!(
        found(&db, "100%_").await.is_empty(),
        "wildcards are literal"
    );
}

async fn sorted(db: &TestDb, column: &str, descending: bool) -> Vec<Option<String>> {
    db.records::<Organisation>()
        .list(&ListQuery::default().sort_by(column, descending))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.data.short_name)
        .collect()
}

async fn ids_sorted(db: &TestDb, column: &str, descending: bool) -> Vec<i64> {
    db.records::<Organisation>()
        .list(&ListQuery::default().sort_by(column, descending))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.id)
        .collect()
}

#[tokio::test]
async fn names_sort_in_french_order_with_empty_values_last() {
    let db = TestDb::new().await;
    partners(&db).await;
    let some = |s: &str| Some(s.to_string());
    // The two without a short name tie: the id breaks the tie, in the sort's direction.
    assert_eq!(
        sorted(&db, "short_name", false).await,
        [
            some("arras"),
            some("Béthune"),
            some("Busnes"),
            some("État"),
            None,
            None
        ]
    );
    assert_eq!(
        sorted(&db, "short_name", true).await,
        [
            some("État"),
            some("Busnes"),
            some("Béthune"),
            some("arras"),
            None,
            None
        ]
    );
    let ascending = ids_sorted(&db, "name", false).await;
    let mut descending = ids_sorted(&db, "name", true).await;
    descending.reverse();
    assert_eq!(ascending, descending);
}

#[tokio::test]
async fn ties_and_missing_values_of_any_kind_sort_the_same_on_both_backends() {
    let db = TestDb::new().await;
    let created = partners(&db).await;
    // Missing short names tie on their key: the id breaks the tie in the sort's direction.
    let (first, fourth) = (created[0].id, created[3].id);
    assert_eq!(
        ids_sorted(&db, "short_name", false).await[4..],
        [first, fourth]
    );
    assert_eq!(
        ids_sorted(&db, "short_name", true).await[4..],
        [fourth, first]
    );

    // A missing SIREN (not text a person types) is last too, in both directions.
    let mut with_siren = partner("Avec SIREN", None);
    with_siren.siren = Some("130005481".parse().unwrap());
    let with_siren = db
        .records::<Organisation>()
        .create(&admin(), with_siren)
        .await
        .unwrap();
    for descending in [false, true] {
        let items = db
            .records::<Organisation>()
            .list(&ListQuery::default().sort_by("siren", descending))
            .await
            .unwrap()
            .items;
        assert_eq!(items[0].id, with_siren.id, "descending: {descending}");
    }
}

#[tokio::test]
async fn filter_lists_name_things_in_french_order() {
    let db = TestDb::new().await;
    partners(&db).await;
    let names: Vec<String> = summaries::organisation_names(db.db())
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
    assert_eq!(
        names,
        [
            "État",
            "Hôpital de Béthune",
            "Mairie de Busnes",
            "Maisons & Cités",
            "Office public de l’habitat de Liévin",
            "Ville d'Arras",
        ]
    );

    let region = Territory {
        level: TerritoryLevel::Region,
        code: "32".into(),
        name: "Hauts-de-France".into(),
        parent_id: None,
        population: None,
        landlord_id: None,
        unesco: false,
        tranche: None,
    };
    let region = db
        .records::<Territory>()
        .create(&admin(), region)
        .await
        .unwrap();
    for (code, name) in [
        ("246200299", "Évin-Malmaison"),
        ("200044618", "Douai"),
        ("200072460", "béthune"),
    ] {
        let epci = Territory {
            level: TerritoryLevel::Epci,
            code: code.into(),
            name: name.into(),
            parent_id: Some(region.id),
            population: None,
            landlord_id: None,
            unesco: false,
            tranche: None,
        };
        db.records::<Territory>()
            .create(&admin(), epci)
            .await
            .unwrap();
    }
    let territories: Vec<String> = summaries::territory_names(db.db())
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
    assert_eq!(territories, ["béthune", "Douai", "Évin-Malmaison"]);
}

async fn set_fold_version(db: &TestDb, version: i64) {
    let mut tx = db.db().write().await.unwrap();
    tx.execute(
        "UPDATE folded_text_version SET version = $1",
        &[version.into()],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn rows_folded_before_are_folded_again_and_check_finds_stale_ones() {
    let db = TestDb::new().await;
    let created = partners(&db).await;
    // As after migration 0008: twins empty, the folding never applied.
    let mut tx = db.db().write().await.unwrap();
    tx.execute(
        "UPDATE organisation SET name_folded = NULL, short_name_folded = NULL",
        &[],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    set_fold_version(&db, 0).await;
    assert!(found(&db, "etat").await.is_empty());
    // One problem for one cause: the folding to run again.
    let report = renouveau_store::check::run(db.db()).await.unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].message_fr.contains("renouveau migrate"));

    // Folded by this version, yet different: every such row is reported.
    set_fold_version(&db, FOLD_VERSION).await;
    let report = renouveau_store::check::run(db.db()).await.unwrap();
    assert_eq!(
        report.problems.len(),
        created.len(),
        "{:?}",
        report.problems
    );
    assert!(report.problems[0].message_fr.contains("recherche"));

    set_fold_version(&db, 0).await;
    let changed = renouveau_store::refold::refold_if_needed(db.db())
        .await
        .unwrap();
    assert_eq!(changed, created.len() as u64);
    assert_eq!(found(&db, "etat").await, ["État"]);
    let report = renouveau_store::check::run(db.db()).await.unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert_eq!(
        renouveau_store::refold::refold_if_needed(db.db())
            .await
            .unwrap(),
        0,
        "once folded, opening again does nothing"
    );
}
