//! What visitors may see of who did what: the organisation, never a person's e-mail address
//! (personal data); signed-in users see the person.

use axum::http::{Method, StatusCode};
use renouveau_domain::{Actor, Operation, ValidationStatus};
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

/// Visitors see each record as the programme team last validated it: a partner's edit stays
/// for signed-in users until it is validated.
#[tokio::test]
async fn visitors_see_the_last_validated_version_until_an_edit_is_validated() {
    let app = App::new().await;
    let id = app.operation_id();
    let validated_title = app.operation["title"].as_str().unwrap().to_string();
    let mut renamed = app.operation.clone();
    renamed["title"] = json!("Titre déclaré par le partenaire");
    let declared = app
        .send(
            Method::PUT,
            &format!("/api/v1/operations/{id}"),
            Some(&app.editor_lens),
            Some(renamed),
        )
        .await;
    assert_eq!(declared.status, StatusCode::OK, "{}", declared.body);
    assert_eq!(declared.json()["validation"], "declared");

    let reader = app.browser("lecteur@lens.fr").await;
    for path in [
        format!("/operations/{id}"),
        "/operations".to_string(),
        format!("/historique/operations/{id}"),
    ] {
        let visitor = app.get(&path).await;
        assert_eq!(visitor.status, StatusCode::OK, "{path}");
        assert!(visitor.body.contains(&validated_title), "{path}");
        assert!(
            !visitor.body.contains("Titre déclaré"),
            "{path}: a visitor sees a declaration"
        );

        let signed_in = app.page(&reader, Method::GET, &path, &[]).await;
        assert!(signed_in.body.contains("Titre déclaré"), "{path}");
    }
    // Visitors are not offered declared figures, and asking for them shows validated ones.
    let dashboard = app.get("/?chiffres=tous").await;
    assert!(
        dashboard.body.contains("Chiffres validés par l"),
        "{}",
        dashboard.body
    );
    assert!(!dashboard.body.contains("chiffres déclarés"));

    // Validated, the edit is what visitors see.
    let version = declared.json()["version"].as_i64().unwrap();
    app.db
        .store
        .records::<Operation>()
        .review(
            &Actor::system("test"),
            id,
            version,
            ValidationStatus::Validated,
            None,
        )
        .await
        .unwrap();
    let visitor = app.get(&format!("/operations/{id}")).await;
    assert!(visitor.body.contains("Titre déclaré"));
}
