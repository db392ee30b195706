//! The `Viewer` extractor: the signed-in user, if any, from the session cookie or from an
//! `Authorization: Bearer` API token.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use renouveau_domain::Actor;
use renouveau_store::Edition;
use renouveau_store::accounts::{self, User};

use super::secret::hash_token;
use crate::error::WebError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "renouveau_session";

#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<User>,
    /// The session's CSRF token, which every form must echo. None for API tokens, which are not
    /// sent by browsers on their own.
    pub csrf: Option<String>,
}

impl Viewer {
    /// The records this viewer reads: visitors see each record as last validated, signed-in
    /// users as it is, partners' declarations included.
    pub fn edition(&self) -> Edition {
        if self.user.is_some() {
            Edition::Working
        } else {
            Edition::Published
        }
    }

    /// The acting user, or 401 for anonymous visitors.
    pub fn actor(&self) -> Result<Actor, WebError> {
        self.user
            .as_ref()
            .map(User::actor)
            .ok_or(WebError::Unauthenticated)
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let db = state.store.db();
        if let Some(token) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            let user = accounts::token_user(db, &hash_token(token.trim())).await?;
            return match user {
                Some(user) => Ok(Self {
                    user: Some(user),
                    csrf: None,
                }),
                None => Err(WebError::Unauthenticated),
            };
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Ok(Self::default());
        };
        Ok(
            match accounts::session_user(db, &hash_token(cookie.value())).await? {
                Some((user, csrf)) => Self {
                    user: Some(user),
                    csrf: Some(csrf),
                },
                None => Self::default(),
            },
        )
    }
}
