//! Money that adds up: amounts stop at the bound, totals never overflow nor take a page down,
//! and every total the pages show equals the sum of its parts, computed here from the bundled
//! files themselves.

use std::collections::{BTreeMap, HashMap, HashSet};

use axum::http::{Method, StatusCode};
use renouveau_domain::{Actor, Amount};
use serde_json::{Value, json};

use crate::support::{App, Bundled};

/// 10^13 € in cents.
const MAX: i64 = Amount::MAX_CENTS;

fn line(operation: i64, funder: i64, fund: Value, state: &str, amounts: [i64; 4]) -> Value {
    let [requested, granted, committed, paid] = amounts;
    json!({"operation_id": operation, "funder_id": funder, "fund_id": fund, "scheme": null,
        "year": 2025, "state": state, "requested": requested, "granted": granted,
        "committed": committed, "paid": paid, "decision_ref": "CP 2025-1", "decision_on": null})
}

/// The digits of a French amount in whole euros (`1 234 €`), as a number of euros; an amount
/// « non renseigné » counts for nothing, and a note in brackets after the amount is left out.
fn euros_in(text: &str) -> i128 {
    let amount = text.split(" (").next().unwrap_or_default().trim();
    if amount == "non renseigné" {
        return 0;
    }
    let digits: String = amount.chars().filter(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no amount in {text:?}"))
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim()
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The rows of the table `id` of a page: each row's cells as text (header cells included).
fn table(page: &str, id: &str) -> Vec<Vec<String>> {
    let start = page
        .find(&format!("<table class=\"data\" id=\"{id}\""))
        .or_else(|| page.find(&format!("id=\"{id}\"")))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = start + page[start..].find("</table>").unwrap();
    page[start..end]
        .split("<tr")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(open) = rest.find('<') {
                let tail = &rest[open..];
                let is_cell = tail.starts_with("<td") || tail.starts_with("<th");
                if !is_cell {
                    rest = &rest[open + 1..];
                    continue;
                }
                let close_tag = if tail.starts_with("<td") {
                    "</td>"
                } else {
                    "</th>"
                };
                let body_start = open + tail.find('>').unwrap() + 1;
                let body_end = body_start + rest[body_start..].find(close_tag).unwrap();
                cells.push(strip_tags(&rest[body_start..body_end]));
                rest = &rest[body_end + close_tag.len()..];
            }
            cells
        })
        .filter(|cells: &Vec<String>| !cells.is_empty())
        .collect()
}

/// The body rows of a breakdown table (first cell → third cell, the granted money, in euros)
/// and its total row.
fn breakdown(page: &str, id: &str) -> (BTreeMap<String, i128>, i128) {
    let mut rows = BTreeMap::new();
    let mut total = None;
    for cells in table(page, id).into_iter().skip(1) {
        let label = cells.first().unwrap().clone();
        let amount = euros_in(&cells[2]);
        if label == "Total" {
            total = Some(amount);
        } else {
            *rows.entry(label).or_default() += amount;
        }
    }
    (
        rows,
        total.unwrap_or_else(|| panic!("no total row in {id}")),
    )
}

