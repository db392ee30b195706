//! Authorisation, route by route: every route of the router's catalogue is exercised by every
//! role, on real records with real bodies, and must answer what the table in `matrix/table.rs`
//! says. Between two cells every record of the fixture is live again, so that each cell is
//! decided by who asks and nothing else.

mod before_body;
mod fixture;
mod parameters;
mod table;

use std::collections::HashMap;

use axum::http::{Method, StatusCode, header};
use renouveau_web::routes::Route;
use serde_json::{Value, json};

use crate::support::{Answer, App, Browser, PASSWORD, client};
use fixture::Records;
use table::{Expect, ROLES, Role, Variant};

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let app = App::new().await;
    let records = Records::create(&app).await;
    let matrix = table::matrix();
    let catalogue = renouveau_web::route_catalogue();

    let missing: Vec<String> = catalogue
        .iter()
        .filter(|route| !matrix.contains_key(route))
        .map(Route::to_string)
        .collect();
    assert!(
        missing.is_empty(),
        "routes served but missing from the authorisation matrix (tests/http/matrix/table.rs): \
         {missing:?}"
    );
    let stale: Vec<String> = matrix
        .keys()
        .filter(|route| !catalogue.contains(route))
        .map(Route::to_string)
        .collect();
    assert!(
        stale.is_empty(),
        "rows of the matrix for routes the router does not serve: {stale:?}"
    );

    let mut clients = Clients::sign_in(&app).await;
    let mut failures = Vec::new();
    let mut cells = 0;
    for route in &catalogue {
        for (role, expected) in ROLES.into_iter().zip(matrix[route]) {
            let answer = clients.exercise(&app, &records, route, role).await;
            cells += 1;
            if !expected.matches(&answer) {
                failures.push(format!(
                    "{route} as {role:?}: expected {expected:?}, got {} {}",
                    answer.status,
                    answer.body.chars().take(300).collect::<String>()
                ));
            }
        }
    }
    for &(method, path, variant, answers) in table::VARIANTS {
        for (role, expected) in ROLES.into_iter().zip(answers) {
            let answer = variant_cell(&app, &records, method, path, variant, role).await;
            cells += 1;
            if !expected.matches(&answer) {
                failures.push(format!(
                    "{method} {path} {variant:?} as {role:?}: expected {expected:?}, got {} {}",
                    answer.status,
                    answer.body.chars().take(300).collect::<String>()
                ));
            }
        }
    }
    println!(
        "authorisation matrix: {cells} cells checked ({} routes × {} roles, and {} variants)",
        catalogue.len(),
        ROLES.len(),
        table::VARIANTS.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cells} cells differ from the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

impl Expect {
    fn matches(self, answer: &Answer) -> bool {
        let to_sign_in = || {
            answer
                .headers
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.starts_with("/connexion"))
        };
        match self {
            Self::Success => answer.status.is_success(),
            Self::Redirect => answer.status.is_redirection() && !to_sign_in(),
            Self::ToSignIn => answer.status.is_redirection() && to_sign_in(),
            Self::Unauthorized => answer.status == StatusCode::UNAUTHORIZED,
            Self::Forbidden => answer.status == StatusCode::FORBIDDEN,
        }
    }
}

impl Role {
    /// The user acting, none for the visitor.
    fn email(self) -> Option<&'static str> {
        match self {
            Self::Anonymous => None,
            Self::Reader => Some("lecteur@lens.fr"),
            Self::Contributor => Some("contributeur@lens.fr"),
            Self::OwnerEditor => Some("editeur@lens.fr"),
            Self::OtherEditor => Some("editeur@douai.fr"),
            Self::Admin => Some("admin@exemple.fr"),
        }
    }

    fn token(self, app: &App) -> Option<&str> {
        match self {
            Self::Anonymous => None,
            Self::Reader => Some(&app.reader_lens),
            Self::Contributor => Some(&app.contributor_lens),
            Self::OwnerEditor => Some(&app.editor_lens),
            Self::OtherEditor => Some(&app.editor_douai),
            Self::Admin => Some(&app.admin),
        }
    }
}

