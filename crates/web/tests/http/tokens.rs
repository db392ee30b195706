//! API tokens: kept hashed, listed without their secret, revocable, expiring, and acting only
//! for the organisation their user had when they were made.

use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use renouveau_domain::Actor;
use renouveau_store::StoreError;
use renouveau_store::accounts::{self, User};
use renouveau_store::audit;
use renouveau_store::db::{ColumnKind, SqlValue};
use renouveau_web::auth;
use serde_json::json;

use crate::support::App;

/// The command line, which makes and revokes tokens.
fn system() -> Actor {
    Actor::system("test")
}

impl App {
    async fn user(&self, email: &str) -> User {
        accounts::user_by_email(self.db.db(), email)
            .await
            .unwrap()
            .unwrap()
    }

    /// A write any editor of Lens may do: a milestone of Lens's operation.
    async fn write_with(&self, token: &str) -> StatusCode {
        let milestone = json!({"operation_id": self.operation_id(), "label": "Jalon",
            "planned_on": "2025-03-01", "done_on": null});
        self.send(
            Method::POST,
            "/api/v1/milestones",
            Some(token),
            Some(milestone),
        )
        .await
        .status
    }
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let app = App::new().await;
    let editor = app.user("editeur@lens.fr").await;
    let token = auth::create_api_token(&app.db.store, &system(), &editor, None)
        .await
        .unwrap();
    assert_eq!(app.write_with(&token.secret).await, StatusCode::CREATED);

    let found = accounts::api_tokens_with_prefix(app.db.db(), token.prefix())
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, token.id);
    assert!(
        accounts::revoke_api_token(app.db.db(), &system(), token.id)
            .await
            .unwrap()
    );
    assert!(
        !accounts::revoke_api_token(app.db.db(), &system(), token.id)
            .await
            .unwrap()
    );
    // Its owner, an administrator or the command line revokes a token; another user may not.
    let other = app.user("editeur@douai.fr").await;
    assert!(matches!(
        accounts::revoke_api_token(app.db.db(), &other.actor(), found[0].id).await,
        Err(StoreError::Forbidden { .. })
    ));
    assert!(
        !accounts::revoke_api_token(app.db.db(), &editor.actor(), found[0].id)
            .await
            .unwrap()
    );
    assert_eq!(
        app.write_with(&token.secret).await,
        StatusCode::UNAUTHORIZED
    );
    // The user's other token still works.
    assert_eq!(app.write_with(&app.editor_lens).await, StatusCode::CREATED);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = App::new().await;
    let editor = app.user("editeur@lens.fr").await;
    let store = &app.db.store;
    let expired = auth::create_api_token(
        store,
        &system(),
        &editor,
        Some(Utc::now() - Duration::seconds(1)),
    )
    .await
    .unwrap();
    let valid = auth::create_api_token(store, &system(), &editor, Some(auth::expiry_in_days(1)))
        .await
        .unwrap();
    assert_eq!(
        app.write_with(&expired.secret).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.write_with(&valid.secret).await, StatusCode::CREATED);
}

#[tokio::test]
async fn a_token_acts_only_for_the_organisation_it_was_made_for() {
    let app = App::new().await;
    let editor = app.user("editeur@lens.fr").await;
    let token = auth::create_api_token(&app.db.store, &system(), &editor, None)
        .await
        .unwrap();
    assert_eq!(app.write_with(&token.secret).await, StatusCode::CREATED);

    // The user moves to Douai: the token, made for Lens, acts for nobody.
    let mut tx = app.db.db().write().await.unwrap();
    tx.execute(
        "UPDATE app_user SET organisation_id = $1 WHERE id = $2",
        &[app.douai.into(), editor.id.into()],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        app.write_with(&token.secret).await,
        StatusCode::UNAUTHORIZED
    );
    let moved = app.user("editeur@lens.fr").await;
    let fresh = auth::create_api_token(&app.db.store, &system(), &moved, None)
        .await
        .unwrap();
    // A token made after the move acts for Douai, which does not own the operation.
    assert_eq!(app.write_with(&fresh.secret).await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn tokens_are_stored_hashed_and_listed_without_their_secret() {
    let app = App::new().await;
    let editor = app.user("editeur@lens.fr").await;
    let token = auth::create_api_token(&app.db.store, &system(), &editor, None)
        .await
        .unwrap();
    assert!(token.secret.starts_with("rnv_") && token.secret.len() > 60);

    let mut tx = app.db.db().read().await.unwrap();
    let stored = tx
        .fetch_all(
            "SELECT token_hash, prefix FROM api_token WHERE id = $1",
            &[token.id.into()],
            &[ColumnKind::Text, ColumnKind::Text],
        )
        .await
        .unwrap();
    drop(tx);
    let [SqlValue::Text(hash), SqlValue::Text(prefix)] = &stored[0][..] else {
        panic!("{stored:?}");
    };
    assert_eq!(*hash, auth::secret::hash_token(&token.secret));
    assert!(!hash.contains(&token.secret[4..]));
    assert_eq!(*prefix, token.secret[..12]);

    let listed = accounts::api_tokens_of(app.db.db(), editor.id)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2, "the fixture's token and this one");
    assert_eq!(listed[0].id, token.id, "newest first");
    assert_eq!(listed[0].last_used_at, None);
    let shown = serde_json::to_string(&listed).unwrap();
    assert!(!shown.contains(&token.secret[12..]) && !shown.contains(hash.as_str()));

    assert_eq!(app.write_with(&token.secret).await, StatusCode::CREATED);
    let used = accounts::api_token(app.db.db(), token.id)
        .await
        .unwrap()
        .unwrap();
    assert!(used.last_used_at.is_some());
}

#[tokio::test]
async fn making_and_revoking_a_token_is_in_the_audit_trail_without_its_hash() {
    let app = App::new().await;
    let editor = app.user("editeur@lens.fr").await;
    let token = auth::create_api_token(&app.db.store, &system(), &editor, None)
        .await
        .unwrap();
    accounts::revoke_api_token(app.db.db(), &system(), token.id)
        .await
        .unwrap();

    let mut tx = app.db.db().read().await.unwrap();
    let history = audit::history(&mut tx, "api_token", token.id)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "revoke"]);
    assert!(history.iter().all(|e| e.actor_label == "system:test"));
    let revoked: serde_json::Value = serde_json::from_str(&history[1].after_state).unwrap();
    assert_eq!(revoked["user_id"], editor.id);
    assert!(revoked["revoked_at"].is_string());
    let hash = auth::secret::hash_token(&token.secret);
    assert!(
        history
            .iter()
            .all(|e| { !e.after_state.contains(&hash) && !e.after_state.contains(&token.secret) })
    );
}
