//! The authorisation policy written out: for every route, what each role gets. A route the
//! router serves must have a row here, and a row must name a route the router serves.

use std::collections::HashMap;

use axum::http::Method;
use renouveau_web::routes::Route;

/// Who asks. Every signed-in user but the other editor belongs to the partner that owns the
/// records of the fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Anonymous,
    Reader,
    Contributor,
    OwnerEditor,
    OtherEditor,
    Admin,
}

/// The columns of the table, in order.
pub const ROLES: [Role; 6] = [
    Role::Anonymous,
    Role::Reader,
    Role::Contributor,
    Role::OwnerEditor,
    Role::OtherEditor,
    Role::Admin,
];

/// The class of answer expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// 2xx.
    Success,
    /// 3xx elsewhere than the sign-in page: a form done, a sign-in or sign-out.
    Redirect,
    /// 3xx to the sign-in page.
    ToSignIn,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
}

use Expect::{Forbidden as F, Redirect as R, Success as S, ToSignIn as L, Unauthorized as U};

/// What one route answers each role, in the order of [`ROLES`].
pub type Answers = [Expect; 6];

// Columns: anonymous, reader, contributor, editor of the owning partner, editor of another
// partner, programme administrator.

/// Reading: open to everyone.
const EVERYONE: Answers = [S, S, S, S, S, S];
/// Writing a record only the administrators write.
const ADMIN_ONLY: Answers = [U, F, F, F, F, S];
/// Creating or changing a partner's record: its editors and contributors, and administrators.
const OWNER_WRITES: Answers = [U, F, S, S, F, S];
/// Archiving or restoring a partner's record: its editors and administrators.
const OWNER_ARCHIVES: Answers = [U, F, F, S, F, S];
/// A form page for a new record: visitors are sent to sign in, readers refused, any writer
/// served (the record will be theirs).
const FORM_PAGE: Answers = [L, F, S, S, S, S];
/// A form page about a partner's record: shown only to those who may change it.
const OWNER_FORM_PAGE: Answers = [L, F, S, S, F, S];
/// A form sent about a record of the owning partner.
const OWNER_FORM: Answers = [U, F, R, R, F, R];
/// Restoring a partner's record from its history page: its editors and administrators.
const OWNER_RESTORE_FORM: Answers = [U, F, F, R, F, R];
/// A page for signed-in users only.
const SIGNED_IN: Answers = [U, S, S, S, S, S];
/// A decision of the programme team.
const ADMIN_FORM: Answers = [U, F, F, F, F, R];
/// Signing in (each user with their own password, the visitor as the reader) and out.
const SESSION: Answers = [R, R, R, R, R, R];

