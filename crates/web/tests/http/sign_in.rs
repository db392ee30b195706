//! Signing in and out: the session cookie, its rotation, its end, and the throttling of
//! failed attempts.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use renouveau_store::Store;
use renouveau_web::{AppState, auth};
use tower::ServiceExt;

use crate::support::{
    App, Browser, PASSWORD, SIGN_IN_TOKEN, client, form_body, session_cookie, sign_in_request,
    sign_in_request_then,
};

/// After sign-in only a path of this site is followed. Browsers drop tabs and line breaks
/// from a URL, so `/\t/evil.example/` would lead to `//evil.example/`, another site; a line
/// break in a header used to make the answer a 500 after the session was opened.
#[tokio::test]
async fn sign_in_follows_only_paths_of_this_site() {
    let app = App::new().await;
    for next in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\r\nSet-Cookie: x=y",
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "/ /evil.example/",
        "/\u{0}",
    ] {
        let request = sign_in_request_then("editeur@lens.fr", PASSWORD, "", client(1), next);
        let answer = app.router.clone().oneshot(request).await.unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(answer.headers()[header::LOCATION], "/", "{next:?}");
    }
    let request = sign_in_request_then(
        "editeur@lens.fr",
        PASSWORD,
        "",
        client(1),
        "/operations?q=a%20b",
    );
    let answer = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(answer.headers()[header::LOCATION], "/operations?q=a%20b");
}

#[tokio::test]
async fn signing_in_sets_a_protected_session_cookie() {
    let app = App::new().await;
    let sign_in = |password: &str| sign_in_request("editeur@lens.fr", password, "", client(1));
    let refused = app
        .router
        .clone()
        .oneshot(sign_in("mauvais mot de passe"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.headers().get(header::SET_COOKIE).is_none());

    let accepted = app
        .router
        .clone()
        .oneshot(sign_in("mot de passe de test"))
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(accepted.headers()[header::LOCATION], "/operations");
    let cookie = accepted.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    // A cookie-authenticated API write without the CSRF token is refused.
    let session = cookie.split(';').next().unwrap().to_string();
    let path = format!("/api/v1/operations/{}", app.operation_id());
    let request = Request::builder()
        .method(Method::PUT)
        .uri(&path)
        .header(header::COOKIE, &session)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(app.operation.to_string()))
        .unwrap();
    let answer = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn each_sign_in_opens_a_new_session_and_closes_the_one_presented() {
    let app = App::new().await;
    let first = app
        .sign_in("editeur@lens.fr", PASSWORD, "", client(1))
        .await;
    let first_cookie = session_cookie(&first);
    let browser = app.browser_with(first_cookie.clone()).await;

    // Signing in again from the same browser (or over a session planted in it).
    let second = app
        .sign_in("editeur@lens.fr", PASSWORD, &first_cookie, client(1))
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    let second_cookie = session_cookie(&second);
    assert_ne!(second_cookie, first_cookie);

    let with_old = app.page(&browser, Method::GET, "/operations", &[]).await;
    assert!(
        !with_old.body.contains("editeur@lens.fr"),
        "the old session still signs in"
    );
    let write = app
        .page(
            &browser,
            Method::POST,
            &format!("/operations/{}/jalons", app.operation_id()),
            &[
                ("label", "Avec l'ancienne session"),
                ("planned_on", "2025-03-01"),
            ],
        )
        .await;
    assert_eq!(write.status, StatusCode::UNAUTHORIZED);
    let with_new = app.browser_with(second_cookie).await;
    let page = app.page(&with_new, Method::GET, "/operations", &[]).await;
    assert!(page.body.contains("editeur@lens.fr"));
}

#[tokio::test]
async fn signing_out_closes_the_session() {
    let app = App::new().await;
    let signed_in = app
        .sign_in("editeur@lens.fr", PASSWORD, "", client(1))
        .await;
    let browser = app.browser_with(session_cookie(&signed_in)).await;

    let forged = app
        .page(
            &Browser {
                cookie: browser.cookie.clone(),
                csrf: "faux".into(),
            },
            Method::POST,
            "/deconnexion",
            &[],
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "sign-out needs the CSRF token"
    );

    let out = app.page(&browser, Method::POST, "/deconnexion", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let removal = out.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(removal.contains("Max-Age=0"), "{removal}");
    // The browser keeps sending the cookie: the session behind it is over.
    let write = app
        .page(
            &browser,
            Method::POST,
            &format!("/operations/{}/jalons", app.operation_id()),
            &[
                ("label", "Après la déconnexion"),
                ("planned_on", "2025-03-01"),
            ],
        )
        .await;
    assert_eq!(write.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failures_block_the_account_in_french_on_every_server() {
    let app = App::new().await;
    for _ in 0..auth::throttle::MAX_FAILURES_PER_ACCOUNT {
        let refused = app
            .sign_in("Editeur@Lens.fr ", "mauvais mot de passe", "", client(1))
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert!(refused.body.contains("mot de passe incorrect"));
    }
    // Even the right password, even from elsewhere: the account waits.
    let blocked = app
        .sign_in("editeur@lens.fr", PASSWORD, "", client(2))
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        blocked
            .body
            .contains("Trop de tentatives de connexion infructueuses pour ce compte"),
        "{}",
        blocked.body
    );
    assert_eq!(blocked.headers[header::RETRY_AFTER], "900");
    assert!(blocked.headers.get(header::SET_COOKIE).is_none());

    // Another server on the same database sees the same count.
    let other_server =
        renouveau_web::router(AppState::new(Store::open(&app.db.url).await.unwrap()));
    let elsewhere = other_server
        .oneshot(sign_in_request("editeur@lens.fr", PASSWORD, "", client(3)))
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::TOO_MANY_REQUESTS);

    // Other accounts are not blocked by it.
    let reader = app
        .sign_in("lecteur@lens.fr", PASSWORD, "", client(1))
        .await;
    assert_eq!(reader.status, StatusCode::SEE_OTHER, "{}", reader.body);
}

#[tokio::test]
async fn signing_in_clears_the_accounts_failures() {
    let app = App::new().await;
    let below = auth::throttle::MAX_FAILURES_PER_ACCOUNT - 1;
    for round in 0..2 {
        for _ in 0..below {
            let refused = app
                .sign_in("editeur@lens.fr", "mauvais mot de passe", "", client(1))
                .await;
            assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "round {round}");
        }
        let accepted = app
            .sign_in("editeur@lens.fr", PASSWORD, "", client(1))
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "round {round}");
    }
}

