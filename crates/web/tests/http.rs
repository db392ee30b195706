//! The web application over HTTP (in process), on the backend the test run asks for.
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use renouveau_domain::{Actor, Organisation, OrganisationKind, OrganisationRole, Role, RoleSet};
use renouveau_store::accounts;
use renouveau_store::testing::TestDb;
use renouveau_web::{AppState, auth};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// The application on a fresh database with two partners, a user per role and an operation
/// owned by the first partner.
struct App {
    db: TestDb,
    router: Router,
    admin: String,
    editor_lens: String,
    editor_douai: String,
    reader_lens: String,
    lens: i64,
    operation: Value,
}

async fn partner(db: &TestDb, name: &str, short: &str, siren: &str) -> i64 {
    db.records::<Organisation>()
        .create(
            &Actor::system("test"),
            Organisation {
                name: name.into(),
                short_name: Some(short.into()),
                kind: OrganisationKind::Epci,
                siren: Some(siren.parse().unwrap()),
                siret: None,
                roles: RoleSet::new([OrganisationRole::Signatory, OrganisationRole::Funder]),
            },
        )
        .await
        .unwrap()
        .id
}

async fn token(db: &TestDb, email: &str, organisation: i64, role: Role) -> String {
    let user = accounts::create_user(
        db.db(),
        &Actor::system("test"),
        email,
        organisation,
        role,
        Some(&auth::password::hash("mot de passe de test").unwrap()),
    )
    .await
    .unwrap();
    auth::create_api_token(&db.store, &user).await.unwrap()
}

impl App {
    async fn new() -> Self {
        let db = TestDb::new().await;
        let lens = partner(&db, "CA de Lens-Liévin", "CALL", "246200364").await;
        let douai = partner(&db, "Douaisis Agglo", "DA", "200044618").await;
        let admin = token(&db, "admin@exemple.fr", lens, Role::Admin).await;
        let editor_lens = token(&db, "editeur@lens.fr", lens, Role::Editor).await;
        let editor_douai = token(&db, "editeur@douai.fr", douai, Role::Editor).await;
        let reader_lens = token(&db, "lecteur@lens.fr", lens, Role::Reader).await;
        let router = renouveau_web::router(AppState::new(db.store.clone()));
        let mut app = Self {
            db,
            router,
            admin,
            editor_lens,
            editor_douai,
            reader_lens,
            lens,
            operation: Value::Null,
        };
        let programme = app
            .send(
                Method::POST,
                "/api/v1/programmes",
                Some(&app.admin.clone()),
                Some(json!({"code": "erbm", "name": "ERBM", "description": null,
                    "start_on": "2017-03-07", "end_on": "2027-12-31"})),
            )
            .await;
        assert_eq!(programme.status, StatusCode::CREATED, "{}", programme.body);
        let programme_id = programme.json()["id"].as_i64().unwrap();
        let operation = app
            .send(
                Method::POST,
                "/api/v1/operations",
                Some(&app.admin.clone()),
                Some(operation_json(
                    programme_id,
                    lens,
                    "École Jules Elby",
                    "study",
                )),
            )
            .await;
        assert_eq!(operation.status, StatusCode::CREATED, "{}", operation.body);
        app.operation = operation.json();
        app
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, None).await
    }

    fn operation_id(&self) -> i64 {
        self.operation["id"].as_i64().unwrap()
    }
}

fn operation_json(programme: i64, owner: i64, title: &str, status: &str) -> Value {
    json!({
        "programme_id": programme, "title": title, "description": null,
        "kind": "public_facility", "owner_id": owner, "territory_id": null,
        "status": status, "cost_ht": 100_000_000, "cost_ttc": 120_000_000,
        "start_on": "2024-01-01", "end_on": "2026-12-31"
    })
}

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
async fn pages_answer_in_french_with_security_headers() {
    let app = App::new().await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<html lang=\"fr\">"));
    let csp = home.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(home.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let missing = app.get("/nulle-part").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Page introuvable"));
    assert_eq!(app.get("/connexion").await.status, StatusCode::OK);
}

