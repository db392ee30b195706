//! The sign-in form's CSRF token. Before sign-in there is no session to hold a token, so the form
//! carries a random value that the browser also holds in a cookie only this site can set
//! (`SameSite=Strict`, `HttpOnly`); a sign-in is taken only when both agree. A page of another
//! site can post the form but can neither read nor set the cookie, so it cannot sign a visitor
//! into an account of its choosing.

use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use super::secret::{new_token, same_secret};

pub const SIGN_IN_COOKIE: &str = "renouveau_connexion";

/// The browser's token if it holds a well-formed one, else a new one; with the cookie to set.
pub fn issue(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    let token = held(&jar).map_or_else(new_token, str::to_string);
    let cookie = Cookie::build((SIGN_IN_COOKIE, token.clone()))
        .path("/connexion")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    (jar.add(cookie), token)
}

/// Whether the token sent with the form is the one the browser holds.
pub fn matches(jar: &CookieJar, sent: &str) -> bool {
    held(jar).is_some_and(|held| same_secret(held, sent))
}

fn held(jar: &CookieJar) -> Option<&str> {
    jar.get(SIGN_IN_COOKIE)
        .map(Cookie::value)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_kept_and_must_be_sent_back() {
        let (jar, token) = issue(CookieJar::new(), false);
        assert!(matches(&jar, &token));
        assert!(!matches(&jar, ""));
        assert!(!matches(&jar, &new_token()));
        assert!(!matches(&CookieJar::new(), &token));
        let (again, same) = issue(jar, false);
        assert_eq!(same, token);
        assert!(matches(&again, &token));
    }

    #[test]
    fn a_malformed_cookie_is_replaced() {
        let jar = CookieJar::new().add(Cookie::new(SIGN_IN_COOKIE, "x"));
        assert!(!matches(&jar, "x"));
        let (jar, token) = issue(jar, false);
        assert_ne!(token, "x");
        assert!(matches(&jar, &token));
    }
}
