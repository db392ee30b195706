//! Transactions under concurrency (#12 finding 14): a unique key raced by concurrent creates is
//! the same refusal whichever check catches it, and a read transaction sees one state of the
//! database from its first query to its last.

use renouveau_domain::{Organisation, Programme};
use renouveau_store::{Backend, StoreError};
use tokio::task::JoinSet;

use super::{admin, date, organisation};

const RACERS: usize = 20;

/// Exactly one of the outcomes is a record; every other is a `Duplicate` on `field`.
fn assert_one_wins<T: std::fmt::Debug>(outcomes: Vec<Result<T, StoreError>>, field: &str) {
    let mut created = 0;
    for outcome in outcomes {
        match outcome {
            Ok(_) => created += 1,
            Err(StoreError::Invalid(e))
                if e.field == field && e.kind == renouveau_domain::FieldErrorKind::Duplicate => {}
            Err(other) => panic!("expected a duplicate `{field}`, got {other:?}"),
        }
    }
    assert_eq!(created, 1, "exactly one create wins");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_unique_key_are_refused_as_duplicates_not_database_errors() {
    let db = renouveau_store::testing::TestDb::new().await;

    // Distinct names, one SIREN.
    let mut racers = JoinSet::new();
    for i in 0..RACERS {
        let store = db.store.clone();
        racers.spawn(async move {
            let name = format!("Syndicat mixte numéro {}", i + 1);
            let short = format!("SM{:03}", i + 1);
            store
                .records::<Organisation>()
                .create(&admin(), organisation(&name, &short, "200044618"))
                .await
        });
    }
    assert_one_wins(racers.join_all().await, "siren");

    let mut racers = JoinSet::new();
    for i in 0..RACERS {
        let store = db.store.clone();
        racers.spawn(async move {
            store
                .records::<Programme>()
                .create(
                    &admin(),
                    Programme {
                        code: "erbm".into(),
                        name: format!("Programme {i}"),
                        description: None,
                        start_on: date("2017-03-07"),
                        end_on: date("2027-12-31"),
                    },
                )
                .await
        });
    }
    assert_one_wins(racers.join_all().await, "code");
}

#[tokio::test]
async fn a_read_transaction_sees_one_state_from_its_first_query_to_its_last() {
    let db = renouveau_store::testing::TestDb::new().await;
    let orgs = db.records::<Organisation>();
    orgs.create(&admin(), organisation("Douaisis Agglo", "DA", "200044618"))
        .await
        .unwrap();

    let mut read = db.db().read().await.unwrap();
    if read.backend() == Backend::Postgres {
        let setting = |name: &str| format!("SELECT current_setting('{name}')");
        let kinds = [renouveau_store::db::ColumnKind::Text];
        let isolation = read
            .fetch_optional(&setting("transaction_isolation"), &[], &kinds)
            .await
            .unwrap();
        let read_only = read
            .fetch_optional(&setting("transaction_read_only"), &[], &kinds)
            .await
            .unwrap();
        assert_eq!(isolation, Some(vec!["repeatable read".into()]));
        assert_eq!(read_only, Some(vec!["on".into()]));
    }
    let count = "SELECT COUNT(*) FROM organisation";
    assert_eq!(read.fetch_count(count, &[]).await.unwrap(), 1);

    // Another connection commits a record meanwhile: the open read does not see it.
    orgs.create(
        &admin(),
        organisation("CA de Lens-Liévin", "CALL", "246200364"),
    )
    .await
    .unwrap();
    assert_eq!(read.fetch_count(count, &[]).await.unwrap(), 1);
    drop(read);
    let mut fresh = db.db().read().await.unwrap();
    assert_eq!(fresh.fetch_count(count, &[]).await.unwrap(), 2);
}
