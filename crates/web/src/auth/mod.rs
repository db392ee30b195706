//! Who is asking: sign-in with a password, browser sessions (cookie + CSRF token), API tokens.

pub mod password;
pub mod secret;
mod viewer;

pub use viewer::{SESSION_COOKIE, Viewer};

use chrono::{Duration, Utc};
use renouveau_store::accounts::{self, User};
use renouveau_store::{Result, Store};

/// How long a browser session lasts without signing in again.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// A new session for `user`: returns the cookie value (the secret) to hand to the browser.
pub async fn open_session(store: &Store, user: &User) -> Result<String> {
    let token = secret::new_token();
    let csrf = secret::new_token();
    accounts::open_session(
        store.db(),
        user.id,
        &secret::hash_token(&token),
        &csrf,
        Utc::now() + SESSION_LIFETIME,
    )
    .await?;
    Ok(token)
}

/// Creates an API token for `user` and returns it; only its hash is kept.
pub async fn create_api_token(store: &Store, user: &User) -> Result<String> {
    let token = format!("rnv_{}", secret::new_token());
    accounts::create_api_token(store.db(), user.id, &secret::hash_token(&token)).await?;
    Ok(token)
}
