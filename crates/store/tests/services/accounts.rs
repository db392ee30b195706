//! Accounts as administrators run them: list, role and organisation, disabling (sessions and
//! tokens stop at once), one-time reset links, one's own password, and the purge. Every change
//! leaves an audit row without any hash.

use chrono::{Duration, Utc};
use renouveau_domain::{Actor, FieldErrorKind, Role};
use renouveau_store::accounts::admin::{self, UserChange};
use renouveau_store::accounts::password::{self as passwords};
use renouveau_store::accounts::{self, NewApiToken, TokenState, User};
use renouveau_store::audit::{self, AuditEntry};
use renouveau_store::testing::TestDb;
use renouveau_store::{Db, StoreError};

use super::{Fixture, admin as system, assert_invalid, rows_in};

async fn user(db: &TestDb, email: &str, organisation: i64, role: Role) -> User {
    accounts::create_user(
        db.db(),
        &system(),
        email,
        organisation,
        role,
        Some(&format!("$argon2id$hash-of-{email}")),
    )
    .await
    .unwrap()
}

async fn session(db: &Db, user: &User, name: &str) -> String {
    let hash = format!("session-{name}");
    accounts::open_session(db, user.id, &hash, "csrf", Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    hash
}

async fn token(db: &Db, user: &User, name: &str) -> (i64, String) {
    let hash = format!("token-{name}");
    let id = accounts::create_api_token(
        db,
        &system(),
        user,
        NewApiToken {
            token_hash: &hash,
            prefix: "rnv_0000",
            expires_at: None,
        },
    )
    .await
    .unwrap();
    (id, hash)
}

async fn history(db: &TestDb, entity: &str, id: i64) -> Vec<AuditEntry> {
    let mut tx = db.db().read().await.unwrap();
    audit::history(&mut tx, entity, id).await.unwrap()
}

async fn signed_in(db: &Db, session: &str) -> bool {
    accounts::session_user(db, session).await.unwrap().is_some()
}

/// No audit row holds a password hash, a session's or a token's, nor a reset link's.
async fn assert_no_secret_in_audit(db: &TestDb) {
    let mut tx = db.db().read().await.unwrap();
    let rows = tx
        .fetch_all(
            "SELECT COALESCE(before_state, ''), after_state FROM audit_log",
            &[],
            &[
                renouveau_store::db::ColumnKind::Text,
                renouveau_store::db::ColumnKind::Text,
            ],
        )
        .await
        .unwrap();
    for row in rows {
        for state in row {
            let text = state.as_str().unwrap_or_default();
            for secret in ["$argon2id$", "session-", "token-", "reset-"] {
                assert!(
                    !text.contains(secret),
                    "{secret} in the audit trail: {text}"
                );
            }
        }
    }
}

#[tokio::test]
async fn users_are_listed_and_their_role_and_organisation_changed_with_audit_rows() {
    let f = Fixture::new().await;
    let db = &f.db;
    let chief = user(db, "chef@exemple.fr", f.lens, Role::Admin).await;
    let marie = user(db, "marie@exemple.fr", f.lens, Role::Editor).await;

    let listed = admin::list_users(db.db()).await.unwrap();
    let emails: Vec<&str> = listed.iter().map(|l| l.user.email.as_str()).collect();
    assert_eq!(emails, ["chef@exemple.fr", "marie@exemple.fr"]);
    assert_eq!(listed[1].organisation_name, "CA de Lens-Liévin");
    assert_eq!(listed[1].user.last_sign_in_at, None);
    session(db.db(), &marie, "marie").await;
    let listed = admin::list_users(db.db()).await.unwrap();
    assert!(
        listed[1].user.last_sign_in_at.is_some(),
        "sign-in remembered"
    );

    let (_, marie_token) = token(db.db(), &marie, "marie").await;
    let change = UserChange {
        role: Role::Reader,
        organisation_id: f.douai,
    };
    let changed = admin::update_user(db.db(), &chief.actor(), marie.id, Some(1), change)
        .await
        .unwrap();
    assert_eq!(
        (changed.role, changed.organisation_id),
        (Role::Reader, f.douai)
    );
    assert_eq!(changed.version, 2);
    assert_eq!(
        accounts::token_user(db.db(), &marie_token).await.unwrap(),
        None,
        "a token made for her former organisation acts no more"
    );

    // The version the administrator saw is checked.
    let stale = admin::update_user(db.db(), &chief.actor(), marie.id, Some(1), change).await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    assert_invalid(
        admin::update_user(
            db.db(),
            &chief.actor(),
            marie.id,
            Some(2),
            UserChange {
                organisation_id: 9999,
                ..change
            },
        )
        .await,
        "organisation_id",
        FieldErrorKind::UnknownReference {
            table: "organisation",
            id: 9999,
        },
    );

    let steps = history(db, "app_user", marie.id).await;
    let actions: Vec<&str> = steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["create", "update"]);
    assert_eq!(steps[1].record_version, 2);
    assert_eq!(steps[1].actor_label, "chef@exemple.fr");
    assert!(
        steps[1]
            .before_state
            .as_deref()
            .unwrap()
            .contains("\"editor\"")
    );
    assert!(steps[1].after_state.contains("\"reader\""));
    assert_no_secret_in_audit(db).await;
}

