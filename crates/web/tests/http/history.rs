//! The history page of a record: every change with the fields it touched, and the restore of an
//! archived record by who may.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{App, location};

#[tokio::test]
async fn the_history_shows_each_change_and_an_archived_record_comes_back() {
    let app = App::new().await;
    let id = app.operation_id();
    let mut renamed = app.operation.clone();
    renamed["title"] = json!("École Jules Elby <rénovée>");
    let updated = app
        .send(
            Method::PUT,
            &format!("/api/v1/operations/{id}"),
            Some(&app.admin),
            Some(renamed),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    let archived = app
        .send(
            Method::POST,
            &format!("/api/v1/operations/{id}/archive"),
            Some(&app.admin),
            Some(json!({"version": updated.json()["version"]})),
        )
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);

    let path = format!("/historique/operations/{id}");
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "création",
        "modification",
        "archivage",
        "<td>title</td><td>École Jules Elby</td><td>École Jules Elby &#60;rénovée&#62;</td>",
        "archivé",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert_eq!(
        app.get("/historique/inconnus/1").await.status,
        StatusCode::NOT_FOUND
    );

    let version = archived.json()["version"].as_i64().unwrap().to_string();
    let restore = format!("{path}/restaurer");
    let reader = app.browser("lecteur@lens.fr").await;
    let refused = app
        .page(&reader, Method::POST, &restore, &[("version", &version)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let stranger = app.browser("editeur@douai.fr").await;
    let refused = app
        .page(&stranger, Method::POST, &restore, &[("version", &version)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    let owner = app.browser("editeur@lens.fr").await;
    let restored = app
        .page(&owner, Method::POST, &restore, &[("version", &version)])
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    assert_eq!(location(&restored), path);
    assert!(app.operation(id).await["archived_at"].is_null());
    assert!(app.get(&path).await.body.contains("restauration"));
}
