//! The pages, on a small fixture and on the bundled programme.

use axum::http::{StatusCode, header};
use renouveau_domain::{Actor, Organisation, Role};
use renouveau_store::accounts;
use renouveau_web::auth;

use crate::support::{App, Bundled};

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

/// Every page on the bundled programme (without geometry: the map says how to import it).
#[tokio::test]
async fn every_page_answers_on_the_bundled_programme() {
    let app = Bundled::new().await;
    let db = &app.db;
    let get = |path: String| {
        let app = &app;
        async move {
            let answer = app.get(&path).await;
            (answer.status, answer.body)
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
    // An indicator whose only target is set for a département is followed there.
    assert!(
        home.contains("100 au 31/12/2023 (Nord)"),
        "the Stellantis target of the Nord"
    );
    assert!(home.contains("n°2025-246") && home.contains("pour 78, contre 0, abstention 0"));
    assert!(
        home.contains("présidée par Jean-Claude LEROY, secrétaire Emmanuelle LEVEUGLE, à Arras"),
        "the sitting of deliberation 2025-246"
    );
    let granted: i128 = renouveau_store::summaries::money_by_funder(
        db.store.db(),
        renouveau_store::summaries::Figures::All,
    )
    .await
    .unwrap()
    .iter()
    .map(|m| m.granted.cents())
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
    // An operation of the bundle cites the passage of the programme's document that states it.
    let (_, barrois) = get("/operations?q=Pecquenchanvre".into()).await;
    let (_, barrois) = get(format!(
        "/operations/{}",
        first_id(&barrois, "href=\"/operations/")
    ))
    .await;
    let documents = &barrois[barrois.find("<h2>Documents</h2>").unwrap()..];
    assert!(
        documents.contains("L&#39;opération") && documents.contains("caractères"),
        "{documents}"
    );
    let (status, _) = get("/territoires?couleur=nimportequoi".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// The form pages on the bundled programme: the places come grouped, every form page answers.
#[tokio::test]
async fn form_pages_answer_on_the_bundled_programme() {
    use renouveau_domain::FinancingLine;
    use renouveau_store::ListQuery;

    let app = Bundled::new().await;
    let db = &app.db;
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
    let get = |path: String| {
        let (app, cookie) = (&app, &cookie);
        async move {
            let answer = app.get_with_cookie(&path, cookie).await;
            (answer.status, answer.body)
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
