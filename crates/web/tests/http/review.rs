//! The validation workflow through the pages: a partner's change is declared, listed for review,
//! kept out of the validated-only dashboard, and validated or returned by the programme team.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{Answer, App, Browser, location};

#[tokio::test]
async fn a_partners_change_waits_for_the_team_and_is_validated_or_returned() {
    let app = App::new().await;
    let id = app.operation_id();
    let mut changed = app.operation.clone();
    changed["title"] = json!("École Jules Elby, déclarée par Lens");
    changed["validation"] = json!("validated");
    let declared = app
        .send(
            Method::PUT,
            &format!("/api/v1/operations/{id}"),
            Some(&app.editor_lens),
            Some(changed),
        )
        .await;
    assert_eq!(declared.status, StatusCode::OK, "{}", declared.body);
    assert_eq!(declared.json()["validation"], "declared");

    // Counted among all figures, which signed-in users see, not among validated ones.
    let editor = app.browser("editeur@lens.fr").await;
    let all = app.page(&editor, Method::GET, "/", &[]).await.body;
    assert!(all.contains("1 en attente de validation"), "{all}");
    assert!(all.contains("/operations?status=study"), "{all}");
    // The validated figures keep the operation as last validated (they used to drop it).
    let validated_only = app.get("/?chiffres=valides").await.body;
    assert!(
        validated_only.contains("/operations?status=study"),
        "{validated_only}"
    );
    assert_eq!(
        app.get("/?chiffres=nimportequoi").await.status,
        StatusCode::BAD_REQUEST
    );
    assert!(
        app.page(&editor, Method::GET, &format!("/operations/{id}"), &[])
            .await
            .body
            .contains("en attente de")
    );

    // Anonymous visitors do not see the queue; partners see it without the team's buttons.
    assert_eq!(
        app.get("/validation").await.status,
        StatusCode::UNAUTHORIZED
    );
    let queue = app.page(&editor, Method::GET, "/validation", &[]).await;
    assert!(queue.body.contains("déclarée par Lens") && !queue.body.contains("value=\"valider\""));
    let version = declared.json()["version"].as_i64().unwrap();
    let refused = answer(&app, &editor, id, version, "valider", "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    // The team returns without a comment: refused, said next to the record.
    let admin = app.browser("admin@exemple.fr").await;
    let silent = answer(&app, &admin, id, version, "renvoyer", "").await;
    assert_eq!(
        silent.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        silent.body
    );
    assert!(silent.body.contains("class=\"error\""), "{}", silent.body);

    // Then with one: the partner reads it on the operation page.
    let returned = answer(&app, &admin, id, version, "renvoyer", "Le coût HT manque.").await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.body);
    assert_eq!(location(&returned), "/validation");
    let page = app
        .page(&editor, Method::GET, &format!("/operations/{id}"), &[])
        .await
        .body;
    assert!(
        page.contains("Renvoyée par") && page.contains("Le coût HT manque."),
        "{page}"
    );
    // The team's comment is internal: visitors see the operation as last validated.
    let public = app.get(&format!("/operations/{id}")).await.body;
    assert!(!public.contains("Le coût HT manque.") && !public.contains("Renvoyée"));

    // The version answered is the one seen: answering it again is a conflict.
    let stale = answer(&app, &admin, id, version, "valider", "").await;
    assert_eq!(
        stale.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        stale.body
    );

    let current = app.operation(id).await["version"].as_i64().unwrap();
    let validated = answer(&app, &admin, id, current, "valider", "").await;
    assert_eq!(
        validated.status,
        StatusCode::SEE_OTHER,
        "{}",
        validated.body
    );
    assert_eq!(app.operation(id).await["validation"], "validated");
    let validated_only = app.get("/?chiffres=valides").await.body;
    assert!(
        validated_only.contains("/operations?status=study"),
        "{validated_only}"
    );
    let queue = app.page(&admin, Method::GET, "/validation", &[]).await;
    assert!(queue.body.contains("Aucune déclaration"), "{}", queue.body);
}

/// The team's answer on the operation, sent from the validation page.
async fn answer(
    app: &App,
    browser: &Browser,
    id: i64,
    version: i64,
    decision: &str,
    comment: &str,
) -> Answer {
    let (id, version) = (id.to_string(), version.to_string());
    let fields = [
        ("entity", "operation"),
        ("id", id.as_str()),
        ("version", version.as_str()),
        ("decision", decision),
        ("comment", comment),
    ];
    app.page(browser, Method::POST, "/validation", &fields)
        .await
}

/// An administrator's change that does not name the review state keeps the stored one: only a
/// named state, or the validation page, validates (#12 finding 14).
#[tokio::test]
async fn an_administrators_change_naming_no_state_keeps_the_declared_one() {
    let app = App::new().await;
    let id = app.operation_id();
    let path = format!("/api/v1/operations/{id}");
    let mut changed = app.operation.clone();
    changed["title"] = json!("École Jules Elby, déclarée par Lens");
    let declared = app
        .send(Method::PUT, &path, Some(&app.editor_lens), Some(changed))
        .await;
    assert_eq!(
        declared.json()["validation"],
        "declared",
        "{}",
        declared.body
    );

    // Through the API, without `validation` nor `validation_note`.
    let mut corrected = declared.json();
    corrected["cost_ht"] = json!(110_000_000);
    for field in ["validation", "validation_note"] {
        corrected.as_object_mut().unwrap().remove(field);
    }
    let kept = app
        .send(Method::PUT, &path, Some(&app.admin), Some(corrected))
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
    assert_eq!(kept.json()["cost_ht"], 110_000_000);
    assert_eq!(kept.json()["validation"], "declared");

    // Through the operation's form.
    let admin = app.browser("admin@exemple.fr").await;
    let operation = kept.json();
    let text = |field: &str| operation[field].as_str().unwrap_or_default().to_string();
    let fields = [
        ("version", operation["version"].to_string()),
        ("title", "École Jules Elby (cité 9)".to_string()),
        ("kind", text("kind")),
        ("status", text("status")),
        ("owner_id", operation["owner_id"].to_string()),
        ("cost_ht", "1 100 000".to_string()),
        ("start_on", text("start_on")),
        ("end_on", text("end_on")),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = app
        .page(
            &admin,
            Method::POST,
            &format!("/operations/{id}/modifier"),
            &fields,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after_form = app.operation(id).await;
    assert_eq!(after_form["title"], "École Jules Elby (cité 9)");
    assert_eq!(after_form["validation"], "declared");

    // Naming the state validates.
    let mut validated = after_form.clone();
    validated["validation"] = json!("validated");
    let validated = app
        .send(Method::PUT, &path, Some(&app.admin), Some(validated))
        .await;
    assert_eq!(
        validated.json()["validation"],
        "validated",
        "{}",
        validated.body
    );

    // An administrator's new record, naming no state, is the team's own: validated.
    let mut new = app.operation.clone();
    for field in ["id", "version", "validation", "validation_note"] {
        new.as_object_mut().unwrap().remove(field);
    }
    new["title"] = json!("Salle Darcy");
    let created = app
        .send(
            Method::POST,
            "/api/v1/operations",
            Some(&app.admin),
            Some(new),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["validation"], "validated");
}