#[tokio::test]
async fn amounts_at_the_bound_keep_every_page_up_with_exact_totals() {
    let app = App::new().await;
    let operation = app.operation_id();
    let post = |token: String, body: Value| {
        let app = &app;
        async move {
            app.send(
                Method::POST,
                "/api/v1/financing-lines",
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let fund = app
        .send(
            Method::POST,
            "/api/v1/funds",
            Some(&app.admin),
            Some(
                json!({"programme_id": null, "parent_id": null, "code": "fonds-max",
                "name": "Fonds au plafond", "description": null, "amount": MAX,
                "start_year": 2025, "end_year": 2027}),
            ),
        )
        .await;
    assert_eq!(fund.status, StatusCode::CREATED, "{}", fund.body);
    let fund = fund.json()["id"].clone();

    for over in [json!(MAX + 1), json!(i64::MAX)] {
        let mut body = line(operation, app.lens, Value::Null, "requested", [0; 4]);
        body["requested"] = over.clone();
        let refused = post(app.contributor_lens.clone(), body).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{over}: {}",
            refused.body
        );
        assert_eq!(refused.json()["field"], "requested", "{}", refused.body);
        assert!(
            refused.json()["detail"]
                .as_str()
                .unwrap()
                .contains("montant trop élevé")
        );
    }
    for _ in 0..2 {
        let requested = post(
            app.contributor_lens.clone(),
            line(
                operation,
                app.lens,
                Value::Null,
                "requested",
                [MAX, 0, 0, 0],
            ),
        )
        .await;
        assert_eq!(requested.status, StatusCode::CREATED, "{}", requested.body);
        let granted = post(
            app.admin.clone(),
            line(
                operation,
                app.lens,
                fund.clone(),
                "paid",
                [0, MAX, MAX, MAX],
            ),
        )
        .await;
        assert_eq!(granted.status, StatusCode::CREATED, "{}", granted.body);
    }

    // 2 × 10^13 €: more than one amount may hold, exact in every total.
    // Signed in: every figure, partners' declarations included (visitors see validated ones).
    let reader = app.browser("lecteur@lens.fr").await;
    let twice = "20\u{202f}000\u{202f}000\u{202f}000\u{202f}000\u{a0}€";
    let home = app.page(&reader, Method::GET, "/", &[]).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(
        home.body
            .contains("<data id=\"total-accorde\" value=\"2000000000000000\">"),
        "{}",
        home.body
    );
    let (funders, total) = breakdown(&home.body, "par-financeur");
    assert_eq!(total, 2 * i128::from(MAX / 100));
    assert_eq!(funders.values().sum::<i128>(), total);

    let partners = app.page(&reader, Method::GET, "/partenaires", &[]).await;
    assert_eq!(partners.status, StatusCode::OK, "{}", partners.body);
    assert!(partners.body.contains(twice), "{}", partners.body);

    let funding = app.page(&reader, Method::GET, "/financements", &[]).await;
    assert_eq!(funding.status, StatusCode::OK, "{}", funding.body);
    assert!(
        funding
            .body
            .contains(&format!("id=\"fonds-total-accorde\">{twice}")),
        "{}",
        funding.body
    );

    let page = app
        .page(
            &reader,
            Method::GET,
            &format!("/operations/{operation}"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let with_cents = "20\u{202f}000\u{202f}000\u{202f}000\u{202f}000,00\u{a0}€";
    let footer = &page.body[page.body.find("<tfoot>").unwrap()..];
    assert_eq!(footer.matches(with_cents).count(), 4, "{footer}");

    for path in ["/conventions", "/territoires", "/?chiffres=valides"] {
        let answer = app.page(&reader, Method::GET, path, &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    }
}

#[tokio::test]
async fn a_line_s_amounts_must_agree_with_its_state() {
    let app = App::new().await;
    let operation = app.operation_id();
    let big = 12_300_000_000;
    for (state, amounts) in [
        ("refused", [big, big, big, big]),
        ("withdrawn", [big, big, 0, 0]),
        ("requested", [big, 0, 0, 1]),
        ("granted", [0, big, big, 0]),
    ] {
        let answer = app
            .send(
                Method::POST,
                "/api/v1/financing-lines",
                Some(&app.admin),
                Some(line(operation, app.lens, Value::Null, state, amounts)),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{state}: {}",
            answer.body
        );
    }
    let refused = app
        .send(
            Method::POST,
            "/api/v1/financing-lines",
            Some(&app.admin),
            Some(line(
                operation,
                app.lens,
                Value::Null,
                "refused",
                [big, 0, 0, 0],
            )),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CREATED, "{}", refused.body);
    let partly = app
        .send(
            Method::POST,
            "/api/v1/financing-lines",
            Some(&app.admin),
            Some(line(
                operation,
                app.lens,
                Value::Null,
                "paid",
                [0, 1000, 1000, 400],
            )),
        )
        .await;
    assert_eq!(partly.status, StatusCode::CREATED, "{}", partly.body);

    let home = app.get("/").await;
    assert!(
        home.body
            .contains("<data id=\"total-accorde\" value=\"1000\">"),
        "a refused line is not granted: {}",
        home.body
    );
    let page = app.get(&format!("/operations/{operation}")).await;
    assert!(page.body.contains("Versé partiellement"), "{}", page.body);
    assert!(page.body.contains("Refusé"));
}

fn rows(file: &str) -> Vec<HashMap<String, String>> {
    let path = format!("{}/../../data/erbm/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Euros (the bundle's unit) of an optional CSV cell.
fn euros_cell(cell: &str) -> i128 {
    if cell.is_empty() {
        0
    } else {
        cell.parse().unwrap_or_else(|_| panic!("{cell}"))
    }
}

/// What the bundled files say, computed here and not by the application.
struct FromFiles {
    granted_by_operation: HashMap<String, i128>,
    total: i128,
    with_fund: i128,
    by_epci: BTreeMap<String, i128>,
    without_epci: i128,
    by_axis: BTreeMap<String, i128>,
    without_axis: i128,
}

fn from_files() -> FromFiles {
    let mut granted_by_operation: HashMap<String, i128> = HashMap::new();
    let mut with_fund = 0;
    for line in rows("financing.csv") {
        let counts = ["granted", "committed", "paid"].contains(&line["state"].as_str());
        let granted = if counts {
            euros_cell(&line["granted"])
        } else {
            0
        };
        *granted_by_operation
            .entry(line["operation"].clone())
            .or_default() += granted;
        if !line["fund"].is_empty() {
            with_fund += granted;
        }
    }
    let total = granted_by_operation.values().sum();

    let epci_names: HashMap<String, String> = rows("epcis.csv")
        .into_iter()
        .map(|e| (e["siren"].clone(), e["name"].clone()))
        .collect();
    let commune_epci: HashMap<String, String> = rows("communes.csv")
        .into_iter()
        .map(|c| (c["insee"].clone(), c["epci_siren"].clone()))
        .collect();
    let axes: HashMap<String, String> = rows("nodes.csv")
        .into_iter()
        .filter(|n| n["convention"] == "erbm-2025-2027" && n["kind"] == "axis")
        .map(|n| (n["code"].clone(), format!("{}. {}", n["code"], n["title"])))
        .collect();
    let mut by_epci: BTreeMap<String, i128> = BTreeMap::new();
    let mut without_epci = 0;
    let mut by_axis: BTreeMap<String, i128> =
        axes.values().map(|label| (label.clone(), 0)).collect();
    let mut without_axis = 0;
    for operation in rows("operations.csv") {
        let granted = granted_by_operation
            .get(&operation["key"])
            .copied()
            .unwrap_or(0);
        let place = operation["territory"].as_str();
        let epci = match place.split_once(':') {
            Some(("epci", siren)) => Some(siren.to_string()),
            Some(("commune", insee)) => commune_epci.get(insee).cloned(),
            Some(("cite", name_and_insee)) => {
                let insee = name_and_insee.rsplit_once('|').unwrap().1;
                commune_epci.get(insee).cloned()
            }
            _ => None,
        };
        match epci.and_then(|siren| epci_names.get(&siren).cloned()) {
            Some(name) => *by_epci.entry(name).or_default() += granted,
            None => without_epci += granted,
        }
        let current: HashSet<&str> = operation["actions"]
            .split_whitespace()
            .filter(|a| !a.contains(':'))
            .map(|a| a.split('.').next().unwrap())
            .collect();
        if current.is_empty() {
            without_axis += granted;
        }
        for axis in current {
            *by_axis.get_mut(&axes[axis]).unwrap() += granted;
        }
    }
    FromFiles {
        granted_by_operation,
        total,
        with_fund,
        by_epci,
        without_epci,
        by_axis,
        without_axis,
    }
}

#[tokio::test]
async fn every_total_equals_its_parts_and_the_bundled_files() {
    let app = Bundled::new().await;
    let get = |path: &'static str| {
        let app = &app;
        async move {
            let answer = app.get(path).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            answer.body
        }
    };
    let expected = from_files();
    assert!(expected.total > 0 && !expected.granted_by_operation.is_empty());

    let home = get("/").await;
    assert!(
        home.contains(&format!(
            "<data id=\"total-accorde\" value=\"{}\">",
            expected.total * 100
        )),
        "dashboard total"
    );
    let (funders, funders_total) = breakdown(&home, "par-financeur");
    assert_eq!(funders_total, expected.total);
    assert_eq!(funders.values().sum::<i128>(), expected.total);

    let (axes, axes_total) = breakdown(&home, "par-axe");
    assert_eq!(axes_total, expected.total);
    let mut expected_axes = expected.by_axis.clone();
    expected_axes.insert("Non rattaché à un axe".into(), expected.without_axis);
    assert_eq!(axes, expected_axes);
    let overlap = axes.values().sum::<i128>() - expected.total;
    if overlap > 0 {
        assert!(home.contains("compte dans chacun\u{a0}:"), "overlap said");
    }

    let (epcis, epcis_total) = breakdown(&home, "par-territoire");
    assert_eq!(epcis_total, expected.total);
    let without = epcis
        .get("Sans territoire (ou hors des intercommunalités)")
        .copied()
        .unwrap();
    assert_eq!(without, expected.without_epci);
    let placed: BTreeMap<String, i128> = epcis
        .into_iter()
        .filter(|(label, _)| !label.starts_with("Sans territoire"))
        .collect();
    let expected_placed: BTreeMap<String, i128> = expected
        .by_epci
        .iter()
        .map(|(name, euros)| (name.clone(), *euros))
        .collect();
    assert_eq!(placed, expected_placed);
    assert_eq!(placed.values().sum::<i128>() + without, expected.total);

    // An unknown cost is not zero: action 4.1.3 of the current convention has operations with
    // and without a cost.
    let under: Vec<HashMap<String, String>> = rows("operations.csv")
        .into_iter()
        .filter(|o| o["actions"].split_whitespace().any(|a| a == "4.1.3"))
        .collect();
    let known: i128 = under.iter().map(|o| euros_cell(&o["cost_ht"])).sum();
    let unknown = under.iter().filter(|o| o["cost_ht"].is_empty()).count();
    assert!(
        known > 0 && unknown > 1,
        "the bundle changed: {known} {unknown}"
    );
    let conventions = get("/conventions").await;
    let grouped = known
        .to_string()
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\u{202f}");
    let expected_cost = format!("{grouped}\u{a0}€ ({unknown} coûts non renseignés)");
    assert!(conventions.contains(&expected_cost), "{expected_cost}");
    assert!(conventions.contains("<td class=\"num\">non renseigné</td>"));

    let funding = get("/financements").await;
    let marker = "id=\"fonds-total-accorde\">";
    let start = funding.find(marker).unwrap() + marker.len();
    assert_eq!(
        euros_in(&funding[start..start + funding[start..].find("</td>").unwrap()]),
        expected.with_fund
    );
}

#[tokio::test]
async fn validated_figures_only_applies_to_the_map_territories_funds_and_partners_pages() {
    use renouveau_domain::{Territory, TerritoryLevel};
    let app = App::new().await;
    let territories = app.db.records::<Territory>();
    let system = Actor::system("test");
    let region = territories
        .create(
            &system,
            Territory::new(TerritoryLevel::Region, "32", "Hauts-de-France", None, None),
        )
        .await
        .unwrap()
        .id;
    let departement = territories
        .create(
            &system,
            Territory::new(
                TerritoryLevel::Departement,
                "62",
                "Pas-de-Calais",
                Some(region),
                None,
            ),
        )
        .await
        .unwrap()
        .id;
    let epci = app
        .db
        .records::<Territory>()
        .create(
            &Actor::system("test"),
            Territory::new(
                TerritoryLevel::Epci,
                "246200364",
                "CA de Lens-Liévin",
                Some(departement),
                Some(242_591),
            ),
        )
        .await
        .unwrap()
        .id;
    let mut placed = app.operation.clone();
    for key in ["id", "version", "created_at", "updated_at", "archived_at"] {
        placed.as_object_mut().unwrap().remove(key);
    }
    placed["territory_id"] = json!(epci);
    placed["title"] = json!("Opération située");
    let operation = app
        .send(
            Method::POST,
            "/api/v1/operations",
            Some(&app.admin),
            Some(placed),
        )
        .await;
    assert_eq!(operation.status, StatusCode::CREATED, "{}", operation.body);
    let operation = operation.json()["id"].as_i64().unwrap();
    let fund = app
        .send(
            Method::POST,
            "/api/v1/funds",
            Some(&app.admin),
            Some(
                json!({"programme_id": null, "parent_id": null, "code": "fonds",
                "name": "Fonds", "description": null, "amount": null,
                "start_year": null, "end_year": null}),
            ),
        )
        .await;
    assert_eq!(fund.status, StatusCode::CREATED, "{}", fund.body);
    let fund = fund.json()["id"].clone();
    for (token, euros) in [(&app.admin, 1000), (&app.contributor_lens, 500)] {
        let answer = app
            .send(
                Method::POST,
                "/api/v1/financing-lines",
                Some(token),
                Some(line(
                    operation,
                    app.lens,
                    fund.clone(),
                    "granted",
                    [0, euros * 100, 0, 0],
                )),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    }
    let all = "1\u{202f}500\u{a0}€";
    let validated = "1\u{202f}000\u{a0}€";
    // Signed in, declared figures are shown unless asked not to; visitors see validated ones.
    let reader = app.browser("lecteur@lens.fr").await;
    for path in [
        "/financements".to_string(),
        format!("/territoires/{epci}"),
        "/territoires".to_string(),
        "/partenaires".to_string(),
        format!("/partenaires/{}", app.lens),
    ] {
        let every = app.page(&reader, Method::GET, &path, &[]).await;
        assert_eq!(every.status, StatusCode::OK, "{path}");
        assert!(every.body.contains(all), "{path}: {}", every.body);
        let separator = if path.contains('?') { '&' } else { '?' };
        let only = app.get(&format!("{path}{separator}chiffres=valides")).await;
        assert_eq!(only.status, StatusCode::OK, "{path}");
        assert!(only.body.contains(validated), "{path}: {}", only.body);
        assert!(!only.body.contains(all), "{path}: {}", only.body);
    }
}

#[tokio::test]
async fn a_fund_without_its_own_amount_shows_the_sum_of_its_contributions() {
    let app = App::new().await;
    let mut funds = Vec::new();
    for (code, amount) in [
        ("sans-montant", Value::Null),
        ("avec-montant", json!(900_000)),
    ] {
        let fund = app
            .send(
                Method::POST,
                "/api/v1/funds",
                Some(&app.admin),
                Some(
                    json!({"programme_id": null, "parent_id": null, "code": code,
                    "name": format!("Fonds {code}"), "description": null, "amount": amount,
                    "start_year": null, "end_year": null}),
                ),
            )
            .await;
        assert_eq!(fund.status, StatusCode::CREATED, "{}", fund.body);
        funds.push(fund.json()["id"].as_i64().unwrap());
    }
    for fund in &funds {
        for (funder, cents) in [(app.lens, 300_000), (app.douai, 400_000)] {
            let answer = app
                .send(
                    Method::POST,
                    "/api/v1/fund-contributions",
                    Some(&app.admin),
                    Some(json!({"fund_id": fund, "funder_id": funder, "amount": cents})),
                )
                .await;
            assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        }
    }
    let page = app.get("/financements").await;
    assert_eq!(page.status, StatusCode::OK);
    let row = |name: &str| {
        let start = page.body.find(name).unwrap();
        page.body[start..start + page.body[start..].find("</tr>").unwrap()].to_string()
    };
    let without = row("Fonds sans-montant");
    assert!(
        without
            .contains("7\u{202f}000\u{a0}€<br><span class=\"note\">somme des contributions</span>"),
        "{without}"
    );
    let with = row("Fonds avec-montant");
    assert!(with.contains("9\u{202f}000\u{a0}€"), "{with}");
    assert!(!with.contains("somme des contributions"), "{with}");
}

/// A line granted without a stated amount (the document names the funder, not its share) is
/// « non renseigné », never « 0 € »: on the operation page, the fund it draws on and the
/// dashboard, which counts such lines apart from its total.
#[tokio::test]
async fn a_granted_line_without_its_amount_is_not_zero() {
    let unstated: Vec<HashMap<String, String>> = rows("financing.csv")
        .into_iter()
        .filter(|l| ["granted", "committed", "paid"].contains(&l["state"].as_str()))
        .filter(|l| euros_cell(&l["granted"]) == 0)
        .collect();
    assert!(
        unstated.len() > 1,
        "the bundle names funders without amounts"
    );
    let app = Bundled::new().await;

    let home = app.get("/").await;
    assert!(
        home.body.contains(&format!(
            "S'y ajoutent {} lignes accordées dont le montant n'est pas renseigné",
            unstated.len()
        )),
        "dashboard"
    );

    let fund_lines = unstated.iter().filter(|l| !l["fund"].is_empty()).count();
    assert!(fund_lines > 0);
    let funding = app.get("/financements").await;
    let rows = table(&funding.body, "fonds");
    let fund_cells: Vec<&String> = rows.iter().flatten().collect();
    assert!(
        fund_cells.iter().any(|c| c.contains("non renseigné")),
        "a fund whose every line lacks its amount: {rows:?}"
    );

    let titles = app.get("/api/v1/operations?per_page=500").await.json();
    let operation_key = &unstated[0]["operation"];
    let operations = rows_of_operations();
    let title = &operations[operation_key.as_str()];
    let id = titles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == title.as_str())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let page = app.get(&format!("/operations/{id}")).await;
    let plan = strip_tags(&page.body);
    assert!(plan.contains("non renseigné"), "operation {title}");
}

/// Operation keys of the bundle to their titles.
fn rows_of_operations() -> HashMap<String, String> {
    rows("operations.csv")
        .into_iter()
        .map(|o| (o["key"].clone(), o["title"].clone()))
        .collect()
}
