//! The audit trail as a hash chain: what `audit::verify` finds after tampering, concurrent
//! writers, and the sealing of rows written before the chain existed.

use renouveau_store::Store;
use renouveau_store::audit::{self, BreakReason, ChainBreak, GENESIS_HASH};
use renouveau_store::db::{ColumnKind, SqlValue};

use super::{Fixture, admin, audit_rows, operation};

async fn audit_ids(db: &Store) -> Vec<i64> {
    let mut tx = db.db().read().await.unwrap();
    tx.fetch_all(
        "SELECT id FROM audit_log ORDER BY id",
        &[],
        &[ColumnKind::Int],
    )
    .await
    .unwrap()
    .into_iter()
    .map(|row| row[0].as_i64().unwrap())
    .collect()
}

async fn execute(db: &Store, sql: &str, params: &[SqlValue]) {
    let mut tx = db.db().write().await.unwrap();
    tx.execute(sql, params).await.unwrap();
    tx.commit().await.unwrap();
}

fn broken_at(row_id: i64, reason: BreakReason) -> Option<ChainBreak> {
    Some(ChainBreak { row_id, reason })
}

#[tokio::test]
async fn an_intact_chain_verifies() {
    let f = Fixture::new().await;
    let report = audit::verify(f.db.db()).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.rows_checked, audit_rows(&f.db).await as u64);

    let mut tx = f.db.db().read().await.unwrap();
    let last = tx
        .fetch_optional(
            "SELECT row_hash FROM audit_log ORDER BY id DESC LIMIT 1",
            &[],
            &[ColumnKind::Text],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last[0].as_str(), Some(report.head_hash.as_str()));
    assert_eq!(report.head_hash.len(), 64);
}

#[tokio::test]
async fn an_empty_chain_verifies_at_its_genesis() {
    let db = renouveau_store::testing::TestDb::new().await;
    let report = audit::verify(db.db()).await.unwrap();
    assert!(report.is_intact());
    assert_eq!(report.rows_checked, 0);
    assert_eq!(report.head_hash, GENESIS_HASH);
}

#[tokio::test]
async fn one_changed_byte_names_its_row() {
    let f = Fixture::new().await;
    let ids = audit_ids(&f.db).await;
    let target = ids[ids.len() / 2];
    let mut tx = f.db.db().read().await.unwrap();
    let after = tx
        .fetch_optional(
            "SELECT after_state FROM audit_log WHERE id = $1",
            &[target.into()],
            &[ColumnKind::Text],
        )
        .await
        .unwrap()
        .unwrap()[0]
        .as_str()
        .unwrap()
        .to_string();
    drop(tx);
    let position = after.find(':').unwrap() + 1;
    let mut changed = after.into_bytes();
    changed[position] ^= 0x01;
    let changed = String::from_utf8(changed).unwrap();
    execute(
        &f.db,
        "UPDATE audit_log SET after_state = $1 WHERE id = $2",
        &[changed.into(), target.into()],
    )
    .await;

    let report = audit::verify(f.db.db()).await.unwrap();
    assert_eq!(
        report.first_break,
        broken_at(target, BreakReason::ContentChanged)
    );
    assert_eq!(report.rows_checked, (ids.len() / 2) as u64);

    // `check` runs the same walk and names the row among its problems.
    let checked = renouveau_store::check::run(f.db.db()).await.unwrap();
    assert!(!checked.is_sound());
    assert!(
        checked
            .problems
            .iter()
            .any(|p| p.table == "audit_log" && p.record_id == Some(target)),
        "{:?}",
        checked.problems
    );
}

#[tokio::test]
async fn a_removed_row_names_the_row_after_it() {
    let f = Fixture::new().await;
    let ids = audit_ids(&f.db).await;
    let middle = ids.len() / 2;
    execute(
        &f.db,
        "DELETE FROM audit_log WHERE id = $1",
        &[ids[middle].into()],
    )
    .await;

    let report = audit::verify(f.db.db()).await.unwrap();
    assert_eq!(
        report.first_break,
        broken_at(ids[middle + 1], BreakReason::PreviousHashMismatch)
    );
}

#[tokio::test]
async fn removing_the_last_row_is_seen_at_the_head() {
    let f = Fixture::new().await;
    let ids = audit_ids(&f.db).await;
    execute(
        &f.db,
        "DELETE FROM audit_log WHERE id = $1",
        &[ids[ids.len() - 1].into()],
    )
    .await;

    let report = audit::verify(f.db.db()).await.unwrap();
    assert_eq!(
        report.first_break,
        broken_at(ids[ids.len() - 2], BreakReason::HeadMismatch)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_keep_one_chain() {
    const WRITERS: usize = 8;
    const WRITES_EACH: usize = 5;
    let f = Fixture::new().await;
    let before = audit_rows(&f.db).await;
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let store = f.db.store.clone();
            let (programme, lens, commune) = (f.programme, f.lens, f.commune);
            tokio::spawn(async move {
                for write in 0..WRITES_EACH {
                    let title = format!("Opération {writer}-{write}");
                    store
                        .records()
                        .create(&admin(), operation(programme, lens, Some(commune), &title))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }

    let report = audit::verify(f.db.db()).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(
        report.rows_checked,
        (before as usize + WRITERS * WRITES_EACH) as u64
    );
}

/// Makes the trail look as it did before the chain existed: no hashes, head at the genesis.
async fn unseal_everything(db: &Store) {
    execute(
        db,
        "UPDATE audit_log SET previous_hash = NULL, row_hash = NULL",
        &[],
    )
    .await;
    execute(
        db,
        "UPDATE audit_head SET head_hash = $1",
        &[GENESIS_HASH.into()],
    )
    .await;
}

#[tokio::test]
async fn rows_written_before_the_chain_are_sealed_when_the_store_opens() {
    let f = Fixture::new().await;
    let intact = audit::verify(f.db.db()).await.unwrap();
    unseal_everything(&f.db).await;
    assert_eq!(
        audit::verify(f.db.db()).await.unwrap().first_break,
        broken_at(audit_ids(&f.db).await[0], BreakReason::NotSealed)
    );

    let reopened = Store::open(&f.db.url).await.unwrap();
    let report = audit::verify(reopened.db()).await.unwrap();
    assert_eq!(report, intact, "sealing gives back the same chain");
    assert_eq!(audit::seal(reopened.db()).await.unwrap(), 0, "sealed once");
}

#[tokio::test]
async fn a_row_without_hash_inside_the_chain_is_reported_not_sealed_over() {
    let f = Fixture::new().await;
    let ids = audit_ids(&f.db).await;
    let target = ids[ids.len() / 2];
    execute(
        &f.db,
        "UPDATE audit_log SET previous_hash = NULL, row_hash = NULL WHERE id = $1",
        &[target.into()],
    )
    .await;

    let reopened = Store::open(&f.db.url).await.unwrap();
    let report = audit::verify(reopened.db()).await.unwrap();
    assert_eq!(
        report.first_break,
        broken_at(target, BreakReason::NotSealed)
    );
}

#[tokio::test]
async fn writes_after_a_seal_continue_the_chain() {
    let f = Fixture::new().await;
    unseal_everything(&f.db).await;
    let reopened = Store::open(&f.db.url).await.unwrap();
    reopened
        .records()
        .create(
            &admin(),
            operation(f.programme, f.lens, Some(f.commune), "Après le scellement"),
        )
        .await
        .unwrap();
    let report = audit::verify(reopened.db()).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.rows_checked, audit_rows(&f.db).await as u64);
}
