//! Search as French users type, through the API, on the bundled programme: names there carry
//! accents (Béthune, Liévin, Hénin-Beaumont) that nobody types.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::Bundled;

/// What each operation says of itself in its searchable text.
fn text_of(operation: &Value) -> String {
    format!(
        "{} {}",
        operation["title"].as_str().unwrap_or_default(),
        operation["description"].as_str().unwrap_or_default()
    )
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_api_finds_what_french_users_type_on_the_bundled_programme() {
    let app = Bundled::new().await;
    let get = |path: String| {
        let app = &app;
        async move {
            let answer = app.get(&path).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            answer.json()
        }
    };
    let all = get("/api/v1/operations?per_page=500".into()).await;
    let operations = all["items"].as_array().unwrap();
    assert_eq!(all["total"].as_u64(), Some(operations.len() as u64));

    // Typed without accents or capitals, found as the bundle writes them.
    for (typed, written) in [
        ("bethune", "Béthune"),
        ("lievin", "Liévin"),
        ("henin-beaumont", "Hénin-Beaumont"),
        ("HENIN", "Hénin"),
        ("hopital", "hôpital"),
    ] {
        let expected: Vec<String> = operations
            .iter()
            .filter(|o| text_of(o).contains(written))
            .map(|o| o["title"].as_str().unwrap().to_string())
            .collect();
        assert!(!expected.is_empty(), "the bundle writes {written}");
        let found = get(format!("/api/v1/operations?per_page=500&q={typed}")).await;
        let found = titles(&found);
        for title in &expected {
            assert!(
                found.contains(title),
                "{typed}: {title} missing from {found:?}"
            );
        }
        // Nothing else than what holds the word, whatever its accents and case.
        let bare = |s: &str| {
            s.to_lowercase()
                .replace(['é', 'è', 'ê'], "e")
                .replace('ô', "o")
        };
        for operation in operations
            .iter()
            .filter(|o| found.contains(&o["title"].as_str().unwrap().to_string()))
        {
            assert!(
                bare(&text_of(operation)).contains(&bare(typed)),
                "{typed}: {operation}"
            );
        }
    }

    // Sorted by title in French order: « É » among the E, case ignored.
    let sorted = titles(&get("/api/v1/operations?per_page=500&sort=title".into()).await);
    let key = |s: &String| {
        s.to_lowercase()
            .replace(['é', 'è', 'ê', 'É'], "e")
            .replace(['à', 'â'], "a")
            .replace('ô', "o")
    };
    let first_letters: Vec<char> = sorted
        .iter()
        .filter_map(|t| key(t).chars().next())
        .collect();
    assert!(
        first_letters.windows(2).all(|w| w[0] <= w[1]),
        "{first_letters:?}"
    );
}
