//! The territory open-data import, on the real files of `data/territoire`: embedded in the
//! binary, or read from the folder.

use std::collections::HashSet;
use std::path::Path;

use renouveau_domain::{Actor, Territory};
use renouveau_ingest::territory::{TerritorySource, file_names, import_territory};
use renouveau_store::testing::TestDb;
use renouveau_store::{ListQuery, Record, Store};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/territoire");

fn folder() -> TerritorySource<'static> {
    TerritorySource::Folder(Path::new(DATA))
}

fn actor() -> Actor {
    Actor::system("test")
}

async fn of_level(store: &Store, level: &str) -> Vec<Record<Territory>> {
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let query = ListQuery::default().eq("level", level).page(page, 500);
        let found = store.records::<Territory>().list(&query).await.unwrap();
        all.extend(found.items);
        if all.len() >= usize::try_from(found.total).unwrap() {
            return all;
        }
        page += 1;
    }
}

async fn count_territories(store: &Store) -> i64 {
    let query = ListQuery::default().page(1, 1);
    store
        .records::<Territory>()
        .list(&query)
        .await
        .unwrap()
        .total
}

fn erbm_sirens() -> HashSet<String> {
    let text = std::fs::read_to_string(Path::new(DATA).join("epci-bassin-minier.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["epci"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["siren"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_bundled_open_data_gives_every_level_with_outlines() {
    let db = TestDb::new().await;
    let report = import_territory(&db.store, TerritorySource::Bundled, &actor())
        .await
        .unwrap();
    assert!(
        report.unplaced_cites.is_empty(),
        "{:?}",
        report.unplaced_cites
    );
    assert_eq!(
        (report.epcis, report.communes, report.cites, report.zones),
        (8, 1534, 59, 3)
    );
    assert_eq!(report.created, 1 + 2 + 8 + 1534 + 59 + 3);
    assert_eq!((report.updated, report.unchanged), (0, 0));
    assert!(report.shapes > 1500, "{} shapes", report.shapes);

    let epcis = of_level(&db.store, "epci").await;
    let sirens: HashSet<String> = epcis.iter().map(|e| e.data.code.clone()).collect();
    assert_eq!(sirens, erbm_sirens());
    let epci_ids: HashSet<i64> = epcis.iter().map(|e| e.id).collect();

    let communes = of_level(&db.store, "commune").await;
    assert_eq!(communes.len(), 1534);
    let in_erbm = communes
        .iter()
        .filter(|c| c.data.parent_id.is_some_and(|p| epci_ids.contains(&p)))
        .count();
    assert_eq!(in_erbm, 336);
    assert!(communes.iter().all(|c| c.data.parent_id.is_some()));

    let cites = of_level(&db.store, "cite").await;
    assert_eq!(cites.len(), 59);
    let commune_ids: HashSet<i64> = communes.iter().map(|c| c.id).collect();
    assert!(
        cites
            .iter()
            .all(|c| c.data.parent_id.is_some_and(|p| commune_ids.contains(&p)))
    );
    // Those whose id_lsm has an id_unesco in cites-minieres.geojson.
    assert_eq!(cites.iter().filter(|c| c.data.unesco).count(), 28);

    let zones: HashSet<String> = of_level(&db.store, "zone")
        .await
        .into_iter()
        .map(|z| z.data.code)
        .collect();
    let expected: HashSet<String> = ["unesco-1360", "unesco-tampon", "mbm"]
        .map(String::from)
        .into();
    assert_eq!(zones, expected);

    let shapes = renouveau_store::imports::count_shapes(db.store.db())
        .await
        .unwrap();
    assert_eq!(shapes, i64::try_from(report.shapes).unwrap());
    let epci_shapes = renouveau_store::imports::shapes_of_level(db.store.db(), "epci")
        .await
        .unwrap();
    assert_eq!(epci_shapes.len(), 8);
    for shape in &epci_shapes {
        let [min_lon, min_lat, max_lon, max_lat] = shape.bbox;
        assert!(
            (1.5..4.5).contains(&min_lon) && min_lon < max_lon,
            "{:?}",
            shape.bbox
        );
        assert!(
            (49.5..51.5).contains(&min_lat) && min_lat < max_lat,
            "{:?}",
            shape.bbox
        );
        assert!(shape.geometry.starts_with(r#"{"type":"#));
    }
}

#[tokio::test]
async fn importing_twice_changes_nothing() {
    let db = TestDb::new().await;
    let first = import_territory(&db.store, TerritorySource::Bundled, &actor())
        .await
        .unwrap();
    let count = count_territories(&db.store).await;
    // The folder holds what the binary embeds: reading it instead finds everything unchanged.
    let second = import_territory(&db.store, folder(), &actor())
        .await
        .unwrap();
    assert_eq!((second.created, second.updated), (0, 0));
    assert_eq!(second.unchanged, first.created);
    assert_eq!(second.shapes, first.shapes);
    assert_eq!(count_territories(&db.store).await, count);
}

#[tokio::test]
async fn a_folder_without_the_files_writes_nothing() {
    let db = TestDb::new().await;
    let elsewhere = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let error = import_territory(&db.store, TerritorySource::Folder(&elsewhere), &actor())
        .await
        .unwrap_err();
    assert!(
        matches!(error, renouveau_ingest::IngestError::Io { .. }),
        "{error}"
    );
    assert_eq!(count_territories(&db.store).await, 0);
}

#[tokio::test]
async fn a_malformed_file_is_reported_with_its_line_and_writes_nothing() {
    let db = TestDb::new().await;
    let copy = tempfile::tempdir().unwrap();
    copy_folder(Path::new(DATA), copy.path());
    let broken = copy.path().join("bassin-minier/zone-tampon.geojson");
    std::fs::write(
        &broken,
        "{\n\"type\": \"FeatureCollection\",\n\"features\": [{]}",
    )
    .unwrap();
    let error = import_territory(&db.store, TerritorySource::Folder(copy.path()), &actor())
        .await
        .unwrap_err();
    match &error {
        renouveau_ingest::IngestError::Data { file, line, .. } => {
            assert_eq!(
                (file.as_str(), *line),
                ("bassin-minier/zone-tampon.geojson", 3)
            );
        }
        other => panic!("expected a data error, got {other}"),
    }
    assert_eq!(count_territories(&db.store).await, 0);
}

fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir(&target).unwrap();
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[tokio::test]
async fn cites_get_the_bundled_landlord_when_they_have_one() {
    use renouveau_domain::{Organisation, OrganisationKind, RoleSet};
    use renouveau_store::imports::{OnExisting, upsert_in};

    let db = TestDb::new().await;
    let mut tx = db.store.db().write().await.unwrap();
    let landlord = Organisation {
        name: "Maisons et Cités".to_string(),
        short_name: None,
        kind: OrganisationKind::Landlord,
        siren: None,
        siret: None,
        roles: RoleSet::default(),
    };
    let (landlord_id, _) = upsert_in(
        &mut tx,
        &actor(),
        renouveau_ingest::keys::BUNDLE_SOURCE,
        "maisons-et-cites",
        landlord,
        OnExisting::Keep,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    import_territory(&db.store, folder(), &actor())
        .await
        .unwrap();
    let cites = of_level(&db.store, "cite").await;
    let owned = cites
        .iter()
        .filter(|c| c.data.landlord_id == Some(landlord_id))
        .count();
    // 38 "Maisons et Cités"; the 15 shared with SIA and the 6 of SIA (not bundled here) have none.
    assert_eq!(owned, 38);
    assert_eq!(
        cites
            .iter()
            .filter(|c| c.data.landlord_id.is_none())
            .count(),
        21
    );
}

#[tokio::test]
async fn a_folder_is_read_instead_of_the_bundled_data() {
    let db = TestDb::new().await;
    import_territory(&db.store, TerritorySource::Bundled, &actor())
        .await
        .unwrap();
    let copy = tempfile::tempdir().unwrap();
    copy_folder(Path::new(DATA), copy.path());
    let communes = copy.path().join("communes-59-62.json");
    let text = std::fs::read_to_string(&communes).unwrap();
    assert!(text.contains("\"nom\": \"Lens\""));
    std::fs::write(
        &communes,
        text.replace("\"nom\": \"Lens\"", "\"nom\": \"Lens (nouveau millésime)\""),
    )
    .unwrap();

    let report = import_territory(&db.store, TerritorySource::Folder(copy.path()), &actor())
        .await
        .unwrap();
    assert_eq!((report.created, report.updated), (0, 1));
    let renamed: Vec<String> = of_level(&db.store, "commune")
        .await
        .into_iter()
        .filter(|c| c.data.code == "62498")
        .map(|c| c.data.name)
        .collect();
    assert_eq!(renamed, ["Lens (nouveau millésime)"]);
}

#[test]
fn the_territory_folder_holds_exactly_the_files_the_import_reads() {
    let mut found = Vec::new();
    list_files(Path::new(DATA), Path::new(""), &mut found);
    found.retain(|f| f != "README.md");
    found.sort();
    let mut read: Vec<String> = file_names().map(String::from).collect();
    read.sort();
    assert_eq!(found, read);
}

fn list_files(root: &Path, under: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(root.join(under)).unwrap() {
        let entry = entry.unwrap();
        let relative = under.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            list_files(root, &relative, found);
        } else {
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}
