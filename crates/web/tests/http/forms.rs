//! Writing through the editing forms: operations, financing lines, milestones, facets.

use axum::http::{Method, StatusCode};
use renouveau_domain::Actor;

use crate::support::{App, Browser, location};

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
                validation: renouveau_domain::ValidationStatus::Validated,
                validation_note: None,
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
    assert!(too_much.body.contains("«\u{a0}Montant versé\u{a0}»"));
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

#[tokio::test]
async fn links_to_edit_an_operation_are_shown_only_to_those_who_may() {
    let app = App::new().await;
    let path = format!("/operations/{}", app.operation_id());
    let edit_link = format!("href=\"{path}/modifier\"");
    let owner = app.browser("editeur@lens.fr").await;
    let shown = app.page(&owner, Method::GET, &path, &[]).await;
    assert!(shown.body.contains(&edit_link));
    assert!(shown.body.contains(&format!("action=\"{path}/jalons\"")));

    assert!(
        shown
            .body
            .contains(&format!("action=\"{path}/financements\""))
    );

    // Douai's editor may neither change Lens's operation nor add lines to it, even its own
    // funding (the owner records it: #12 finding 7).
    let other = app.browser("editeur@douai.fr").await;
    let page = app.page(&other, Method::GET, &path, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains(&edit_link),
        "edit link shown to another partner"
    );
    assert!(!page.body.contains(&format!("action=\"{path}/jalons\"")));
    assert!(
        !page
            .body
            .contains(&format!("action=\"{path}/financements\""))
    );
    let form = app
        .page(&other, Method::GET, &format!("{path}/modifier"), &[])
        .await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
}
