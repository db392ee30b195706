//! The pages every French public site links from its footer: the legal notice, what is kept about
//! people (read from the code: the durations below are the constants the code uses), and the
//! accessibility declaration in the RGAA's form.

use askama::Template;
use axum::response::Html;

use super::layout::{Page, PageError, render};
use crate::auth::{self, Viewer, throttle};

/// The pages the browser tests run axe-core on (`e2e/tests/accessibility.test.mjs`, which a test
/// checks against this list): (path, what it is).
const CHECKED_PAGES: &[(&str, &str)] = &[
    ("/", "tableau de bord"),
    ("/operations", "liste des opérations"),
    (
        "/operations/…",
        "page d'une opération (la première de la liste)",
    ),
    ("/conventions", "convention et son arborescence"),
    ("/territoires", "carte et tableaux des territoires"),
    ("/partenaires", "liste des partenaires"),
    ("/financements", "fonds et enveloppes"),
    ("/indicateurs", "liste des indicateurs"),
    ("/connexion", "connexion"),
];

#[derive(Template)]
#[template(path = "legal_notice.html")]
struct LegalNotice {
    page: Page,
    version: &'static str,
}

#[derive(Template)]
#[template(path = "personal_data.html")]
struct PersonalData {
    page: Page,
    session_cookie: &'static str,
    sign_in_cookie: &'static str,
    device_cookie: &'static str,
    session_hours: i64,
    device_days: i64,
    failure_minutes: i64,
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct Accessibility {
    page: Page,
    version: &'static str,
    checked_pages: &'static [(&'static str, &'static str)],
}

fn page(viewer: &Viewer, title: &str) -> Page {
    Page::new(viewer, "", title).crumb("", title)
}

pub async fn legal_notice(viewer: Viewer) -> Result<Html<String>, PageError> {
    render(&LegalNotice {
        page: page(&viewer, "Mentions légales"),
        version: env!("CARGO_PKG_VERSION"),
    })
}

pub async fn personal_data(viewer: Viewer) -> Result<Html<String>, PageError> {
    render(&PersonalData {
        page: page(&viewer, "Données personnelles"),
        session_cookie: auth::SESSION_COOKIE,
        sign_in_cookie: auth::SIGN_IN_COOKIE,
        device_cookie: auth::DEVICE_COOKIE,
        session_hours: auth::SESSION_LIFETIME.num_hours(),
        device_days: auth::DEVICE_LIFETIME.num_days(),
        failure_minutes: throttle::WINDOW.num_minutes(),
    })
}

pub async fn accessibility(viewer: Viewer) -> Result<Html<String>, PageError> {
    render(&Accessibility {
        page: page(&viewer, "Déclaration d'accessibilité"),
        version: env!("CARGO_PKG_VERSION"),
        checked_pages: CHECKED_PAGES,
    })
}
