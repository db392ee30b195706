//! Who is asking: sign-in with a password, browser sessions (cookie + CSRF token), API tokens,
//! and the throttling of failed sign-ins.

mod client;
pub mod password;
pub mod secret;
pub mod sign_in_token;
pub mod throttle;
mod viewer;

pub use client::{ClientAddress, TrustedProxy};
pub use sign_in_token::SIGN_IN_COOKIE;
pub use viewer::{SESSION_COOKIE, Viewer};

use chrono::{DateTime, Duration, Utc};
use renouveau_domain::Actor;
use renouveau_store::accounts::{self, NewApiToken, User};
use renouveau_store::{Result, Store};

/// The cookie that marks a browser where accounts signed in before (see [`throttle`]).
pub const DEVICE_COOKIE: &str = "renouveau_appareil";

/// How long a browser session lasts without signing in again.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// How long a browser stays known after its last sign-in (the device cookie's lifetime).
pub const DEVICE_LIFETIME: Duration = Duration::days(365);

/// Every API token starts with this, so that a leaked one is recognisable.
pub const API_TOKEN_MARK: &str = "rnv_";

/// How many characters of a token are kept in clear to name it: the mark and 32 random bits.
pub const API_TOKEN_PREFIX_LENGTH: usize = API_TOKEN_MARK.len() + 8;

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

/// An API token just made: the secret, shown once, and the id it is listed and revoked by.
#[derive(Debug)]
pub struct IssuedToken {
    pub id: i64,
    pub secret: String,
}

impl IssuedToken {
    /// What `renouveau token list` shows of it.
    pub fn prefix(&self) -> &str {
        api_token_prefix(&self.secret)
    }
}

/// Creates an API token for `user`, acting for the user's organisation until `expires_at` (if
/// any) or until revoked; only its hash and its prefix are kept. `actor` (an administrator or
/// the command line) is named in the audit trail.
pub async fn create_api_token(
    store: &Store,
    actor: &Actor,
    user: &User,
    expires_at: Option<DateTime<Utc>>,
) -> Result<IssuedToken> {
    let secret = format!("{API_TOKEN_MARK}{}", secret::new_token());
    let id = accounts::create_api_token(
        store.db(),
        actor,
        user,
        NewApiToken {
            token_hash: &secret::hash_token(&secret),
            prefix: api_token_prefix(&secret),
            expires_at,
        },
    )
    .await?;
    Ok(IssuedToken { id, secret })
}

/// How long a password reset link acts, once.
pub const RESET_LINK_LIFETIME: Duration = Duration::hours(1);

/// Where the reset links live: this, then the link's secret.
pub const RESET_PATH: &str = "/reinitialisation/";

/// Makes a one-time password reset link for `user` (see `accounts::password`); returns its
/// path, which holds the secret: only its hash is kept. Earlier links of the user end.
pub async fn issue_password_reset(store: &Store, actor: &Actor, user: &User) -> Result<String> {
    let secret = secret::new_token();
    accounts::password::create_password_reset(
        store.db(),
        actor,
        user.id,
        &secret::hash_token(&secret),
        Utc::now() + RESET_LINK_LIFETIME,
    )
    .await?;
    Ok(format!("{RESET_PATH}{secret}"))
}

/// A path of this site made absolute with the site's public address (`https://exemple.fr`).
pub fn absolute_link(base_url: &str, path: &str) -> String {
    format!("{}{path}", base_url.trim_end_matches('/'))
}

/// The expiry of a token valid for `days` days from now.
pub fn expiry_in_days(days: u32) -> DateTime<Utc> {
    Utc::now() + Duration::days(i64::from(days))
}

/// The part of a token (or of anything starting like one) kept in clear.
pub fn api_token_prefix(token: &str) -> &str {
    token
        .char_indices()
        .nth(API_TOKEN_PREFIX_LENGTH)
        .map_or(token, |(end, _)| &token[..end])
}