#[tokio::test]
async fn signing_in_sets_a_protected_session_cookie() {
    let app = App::new().await;
    let sign_in = |password: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/connexion")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email=editeur%40lens.fr&password={}&next=%2Foperations",
                password.replace(' ', "+")
            )))
            .unwrap()
    };
    let refused = app
        .router
        .clone()
        .oneshot(sign_in("mauvais mot de passe"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.headers().get(header::SET_COOKIE).is_none());

    let accepted = app
        .router
        .clone()
        .oneshot(sign_in("mot de passe de test"))
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(accepted.headers()[header::LOCATION], "/operations");
    let cookie = accepted.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    // A cookie-authenticated API write without the CSRF token is refused.
    let session = cookie.split(';').next().unwrap().to_string();
    let path = format!("/api/v1/operations/{}", app.operation_id());
    let request = Request::builder()
        .method(Method::PUT)
        .uri(&path)
        .header(header::COOKIE, &session)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(app.operation.to_string()))
        .unwrap();
    let answer = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
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
    insta::assert_json_snapshot!("openapi", document);
}

/// Every page on the bundled programme (without geometry: the map says how to import it).
#[tokio::test]
async fn every_page_answers_on_the_bundled_programme() {
    let db = TestDb::new().await;
    renouveau_ingest::bundle::load_bundle(&db.store, &Actor::system("test"))
        .await
        .unwrap();
    let router = renouveau_web::router(AppState::new(db.store.clone()));
    let get = |path: String| {
        let router = router.clone();
        async move {
            let response = router
                .oneshot(Request::get(&path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, String::from_utf8(bytes.to_vec()).unwrap())
        }
    };
    let first_id = |body: &str, prefix: &str| -> String {
        let start = body
            .find(prefix)
            .unwrap_or_else(|| panic!("no link {prefix}"))
            + prefix.len();
        body[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    };

    let (status, home) = get("/".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("23\u{202f}000 au 31/12/2027"),
        "housing target"
    );
    assert!(home.contains("n°2025-246") && home.contains("pour 78, contre 0, abstention 0"));
    let granted: i64 = renouveau_store::summaries::money_by_funder(db.store.db())
        .await
        .unwrap()
        .iter()
        .map(|m| m.granted)
        .sum();
    assert!(granted > 0);
    assert!(home.contains(&format!("<data id=\"total-accorde\" value=\"{granted}\">")));

    let (_, conventions) = get("/conventions".into()).await;
    assert!(
        conventions.contains("Améliorer l&#39;habitat")
            || conventions.contains("Améliorer l'habitat")
    );
    let (_, territories) = get("/territoires".into()).await;
    assert!(territories.contains("renouveau territory import"));
    assert!(territories.matches("/territoires/").count() >= 8);
    let (_, partners) = get("/partenaires".into()).await;
    let (_, indicators) = get("/indicateurs".into()).await;
    let (_, operations) = get("/operations".into()).await;

    for path in [
        "/financements".to_string(),
        format!(
            "/operations/{}",
            first_id(&operations, "href=\"/operations/")
        ),
        format!(
            "/territoires/{}",
            first_id(&territories, "href=\"/territoires/")
        ),
        format!(
            "/partenaires/{}",
            first_id(&partners, "href=\"/partenaires/")
        ),
        format!(
            "/indicateurs/{}",
            first_id(&indicators, "href=\"/indicateurs/")
        ),
    ] {
        let (status, body) = get(path.clone()).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("<main id=\"contenu\">"), "{path}");
    }
    let (status, _) = get("/territoires?couleur=nimportequoi".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// A signed-in browser: the session cookie of a user, and the CSRF token its forms carry.
struct Browser {
    cookie: String,
    csrf: String,
}

impl App {
    /// Opens a session for `email` as the sign-in page would, and reads the CSRF token from a
    /// page: the sign-out form in every page's header carries it.
    async fn browser(&self, email: &str) -> Browser {
        let user = accounts::user_by_email(self.db.db(), email)
            .await
            .unwrap()
            .unwrap();
        let token = auth::open_session(&self.db.store, &user).await.unwrap();
        let mut browser = Browser {
            cookie: format!("{}={token}", auth::SESSION_COOKIE),
            csrf: String::new(),
        };
        let page = self.page(&browser, Method::GET, "/operations", &[]).await;
        let marker = "name=\"csrf\" value=\"";
        let start = page.body.find(marker).map(|i| i + marker.len());
        browser.csrf = start
            .map(|s| page.body[s..].chars().take_while(|c| *c != '"').collect())
            .unwrap_or_default();
        assert!(!browser.csrf.is_empty(), "no CSRF token: {}", page.body);
        browser
    }

    /// A page request from `browser`; a POST sends `fields` as a form, with the CSRF token.
    async fn page(
        &self,
        browser: &Browser,
        method: Method,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::COOKIE, &browser.cookie);
        let body = if method == Method::POST {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let mut pairs = vec![("csrf", browser.csrf.as_str())];
            pairs.extend_from_slice(fields);
            Body::from(form_body(&pairs))
        } else {
            Body::empty()
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn operation(&self, id: i64) -> Value {
        self.get(&format!("/api/v1/operations/{id}")).await.json()
    }
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn location(answer: &Answer) -> &str {
    answer.headers[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn operations_are_created_and_edited_through_the_forms() {
    let app = App::new().await;
    let anonymous = app.get("/operations/nouvelle").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&anonymous),
        "/connexion?next=%2Foperations%2Fnouvelle"
    );

    let editor = app.browser("editeur@lens.fr").await;
    let list = app.page(&editor, Method::GET, "/operations", &[]).await;
    assert!(list.body.contains("href=\"/operations/nouvelle\""));
    let form = app
        .page(&editor, Method::GET, "/operations/nouvelle", &[])
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("<optgroup") || form.body.contains("id=\"territory_id\""));
    let lens = app.lens.to_string();
    let fields = [
        ("title", "Cité des Provinces : espaces publics"),
        ("description", ""),
        ("kind", "public_space"),
        ("status", "study"),
        ("owner_id", lens.as_str()),
        ("territory_id", ""),
        ("cost_ht", "1 234 567,89"),
        ("cost_ttc", "1 481 481,47"),
        ("start_on", "2025-01-06"),
        ("end_on", "31/12/2026"),
    ];
    let created = app
        .page(&editor, Method::POST, "/operations/nouvelle", &fields)
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id: i64 = location(&created)
        .strip_prefix("/operations/")
        .unwrap()
        .parse()
        .unwrap();
    let stored = app.operation(id).await;
    assert_eq!(stored["title"], "Cité des Provinces : espaces publics");
    assert_eq!(stored["cost_ht"], 123_456_789);
    assert_eq!(stored["end_on"], "2026-12-31");
    assert_eq!(
        stored["programme_id"], app.operation["programme_id"],
        "the single programme"
    );

    let without_csrf = app
        .page(
            &Browser {
                cookie: editor.cookie.clone(),
                csrf: "faux".into(),
            },
            Method::POST,
            "/operations/nouvelle",
            &fields,
        )
        .await;
    assert_eq!(without_csrf.status, StatusCode::FORBIDDEN);

    let invalid = app
        .page(
            &editor,
            Method::POST,
            "/operations/nouvelle",
            &[
                ("title", "Sans coût"),
                ("kind", "study"),
                ("status", "idea"),
                ("cost_ht", "douze"),
            ],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.body.contains("id=\"cost_ht-error\""));
    assert!(invalid.body.contains("aria-describedby=\"cost_ht-error\""));

    let edit_path = format!("/operations/{id}/modifier");
    let edit = app.page(&editor, Method::GET, &edit_path, &[]).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("name=\"version\" value=\"1\""));
    assert!(edit.body.contains("value=\"1234567,89\""));
    let mut changed = fields.to_vec();
    changed[0] = ("title", "Cité des Provinces : requalification");
    changed.push(("version", "1"));
    let saved = app.page(&editor, Method::POST, &edit_path, &changed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(location(&saved), format!("/operations/{id}"));

    changed[0] = ("title", "Écrasement d'une version ancienne");
    let stale = app.page(&editor, Method::POST, &edit_path, &changed).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("modifié entre-temps"), "{}", stale.body);
    let stored = app.operation(id).await;
    assert_eq!(stored["title"], "Cité des Provinces : requalification");
    assert_eq!(stored["version"], 2);

    let mut backwards = fields.to_vec();
    backwards[3] = ("status", "idea");
    backwards.push(("version", "2"));
    let refused = app
        .page(&editor, Method::POST, &edit_path, &backwards)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"status-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("non autorisé"));
    assert_eq!(app.operation(id).await["status"], "study");
}

#[tokio::test]
async fn readers_and_strangers_write_nothing_through_the_forms() {
    let app = App::new().await;
    let reader = app.browser("lecteur@lens.fr").await;
    let form = app
        .page(&reader, Method::GET, "/operations/nouvelle", &[])
        .await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    let page = app
        .page(
            &reader,
            Method::GET,
            &format!("/operations/{}", app.operation_id()),
            &[],
        )
        .await;
    assert!(!page.body.contains("/modifier"));
    let fields = [
        ("title", "Opération d'un lecteur"),
        ("kind", "study"),
        ("status", "idea"),
    ];
    let posted = app
        .page(&reader, Method::POST, "/operations/nouvelle", &fields)
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN, "{}", posted.body);
    assert!(posted.body.contains("Accès refusé"));

    let other_partner = app.browser("editeur@douai.fr").await;
    let change = [
        ("title", "Opération d'un autre partenaire"),
        ("kind", "public_facility"),
        ("status", "study"),
        ("version", "1"),
    ];
    let posted = app
        .page(
            &other_partner,
            Method::POST,
            &format!("/operations/{}/modifier", app.operation_id()),
            &change,
        )
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN, "{}", posted.body);

    let anonymous = app
        .page(
            &Browser {
                cookie: String::new(),
                csrf: String::new(),
            },
            Method::POST,
            "/operations/nouvelle",
            &fields,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/operations").await.json()["total"], 1);
    assert_eq!(app.operation(app.operation_id()).await["version"], 1);
}

#[tokio::test]
async fn financing_lines_milestones_and_facets_are_saved_through_the_forms() {
    use renouveau_domain::{Amount, FinancingLine, FinancingState, Milestone};
    use renouveau_store::ListQuery;

    let app = App::new().await;
    let operation = app.operation_id();
    let line = app
        .db
        .records::<FinancingLine>()
        .create(
            &Actor::system("test"),
            FinancingLine {
                operation_id: operation,
                funder_id: app.lens,
                fund_id: None,
                scheme: None,
                year: Some(2025),
                state: FinancingState::Requested,
                requested: Amount::from_cents(8_000_000).unwrap(),
                granted: Amount::ZERO,
                committed: Amount::ZERO,
                paid: Amount::ZERO,
                decision_ref: None,
                decision_on: None,
            },
        )
        .await
        .unwrap();
    let editor = app.browser("editeur@lens.fr").await;
    let page = app
        .page(
            &editor,
            Method::GET,
            &format!("/operations/{operation}"),
            &[],
        )
        .await;
    let line_path = format!("/operations/{operation}/financements/{}", line.id);
    assert!(page.body.contains(&format!("href=\"{line_path}\"")));

    let granted = app
        .page(
            &editor,
            Method::POST,
            &line_path,
            &[
                ("version", "1"),
                ("state", "granted"),
                ("granted", "50 000"),
                ("decision_ref", "Délibération 2025-14"),
            ],
        )
        .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    let stored = app
        .db
        .records::<FinancingLine>()
        .get(line.id)
        .await
        .unwrap();
    assert_eq!(stored.data.state, FinancingState::Granted);
    assert_eq!(stored.data.granted.cents(), 5_000_000);
    assert_eq!(stored.data.requested.cents(), 8_000_000);

    let too_much = app
        .page(
            &editor,
            Method::POST,
            &line_path,
            &[
                ("version", "2"),
                ("state", "paid"),
                ("granted", "50 000"),
                ("committed", "50 000"),
                ("paid", "60 000"),
                ("decision_ref", "Délibération 2025-14"),
            ],
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_much.body.contains("id=\"paid-error\""),
        "{}",
        too_much.body
    );
    assert!(too_much.body.contains("aria-describedby=\"paid-error\""));
    assert!(too_much.body.contains("« Montant versé »"));
    let unchanged = app
        .db
        .records::<FinancingLine>()
        .get(line.id)
        .await
        .unwrap();
    assert_eq!(unchanged.version, 2);
    assert_eq!(unchanged.data.paid, Amount::ZERO);

    let milestone = app
        .page(
            &editor,
            Method::POST,
            &format!("/operations/{operation}/jalons"),
            &[("label", "Ordre de service"), ("planned_on", "2025-03-01")],
        )
        .await;
    assert_eq!(
        milestone.status,
        StatusCode::SEE_OTHER,
        "{}",
        milestone.body
    );
    let undated = app
        .page(
            &editor,
            Method::POST,
            &format!("/operations/{operation}/jalons"),
            &[("label", "Sans date")],
        )
        .await;
    assert_eq!(undated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(undated.body.contains("id=\"planned_on-error\""));
    let milestones = app
        .db
        .records::<Milestone>()
        .list(&ListQuery::default().eq("operation_id", operation))
        .await
        .unwrap();
    assert_eq!(milestones.total, 1);

    let facets_path = format!("/operations/{operation}/volets");
    let housing = app
        .page(
            &editor,
            Method::POST,
            &facets_path,
            &[
                ("volet", "housing"),
                ("version", ""),
                ("dwellings", "120"),
                ("energy_before", "310"),
                ("energy_after", "85,5"),
                ("biosourced", "oui"),
            ],
        )
        .await;
    assert_eq!(housing.status, StatusCode::SEE_OTHER, "{}", housing.body);
    let facets = app.page(&editor, Method::GET, &facets_path, &[]).await;
    assert!(facets.body.contains("value=\"85,5\""), "{}", facets.body);
    let insertion = app
        .page(
            &editor,
            Method::POST,
            &facets_path,
            &[
                ("volet", "insertion"),
                ("version", ""),
                ("hours_required", "1 500"),
                ("people", "4"),
                ("people_rsa", "5"),
            ],
        )
        .await;
    assert_eq!(insertion.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(insertion.body.contains("id=\"people_rsa-error\""));
    let page = app
        .page(
            &editor,
            Method::GET,
            &format!("/operations/{operation}"),
            &[],
        )
        .await;
    assert!(page.body.contains("Volet logement") && !page.body.contains("Volet insertion"));
}

/// The form pages on the bundled programme: the places come grouped, every form page answers.
#[tokio::test]
async fn form_pages_answer_on_the_bundled_programme() {
    use renouveau_domain::FinancingLine;
    use renouveau_store::ListQuery;

    let db = TestDb::new().await;
    renouveau_ingest::bundle::load_bundle(&db.store, &Actor::system("test"))
        .await
        .unwrap();
    let organisation = db
        .records::<Organisation>()
        .list(&ListQuery::default().page(1, 1))
        .await
        .unwrap()
        .items[0]
        .id;
    let user = accounts::create_user(
        db.db(),
        &Actor::system("test"),
        "admin@exemple.fr",
        organisation,
        Role::Admin,
        None,
    )
    .await
    .unwrap();
    let cookie = format!(
        "{}={}",
        auth::SESSION_COOKIE,
        auth::open_session(&db.store, &user).await.unwrap()
    );
    let router = renouveau_web::router(AppState::new(db.store.clone()));
    let get = |path: String| {
        let router = router.clone();
        let cookie = cookie.clone();
        async move {
            let request = Request::get(&path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap();
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, String::from_utf8(bytes.to_vec()).unwrap())
        }
    };
    let (status, form) = get("/operations/nouvelle".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("<optgroup label=\"Intercommunalités\">"));
    assert!(form.contains("<optgroup label=\"Communes\">"));
    let line = db
        .records::<FinancingLine>()
        .list(&ListQuery::default().page(1, 1))
        .await
        .unwrap()
        .items
        .remove(0);
    let operation = line.data.operation_id;
    for path in [
        format!("/operations/{operation}/modifier"),
        format!("/operations/{operation}/volets"),
        format!("/operations/{operation}/jalons"),
        format!("/operations/{operation}/financements/{}", line.id),
    ] {
        let (status, body) = get(path.clone()).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(body.contains("name=\"csrf\""), "{path}");
    }
    let (status, _) = get(format!(
        "/operations/{}/financements/{}",
        operation + 1,
        line.id
    ))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