/// How each role talks to the application: API calls carry the role's token, pages the
/// role's session cookie and CSRF token.
struct Clients {
    browsers: HashMap<Role, Browser>,
}

impl Clients {
    async fn sign_in(app: &App) -> Self {
        let mut browsers = HashMap::new();
        for role in ROLES {
            browsers.insert(role, Self::browser(app, role).await);
        }
        Self { browsers }
    }

    async fn browser(app: &App, role: Role) -> Browser {
        match role.email() {
            Some(email) => app.browser(email).await,
            None => Browser {
                cookie: String::new(),
                csrf: String::new(),
            },
        }
    }

    async fn exercise(
        &mut self,
        app: &App,
        records: &Records,
        route: &Route,
        role: Role,
    ) -> Answer {
        if let Some(api_path) = route.path.strip_prefix("/api/v1/") {
            return api_cell(app, records, &route.method, api_path, role).await;
        }
        let path = fill_page_path(&route.path, records);
        if route.method == Method::GET {
            return app
                .page(&self.browsers[&role], Method::GET, &path, &[])
                .await;
        }
        let answer = match route.path.as_str() {
            "/connexion" => {
                let email = role.email().unwrap_or("lecteur@lens.fr");
                let cookie = self.browsers[&role].cookie.clone();
                app.sign_in(email, PASSWORD, &cookie, client(1)).await
            }
            "/historique/{entity}/{id}/restaurer" => {
                // Restoring needs an archived record; it is live again afterwards.
                let operation = format!("/api/v1/operations/{}", records.id("operations"));
                admin_set_archived(app, &operation, "archive").await;
                let answer = self.send_form(app, records, route, role, &path).await;
                admin_set_archived(app, &operation, "restore").await;
                answer
            }
            _ => self.send_form(app, records, route, role, &path).await,
        };
        if matches!(route.path.as_str(), "/connexion" | "/deconnexion") {
            // The session the cell began with is closed: the role signs in afresh.
            self.browsers.insert(role, Self::browser(app, role).await);
        }
        answer
    }

    async fn send_form(
        &self,
        app: &App,
        records: &Records,
        route: &Route,
        role: Role,
        path: &str,
    ) -> Answer {
        let fields = form_fields(app, records, &route.path).await;
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.page(&self.browsers[&role], Method::POST, path, &fields)
            .await
    }
}

/// A page path with the fixture's ids in place of `{id}` and `{line_id}`, and `operations` in
/// place of `{entity}`.
fn fill_page_path(template: &str, records: &Records) -> String {
    const RECORD_OF_PAGE: &[(&str, &str)] = &[
        ("/operations/", "operations"),
        ("/historique/", "operations"),
        ("/territoires/", "territories"),
        ("/partenaires/", "organisations"),
        ("/indicateurs/", "indicators"),
    ];
    if !template.contains('{') {
        return template.to_string();
    }
    let collection = RECORD_OF_PAGE
        .iter()
        .find(|(prefix, _)| template.starts_with(prefix))
        .map(|(_, collection)| *collection)
        .unwrap_or_else(|| panic!("which record does {template} show? add it to RECORD_OF_PAGE"));
    template
        .replace("{entity}", collection)
        .replace("{id}", &records.id(collection).to_string())
        .replace("{line_id}", &records.id("financing-lines").to_string())
}

