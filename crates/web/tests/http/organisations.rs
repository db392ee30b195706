//! Organisations through the API: a name that looks like a registered organisation's is a 422
//! naming it, in French (#12 finding 12).

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::App;

fn organisation(name: &str, short_name: &str, siren: &str) -> serde_json::Value {
    json!({"name": name, "short_name": short_name, "kind": "region", "siren": siren,
        "siret": null, "roles": "signatory funder"})
}

#[tokio::test]
async fn a_look_alike_organisation_name_is_refused_naming_the_registered_one() {
    let app = App::new().await;
    let admin = Some(app.admin.as_str());
    let created = app
        .send(
            Method::POST,
            "/api/v1/organisations",
            admin,
            Some(organisation("Région Hauts-de-France", "HDF", "200053742")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();

    let refused = app
        .send(
            Method::POST,
            "/api/v1/organisations",
            admin,
            Some(organisation(
                "Région Hauts-de-Franc\u{435}",
                "HDF2",
                "130005267",
            )),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let problem = refused.json();
    assert_eq!(problem["field"], "name");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("«\u{a0}Région Hauts-de-France\u{a0}»")
            && detail.contains(&format!("n°{id}")),
        "{detail}"
    );

    // What is stored is the name's one form.
    let spaced = app
        .send(
            Method::POST,
            "/api/v1/organisations",
            admin,
            Some(organisation(
                " Région\u{200b}  Grand Est ",
                "GE",
                "200052264",
            )),
        )
        .await;
    assert_eq!(spaced.status, StatusCode::CREATED, "{}", spaced.body);
    assert_eq!(spaced.json()["name"], "Région Grand Est");
}
