//! The JSON API: lists, records, writes by the right user, the OpenAPI document.

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{App, operation_json};

#[tokio::test]
async fn every_api_list_and_record_route_answers() {
    let app = App::new().await;
    let mut routes = 0;
    macro_rules! check_list {
        ($ty:ty, $path:literal, $label:literal) => {
            let answer = app.get(concat!("/api/v1/", $path)).await;
            assert_eq!(answer.status, StatusCode::OK, "{}: {}", $path, answer.body);
            let page = answer.json();
            assert!(
                page["items"].is_array() && page["total"].is_i64(),
                "{}",
                $path
            );
            routes += 1;
        };
    }
    renouveau_web::api_entities!(check_list);
    macro_rules! check_children {
        ($parent:literal, $children:literal, $ty:ty, $column:literal) => {
            let path = format!("/api/v1/{}/1/{}", $parent, $children);
            let answer = app.get(&path).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
            routes += 1;
        };
    }
    renouveau_web::api_children!(check_children);
    assert!(routes >= 30, "{routes} routes checked");

    let one = app
        .get(&format!("/api/v1/operations/{}", app.operation_id()))
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json()["title"], "École Jules Elby");
    let missing = app.get("/api/v1/operations/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn lists_filter_and_paginate() {
    let app = App::new().await;
    let programme = app.operation["programme_id"].as_i64().unwrap();
    for i in 0..7 {
        let status = if i % 2 == 0 { "works" } else { "study" };
        let created = app
            .send(
                Method::POST,
                "/api/v1/operations",
                Some(&app.admin),
                Some(operation_json(
                    programme,
                    app.lens,
                    &format!("Cité {i}"),
                    status,
                )),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    let works = app.get("/api/v1/operations?status=works").await.json();
    assert_eq!(works["total"], 4);
    assert!(
        works["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "works")
    );

    let page = app
        .get("/api/v1/operations?sort=title&per_page=3&page=2")
        .await
        .json();
    assert_eq!(page["total"], 8);
    let titles: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["Cité 3", "Cité 4", "Cité 5"]);

    let found = app.get("/api/v1/operations?q=elby").await.json();
    assert_eq!(found["total"], 1);

    let signatories = app.get("/api/v1/organisations?role=signatory").await.json();
    assert_eq!(signatories["total"], 2);
    let none = app.get("/api/v1/organisations?role=landlord").await.json();
    assert_eq!(none["total"], 0);

    let unknown = app.get("/api/v1/operations?colour=blue").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.json()["field"], "colour");
    let bad_page = app.get("/api/v1/operations?page=zero").await;
    assert_eq!(bad_page.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn writes_need_the_right_user() {
    let app = App::new().await;
    let id = app.operation_id();
    let path = format!("/api/v1/operations/{id}");
    let mut change = app.operation.clone();
    change["title"] = json!("École Jules Elby (rénovée)");

    let anonymous = app
        .send(Method::PUT, &path, None, Some(change.clone()))
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let bogus = app
        .send(Method::PUT, &path, Some("rnv_bogus"), Some(change.clone()))
        .await;
    assert_eq!(bogus.status, StatusCode::UNAUTHORIZED);
    let other_partner = app
        .send(
            Method::PUT,
            &path,
            Some(&app.editor_douai),
            Some(change.clone()),
        )
        .await;
    assert_eq!(
        other_partner.status,
        StatusCode::FORBIDDEN,
        "{}",
        other_partner.body
    );
    let reader = app
        .send(
            Method::PUT,
            &path,
            Some(&app.reader_lens),
            Some(change.clone()),
        )
        .await;
    assert_eq!(reader.status, StatusCode::FORBIDDEN);

    let owner = app
        .send(
            Method::PUT,
            &path,
            Some(&app.editor_lens),
            Some(change.clone()),
        )
        .await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.body);
    assert_eq!(owner.json()["version"], 2);

    let stale = app
        .send(Method::PUT, &path, Some(&app.editor_lens), Some(change))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(
        stale.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );

    let mut invalid = owner.json();
    invalid["cost_ht"] = json!(-5);
    let refused = app
        .send(Method::PUT, &path, Some(&app.editor_lens), Some(invalid))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);

    let mut backwards = owner.json();
    backwards["start_on"] = json!("2030-01-01");
    let refused = app
        .send(Method::PUT, &path, Some(&app.editor_lens), Some(backwards))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(refused.json()["field"], "end_on");

    let archived = app
        .send(
            Method::POST,
            &format!("{path}/archive"),
            Some(&app.editor_lens),
            Some(json!({"version": 2})),
        )
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
    assert_eq!(app.get("/api/v1/operations").await.json()["total"], 0);
    let _ = &app.db;
}

#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    let app = App::new().await;
    let answer = app.get("/api/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = answer.json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/operations/{id}/financing"));
    assert!(paths.contains_key("/api/v1/territories"));
    // Nullability comes from the database: a nullable column accepts null, a required one not.
    let operation = &document["components"]["schemas"]["Operation"]["properties"];
    assert_eq!(operation["title"]["type"], "string");
    assert_eq!(operation["description"]["type"], json!(["string", "null"]));
    assert!(
        operation["status"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("works"))
    );
    // Money is integer cents of euro, never negative, at most Amount's bound (10^13 €), and
    // says so; other integers do not.
    let schemas = &document["components"]["schemas"];
    for (schema, field, nullable) in [
        ("FinancingLine", "requested", false),
        ("FinancingLine", "granted", false),
        ("FinancingLine", "committed", false),
        ("FinancingLine", "paid", false),
        ("Operation", "cost_ht", true),
        ("Operation", "cost_ttc", true),
        ("Fund", "amount", true),
        ("FundContribution", "amount", false),
    ] {
        let money = &schemas[schema]["properties"][field];
        let kind = if nullable {
            json!(["integer", "null"])
        } else {
            json!("integer")
        };
        assert_eq!(money["type"], kind, "{schema}.{field}");
        assert_eq!(money["minimum"], 0, "{schema}.{field}");
        assert_eq!(
            money["maximum"], 1_000_000_000_000_000_i64,
            "{schema}.{field}"
        );
        assert!(
            money["description"]
                .as_str()
                .is_some_and(|d| d.contains("centimes d'euro")),
            "{schema}.{field}: {money}"
        );
    }
    assert_eq!(
        schemas["FinancingLine"]["properties"]["year"].get("description"),
        None
    );
    // Every link names an operation of the document.
    let operation_ids: Vec<&Value> = paths
        .values()
        .flat_map(|methods| methods.as_object().unwrap().values())
        .map(|op| &op["operationId"])
        .collect();
    let mut links = 0;
    for op in paths.values().flat_map(|m| m.as_object().unwrap().values()) {
        for response in op["responses"].as_object().unwrap().values() {
            for link in response["links"]
                .as_object()
                .into_iter()
                .flat_map(|l| l.values())
            {
                assert!(operation_ids.contains(&&link["operationId"]), "{link}");
                links += 1;
            }
        }
    }
    assert!(links >= 4 * 24, "{links} links");
    // The snapshot keeps the folder and name it had when this test binary was a single file.
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("http__openapi", document);
    });
}