/// A valid form for each page that takes one, about the fixture's operation.
async fn form_fields(app: &App, records: &Records, template: &str) -> Vec<(&'static str, String)> {
    let current = |collection: &'static str| async move {
        let path = format!("/api/v1/{collection}/{}", records.id(collection));
        app.get(&path).await.json()
    };
    let version = |record: &Value| record["version"].to_string();
    let lens = app.lens.to_string();
    match template {
        "/operations/nouvelle" => vec![
            ("title", "Opération du tableau des droits".into()),
            ("kind", "public_space".into()),
            ("status", "study".into()),
            ("owner_id", lens),
            ("cost_ht", "10 000".into()),
            ("start_on", "2025-01-06".into()),
        ],
        "/operations/{id}/modifier" => {
            let operation = current("operations").await;
            let text = |field: &str| operation[field].as_str().unwrap_or_default().to_string();
            vec![
                ("version", version(&operation)),
                ("title", text("title")),
                ("kind", text("kind")),
                ("status", text("status")),
                ("owner_id", operation["owner_id"].to_string()),
                ("cost_ht", euros(&operation["cost_ht"])),
                ("cost_ttc", euros(&operation["cost_ttc"])),
                ("start_on", text("start_on")),
                ("end_on", text("end_on")),
            ]
        }
        "/operations/{id}/financements" => vec![
            ("funder_id", lens),
            ("year", "2025".into()),
            ("state", "requested".into()),
            ("requested", "10 000".into()),
        ],
        "/operations/{id}/financements/{line_id}" => {
            let line = current("financing-lines").await;
            vec![
                ("version", version(&line)),
                ("state", line["state"].as_str().unwrap().to_string()),
                ("granted", euros(&line["granted"])),
                ("committed", euros(&line["committed"])),
                ("paid", euros(&line["paid"])),
            ]
        }
        "/operations/{id}/jalons" => vec![
            ("label", "Réception des travaux".into()),
            ("planned_on", "2026-09-01".into()),
        ],
        "/operations/{id}/volets" => {
            let facet = current("housing-facets").await;
            vec![
                ("volet", "housing".into()),
                ("version", version(&facet)),
                ("dwellings", facet["dwellings"].to_string()),
                ("energy_before", "310".into()),
                ("energy_after", "85,5".into()),
                ("biosourced", "oui".into()),
            ]
        }
        "/validation" => {
            let operation = current("operations").await;
            vec![
                ("entity", "operation".into()),
                ("id", operation["id"].to_string()),
                ("version", version(&operation)),
                ("decision", "valider".into()),
            ]
        }
        "/historique/{entity}/{id}/restaurer" => {
            vec![("version", version(&current("operations").await))]
        }
        "/deconnexion" => Vec::new(),
        other => panic!("no form to send to POST {other}: add one to form_fields"),
    }
}

/// Cents as the forms read them: "1234,56".
fn euros(cents: &Value) -> String {
    cents
        .as_i64()
        .map_or_else(String::new, |c| format!("{},{:02}", c / 100, c % 100))
}

/// One API cell: `path` is below `/api/v1/`, with `{id}` standing for the fixture's record.
async fn api_cell(app: &App, records: &Records, method: &Method, path: &str, role: Role) -> Answer {
    let segments: Vec<&str> = path.split('/').collect();
    let collection = segments[0];
    let record = || format!("/api/v1/{collection}/{}", records.id(collection));
    let token = role.token(app);
    match (method.as_str(), &segments[1..]) {
        ("GET", _) => {
            let path =
                format!("/api/v1/{path}").replace("{id}", &records.id(collection).to_string());
            app.send(Method::GET, &path, token, None).await
        }
        ("POST", []) => create_cell(app, &record(), collection, token, |_| {}).await,
        ("PUT", ["{id}"]) => {
            let body = admin_read(app, &record()).await;
            app.send(Method::PUT, &record(), token, Some(body)).await
        }
        ("POST", ["{id}", "archive"]) => {
            let path = record();
            let answer = set_archived(app, &path, "archive", token).await;
            admin_set_archived(app, &path, "restore").await;
            answer
        }
        ("POST", ["{id}", "restore"]) => {
            let path = record();
            admin_set_archived(app, &path, "archive").await;
            let answer = set_archived(app, &path, "restore", token).await;
            admin_set_archived(app, &path, "restore").await;
            answer
        }
        _ => panic!("no way to exercise {method} /api/v1/{path}: teach api_cell"),
    }
}

