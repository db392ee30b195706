//! Who asks is checked before what is sent: on every write route, a cell of the matrix that
//! refuses the caller for who they are (a visitor, 401; a role that never writes there, 403)
//! gets the same answer whatever the body: unreadable, of another shape, at a stale version,
//! with refused values, of another media type, or over the size limit. Only refusals that
//! depend on the record (an editor of another partner on a partner's record) may need the body.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;

use super::fill_page_path;
use super::fixture::Records;
use super::table::{self, Answers, Expect, ROLES, Role};
use crate::support::{Answer, App, form_body};

/// More than the application reads (1 MiB).
const OVER_LIMIT: usize = 1024 * 1024 + 1;

#[tokio::test]
async fn writes_refused_for_who_asks_are_refused_whatever_the_body() {
    let app = App::new().await;
    let records = Records::create(&app).await;
    let matrix = table::matrix();
    let mut browsers = std::collections::HashMap::new();
    for role in ROLES {
        if let Some(email) = role.email() {
            browsers.insert(role, app.browser(email).await);
        }
    }
    let mut failures = Vec::new();
    let mut cells = 0;
    for route in renouveau_web::route_catalogue() {
        let session = matches!(route.path.as_str(), "/connexion" | "/deconnexion");
        if route.method == Method::GET || session {
            continue;
        }
        let row = matrix[&route];
        for (role, expected) in ROLES.into_iter().zip(row) {
            if !refused_for_who_asks(role, expected, &row) {
                continue;
            }
            let status = match expected {
                Expect::Unauthorized => StatusCode::UNAUTHORIZED,
                _ => StatusCode::FORBIDDEN,
            };
            let api_path = route.path.strip_prefix("/api/v1/");
            let bodies = match api_path {
                Some(path) => api_bodies(&app, &records, &route.method, path).await,
                None => form_bodies(browsers.get(&role).map_or("", |b| b.csrf.as_str())),
            };
            for (what, content_type, body) in bodies {
                cells += 1;
                let path = match api_path {
                    Some(path) => format!("/api/v1/{path}")
                        .replace("{id}", &records.id(collection(path)).to_string()),
                    None => fill_page_path(&route.path, &records),
                };
                let mut request = Request::builder()
                    .method(route.method.clone())
                    .uri(&path)
                    .header(header::CONTENT_TYPE, content_type);
                if let Some(browser) = browsers.get(&role).filter(|_| api_path.is_none()) {
                    request = request.header(header::COOKIE, &browser.cookie);
                }
                if let Some(token) = role.token(&app).filter(|_| api_path.is_some()) {
                    request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
                }
                let answer = app.answer(request.body(Body::from(body)).unwrap()).await;
                let shape = if api_path.is_some() {
                    "application/problem+json"
                } else {
                    "text/html; charset=utf-8"
                };
                if answer.status != status || content_type_of(&answer) != shape {
                    failures.push(format!(
                        "{route} as {role:?} with {what}: expected {status} ({shape}), got {} \
                         ({}) {}",
                        answer.status,
                        content_type_of(&answer),
                        answer.body.chars().take(200).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(cells > 500, "only {cells} requests sent");
    assert!(
        failures.is_empty(),
        "{} of {cells} requests were not refused before their body was read:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_too_large_in_french() {
    let app = App::new().await;
    let admin = app.browser("admin@exemple.fr").await;
    let json = oversized_json();

    let api = Request::post("/api/v1/operations")
        .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json.clone()))
        .unwrap();
    let api = app.answer(api).await;
    assert_eq!(api.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", api.body);
    assert_eq!(content_type_of(&api), "application/problem+json");
    let detail = api.json()["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("trop volumineu"), "{detail}");
    assert_eq!(api.json()["status"], 413);

    let update = Request::put(format!("/api/v1/operations/{}", app.operation_id()))
        .header(header::AUTHORIZATION, format!("Bearer {}", app.editor_lens))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json))
        .unwrap();
    assert_eq!(
        app.answer(update).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    let csrf = admin.csrf.clone();
    for path in [
        "/operations/nouvelle".to_string(),
        format!("/operations/{}/modifier", app.operation_id()),
        "/validation".to_string(),
        "/connexion".to_string(),
    ] {
        let form = Request::post(&path)
            .header(header::COOKIE, &admin.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(oversized_form(&csrf)))
            .unwrap();
        let page = app.answer(form).await;
        assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert_eq!(content_type_of(&page), "text/html; charset=utf-8", "{path}");
        assert!(
            page.body.contains("trop volumineu"),
            "{path}: {}",
            page.body
        );
        assert!(page.body.contains("lang=\"fr\""), "{path}");
    }
}

/// Whether the matrix refuses `role` for who they are, not for what they would write: every
/// visitor; the members of the owning partner (all signed-in roles but the other editor); and
/// the other editor where the owning editor is refused too.
fn refused_for_who_asks(role: Role, expected: Expect, row: &Answers) -> bool {
    match (role, expected) {
        (_, Expect::Unauthorized) => true,
        (Role::Reader | Role::Contributor | Role::OwnerEditor, Expect::Forbidden) => true,
        (Role::OtherEditor, Expect::Forbidden) => row[3] == Expect::Forbidden,
        _ => false,
    }
}

/// The collection of an API path below `/api/v1/`.
fn collection(path: &str) -> &str {
    path.split('/').next().unwrap_or_default()
}

/// (what, content type, body) of the bodies sent to an API write.
async fn api_bodies(
    app: &App,
    records: &Records,
    method: &Method,
    path: &str,
) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let json = "application/json";
    let record_path = format!(
        "/api/v1/{}/{}",
        collection(path),
        records.id(collection(path))
    );
    let mut record = app
        .send(Method::GET, &record_path, Some(&app.admin), None)
        .await
        .json();
    let stale = {
        let mut stale = if method == Method::PUT {
            record.clone()
        } else {
            serde_json::json!({})
        };
        stale["version"] = 999_999.into();
        stale
    };
    if let Some(fields) = record.as_object_mut() {
        for value in fields.values_mut() {
            if value.is_string() {
                *value = Value::String(String::new());
            }
        }
    }
    vec![
        ("unreadable JSON", json, b"{\"version\": ".to_vec()),
        ("JSON of another shape", json, b"[1, 2, 3]".to_vec()),
        ("a stale version", json, stale.to_string().into_bytes()),
        ("refused values", json, record.to_string().into_bytes()),
        ("another media type", "text/plain", b"version=1".to_vec()),
        ("a body over the limit", json, oversized_json()),
    ]
}

/// (what, content type, body) of the forms sent to a page, with the session's CSRF token.
fn form_bodies(csrf: &str) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let form = "application/x-www-form-urlencoded";
    let fields = |pairs: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(pairs);
        form_body(&all).into_bytes()
    };
    vec![
        (
            "fields of the wrong type",
            form,
            fields(&[("id", "abc"), ("version", "abc"), ("entity", "operation")]),
        ),
        (
            "a stale version",
            form,
            fields(&[("version", "999999"), ("title", "Périmé")]),
        ),
        (
            "refused values",
            form,
            fields(&[("title", ""), ("cost_ht", "douze"), ("decision", "?")]),
        ),
        ("another media type", "application/json", b"{}".to_vec()),
        ("a form over the limit", form, oversized_form(csrf)),
    ]
}

fn oversized_json() -> Vec<u8> {
    format!("{{\"title\": \"{}\"}}", "a".repeat(OVER_LIMIT)).into_bytes()
}

fn oversized_form(csrf: &str) -> Vec<u8> {
    form_body(&[("csrf", csrf), ("title", &"a".repeat(OVER_LIMIT))]).into_bytes()
}

fn content_type_of(answer: &Answer) -> &str {
    answer
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}
