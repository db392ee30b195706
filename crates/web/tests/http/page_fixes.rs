//! Pages that used to be wrong: the operation's key facts, links that led nowhere, the
//! territories' « Rattachement » and list pages past the end.

use axum::http::StatusCode;
use renouveau_domain::OperationAction;
use renouveau_store::ListQuery;

use crate::support::{App, Bundled, location};

/// The text between `start` (included) and the first `end` after it.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {body}"));
    let to = body[from..].find(end).map_or(body.len(), |i| from + i);
    &body[from..to]
}

/// Every `href="…"` of a piece of HTML, entities decoded as far as links need.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&").replace("&#x2F;", "/"))
        .collect()
}

#[tokio::test]
async fn operation_facts_pair_each_label_with_its_value() {
    let app = App::new().await;
    let page = app
        .get(&format!("/operations/{}", app.operation_id()))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let facts = between(&page.body, "<dl class=\"facts\">", "</dl>");
    let labels = facts.matches("<dt>").count();
    assert!(labels >= 7, "{facts}");
    // The grid's cells are the `div`s: each must hold one label and its value, in that order.
    assert_eq!(facts.matches("<div><dt>").count(), labels, "{facts}");
    assert_eq!(facts.matches("</dd></div>").count(), labels, "{facts}");
    let cost = between(facts, "<div><dt>Coût HT</dt>", "</div>");
    assert!(
        cost.contains("<dd class=\"num\">1\u{202f}000\u{202f}000"),
        "{cost}"
    );
}

#[tokio::test]
async fn every_link_of_an_operation_page_leads_to_a_page() {
    let app = Bundled::new().await;
    let link = app
        .db
        .records::<OperationAction>()
        .list(&ListQuery::default().page(1, 1))
        .await
        .unwrap()
        .items
        .remove(0);
    let page = app
        .get(&format!("/operations/{}", link.data.operation_id))
        .await;
    assert_eq!(page.status, StatusCode::OK);

    let actions = between(&page.body, "<dt>Actions de la convention</dt>", "</dd>");
    let node = format!("/conventions#noeud-{}", link.data.node_id);
    assert!(hrefs(actions).contains(&node), "{actions}");
    let conventions = app.get("/conventions").await;
    assert!(
        conventions
            .body
            .contains(&format!("id=\"noeud-{}\"", link.data.node_id)),
        "no anchor for node {}",
        link.data.node_id
    );

    let mut checked = 0;
    for href in hrefs(&page.body) {
        if !href.starts_with('/') {
            continue;
        }
        let path = href.split('#').next().unwrap_or_default();
        let answer = app.get(path).await;
        assert!(
            answer.status.is_success() || answer.status.is_redirection(),
            "{href} answered {}",
            answer.status
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} links");
}

#[tokio::test]
async fn territories_say_what_each_epci_belongs_to() {
    let app = Bundled::new().await;
    let page = app.get("/territoires").await;
    assert_eq!(page.status, StatusCode::OK);
    let table = between(&page.body, "<h2>Par intercommunalité</h2>", "</table>");
    let rows: Vec<&str> = table.split("<tr><td>").skip(1).collect();
    assert_eq!(rows.len(), 8, "{table}");
    for row in &rows {
        let parent = row.split("<td>").nth(1).unwrap_or_default();
        let parent = parent.split("</td>").next().unwrap_or_default();
        assert!(
            parent == "Nord" || parent == "Pas-de-Calais",
            "« {parent} » in {row}"
        );
    }
    // A commune belongs to its EPCI.
    let page = app.get("/territoires?niveau=commune").await;
    let table = between(&page.body, "<h2>Par commune</h2>", "</table>");
    assert!(table.contains("<td>CA de Lens - Liévin</td>"), "{table}");
    assert!(!table.contains("<td></td>"), "{table}");
}

#[tokio::test]
async fn operations_past_the_last_page_lead_to_the_last_page() {
    let app = App::new().await;
    let past = app.get("/operations?page=99").await;
    assert_eq!(past.status, StatusCode::SEE_OTHER, "{}", past.body);
    assert_eq!(location(&past), "/operations?sort=title");
    let last = app.get(location(&past)).await;
    assert_eq!(last.status, StatusCode::OK);
    assert!(last.body.contains("École Jules Elby"));

    // The filters stay; a filter that finds nothing still has its one (empty) page.
    let filtered = app.get("/operations?status=study&sort=-title&page=7").await;
    assert_eq!(filtered.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&filtered), "/operations?status=study&sort=-title");
    let none = app.get("/operations?status=delivered&page=2").await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&none), "/operations?status=delivered&sort=title");
    assert_eq!(
        app.get("/operations?status=delivered").await.status,
        StatusCode::OK
    );

    // The API answers a page past the end with no items and the true total.
    let api = app.get("/api/v1/operations?page=99").await;
    assert_eq!(api.status, StatusCode::OK);
    let body = api.json();
    assert_eq!(body["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(body["total"], 1);
    assert_eq!(body["page"], 99);
}
