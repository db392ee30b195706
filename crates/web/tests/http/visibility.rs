//! What visitors may see of who did what: the organisation, never a person's e-mail address
//! (personal data); signed-in users see the person.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::App;

#[tokio::test]
async fn visitors_see_the_organisation_of_a_change_never_an_email_address() {
    let app = App::new().await;
    let id = app.operation_id();
    let mut renamed = app.operation.clone();
    renamed["title"] = json!("École Jules Elby, tranche 2");
    let updated = app
        .send(
            Method::PUT,
            &format!("/api/v1/operations/{id}"),
            Some(&app.editor_lens),
            Some(renamed),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);

    for path in [
        format!("/operations/{id}"),
        format!("/historique/operations/{id}"),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains("@lens.fr") && !page.body.contains("@exemple.fr"),
            "{path} shows an e-mail address to a visitor"
        );
        assert!(
            page.body.contains("CA de Lens-Liévin"),
            "{path}: {}",
            page.body
        );

        let signed_in = app.browser("lecteur@lens.fr").await;
        let page = app.page(&signed_in, Method::GET, &path, &[]).await;
        assert!(
            page.body.contains("editeur@lens.fr (CA de Lens-Liévin)"),
            "{path}: {}",
            page.body
        );
    }
}
