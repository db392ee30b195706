//! The `renouveau` binary as a person runs it, on the backend the test run asks for.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use renouveau_domain::{Actor, Programme};
use renouveau_store::db::SqlValue;
use renouveau_store::testing::{TestDb, backend};
use renouveau_store::{Backend, Db};

// Beside this file rather than in `tests/`, where each would become a test binary of its own.
#[path = "cli/demo.rs"]
mod demo;
#[path = "cli/faults.rs"]
mod faults;
#[path = "cli/server.rs"]
mod server;

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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn execute(db: &TestDb, sql: &str, params: &[SqlValue]) {
    let mut tx = db.db().write().await.unwrap();
    tx.execute(sql, params).await.unwrap();
    tx.commit().await.unwrap();
}

fn programme(code: &str) -> Programme {
    Programme {
        code: code.into(),
        name: format!("Programme {code}"),
        description: None,
        start_on: "2017-03-07".parse().unwrap(),
        end_on: "2027-12-31".parse().unwrap(),
    }
}

#[tokio::test]
async fn audit_verify_prints_the_head_and_names_a_changed_row() {
    let db = TestDb::new().await;
    let actor = Actor::system("test");
    for code in ["a", "b", "c"] {
        db.records().create(&actor, programme(code)).await.unwrap();
    }
    let head = renouveau_store::audit::verify(db.db())
        .await
        .unwrap()
        .head_hash;

    let intact = renouveau(&db.url, &["audit", "verify"]);
    let sound = renouveau(&db.url, &["check"]);
    assert!(
        stdout(&sound).contains("journal d'audit intact (3 ligne(s))"),
        "{sound:?}"
    );
    assert!(intact.status.success(), "{intact:?}");
    assert!(
        stdout(&intact).contains("3 ligne(s) vérifiée(s)") && stdout(&intact).contains(&head),
        "{}",
        stdout(&intact)
    );

    execute(
        &db,
        "UPDATE audit_log SET after_state = REPLACE(after_state, 'Programme b', 'Programme B') \
         WHERE id = (SELECT MIN(id) + 1 FROM audit_log)",
        &[],
    )
    .await;
    let broken = renouveau(&db.url, &["audit", "verify"]);
    assert!(!broken.status.success(), "{broken:?}");
    let second_row = renouveau_store::audit::verify(db.db())
        .await
        .unwrap()
        .first_break
        .unwrap()
        .row_id;
    assert!(
        stdout(&broken).contains(&format!("altéré à la ligne n°{second_row} : le contenu")),
        "{}",
        stdout(&broken)
    );
    // `check` walks the same chain and fails on it too.
    let checked = renouveau(&db.url, &["check"]);
    assert!(!checked.status.success(), "{checked:?}");
    assert!(
        stdout(&checked).contains(&format!(
            "audit_log n°{second_row} : journal d'audit altéré"
        )),
        "{}",
        stdout(&checked)
    );
}

/// A SQLite database loaded with the bundled programme, left open like a running server's.
async fn open_demo_database() -> TestDb {
    let db = TestDb::unmigrated(Backend::Sqlite).await.open().await;
    let init = renouveau(&db.url, &["init", "--demo"]);
    assert!(init.status.success(), "{init:?}");
    db
}

/// The test database's own temporary folder.
fn folder(db: &TestDb) -> PathBuf {
    let file = PathBuf::from(db.url.trim_start_matches("sqlite://"));
    file.parent().unwrap().to_path_buf()
}

