//! The frame of a French public site: every page's footer links the legal notice, the personal
//! data page and the accessibility declaration; those pages say what the code does; the site has
//! an icon.

use axum::http::{StatusCode, header};
use renouveau_web::auth;

use crate::support::App;

/// The footer's links: (path, the page's title).
const FOOTER_PAGES: [(&str, &str); 3] = [
    ("/mentions-legales", "Mentions légales"),
    ("/donnees-personnelles", "Données personnelles"),
    ("/accessibilite", "Déclaration d'accessibilité"),
];

/// A page's text with askama's escaped apostrophes read back.
async fn page_text(app: &App, path: &str) -> String {
    app.get(path).await.body.replace("&#39;", "'")
}

/// The part of a page after its main content.
fn footer(body: &str) -> &str {
    body.find("<footer").map_or("", |start| &body[start..])
}

#[tokio::test]
async fn every_page_links_the_footer_pages() {
    let app = App::new().await;
    let operation = format!("/operations/{}", app.operation_id());
    let mut paths = vec!["/", "/operations", "/connexion", "/nulle-part", &operation];
    paths.extend(FOOTER_PAGES.iter().map(|(path, _)| *path));
    for path in paths {
        let answer = app.get(path).await;
        let footer = footer(&answer.body);
        for (href, _) in FOOTER_PAGES {
            assert!(
                footer.contains(&format!("href=\"{href}\"")),
                "{path} ({}): no footer link to {href}: {footer}",
                answer.status
            );
        }
        // RGAA: the footer link states the site's conformance.
        assert!(
            footer.contains("Accessibilité&nbsp;: non conforme"),
            "{path}: {footer}"
        );
    }
}

#[tokio::test]
async fn footer_pages_answer_in_french_to_everyone() {
    let app = App::new().await;
    let admin = app.browser("admin@exemple.fr").await;
    for (path, title) in FOOTER_PAGES {
        let visitor = app.get(path).await;
        assert_eq!(visitor.status, StatusCode::OK, "{path}");
        assert!(
            visitor
                .headers
                .get(header::CONTENT_TYPE)
                .is_some_and(|t| t.to_str().unwrap().starts_with("text/html")),
            "{path}"
        );
        assert!(
            visitor
                .body
                .replace("&#39;", "'")
                .contains(&format!("<h1>{title}</h1>")),
            "{path}: {}",
            visitor.body
        );
        assert!(visitor.body.contains("<main id=\"contenu\">"), "{path}");
        let signed_in = app.page(&admin, axum::http::Method::GET, path, &[]).await;
        assert_eq!(signed_in.status, StatusCode::OK, "{path}");
        assert!(signed_in.body.contains("admin@exemple.fr"), "{path}");
    }
}

#[tokio::test]
async fn the_legal_notice_names_licences_and_leaves_the_operator_s_facts_to_complete() {
    let app = App::new().await;
    let page = page_text(&app, "/mentions-legales").await;
    for fact in [
        "Licence Ouverte",
        "2.0",
        "EUPL-1.2",
        "INSEE",
        "IGN",
        "Mission Bassin Minier",
        "Éditeur",
        "Hébergement",
        "à compléter par l'exploitant",
    ] {
        assert!(page.contains(fact), "the legal notice lacks « {fact} »");
    }
}

#[tokio::test]
async fn the_personal_data_page_tells_what_the_code_keeps_and_for_how_long() {
    let app = App::new().await;
    let page = page_text(&app, "/donnees-personnelles").await;
    let session_hours = auth::SESSION_LIFETIME.num_hours();
    let device_days = auth::DEVICE_LIFETIME.num_days();
    let window_minutes = auth::throttle::WINDOW.num_minutes();
    for fact in [
        auth::SESSION_COOKIE.to_string(),
        auth::SIGN_IN_COOKIE.to_string(),
        auth::DEVICE_COOKIE.to_string(),
        format!("{session_hours}&nbsp;heures"),
        format!("{device_days}&nbsp;jours"),
        format!("{window_minutes}&nbsp;minutes"),
        "Argon2".into(),
        "adresse électronique".into(),
        "adresse IP".into(),
        "journal d'audit".into(),
        "Jetons d'API".into(),
        "Aucun cookie de mesure d'audience".into(),
        "droit d'accès".into(),
        "CNIL".into(),
        "à compléter par l'exploitant".into(),
    ] {
        assert!(
            page.contains(&fact),
            "the personal data page lacks « {fact} »"
        );
    }
}

/// The declaration lists, among the pages checked, every page the browser test runs axe-core on.
#[tokio::test]
async fn the_accessibility_declaration_is_honest_about_what_is_checked() {
    let app = App::new().await;
    let page = page_text(&app, "/accessibilite").await;
    for fact in [
        "Déclaration d'accessibilité",
        "non conforme",
        "RGAA",
        "axe-core",
        "Aucun audit",
        "Défenseur des droits",
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Technologies utilisées",
        "Environnement de test",
        "Outils pour évaluer l'accessibilité",
        "Pages du site ayant fait l'objet de la vérification",
        "Retour d'information et contact",
        "Voies de recours",
    ] {
        assert!(page.contains(fact), "the declaration lacks « {fact} »");
    }
    let e2e = include_str!("../../../../e2e/tests/accessibility.test.mjs");
    let list = e2e
        .split_once("const PAGES = [")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map(|(list, _)| list)
        .expect("PAGES in e2e/tests/accessibility.test.mjs");
    let checked: Vec<&str> = list
        .split('\'')
        .skip(1)
        .step_by(2)
        .filter(|path| path.starts_with('/'))
        .collect();
    assert!(checked.len() >= 8, "{checked:?}");
    for path in checked {
        assert!(
            page.contains(&format!("<code>{path}</code>")),
            "the declaration does not list {path}, which e2e checks"
        );
    }
}

#[tokio::test]
async fn the_site_has_an_icon() {
    let app = App::new().await;
    let home = app.get("/").await.body;
    assert!(
        home.contains("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">"),
        "{home}"
    );
    for path in ["/static/favicon.svg", "/favicon.ico"] {
        let icon = app.get(path).await;
        assert_eq!(icon.status, StatusCode::OK, "{path}");
        assert_eq!(
            icon.headers[header::CONTENT_TYPE],
            "image/svg+xml",
            "{path}"
        );
        assert!(icon.body.starts_with("<svg"), "{path}: {}", icon.body);
        assert!(icon.body.contains("<title>"), "{path}");
    }
}