#[tokio::test]
async fn repeated_failures_from_one_address_block_it_for_every_account() {
    let app = App::new().await;
    for i in 0..auth::throttle::MAX_FAILURES_PER_ADDRESS {
        let refused = app
            .sign_in(
                &format!("inconnu{i}@exemple.fr"),
                "au hasard",
                "",
                client(7),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = app
        .sign_in("editeur@lens.fr", PASSWORD, "", client(7))
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        blocked.body.contains("depuis votre adresse"),
        "{}",
        blocked.body
    );
    let other_address = app
        .sign_in("editeur@lens.fr", PASSWORD, "", client(8))
        .await;
    assert_eq!(other_address.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_apart() {
    let app = App::new().await;
    let proxy = client(50);
    let state = AppState {
        trusted_proxies: vec![proxy.ip().to_string().parse().unwrap()],
        ..AppState::new(app.db.store.clone())
    };
    let behind_proxy = renouveau_web::router(state);
    let sign_in = |email: &str, password: &str, forwarded_for: &str| {
        let mut request = sign_in_request(email, password, "", proxy);
        request
            .headers_mut()
            .insert("x-forwarded-for", forwarded_for.parse().unwrap());
        behind_proxy.clone().oneshot(request)
    };
    for i in 0..auth::throttle::MAX_FAILURES_PER_ADDRESS {
        let refused = sign_in(
            &format!("inconnu{i}@exemple.fr"),
            "au hasard",
            "203.0.113.9",
        )
        .await
        .unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    let blocked = sign_in("editeur@lens.fr", PASSWORD, "203.0.113.9")
        .await
        .unwrap();
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another client through the same proxy is not blocked, whatever it claims first.
    let other = sign_in("editeur@lens.fr", PASSWORD, "203.0.113.9, 198.51.100.4")
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    // A server that does not trust the proxy counts the proxy, and ignores the header.
    let untrusted = app.sign_in("lecteur@lens.fr", PASSWORD, "", proxy).await;
    assert_eq!(untrusted.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_sign_in_form_carries_its_own_csrf_token() {
    let app = App::new().await;
    // The form page hands the browser a token, in a cookie and in the form.
    let page = app.get("/connexion").await;
    let set_cookie = page.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.starts_with(auth::SIGN_IN_COOKIE), "{set_cookie}");
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let token = set_cookie
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap();
    assert!(
        page.body
            .contains(&format!(r#"name="csrf" value="{token}""#)),
        "the form does not carry the cookie's token"
    );

    // Another site's page posting the form: no cookie, or a token that is not the cookie's.
    let form = |cookie: String, sent: &str| {
        let mut request = Request::post("/connexion")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(form_body(&[
                ("email", "editeur@lens.fr"),
                ("password", PASSWORD),
                ("csrf", sent),
            ])))
            .unwrap();
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(client(1)));
        request
    };
    let held = format!("{}={token}", auth::SIGN_IN_COOKIE);
    for (cookie, sent) in [
        (String::new(), token),
        (String::new(), ""),
        (held.clone(), ""),
        (held.clone(), SIGN_IN_TOKEN),
    ] {
        let refused = app.answer(form(cookie.clone(), sent)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{cookie:?} {sent:?}");
        assert!(refused.body.contains("ne vient pas de ce site"));
        let set = refused.headers.get_all(header::SET_COOKIE);
        assert!(
            set.iter()
                .all(|c| !c.to_str().unwrap().starts_with(auth::SESSION_COOKIE)),
            "a forged sign-in opened a session"
        );
    }
    // The same browser sending its own form is signed in.
    let accepted = app.answer(form(held, token)).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    session_cookie(&accepted);
}