#[tokio::test]
async fn a_disabled_user_loses_sessions_and_tokens_at_once_and_gets_tokens_back_when_enabled() {
    let f = Fixture::new().await;
    let db = &f.db;
    let chief = user(db, "chef@exemple.fr", f.lens, Role::Admin).await;
    let marie = user(db, "marie@exemple.fr", f.lens, Role::Editor).await;
    let office = session(db.db(), &marie, "bureau").await;
    let phone = session(db.db(), &marie, "telephone").await;
    let chief_session = session(db.db(), &chief, "chef").await;
    let (_, marie_token) = token(db.db(), &marie, "marie").await;
    let reset = "reset-marie";
    passwords::create_password_reset(
        db.db(),
        &chief.actor(),
        marie.id,
        reset,
        Utc::now() + Duration::hours(1),
    )
    .await
    .unwrap();

    assert!(
        admin::disable_user(db.db(), &chief.actor(), marie.id)
            .await
            .unwrap()
    );
    assert!(!signed_in(db.db(), &office).await);
    assert!(!signed_in(db.db(), &phone).await);
    assert!(signed_in(db.db(), &chief_session).await, "only hers end");
    assert_eq!(
        accounts::token_user(db.db(), &marie_token).await.unwrap(),
        None
    );
    assert_eq!(
        passwords::password_reset_user(db.db(), reset)
            .await
            .unwrap(),
        None,
        "her pending reset link ends too"
    );
    let closed: i64 = {
        let mut tx = db.db().read().await.unwrap();
        tx.fetch_count(
            "SELECT COUNT(*) FROM user_session WHERE user_id = $1 AND expires_at <= $2",
            &[marie.id.into(), Utc::now().into()],
        )
        .await
        .unwrap()
    };
    assert_eq!(closed, 2, "closed in the database, not only refused");
    assert!(
        !admin::disable_user(db.db(), &chief.actor(), marie.id)
            .await
            .unwrap(),
        "disabled already"
    );
    assert!(
        matches!(
            passwords::create_password_reset(
                db.db(),
                &chief.actor(),
                marie.id,
                "reset-again",
                Utc::now() + Duration::hours(1),
            )
            .await,
            Err(StoreError::Invalid(_))
        ),
        "no reset link for a disabled account"
    );

    assert!(
        admin::enable_user(db.db(), &chief.actor(), marie.id)
            .await
            .unwrap()
    );
    assert!(!signed_in(db.db(), &office).await, "sessions stay closed");
    assert_eq!(
        accounts::token_user(db.db(), &marie_token)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(marie.id),
        "suspended tokens act again"
    );
    let actions: Vec<String> = history(db, "app_user", marie.id)
        .await
        .into_iter()
        .map(|s| s.action)
        .collect();
    assert_eq!(actions, ["create", "disable", "enable"]);
    assert_no_secret_in_audit(db).await;
}

#[tokio::test]
async fn the_last_enabled_administrator_is_neither_disabled_nor_demoted() {
    let f = Fixture::new().await;
    let db = &f.db;
    let chief = user(db, "chef@exemple.fr", f.lens, Role::Admin).await;
    let demote = UserChange {
        role: Role::Editor,
        organisation_id: f.lens,
    };
    assert_invalid(
        admin::disable_user(db.db(), &system(), chief.id).await,
        "disabled",
        FieldErrorKind::Inconsistent {
            reason: "il faut garder au moins un administrateur actif",
        },
    );
    assert!(matches!(
        admin::update_user(db.db(), &chief.actor(), chief.id, None, demote).await,
        Err(StoreError::Invalid(e)) if e.field == "role"
    ));
    let second = user(db, "adjoint@exemple.fr", f.douai, Role::Admin).await;
    assert!(
        admin::disable_user(db.db(), &chief.actor(), second.id)
            .await
            .unwrap()
    );
    assert!(
        admin::update_user(db.db(), &chief.actor(), chief.id, None, demote)
            .await
            .is_err(),
        "a disabled administrator does not count"
    );
    assert!(
        admin::enable_user(db.db(), &chief.actor(), second.id)
            .await
            .unwrap()
    );
    let demoted = admin::update_user(db.db(), &chief.actor(), chief.id, None, demote)
        .await
        .unwrap();
    assert_eq!(demoted.role, Role::Editor);
}

