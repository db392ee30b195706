//! `init --demo` brings the map with no option: the territory open data is in the binary.
//! `--territory DIR` and `territory import DIR` read a folder instead.

use std::path::Path;

use renouveau_store::testing::{TestDb, backend};

use super::{renouveau, stderr, stdout};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/territoire");

async fn outlines_and_territories(db: &TestDb) -> (i64, i64) {
    let shapes = renouveau_store::imports::count_shapes(db.db())
        .await
        .unwrap();
    let mut tx = db.db().read().await.unwrap();
    let territories = tx
        .fetch_count("SELECT COUNT(*) FROM territory", &[])
        .await
        .unwrap();
    (shapes, territories)
}

#[tokio::test]
async fn init_demo_loads_the_bundled_territory_and_again_changes_nothing() {
    let unmigrated = TestDb::unmigrated(backend()).await;
    let url = unmigrated.url.clone();
    let first = renouveau(&url, &["init", "--demo"]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).contains("Territoire importé : 1534 commune(s), 8 EPCI, 59 cité(s)"),
        "{}",
        stdout(&first)
    );
    let db = unmigrated.open().await;
    let loaded = outlines_and_territories(&db).await;
    assert!(loaded.0 > 1500, "{loaded:?}");

    let second = renouveau(&url, &["init", "--demo"]);
    assert!(second.status.success(), "{second:?}");
    assert!(
        stdout(&second).contains("; 0 créé(s), 0 mis à jour"),
        "{}",
        stdout(&second)
    );
    assert_eq!(outlines_and_territories(&db).await, loaded);
}

#[tokio::test]
async fn territory_import_reads_the_bundled_data_or_the_folder_given() {
    let db = TestDb::new().await;
    let bundled = renouveau(&db.url, &["territory", "import"]);
    assert!(bundled.status.success(), "{bundled:?}");
    assert!(
        stdout(&bundled).contains("1534 commune(s)") && stdout(&bundled).contains("0 inchangé(s)"),
        "{}",
        stdout(&bundled)
    );
    let loaded = outlines_and_territories(&db).await;

    let folder = renouveau(&db.url, &["territory", "import", DATA]);
    assert!(folder.status.success(), "{folder:?}");
    assert!(
        stdout(&folder).contains("; 0 créé(s), 0 mis à jour"),
        "{}",
        stdout(&folder)
    );
    assert_eq!(outlines_and_territories(&db).await, loaded);
}

#[tokio::test]
async fn a_territory_folder_replaces_the_bundled_data() {
    let unmigrated = TestDb::unmigrated(backend()).await;
    let url = unmigrated.url.clone();
    let missing = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/no-such-territory");
    assert!(!Path::new(missing).exists());

    let init = renouveau(&url, &["init", "--demo", "--territory", missing]);
    assert!(!init.status.success(), "{init:?}");
    assert!(
        stderr(&init).contains(&format!(
            "Impossible de lire {}",
            Path::new(missing).join("epci-bassin-minier.json").display()
        )),
        "{}",
        stderr(&init)
    );
    let db = unmigrated.open().await;
    assert_eq!(outlines_and_territories(&db).await.0, 0);
}
