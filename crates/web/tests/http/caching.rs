//! Headers about keeping answers: what a signed-in viewer was shown is never stored by a
//! browser or a proxy (`Cache-Control: no-store`), and a server behind HTTPS tells browsers to
//! come back over HTTPS only (`Strict-Transport-Security`), never otherwise.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use renouveau_web::AppState;

use crate::support::{Answer, App, answer, form_body};

const HSTS: &str = "max-age=63072000; includeSubDomains";

fn cache_control(answer: &Answer) -> &str {
    answer
        .headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn answers_to_signed_in_viewers_are_never_stored() {
    let app = App::new().await;
    let operation = format!("/operations/{}", app.operation_id());
    let api_operation = format!("/api/v1/operations/{}", app.operation_id());
    let paths = [
        "/",
        "/operations",
        operation.as_str(),
        "/conventions",
        "/nulle-part",
        "/operations/abc",
        "/api/v1/operations",
        api_operation.as_str(),
        "/api/v1/operations/999999",
        "/api/openapi.json",
        "/static/style.css",
        "/healthz",
    ];
    for path in paths {
        let visitor = app.get(path).await;
        assert!(
            !cache_control(&visitor).contains("no-store"),
            "{path} as a visitor: {}",
            cache_control(&visitor)
        );
    }
    assert_eq!(
        cache_control(&app.get("/static/style.css").await),
        "public, max-age=3600"
    );

    let browser = app.browser("editeur@lens.fr").await;
    for path in paths {
        let page = app.page(&browser, Method::GET, path, &[]).await;
        assert_eq!(cache_control(&page), "no-store", "{path} with a session");
        let api = app
            .send(Method::GET, path, Some(&app.reader_lens), None)
            .await;
        assert_eq!(cache_control(&api), "no-store", "{path} with a token");
    }
    let write = app
        .send(
            Method::POST,
            &format!("{api_operation}/archive"),
            Some(&app.reader_lens),
            Some(serde_json::json!({"version": 1})),
        )
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    assert_eq!(cache_control(&write), "no-store");
    let form = app
        .page(
            &browser,
            Method::POST,
            "/operations/nouvelle",
            &[("title", "")],
        )
        .await;
    assert_eq!(cache_control(&form), "no-store", "{}", form.status);
    let signed_out = app.page(&browser, Method::POST, "/deconnexion", &[]).await;
    assert_eq!(cache_control(&signed_out), "no-store");
}

#[tokio::test]
async fn strict_transport_security_is_sent_only_over_https() {
    let app = App::new().await;
    let secure = renouveau_web::router(AppState {
        secure_cookies: true,
        ..AppState::new(app.db.store.clone())
    });
    let requests = || {
        [
            Request::get("/").body(Body::empty()).unwrap(),
            Request::get("/nulle-part").body(Body::empty()).unwrap(),
            Request::get("/api/v1/operations")
                .body(Body::empty())
                .unwrap(),
            Request::get("/static/style.css")
                .body(Body::empty())
                .unwrap(),
            Request::post("/connexion")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form_body(&[("email", "x"), ("password", "y")])))
                .unwrap(),
        ]
    };
    for request in requests() {
        let path = request.uri().to_string();
        let over_https = answer(&secure, request).await;
        assert_eq!(
            over_https.headers[header::STRICT_TRANSPORT_SECURITY],
            HSTS,
            "{path}"
        );
    }
    for request in requests() {
        let path = request.uri().to_string();
        let plain = app.answer(request).await;
        assert!(
            !plain
                .headers
                .contains_key(header::STRICT_TRANSPORT_SECURITY),
            "{path}"
        );
    }
}
