//! The `renouveau` binary as a person runs it, on the backend the test run asks for.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use renouveau_store::testing::{TestDb, backend};

fn renouveau(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_renouveau"))
        .args(args)
        .env("RENOUVEAU_DATABASE_URL", database)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn migrate_twice_then_check() {
    let db = TestDb::unmigrated(backend()).await;

    let first = renouveau(&db.url, &["migrate"]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).contains("migration(s) appliquée(s)"),
        "{}",
        stdout(&first)
    );

    let second = renouveau(&db.url, &["--database", &db.url, "migrate"]);
    assert!(second.status.success(), "{second:?}");
    assert!(
        stdout(&second).contains("rien à faire"),
        "{}",
        stdout(&second)
    );

    let check = renouveau(&db.url, &["check"]);
    assert!(check.status.success(), "{check:?}");
    assert!(
        stdout(&check).starts_with("Base saine"),
        "{}",
        stdout(&check)
    );
}

#[tokio::test]
async fn check_fails_on_a_database_never_migrated() {
    let db = TestDb::unmigrated(backend()).await;
    let check = renouveau(&db.url, &["check"]);
    assert!(!check.status.success());
    assert!(
        stdout(&check).contains("lancez « renouveau migrate »"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn an_unknown_database_url_is_explained_in_french() {
    let out = renouveau("mysql://somewhere/db", &["migrate"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Adresse de base de données non reconnue"),
        "{stderr}"
    );
}
