//! Path and query parameters of the wrong type are refused in French, in the shape of the part
//! of the site asked: a problem (`application/problem+json`) under `/api/`, an HTML page
//! elsewhere. A parameter that cannot be read is a 400; one that names no record is a 404.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use renouveau_web::routes::Route;

use super::fill_page_path;
use super::fixture::Records;
use crate::support::{Answer, App, Browser, form_body};

/// What axum says in English when it refuses a parameter or a body itself.
const AXUM_ENGLISH: &[&str] = &[
    "Failed to",
    "Invalid URL",
    "Cannot parse",
    "deserialize",
    "Expected request",
    "Wrong number",
];

const GARBAGE: &[&str] = &["abc", "99999999999999999999", "1.5", "%FF", "-"];

#[tokio::test]
async fn garbage_in_any_path_parameter_is_refused_in_french() {
    let app = App::new().await;
    let records = Records::create(&app).await;
    let admin = app.browser("admin@exemple.fr").await;
    let mut failures = Vec::new();
    let mut sent = 0;
    for route in renouveau_web::route_catalogue() {
        for place in 0..route.path.matches('{').count() {
            for garbage in GARBAGE {
                let path = fill(&route.path, &records, Some((place, garbage)));
                let answer = send(&app, &admin, &route.method, &path).await;
                sent += 1;
                let refused = matches!(
                    answer.status,
                    StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND
                );
                if let Some(wrong) = not_french(&route, &answer) {
                    failures.push(format!("{} {path}: {wrong}", route.method));
                } else if !refused {
                    failures.push(format!(
                        "{} {path}: expected 400 or 404, got {}",
                        route.method, answer.status
                    ));
                }
            }
        }
    }
    assert!(sent > 300, "only {sent} requests sent");
    assert!(
        failures.is_empty(),
        "{} of {sent} requests:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn garbage_in_query_strings_is_refused_in_french() {
    let app = App::new().await;
    let records = Records::create(&app).await;
    let admin = app.browser("admin@exemple.fr").await;
    // Wrong types, negative numbers, and parameters given twice where one is read.
    let query = "page=x&per_page=-1&limit=-1&chiffres=a&chiffres=b&niveau=a&niveau=b&\
                 couleur=a&couleur=b&next=a&next=b&q=%FF";
    let mut failures = Vec::new();
    for route in renouveau_web::route_catalogue() {
        if route.method != Method::GET {
            continue;
        }
        let path = format!("{}?{query}", fill(&route.path, &records, None));
        let answer = send(&app, &admin, &route.method, &path).await;
        if let Some(wrong) = not_french(&route, &answer) {
            failures.push(format!("GET {path}: {wrong}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    for (path, status) in [
        ("/api/v1/operations/abc", StatusCode::BAD_REQUEST),
        ("/operations/abc", StatusCode::BAD_REQUEST),
        ("/operations?page=x", StatusCode::BAD_REQUEST),
        ("/api/v1/operations?limit=-1", StatusCode::BAD_REQUEST),
        (
            "/historique/operations/99999999999999999999",
            StatusCode::BAD_REQUEST,
        ),
        ("/historique/operations/999999", StatusCode::NOT_FOUND),
        ("/historique/inconnus/1", StatusCode::NOT_FOUND),
        ("/api/v1/operations/999999", StatusCode::NOT_FOUND),
        ("/connexion?next=a&next=b", StatusCode::BAD_REQUEST),
        ("/?chiffres=a&chiffres=b", StatusCode::BAD_REQUEST),
    ] {
        let answer = app.get(path).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        let route = Route {
            method: Method::GET,
            path: path.to_string(),
        };
        assert_eq!(not_french(&route, &answer), None, "{path}");
    }
}

/// The route's path with the fixture's records in its parameters, but the `place`-th (from 0)
/// which holds the garbage given.
fn fill(template: &str, records: &Records, garbage: Option<(usize, &str)>) -> String {
    let mut path = template.to_string();
    if let Some((place, garbage)) = garbage {
        let start = path.match_indices('{').nth(place).map(|(i, _)| i).unwrap();
        let end = start + path[start..].find('}').unwrap() + 1;
        path.replace_range(start..end, garbage);
    }
    match path.strip_prefix("/api/v1/") {
        Some(rest) => {
            let collection = rest.split('/').next().unwrap_or_default();
            path.replace("{id}", &records.id(collection).to_string())
        }
        None => fill_page_path(&path, records),
    }
}

/// A request as the administrator: the API with a token and an empty JSON object, pages with
/// the session and a form holding only its CSRF token.
async fn send(app: &App, admin: &Browser, method: &Method, path: &str) -> Answer {
    let mut request = Request::builder().method(method.clone()).uri(path);
    let body = if path.starts_with("/api/") {
        request = request
            .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
            .header(header::CONTENT_TYPE, "application/json");
        "{}".to_string()
    } else {
        request = request
            .header(header::COOKIE, &admin.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        form_body(&[("csrf", &admin.csrf)])
    };
    let body = if *method == Method::GET {
        Body::empty()
    } else {
        Body::from(body)
    };
    app.answer(request.body(body).unwrap()).await
}

/// What is wrong with a refusal, if anything: English words of axum, or the wrong shape.
fn not_french(route: &Route, answer: &Answer) -> Option<String> {
    if let Some(english) = AXUM_ENGLISH.iter().find(|e| answer.body.contains(*e)) {
        return Some(format!(
            "axum's English « {english} »: {} {}",
            answer.status, answer.body
        ));
    }
    if !answer.status.is_client_error() {
        return None;
    }
    let content_type = answer
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if route.path.starts_with("/api/") {
        let problem: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
        let detail = problem["detail"].as_str().unwrap_or_default();
        if content_type != "application/problem+json" || detail.is_empty() {
            return Some(format!(
                "not a problem in French ({content_type}): {}",
                answer.body
            ));
        }
    } else if content_type != "text/html; charset=utf-8" || !answer.body.contains("lang=\"fr\"") {
        return Some(format!(
            "not a French page ({content_type}): {}",
            answer.body
        ));
    }
    None
}
