//! Signing in and out. A new session is opened at each sign-in (the old one, if any, is closed),
//! so that a session identifier planted before sign-in is worthless after it; signing out closes
//! the session. Repeated failures are throttled (see `auth::throttle`), and the form carries its
//! own CSRF token (see `auth::sign_in_token`).

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use renouveau_store::accounts;
use serde::Deserialize;

use super::layout::{Page, PageError, render};
use super::params::PageQuery;
use crate::auth::secret::{hash_token, same_secret};
use crate::auth::{self, ClientAddress, SESSION_COOKIE, Viewer, password, sign_in_token, throttle};
use crate::error::WebError;
use crate::extract::UnreadBody;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    error: Option<String>,
    email: String,
    next: String,
    csrf: String,
}

#[derive(Debug, Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    PageQuery(next): PageQuery<Next>,
) -> Result<impl IntoResponse, PageError> {
    let (jar, csrf) = sign_in_token::issue(jar, state.secure_cookies);
    let page = render(&LoginPage {
        page: Page::new(&viewer, "", "Connexion").crumb("", "Connexion"),
        error: None,
        email: String::new(),
        next: safe_next(&next.next).to_string(),
        csrf,
    })?;
    Ok((jar, page))
}

#[derive(Debug, Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    jar: CookieJar,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let form: Credentials = body.form().await?;
    if !sign_in_token::matches(&jar, &form.csrf) {
        tracing::warn!("sign-in refused: missing or wrong form token");
        let (jar, csrf) = sign_in_token::issue(jar, state.secure_cookies);
        let form = Credentials { csrf, ..form };
        let page = login_again(&viewer, form, &WebError::Csrf.message_fr())?;
        return Ok((StatusCode::FORBIDDEN, jar, page).into_response());
    }
    let account = throttle::account_key(&form.email);
    if let Some(refusal) = throttle::refusal(&state.store, &account, &client).await? {
        tracing::warn!(?refusal, "sign-in refused: too many failures");
        let retry_after = refusal.retry_after_seconds().to_string();
        let page = login_again(&viewer, form, refusal.message_fr())?;
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after)],
            page,
        )
            .into_response());
    }
    let user = accounts::user_by_email(state.store.db(), &form.email).await?;
    let verified = user.filter(|u| {
        !u.disabled
            && u.password_hash
                .as_deref()
                .is_some_and(|stored| password::verify(&form.password, stored))
    });
    let Some(user) = verified else {
        tracing::info!("failed sign-in");
        throttle::record_failure(&state.store, &account, &client).await?;
        let message = "Adresse électronique ou mot de passe incorrect.";
        let page = login_again(&viewer, form, message)?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    throttle::forget_failures(&state.store, &account).await?;
    // Rotation: the session the browser had before, if any, ends here.
    if let Some(old) = jar.get(SESSION_COOKIE) {
        accounts::close_session(state.store.db(), &hash_token(old.value())).await?;
    }
    let token = auth::open_session(&state.store, &user).await?;
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .build();
    tracing::info!(user = user.id, "signed in");
    Ok((jar.add(cookie), Redirect::to(safe_next(&form.next))).into_response())
}

/// The sign-in page again, with what went wrong, the address typed and the form's token.
fn login_again(viewer: &Viewer, form: Credentials, error: &str) -> Result<Html<String>, PageError> {
    render(&LoginPage {
        page: Page::new(viewer, "", "Connexion").crumb("", "Connexion"),
        error: Some(error.to_string()),
        email: form.email,
        next: safe_next(&form.next).to_string(),
        csrf: form.csrf,
    })
}

#[derive(Debug, Deserialize)]
pub struct SignOut {
    #[serde(default)]
    csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let Some(expected) = viewer.csrf.as_deref() else {
        return Ok(Redirect::to("/").into_response());
    };
    let form: SignOut = body.form().await?;
    if !same_secret(&form.csrf, expected) {
        return Err(WebError::Csrf.into());
    }
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        accounts::close_session(state.store.db(), &hash_token(cookie.value())).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/").build());
    Ok((jar, Redirect::to("/")).into_response())
}

/// Only paths of this site are followed after sign-in: a `/` not followed by another `/`, then
/// visible ASCII only. Browsers drop tabs and line breaks from a URL (`/\t/evil.example` would
/// become `//evil.example`, another site) and read `\` as `/`; control characters cannot go in
/// a `Location` header at all.
fn safe_next(next: &str) -> &str {
    let path_of_this_site = next.starts_with('/')
        && !next.starts_with("//")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if path_of_this_site { next } else { "/" }
}