/// Who writes each API collection: (collection, create, update, archive and restore). Reading
/// is open to everyone. A collection's owner comes from `Entity::OWNERS` in the store.
const API_COLLECTIONS: &[(&str, Answers, Answers, Answers)] = &[
    ("programmes", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    // Every field of an organisation is its identity: administrators' work (#12 finding 8).
    ("organisations", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    ("documents", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    ("territories", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    ("conventions", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    ("convention-nodes", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    ("node-leads", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    ("signatories", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    (
        "governance-bodies",
        OWNER_WRITES,
        OWNER_WRITES,
        OWNER_ARCHIVES,
    ),
    ("meetings", OWNER_WRITES, OWNER_WRITES, OWNER_ARCHIVES),
    ("decisions", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    (
        "follow-up-actions",
        OWNER_WRITES,
        OWNER_WRITES,
        OWNER_ARCHIVES,
    ),
    ("deliberations", OWNER_WRITES, OWNER_WRITES, OWNER_ARCHIVES),
    ("funds", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    (
        "fund-contributions",
        OWNER_WRITES,
        OWNER_WRITES,
        OWNER_ARCHIVES,
    ),
    ("operations", OWNER_WRITES, OWNER_WRITES, OWNER_ARCHIVES),
    (
        "operation-actions",
        OWNER_WRITES,
        OWNER_WRITES,
        OWNER_ARCHIVES,
    ),
    ("milestones", OWNER_WRITES, OWNER_WRITES, OWNER_ARCHIVES),
    (
        "financing-lines",
        OWNER_WRITES,
        OWNER_WRITES,
        OWNER_ARCHIVES,
    ),
    ("housing-facets", OWNER_WRITES, OWNER_WRITES, OWNER_ARCHIVES),
    (
        "insertion-facets",
        OWNER_WRITES,
        OWNER_WRITES,
        OWNER_ARCHIVES,
    ),
    ("indicators", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    ("targets", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
    ("observations", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY),
];

/// What a cell of [`VARIANTS`] sends, about the fixture's record.
#[derive(Debug, Clone, Copy)]
pub enum Variant {
    /// A housing facet or financing line of the owning partner's operation naming the caller's
    /// own organisation as landlord or funder: the other partner for its editor, the owner for
    /// the rest.
    NamingCaller,
    /// The same naming the other partner, whoever calls.
    NamingOtherPartner,
    /// The record with another name.
    Renaming,
}

/// The financing line of the owning partner's operation that the other partner funds: the
/// operation's owner and the funder update it, only the owner creates or archives lines.
const FUNDER_UPDATES: Answers = [U, F, S, S, S, S];

/// Cells beyond one per route, for writes whose answer depends on what they change. Naming
/// oneself landlord or funder in a record of another partner's operation gives no right to it
/// (#12 finding 7): a POST creates a copy of the fixture's record naming that organisation; a
/// PUT first has the administrator name it in the fixture's record, then sends the record
/// unchanged. An organisation's identity is the programme team's to change (#12 finding 8).
pub const VARIANTS: &[(&str, &str, Variant, Answers)] = &[
    (
        "POST",
        "/api/v1/housing-facets",
        Variant::NamingCaller,
        OWNER_WRITES,
    ),
    (
        "POST",
        "/api/v1/financing-lines",
        Variant::NamingCaller,
        OWNER_WRITES,
    ),
    (
        "PUT",
        "/api/v1/housing-facets/{id}",
        Variant::NamingOtherPartner,
        OWNER_WRITES,
    ),
    (
        "PUT",
        "/api/v1/financing-lines/{id}",
        Variant::NamingOtherPartner,
        FUNDER_UPDATES,
    ),
    (
        "PUT",
        "/api/v1/organisations/{id}",
        Variant::Renaming,
        ADMIN_ONLY,
    ),
];

/// Every other route, as the catalogue names it.
const ROUTES: &[(&str, &str, Answers)] = &[
    ("GET", "/", EVERYONE),
    ("GET", "/operations", EVERYONE),
    ("GET", "/operations/nouvelle", FORM_PAGE),
    ("POST", "/operations/nouvelle", OWNER_FORM),
    ("GET", "/operations/{id}", EVERYONE),
    ("GET", "/operations/{id}/modifier", OWNER_FORM_PAGE),
    ("POST", "/operations/{id}/modifier", OWNER_FORM),
    ("POST", "/operations/{id}/financements", OWNER_FORM),
    (
        "GET",
        "/operations/{id}/financements/{line_id}",
        OWNER_FORM_PAGE,
    ),
    (
        "POST",
        "/operations/{id}/financements/{line_id}",
        OWNER_FORM,
    ),
    ("GET", "/operations/{id}/jalons", OWNER_FORM_PAGE),
    ("POST", "/operations/{id}/jalons", OWNER_FORM),
    ("GET", "/operations/{id}/volets", OWNER_FORM_PAGE),
    ("POST", "/operations/{id}/volets", OWNER_FORM),
    ("GET", "/indicateurs", EVERYONE),
    ("GET", "/indicateurs/{id}", EVERYONE),
    ("GET", "/territoires", EVERYONE),
    ("GET", "/territoires/{id}", EVERYONE),
    ("GET", "/conventions", EVERYONE),
    ("GET", "/partenaires", EVERYONE),
    ("GET", "/partenaires/{id}", EVERYONE),
    ("GET", "/financements", EVERYONE),
    ("GET", "/validation", SIGNED_IN),
    ("POST", "/validation", ADMIN_FORM),
    ("GET", "/historique/{entity}/{id}", EVERYONE),
    (
        "POST",
        "/historique/{entity}/{id}/restaurer",
        OWNER_RESTORE_FORM,
    ),
    ("GET", "/connexion", EVERYONE),
    ("POST", "/connexion", SESSION),
    ("POST", "/deconnexion", SESSION),
    ("GET", "/api/v1/conventions/{id}/nodes", EVERYONE),
    ("GET", "/api/v1/operations/{id}/financing", EVERYONE),
    ("GET", "/api/v1/operations/{id}/milestones", EVERYONE),
    ("GET", "/api/v1/indicators/{id}/observations", EVERYONE),
    ("GET", "/api/v1/indicators/{id}/targets", EVERYONE),
    ("GET", "/api/v1/funds/{id}/contributions", EVERYONE),
    ("GET", "/api/openapi.json", EVERYONE),
    ("GET", "/healthz", EVERYONE),
    ("GET", "/static/style.css", EVERYONE),
    ("GET", "/static/favicon.svg", EVERYONE),
    ("GET", "/favicon.ico", EVERYONE),
    ("GET", "/mentions-legales", EVERYONE),
    ("GET", "/donnees-personnelles", EVERYONE),
    ("GET", "/accessibilite", EVERYONE),
];

/// The whole table: each API collection's six routes, then the other routes.
pub fn matrix() -> HashMap<Route, Answers> {
    let mut rows = Vec::new();
    for &(collection, create, update, archive) in API_COLLECTIONS {
        let base = format!("/api/v1/{collection}");
        rows.extend([
            (Method::GET, base.clone(), EVERYONE),
            (Method::POST, base.clone(), create),
            (Method::GET, format!("{base}/{{id}}"), EVERYONE),
            (Method::PUT, format!("{base}/{{id}}"), update),
            (Method::POST, format!("{base}/{{id}}/archive"), archive),
            (Method::POST, format!("{base}/{{id}}/restore"), archive),
        ]);
    }
    for &(method, path, expected) in ROUTES {
        rows.push((method.parse().unwrap(), path.to_string(), expected));
    }
    let mut table = HashMap::new();
    for (method, path, expected) in rows {
        let route = Route { method, path };
        let text = route.to_string();
        assert!(
            table.insert(route, expected).is_none(),
            "{text} has two rows in the matrix"
        );
    }
    table
}
