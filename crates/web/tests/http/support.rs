//! The application on a fresh database, and the clients that talk to it: API calls with a
//! bearer token, and browsers with a session cookie and its CSRF token.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use renouveau_domain::{Actor, Organisation, OrganisationKind, OrganisationRole, Role, RoleSet};
use renouveau_store::accounts;
use renouveau_store::testing::TestDb;
use renouveau_web::{AppState, auth};
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt;

/// The password of every user of the fixture.
pub const PASSWORD: &str = "mot de passe de test";

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends a request to `router` and reads the whole answer.
pub async fn answer(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
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

/// The bundled programme on a fresh database, served in process.
pub struct Bundled {
    pub db: TestDb,
    pub router: Router,
}

impl Bundled {
    pub async fn new() -> Self {
        let db = TestDb::new().await;
        renouveau_ingest::bundle::load_bundle(&db.store, &Actor::system("test"))
            .await
            .unwrap();
        let router = renouveau_web::router(AppState::new(db.store.clone()));
        Self { db, router }
    }

    /// A visitor's GET.
    pub async fn get(&self, path: &str) -> Answer {
        answer(
            &self.router,
            Request::get(path).body(Body::empty()).unwrap(),
        )
        .await
    }

    /// A GET with the given `Cookie` header.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Answer {
        let request = Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        answer(&self.router, request).await
    }
}

/// The application on a fresh database with two partners, a user per role (with an API token
/// each) and an operation owned by the first partner.
pub struct App {
    pub db: TestDb,
    pub router: Router,
    pub admin: String,
    pub editor_lens: String,
    pub contributor_lens: String,
    pub editor_douai: String,
    pub reader_lens: String,
    pub lens: i64,
    pub douai: i64,
    pub operation: Value,
}

pub async fn partner(db: &TestDb, name: &str, short: &str, siren: &str) -> i64 {
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

/// Creates a user (password [`PASSWORD`]) and returns an API token of theirs.
pub async fn token(db: &TestDb, email: &str, organisation: i64, role: Role) -> String {
    let user = accounts::create_user(
        db.db(),
        &Actor::system("test"),
        email,
        organisation,
        role,
        Some(&auth::password::hash(PASSWORD).unwrap()),
    )
    .await
    .unwrap();
    auth::create_api_token(&db.store, &Actor::system("test"), &user, None)
        .await
        .unwrap()
        .secret
}

impl App {
    pub async fn new() -> Self {
        let db = TestDb::new().await;
        let lens = partner(&db, "CA de Lens-Liévin", "CALL", "246200364").await;
        let douai = partner(&db, "Douaisis Agglo", "DA", "200044618").await;
        let admin = token(&db, "admin@exemple.fr", lens, Role::Admin).await;
        let editor_lens = token(&db, "editeur@lens.fr", lens, Role::Editor).await;
        let contributor_lens = token(&db, "contributeur@lens.fr", lens, Role::Contributor).await;
        let editor_douai = token(&db, "editeur@douai.fr", douai, Role::Editor).await;
        let reader_lens = token(&db, "lecteur@lens.fr", lens, Role::Reader).await;
        let router = renouveau_web::router(AppState::new(db.store.clone()));
        let mut app = Self {
            db,
            router,
            admin,
            editor_lens,
            contributor_lens,
            editor_douai,
            reader_lens,
            lens,
            douai,
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

    pub async fn send(
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
        self.answer(request).await
    }

    /// Sends a request to the application and reads the whole answer.
    pub async fn answer(&self, request: Request<Body>) -> Answer {
        answer(&self.router, request).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, None).await
    }

    pub fn operation_id(&self) -> i64 {
        self.operation["id"].as_i64().unwrap()
    }
}

pub fn operation_json(programme: i64, owner: i64, title: &str, status: &str) -> Value {
    json!({
        "programme_id": programme, "title": title, "description": null,
        "kind": "public_facility", "owner_id": owner, "territory_id": null,
        "status": status, "cost_ht": 100_000_000, "cost_ttc": 120_000_000,
        "start_on": "2024-01-01", "end_on": "2026-12-31"
    })
}

/// A signed-in browser: the session cookie of a user, and the CSRF token its forms carry.
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

impl App {
    /// Opens a session for `email` as the sign-in page would, and reads the CSRF token from a
    /// page: the sign-out form in every page's header carries it.
    pub async fn browser(&self, email: &str) -> Browser {
        let user = accounts::user_by_email(self.db.db(), email)
            .await
            .unwrap()
            .unwrap();
        let token = auth::open_session(&self.db.store, &user).await.unwrap();
        self.browser_with(format!("{}={token}", auth::SESSION_COOKIE))
            .await
    }

    /// The browser holding `cookie`, with the CSRF token of its session.
    pub async fn browser_with(&self, cookie: String) -> Browser {
        let mut browser = Browser {
            cookie,
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
    pub async fn page(
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
        self.answer(request.body(body).unwrap()).await
    }

    pub async fn operation(&self, id: i64) -> Value {
        self.get(&format!("/api/v1/operations/{id}")).await.json()
    }

    /// Sends the sign-in form from a browser holding `cookie` (empty for none), connecting from
    /// `client`.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        cookie: &str,
        client: SocketAddr,
    ) -> Answer {
        self.answer(sign_in_request(email, password, cookie, client))
            .await
    }
}

/// The sign-in form's token, as the browser got it with the form (see `sign_in_token`).
pub const SIGN_IN_TOKEN: &str = "5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e";

/// The sign-in form sent from a browser holding `cookie` (empty for none) and the form's token,
/// connecting from `client`.
pub fn sign_in_request(
    email: &str,
    password: &str,
    cookie: &str,
    client: SocketAddr,
) -> Request<Body> {
    sign_in_request_then(email, password, cookie, client, "/operations")
}

/// [`sign_in_request`] asking to go to `next` once signed in.
pub fn sign_in_request_then(
    email: &str,
    password: &str,
    cookie: &str,
    client: SocketAddr,
    next: &str,
) -> Request<Body> {
    let token_cookie = format!("{}={SIGN_IN_TOKEN}", auth::SIGN_IN_COOKIE);
    let cookies = [cookie, &token_cookie]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let mut request = Request::post("/connexion")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookies)
        .body(Body::from(form_body(&[
            ("email", email),
            ("password", password),
            ("next", next),
            ("csrf", SIGN_IN_TOKEN),
        ])))
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(client));
    request
}

/// The `name=value` of the session cookie an answer sets.
pub fn session_cookie(answer: &Answer) -> String {
    set_cookie(answer, auth::SESSION_COOKIE)
        .unwrap_or_else(|| panic!("no session cookie set ({}): {}", answer.status, answer.body))
}

/// The `name=value` of the cookie `name` an answer sets, if it does.
pub fn set_cookie(answer: &Answer, name: &str) -> Option<String> {
    answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().to_string())
        .find(|pair| pair.split_once('=').is_some_and(|(n, _)| n == name))
}

/// A client address, for the sign-in throttle.
pub fn client(last_byte: u8) -> SocketAddr {
    SocketAddr::from(([192, 0, 2, last_byte], 40_000))
}

pub fn form_body(pairs: &[(&str, &str)]) -> String {
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

pub fn location(answer: &Answer) -> &str {
    answer.headers[header::LOCATION].to_str().unwrap()
}
