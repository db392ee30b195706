//! Pages kept between requests never go stale: a write through one server shows at once on
//! another server over the same database.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use renouveau_web::AppState;
use serde_json::json;
use tower::ServiceExt;

use crate::support::{App, operation_json};

async fn body_of(router: &axum::Router, path: &str) -> String {
    let request = Request::builder().uri(path).body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn a_write_on_one_server_shows_on_another_at_once() {
    let app = App::new().await;
    let other_server = renouveau_web::router(AppState::new(app.db.store.clone()));
    let list = "/operations?q=Lumbres";
    for router in [&app.router, &other_server] {
        let before = body_of(router, list).await;
        assert!(before.contains("0 opération"), "{before}");
        // Asked twice, so that the second answer comes from what the server kept.
        assert_eq!(body_of(router, list).await, before);
    }
    let programme = app.operation["programme_id"].as_i64().unwrap();
    let created = app
        .send(
            Method::POST,
            "/api/v1/operations",
            Some(&app.admin),
            Some(operation_json(
                programme,
                app.lens,
                "Cité de Lumbres",
                "study",
            )),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    for router in [&app.router, &other_server] {
        let after = body_of(router, list).await;
        assert!(
            after.contains("1 opération") && after.contains("Cité de Lumbres"),
            "{after}"
        );
    }
}

#[tokio::test]
async fn the_dashboard_follows_every_write() {
    let app = App::new().await;
    let other_server = renouveau_web::router(AppState::new(app.db.store.clone()));
    let before = body_of(&other_server, "/").await;
    assert!(before.contains("/operations?status=study"), "{before}");
    let archived = app
        .send(
            Method::POST,
            &format!("/api/v1/operations/{}/archive", app.operation_id()),
            Some(&app.admin),
            Some(json!({"version": app.operation["version"]})),
        )
        .await;
    assert!(archived.status.is_success(), "{}", archived.body);
    let after = body_of(&other_server, "/").await;
    assert!(
        !after.contains("/operations?status=study"),
        "the archived operation is still counted: {after}"
    );
}