/// A cell of [`table::VARIANTS`].
async fn variant_cell(
    app: &App,
    records: &Records,
    method: &str,
    path: &str,
    variant: Variant,
    role: Role,
) -> Answer {
    let collection = path
        .strip_prefix("/api/v1/")
        .and_then(|p| p.split('/').next())
        .unwrap();
    let record = format!("/api/v1/{collection}/{}", records.id(collection));
    let token = role.token(app);
    let (field, value) = match variant {
        Variant::Renaming => {
            let name = admin_read(app, &record).await["name"].clone();
            (
                "name",
                json!(format!("{} (renommé)", name.as_str().unwrap())),
            )
        }
        Variant::NamingCaller | Variant::NamingOtherPartner => {
            let field = match collection {
                "housing-facets" => "landlord_id",
                "financing-lines" => "funder_id",
                other => panic!("whom does a record of {other} name? teach variant_cell"),
            };
            let named = match (variant, role) {
                (Variant::NamingCaller, Role::OtherEditor) | (Variant::NamingOtherPartner, _) => {
                    app.douai
                }
                _ => app.lens,
            };
            (field, json!(named))
        }
    };
    match (method, variant) {
        ("POST", Variant::NamingCaller | Variant::NamingOtherPartner) => {
            create_cell(app, &record, collection, token, |body| body[field] = value).await
        }
        ("PUT", Variant::NamingCaller | Variant::NamingOtherPartner) => {
            let before = admin_read(app, &record).await;
            admin_put(app, &record, field, value).await;
            let body = admin_read(app, &record).await;
            let answer = app.send(Method::PUT, &record, token, Some(body)).await;
            admin_put(app, &record, field, before[field].clone()).await;
            answer
        }
        ("PUT", Variant::Renaming) => {
            let before = admin_read(app, &record).await;
            let mut body = before.clone();
            body[field] = value;
            let answer = app.send(Method::PUT, &record, token, Some(body)).await;
            admin_put(app, &record, field, before[field].clone()).await;
            answer
        }
        _ => panic!("no way to exercise {method} {path} {variant:?}: teach variant_cell"),
    }
}

/// Sets `field` of the record at `path`, by the administrator: it must work.
async fn admin_put(app: &App, path: &str, field: &str, value: Value) {
    let mut body = admin_read(app, path).await;
    body[field] = value;
    let answer = app
        .send(Method::PUT, path, Some(&app.admin), Some(body))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "PUT {path}: {}", answer.body);
}

/// Creates a copy of the fixture's record, changed by `edit`. The record is archived meanwhile,
/// so that the copy does not clash with its unique keys (they bind live records only); a copy
/// made is archived.
async fn create_cell(
    app: &App,
    record: &str,
    collection: &str,
    token: Option<&str>,
    edit: impl FnOnce(&mut Value),
) -> Answer {
    let mut body = admin_read(app, record).await;
    for metadata in ["id", "version", "created_at", "updated_at", "archived_at"] {
        body.as_object_mut().unwrap().remove(metadata);
    }
    edit(&mut body);
    admin_set_archived(app, record, "archive").await;
    let path = format!("/api/v1/{collection}");
    let answer = app.send(Method::POST, &path, token, Some(body)).await;
    if answer.status.is_success() {
        let copy = format!("{path}/{}", answer.json()["id"]);
        admin_set_archived(app, &copy, "archive").await;
    }
    admin_set_archived(app, record, "restore").await;
    answer
}

/// The record at `path` as the API gives it.
async fn admin_read(app: &App, path: &str) -> Value {
    let answer = app.send(Method::GET, path, Some(&app.admin), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    answer.json()
}

/// Archives or restores the record at `path` at its current version.
async fn set_archived(app: &App, path: &str, action: &str, token: Option<&str>) -> Answer {
    let version = admin_read(app, path).await["version"].clone();
    app.send(
        Method::POST,
        &format!("{path}/{action}"),
        token,
        Some(json!({ "version": version })),
    )
    .await
}

/// The fixture's upkeep between cells, by the administrator: it must work.
async fn admin_set_archived(app: &App, path: &str, action: &str) {
    let answer = set_archived(app, path, action, Some(&app.admin)).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{action} {path}: {}",
        answer.body
    );
}