fn beside(db: &TestDb, name: &str) -> PathBuf {
    folder(db).join(name)
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// What `check` and `audit verify` print about a database: its record count, audit rows and head.
fn summary(url: &str) -> (String, String) {
    let check = renouveau(url, &["check"]);
    assert!(check.status.success(), "{check:?}");
    let audit = renouveau(url, &["audit", "verify"]);
    assert!(audit.status.success(), "{audit:?}");
    (stdout(&check), stdout(&audit))
}

fn folder_entries(db: &TestDb) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder(db))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_backup_of_an_open_database_checks_like_it_and_is_never_overwritten() {
    let db = open_demo_database().await;
    let out = beside(&db, "sauvegarde.db");

    let backup = renouveau(&db.url, &["backup", "--out", out.to_str().unwrap()]);
    assert!(backup.status.success(), "{backup:?}");
    assert!(
        stdout(&backup).starts_with("Sauvegarde écrite"),
        "{}",
        stdout(&backup)
    );
    let original = summary(&db.url);
    assert!(original.0.starts_with("Base saine"), "{}", original.0);
    assert_eq!(summary(&sqlite_url(&out)), original);

    let written = std::fs::read(&out).unwrap();
    let again = renouveau(&db.url, &["backup", "--out", out.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("existe déjà"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&out).unwrap(), written, "left as it was");
}

#[tokio::test]
async fn restore_brings_back_the_backed_up_state() {
    let db = open_demo_database().await;
    let out = beside(&db, "sauvegarde.db");
    let backup = renouveau(&db.url, &["backup", "--out", out.to_str().unwrap()]);
    assert!(backup.status.success(), "{backup:?}");
    let backed_up = summary(&db.url);

    db.records()
        .create(&Actor::system("test"), programme("après-sauvegarde"))
        .await
        .unwrap();
    assert_ne!(summary(&db.url), backed_up);
    db.db().close().await;
    let files_before = folder_entries(&db);

    let restore = renouveau(&db.url, &["restore", "--from", out.to_str().unwrap()]);
    assert!(restore.status.success(), "{restore:?}");
    assert!(
        stdout(&restore).contains("restaurée depuis"),
        "{}",
        stdout(&restore)
    );
    assert_eq!(folder_entries(&db), files_before, "nothing left beside");
    assert_eq!(summary(&db.url), backed_up);
}

#[tokio::test]
async fn restore_replaces_a_database_that_no_longer_opens() {
    let db = open_demo_database().await;
    let out = beside(&db, "sauvegarde.db");
    let backup = renouveau(&db.url, &["backup", "--out", out.to_str().unwrap()]);
    assert!(backup.status.success(), "{backup:?}");
    let backed_up = summary(&db.url);
    db.db().close().await;
    std::fs::write(beside(&db, "test.db"), "abîmé\n".repeat(1000)).unwrap();
    assert!(!renouveau(&db.url, &["check"]).status.success());

    let restore = renouveau(&db.url, &["restore", "--from", out.to_str().unwrap()]);
    assert!(restore.status.success(), "{restore:?}");
    assert_eq!(summary(&db.url), backed_up);
}

#[tokio::test]
async fn restoring_a_non_database_or_a_tampered_backup_is_refused() {
    let db = open_demo_database().await;
    let out = beside(&db, "sauvegarde.db");
    let backup = renouveau(&db.url, &["backup", "--out", out.to_str().unwrap()]);
    assert!(backup.status.success(), "{backup:?}");
    let tampered = Db::connect(&sqlite_url(&out)).await.unwrap();
    let mut tx = tampered.write().await.unwrap();
    tx.execute(
        "UPDATE audit_log SET after_state = after_state || ' ' WHERE id = 2",
        &[],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    tampered.close().await;
    let text = beside(&db, "notes.txt");
    std::fs::write(&text, "ceci n'est pas une base de données\n".repeat(200)).unwrap();

    db.db().close().await;
    let database = beside(&db, "test.db");
    let bytes_before = std::fs::read(&database).unwrap();
    let files_before = folder_entries(&db);

    let not_a_database = renouveau(&db.url, &["restore", "--from", text.to_str().unwrap()]);
    assert!(!not_a_database.status.success());
    assert!(
        stderr(&not_a_database).contains("n'est pas une base SQLite lisible"),
        "{}",
        stderr(&not_a_database)
    );

    let broken_chain = renouveau(&db.url, &["restore", "--from", out.to_str().unwrap()]);
    assert!(!broken_chain.status.success());
    assert!(
        stderr(&broken_chain).contains("journal d'audit de")
            && stderr(&broken_chain).contains("altéré à la ligne n°2 ("),
        "{}",
        stderr(&broken_chain)
    );

    assert_eq!(std::fs::read(&database).unwrap(), bytes_before);
    assert_eq!(folder_entries(&db), files_before, "nothing left beside");
}

#[test]
fn postgres_backups_are_left_to_pg_dump_and_pg_restore() {
    let url = "postgres://nobody@127.0.0.1:1/none";
    let backup = renouveau(url, &["backup", "--out", "jamais-ecrit.db"]);
    assert!(!backup.status.success());
    assert!(stderr(&backup).contains("pg_dump"), "{}", stderr(&backup));
    assert!(!Path::new("jamais-ecrit.db").exists());

    let restore = renouveau(url, &["restore", "--from", "Cargo.toml"]);
    assert!(!restore.status.success());
    assert!(
        stderr(&restore).contains("pg_restore"),
        "{}",
        stderr(&restore)
    );
}

/// Accounts from the command line: the password rules, then a token's life (made, listed without
/// its secret, revoked, refused).
#[tokio::test]
async fn user_add_enforces_the_password_rules_and_tokens_are_listed_and_revoked() {
    use renouveau_domain::{Organisation, OrganisationKind, OrganisationRole, RoleSet};

    let db = TestDb::new().await;
    db.records::<Organisation>()
        .create(
            &Actor::system("test"),
            Organisation {
                name: "CA de Lens-Liévin".into(),
                short_name: Some("CALL".into()),
                kind: OrganisationKind::Epci,
                siren: Some("246200364".parse().unwrap()),
                siret: None,
                roles: RoleSet::new([OrganisationRole::Funder]),
            },
        )
        .await
        .unwrap();
    let email = "marie.dupont@exemple.fr";
    let add = |password: &str| {
        renouveau(
            &db.url,
            &[
                "user",
                "add",
                "--email",
                email,
                "--org",
                "CALL",
                "--role",
                "editor",
                "--password",
                password,
            ],
        )
    };
    for (password, rule) in [
        ("Court 1", "au moins 12\u{a0}caractères"),
        ("azertyuiop12", "trop facile à deviner"),
        ("Marie.Dupont 2025", "adresse électronique"),
    ] {
        let refused = add(password);
        assert!(!refused.status.success(), "{password}");
        assert!(stderr(&refused).contains(rule), "{}", stderr(&refused));
    }
    let added = add("Lanterne, chevalement et 7 violettes");
    assert!(added.status.success(), "{}", stderr(&added));

    let created = renouveau(
        &db.url,
        &["token", "create", "--email", email, "--days", "30"],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let shown = stdout(&created);
    assert!(shown.contains("valable jusqu'au"), "{shown}");
    let secret = shown.lines().last().unwrap().to_string();
    let (prefix, rest) = secret.split_at(12);
    assert!(prefix.starts_with("rnv_"));

    let list = |db: &TestDb| stdout(&renouveau(&db.url, &["token", "list", "--email", email]));
    let listed = list(&db);
    assert!(
        listed.contains(prefix) && listed.contains("actif"),
        "{listed}"
    );
    assert!(!listed.contains(rest), "the secret is never shown again");

    let revoked = renouveau(&db.url, &["token", "revoke", "--prefix", prefix]);
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    assert!(stdout(&revoked).contains("révoqué"));
    assert!(list(&db).contains("révoqué le"), "{}", list(&db));
    let hash = renouveau_web::auth::secret::hash_token(&secret);
    let user = renouveau_store::accounts::token_user(db.db(), &hash)
        .await
        .unwrap();
    assert_eq!(user, None, "a revoked token acts for nobody");

    let unknown = renouveau(&db.url, &["token", "revoke", "--id", "999"]);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("aucun jeton d'API n'a le numéro 999"));
}

/// Accounts as an administrator runs them from the command line: list, role and organisation,
/// disable (sessions closed, tokens suspended) and enable, a one-time reset link, the purge.
#[tokio::test]
async fn users_are_listed_changed_disabled_enabled_and_sent_a_reset_link() {
    use renouveau_domain::{Organisation, OrganisationKind, OrganisationRole, RoleSet};
    use renouveau_store::accounts;
    use renouveau_web::auth::secret::hash_token;

    let db = TestDb::new().await;
    for (name, short, siren) in [
        ("CA de Lens-Liévin", "CALL", "246200364"),
        ("Douaisis Agglo", "DA", "200044618"),
    ] {
        db.records::<Organisation>()
            .create(
                &Actor::system("test"),
                Organisation {
                    name: name.into(),
                    short_name: Some(short.into()),
                    kind: OrganisationKind::Epci,
                    siren: Some(siren.parse().unwrap()),
                    siret: None,
                    roles: RoleSet::new([OrganisationRole::Funder]),
                },
            )
            .await
            .unwrap();
    }
    let run = |args: &[&str]| {
        let out = renouveau(&db.url, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let email = "marie.dupont@exemple.fr";
    for (who, role) in [("chef@exemple.fr", "admin"), (email, "editor")] {
        run(&[
            "user", "add", "--email", who, "--org", "CALL", "--role", role,
        ]);
    }
    let listed = run(&["user", "list"]);
    assert!(
        listed.contains("marie.dupont@exemple.fr\tCA de Lens-Liévin\teditor\tactif\tjamais"),
        "{listed}"
    );

    let set = run(&[
        "user", "set", "--email", email, "--role", "reader", "--org", "DA",
    ]);
    assert!(set.contains("Lecteur de Douaisis Agglo"), "{set}");
    let neither = renouveau(&db.url, &["user", "set", "--email", email]);
    assert!(!neither.status.success(), "a change must be named");
    let unknown_role = renouveau(
        &db.url,
        &["user", "set", "--email", email, "--role", "chef"],
    );
    assert!(stderr(&unknown_role).contains("rôle inconnu"));

    let marie = accounts::user_by_email(db.db(), email)
        .await
        .unwrap()
        .unwrap();
    let token = run(&["token", "create", "--email", email]);
    let token = hash_token(token.lines().last().unwrap());
    accounts::open_session(db.db(), marie.id, "session-marie", "csrf", chrono_in(3600))
        .await
        .unwrap();
    assert!(run(&["user", "disable", "--email", email]).contains("désactivé"));
    assert!(run(&["user", "disable", "--email", email]).contains("déjà désactivé"));
    assert_eq!(
        accounts::session_user(db.db(), "session-marie")
            .await
            .unwrap(),
        None
    );
    assert_eq!(accounts::token_user(db.db(), &token).await.unwrap(), None);
    assert!(run(&["token", "list", "--email", email]).contains("suspendu"));
    assert!(run(&["user", "list"]).contains("\tdésactivé\t"));
    let refused = renouveau(&db.url, &["user", "reset-password", "--email", email]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("désactivé"),
        "{}",
        stderr(&refused)
    );

    assert!(run(&["user", "enable", "--email", email]).contains("réactivé"));
    assert!(
        accounts::token_user(db.db(), &token)
            .await
            .unwrap()
            .is_some()
    );
    let last_admin = renouveau(&db.url, &["user", "disable", "--email", "chef@exemple.fr"]);
    assert!(!last_admin.status.success());
    assert!(stderr(&last_admin).contains("au moins un administrateur"));

    let reset = run(&[
        "user",
        "reset-password",
        "--email",
        email,
        "--base-url",
        "https://renouveau.exemple.fr/",
    ]);
    let link = reset.lines().last().unwrap();
    let secret = link
        .strip_prefix("https://renouveau.exemple.fr/reinitialisation/")
        .unwrap_or_else(|| panic!("{reset}"));
    let found = accounts::password::password_reset_user(db.db(), &hash_token(secret))
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.id), Some(marie.id));
    let history: Vec<String> = {
        let mut tx = db.db().read().await.unwrap();
        renouveau_store::audit::history(&mut tx, "app_user", marie.id)
            .await
            .unwrap()
            .into_iter()
            .map(|step| format!("{} {}", step.action, step.actor_label))
            .collect()
    };
    assert_eq!(
        history,
        [
            "create system:cli",
            "update system:cli",
            "disable system:cli",
            "enable system:cli"
        ]
    );

    let purged = run(&["session", "purge"]);
    assert!(
        purged.starts_with("1 session(s) terminée(s) et 0 lien(s)"),
        "the session closed at disabling: {purged}"
    );
}

fn chrono_in(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + chrono::Duration::seconds(seconds)
}