#[tokio::test]
async fn only_administrators_run_accounts() {
    let f = Fixture::new().await;
    let db = &f.db;
    user(db, "chef@exemple.fr", f.lens, Role::Admin).await;
    let marie = user(db, "marie@exemple.fr", f.lens, Role::Editor).await;
    let paul = user(db, "paul@exemple.fr", f.lens, Role::Editor).await;
    let editor = paul.actor();
    let forbidden = |r: Result<_, StoreError>| matches!(r, Err(StoreError::Forbidden { .. }));
    let change = UserChange {
        role: Role::Admin,
        organisation_id: f.lens,
    };
    assert!(forbidden(
        admin::update_user(db.db(), &editor, paul.id, None, change)
            .await
            .map(|_| ())
    ));
    assert!(forbidden(
        admin::disable_user(db.db(), &editor, marie.id)
            .await
            .map(|_| ())
    ));
    assert!(forbidden(
        admin::enable_user(db.db(), &editor, marie.id)
            .await
            .map(|_| ())
    ));
    assert!(forbidden(
        passwords::create_password_reset(
            db.db(),
            &editor,
            marie.id,
            "reset-x",
            Utc::now() + Duration::hours(1)
        )
        .await
        .map(|_| ())
    ));
    // A token is revoked by its owner or an administrator, by no one else.
    let (marie_token, _) = token(db.db(), &marie, "marie").await;
    assert!(forbidden(
        accounts::revoke_api_token(db.db(), &editor, marie_token)
            .await
            .map(|_| ())
    ));
    assert!(
        accounts::revoke_api_token(db.db(), &marie.actor(), marie_token)
            .await
            .unwrap()
    );
    assert!(forbidden(
        accounts::revoke_api_token(db.db(), &editor, marie_token)
            .await
            .map(|_| ())
    ));
    let steps = history(db, "api_token", marie_token).await;
    assert_eq!(steps[1].actor_label, "marie@exemple.fr");
}

#[tokio::test]
async fn a_reset_link_works_once_and_ends_with_a_newer_one_a_sign_in_or_its_expiry() {
    let f = Fixture::new().await;
    let db = &f.db;
    let chief = user(db, "chef@exemple.fr", f.lens, Role::Admin).await;
    let marie = user(db, "marie@exemple.fr", f.lens, Role::Editor).await;
    let in_an_hour = Utc::now() + Duration::hours(1);
    let make = |hash: &'static str, until| {
        let actor = chief.actor();
        async move {
            passwords::create_password_reset(db.db(), &actor, marie.id, hash, until)
                .await
                .unwrap()
        }
    };
    let for_marie = |found: Option<User>| found.map(|u| u.id) == Some(marie.id);
    // Opened before the links are made: signing in ends them.
    let office = session(db.db(), &marie, "bureau").await;

    make("reset-first", in_an_hour).await;
    assert!(for_marie(
        passwords::password_reset_user(db.db(), "reset-first")
            .await
            .unwrap()
    ));
    make("reset-second", in_an_hour).await;
    assert_eq!(
        passwords::password_reset_user(db.db(), "reset-first")
            .await
            .unwrap(),
        None,
        "a newer link ends the former"
    );

    let used = passwords::use_password_reset(db.db(), "reset-second", "$argon2id$new")
        .await
        .unwrap();
    let used = used.expect("the link works");
    assert_eq!(used.password_hash.as_deref(), Some("$argon2id$new"));
    assert!(used.password_changed_at.is_some());
    assert!(!signed_in(db.db(), &office).await, "every session ends");
    assert_eq!(
        passwords::use_password_reset(db.db(), "reset-second", "$argon2id$again")
            .await
            .unwrap(),
        None,
        "once only"
    );
    let stored = accounts::user_by_email(db.db(), "marie@exemple.fr")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.password_hash.as_deref(), Some("$argon2id$new"));

    make("reset-past", Utc::now() - Duration::seconds(1)).await;
    assert_eq!(
        passwords::use_password_reset(db.db(), "reset-past", "$argon2id$late")
            .await
            .unwrap(),
        None,
        "an expired link does nothing"
    );

    make("reset-forgotten", in_an_hour).await;
    session(db.db(), &marie, "retrouve").await;
    assert_eq!(
        passwords::password_reset_user(db.db(), "reset-forgotten")
            .await
            .unwrap(),
        None,
        "signing in ends the pending link"
    );

    let steps = history(db, "app_user", marie.id).await;
    let last = steps.last().unwrap();
    assert_eq!(last.action, "update");
    assert_eq!(last.actor_label, "marie@exemple.fr");
    let made: Vec<String> = {
        let mut tx = db.db().read().await.unwrap();
        tx.fetch_all(
            "SELECT actor_label FROM audit_log WHERE entity = 'password_reset' ORDER BY id",
            &[],
            &[renouveau_store::db::ColumnKind::Text],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect()
    };
    assert_eq!(made.len(), 4, "each link made is in the audit trail");
    assert!(made.iter().all(|who| who == "chef@exemple.fr"));
    assert_no_secret_in_audit(db).await;
}

