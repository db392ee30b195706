//! What every page shares: the navigation, the breadcrumbs, the account box, and the HTML error
//! page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::typography::french_spacing;
use crate::auth::Viewer;
use crate::error::{WebError, add_retry_after};

/// The main sections, in navigation order: (path, label).
const SECTIONS: &[(&str, &str)] = &[
    ("/", "Tableau de bord"),
    ("/conventions", "Convention"),
    ("/operations", "Opérations"),
    ("/territoires", "Territoires"),
    ("/partenaires", "Partenaires"),
    ("/financements", "Financements"),
    ("/indicateurs", "Indicateurs"),
];

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct Crumb {
    pub href: String,
    pub label: String,
}

impl Crumb {
    pub fn link(href: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            label: label.into(),
        }
    }

    /// The current page: shown, not linked.
    pub fn here(label: impl Into<String>) -> Self {
        Self::link(String::new(), label)
    }
}

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub nav: Vec<NavItem>,
    pub breadcrumbs: Vec<Crumb>,
    pub user: Option<String>,
    pub csrf: String,
}

impl Page {
    /// A page of the section whose path is `section`.
    pub fn new(viewer: &Viewer, section: &str, title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            nav: SECTIONS
                .iter()
                .map(|&(href, label)| NavItem {
                    href,
                    label,
                    current: href == section,
                })
                .collect(),
            breadcrumbs: Vec::new(),
            user: viewer.user.as_ref().map(|u| u.email.clone()),
            csrf: viewer.csrf.clone().unwrap_or_default(),
        }
    }

    /// Adds a breadcrumb; the last one, the current page, has no link.
    pub fn crumb(mut self, href: impl Into<String>, label: impl Into<String>) -> Self {
        self.breadcrumbs.push(Crumb {
            href: href.into(),
            label: label.into(),
        });
        self
    }
}

/// Renders a page template, with French spacing in what people typed and the data holds (see
/// [`french_spacing`]).
pub fn render(template: &impl Template) -> Result<Html<String>, PageError> {
    let html = template.render().map_err(WebError::from)?;
    Ok(Html(french_spacing(&html)))
}

/// A failed page request, answered with an HTML page in French.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let title = match status {
            StatusCode::NOT_FOUND => "Page introuvable",
            StatusCode::UNAUTHORIZED => "Connexion nécessaire",
            StatusCode::FORBIDDEN => "Accès refusé",
            s if s.is_client_error() => "Demande incorrecte",
            _ => "Erreur",
        };
        let page = ErrorPage {
            page: Page::new(&Viewer::default(), "", title),
            message: self.0.message_fr(),
        };
        let mut response = match page.render() {
            Ok(html) => (status, Html(french_spacing(&html))).into_response(),
            Err(_) => (status, self.0.message_fr()).into_response(),
        };
        add_retry_after(&mut response);
        response
    }
}

pub async fn not_found() -> PageError {
    PageError(WebError::NotFound)
}
