//! Hostile text through every text field of an operation, by the API and by the page form: it
//! is stored as typed, shown escaped, searched as text, and the tables are still there.

use axum::http::{Method, StatusCode};
use renouveau_store::schema;

use crate::support::{App, PASSWORD, client, location, operation_json};

const SQL_INJECTIONS: &[&str] = &["'; DROP TABLE operation; --", "' OR 1=1 --"];
const SCRIPT_INJECTIONS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
];

/// The free-text fields of an operation.
const TEXT_FIELDS: &[&str] = &["title", "description"];

/// Text as the templates (askama) write it.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The payload appears in `html`, escaped, and nothing of it is markup.
fn assert_shown_escaped(html: &str, payload: &str, page: &str) {
    assert!(
        html.contains(&escaped(payload)),
        "{page} does not show {payload} escaped"
    );
    for markup in ["<script>alert", "<img src=x", "\"><img"] {
        assert!(!html.contains(markup), "{page} carries raw {markup}");
    }
}

#[tokio::test]
async fn hostile_text_is_stored_verbatim_and_shown_escaped() {
    let app = App::new().await;
    let programme = app.operation["programme_id"].as_i64().unwrap();
    let editor = app.browser("editeur@lens.fr").await;
    let lens = app.lens.to_string();
    let mut created = 1;
    for &payload in SQL_INJECTIONS.iter().chain(SCRIPT_INJECTIONS) {
        for field in TEXT_FIELDS {
            let mut body = operation_json(programme, app.lens, "Opération ordinaire", "study");
            body[*field] = payload.into();
            let by_api = app
                .send(
                    Method::POST,
                    "/api/v1/operations",
                    Some(&app.editor_lens),
                    Some(body),
                )
                .await;
            assert_eq!(by_api.status, StatusCode::CREATED, "{}", by_api.body);
            let id = by_api.json()["id"].as_i64().unwrap();
            assert_eq!(app.operation(id).await[*field], payload, "API {field}");

            let mut fields = vec![
                ("title", "Opération ordinaire"),
                ("description", ""),
                ("kind", "public_space"),
                ("status", "study"),
                ("owner_id", lens.as_str()),
            ];
            fields.retain(|(name, _)| name != field);
            fields.push((field, payload));
            let by_form = app
                .page(&editor, Method::POST, "/operations/nouvelle", &fields)
                .await;
            assert_eq!(by_form.status, StatusCode::SEE_OTHER, "{}", by_form.body);
            let id: i64 = location(&by_form)
                .strip_prefix("/operations/")
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(app.operation(id).await[*field], payload, "form {field}");
            created += 2;

            for page in [
                format!("/operations/{id}"),
                format!("/operations/{id}/modifier"),
            ] {
                let html = app.page(&editor, Method::GET, &page, &[]).await;
                assert_eq!(html.status, StatusCode::OK, "{page}");
                assert_shown_escaped(&html.body, payload, &page);
            }
        }
        let query: String = payload.bytes().map(|b| format!("%{b:02X}")).collect();
        for page in ["/operations".to_string(), format!("/operations?q={query}")] {
            let list = app.page(&editor, Method::GET, &page, &[]).await;
            assert_eq!(list.status, StatusCode::OK, "{page}");
            assert_shown_escaped(&list.body, payload, &page);
        }
        // Searched as text: the payload finds the records holding it, nothing more.
        let found = app.get(&format!("/api/v1/operations?q={query}")).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        assert_eq!(
            found.json()["total"],
            4,
            "{payload}: once per field and channel"
        );
    }

    let refused = app.sign_in("' OR 1=1 --", PASSWORD, "", client(1)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    let tables = schema::read(app.db.db()).await.unwrap().tables;
    for table in ["operation", "app_user", "api_token", "audit_log"] {
        assert!(tables.contains_key(table), "table {table} is gone");
    }
    let all = app.get("/api/v1/operations?per_page=100").await.json();
    assert_eq!(all["total"], created);
}

/// A NUL character (which PostgreSQL cannot store) in a query string, a JSON body or a form is
/// a clear refusal, never a server error, on both backends.
#[tokio::test]
async fn a_nul_character_is_refused_on_every_input_path() {
    let app = App::new().await;
    let page = app.get("/operations?q=%00").await;
    assert!(page.status.is_client_error(), "page: {}", page.status);
    // The API documents a mistake in its parameters as a 400.
    for path in ["/api/v1/operations?q=a%00", "/api/v1/operations?title=%00"] {
        let answer = app.get(path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
    }
    let mut body = app.operation.clone();
    body["title"] = "École\u{0}Jules".into();
    let path = format!("/api/v1/operations/{}", app.operation_id());
    let answer = app
        .send(Method::PUT, &path, Some(&app.admin), Some(body))
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(answer.body.contains("caractère nul"), "{}", answer.body);

    let request = crate::support::sign_in_request("x\u{0}@exemple.fr", PASSWORD, "", client(9));
    let answer = app.answer(request).await;
    assert!(
        answer.status.is_client_error(),
        "sign-in: {}",
        answer.status
    );
}