#[tokio::test]
async fn changing_ones_own_password_keeps_the_session_in_use_only() {
    let f = Fixture::new().await;
    let db = &f.db;
    let marie = user(db, "marie@exemple.fr", f.lens, Role::Editor).await;
    let paul = user(db, "paul@exemple.fr", f.lens, Role::Editor).await;
    let office = session(db.db(), &marie, "bureau").await;
    let phone = session(db.db(), &marie, "telephone").await;

    let changed = passwords::change_own_password(
        db.db(),
        &marie.actor(),
        marie.version,
        "$argon2id$mine",
        Some(&office),
    )
    .await
    .unwrap();
    assert_eq!(changed.password_hash.as_deref(), Some("$argon2id$mine"));
    assert_eq!(changed.version, marie.version + 1);
    assert!(signed_in(db.db(), &office).await);
    assert!(!signed_in(db.db(), &phone).await);
    let stale =
        passwords::change_own_password(db.db(), &marie.actor(), marie.version, "$y", None).await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    let paul_stored = accounts::user_by_email(db.db(), "paul@exemple.fr")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        paul_stored.password_hash, paul.password_hash,
        "only hers changed"
    );
    let system_has_no_password =
        passwords::change_own_password(db.db(), &Actor::system("test"), 1, "$z", None).await;
    assert!(matches!(
        system_has_no_password,
        Err(StoreError::Forbidden { .. })
    ));
    assert_no_secret_in_audit(db).await;
}

#[tokio::test]
async fn the_purge_deletes_ended_sessions_and_reset_links_only() {
    let f = Fixture::new().await;
    let db = &f.db;
    let chief = user(db, "chef@exemple.fr", f.lens, Role::Admin).await;
    let marie = user(db, "marie@exemple.fr", f.lens, Role::Editor).await;
    let live = session(db.db(), &marie, "vivante").await;
    let closed = session(db.db(), &marie, "fermee").await;
    accounts::close_session(db.db(), &closed).await.unwrap();
    accounts::open_session(
        db.db(),
        marie.id,
        "session-expiree",
        "csrf",
        Utc::now() - Duration::minutes(1),
    )
    .await
    .unwrap();
    let make = |hash: &'static str, until| {
        let actor = chief.actor();
        async move {
            passwords::create_password_reset(db.db(), &actor, marie.id, hash, until)
                .await
                .unwrap()
        }
    };
    make("reset-old", Utc::now() - Duration::minutes(1)).await;
    make("reset-live", Utc::now() + Duration::hours(1)).await;
    let audit_before = super::audit_rows(db).await;

    let purged = admin::purge_expired(db.db()).await.unwrap();
    assert_eq!(purged.sessions, 2);
    assert_eq!(purged.password_resets, 1);
    assert_eq!(rows_in(db, "user_session").await, 1);
    assert!(signed_in(db.db(), &live).await);
    assert!(
        passwords::password_reset_user(db.db(), "reset-live")
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(super::audit_rows(db).await, audit_before, "nothing audited");
    assert_eq!(
        admin::purge_expired(db.db()).await.unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn a_tokens_state_says_why_it_does_not_act() {
    let f = Fixture::new().await;
    let db = &f.db;
    let marie = user(db, "marie@exemple.fr", f.lens, Role::Editor).await;
    let (id, _) = token(db.db(), &marie, "marie").await;
    let now = Utc::now();
    let token = accounts::api_token(db.db(), id).await.unwrap().unwrap();
    assert_eq!(token.state(&marie, now), TokenState::Active);
    let moved = User {
        organisation_id: f.douai,
        ..marie.clone()
    };
    assert_eq!(token.state(&moved, now), TokenState::Inactive);
    let expiring = accounts::ApiToken {
        expires_at: Some(now),
        ..token.clone()
    };
    assert_eq!(expiring.state(&marie, now), TokenState::Expired);
    accounts::revoke_api_token(db.db(), &marie.actor(), id)
        .await
        .unwrap();
    let revoked = accounts::api_token(db.db(), id).await.unwrap().unwrap();
    assert!(matches!(revoked.state(&marie, now), TokenState::Revoked(_)));
}
