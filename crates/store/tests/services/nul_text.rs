//! The NUL character: PostgreSQL cannot store it in text, SQLite can. Both refuse it alike, as
//! an invalid field, on writes, list filters, searches and account look-ups.

use renouveau_domain::{FieldErrorKind, Operation};
use renouveau_store::{ListQuery, StoreError, accounts};

use super::{Fixture, admin};

fn is_nul_refusal<T: std::fmt::Debug>(result: Result<T, StoreError>, field: &str) {
    match result {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.kind, FieldErrorKind::NulCharacter);
            assert_eq!(e.field, field);
        }
        other => panic!("expected a NUL refusal on {field}, got {other:?}"),
    }
}

#[tokio::test]
async fn nul_characters_are_refused_on_every_path_of_both_backends() {
    let f = Fixture::new().await;
    let operations = f.db.records::<Operation>();

    let mut titled = f.operation.data.clone();
    titled.title = "École\0Jules Elby".into();
    is_nul_refusal(
        operations
            .update(&admin(), f.operation.id, f.operation.version, titled)
            .await,
        "title",
    );
    let unchanged = operations.get(f.operation.id).await.unwrap();
    assert_eq!(unchanged.version, f.operation.version, "nothing written");

    is_nul_refusal(
        operations.list(&ListQuery::default().search("a\0b")).await,
        "texte",
    );
    is_nul_refusal(
        operations
            .list(&ListQuery::default().eq("title", "a\0"))
            .await,
        "texte",
    );
    is_nul_refusal(
        accounts::user_by_email(f.db.db(), "x\0@exemple.fr").await,
        "texte",
    );
}
