//! The bundled ERBM programme: what it must hold, that every figure is stated where it points in
//! the seed document, and that loading it again changes nothing.

use std::collections::HashSet;

use renouveau_domain::{
    Actor, Aggregation, Convention, ConventionNode, ConventionSignatory, Deliberation,
    FinancingLine, Fund, FundContribution, Indicator, NodeKind, Observation, Operation,
    Organisation, Target, Territory, TerritoryLevel,
};
use renouveau_ingest::bundle::{DATA_FILES, load_bundle, money_cell};
use renouveau_ingest::document::{Added, add_document};
use renouveau_ingest::figures::reading::figures_in;
use renouveau_ingest::figures::{DisagreementKind, SourceStatus, disagreements, verify_sources};
use renouveau_store::imports::figure_sources;
use renouveau_store::testing::TestDb;
use renouveau_store::{ListQuery, Record, Store};

/// The 11 signatories with a SIREN (the State has none): Région, the two Départements and the
/// eight EPCIs.
const SIGNATORY_SIRENS: [&str; 11] = [
    "200053742",
    "225900018",
    "226200012",
    "200072460",
    "246200364",
    "246200299",
    "200044618",
    "200042190",
    "245901152",
    "245901160",
    "200044048",
];
const EPCI_SIRENS: [&str; 8] = [
    "200072460",
    "246200364",
    "246200299",
    "200044618",
    "200042190",
    "245901152",
    "245901160",
    "200044048",
];

async fn loaded() -> TestDb {
    let db = TestDb::new().await;
    load_bundle(&db.store, &Actor::system("test"))
        .await
        .unwrap();
    db
}

async fn all<E: renouveau_store::Entity>(store: &Store, query: ListQuery) -> Vec<Record<E>> {
    let mut items = Vec::new();
    for page in 1.. {
        let found = store
            .records::<E>()
            .list(&query.clone().page(page, 500))
            .await
            .unwrap();
        let total = usize::try_from(found.total).unwrap();
        items.extend(found.items);
        if items.len() >= total {
            break;
        }
    }
    items
}

async fn convention(store: &Store, code: &str) -> Record<Convention> {
    all::<Convention>(store, ListQuery::default().eq("code", code))
        .await
        .pop()
        .unwrap_or_else(|| panic!("convention {code} missing"))
}

#[tokio::test]
async fn both_conventions_have_their_twelve_signatories() {
    let db = loaded().await;
    let organisations = all::<Organisation>(&db.store, ListQuery::default()).await;
    for code in ["erbm-2017", "erbm-2025-2027"] {
        let convention = convention(&db.store, code).await;
        let signed: HashSet<i64> = all::<ConventionSignatory>(
            &db.store,
            ListQuery::default().eq("convention_id", convention.id),
        )
        .await
        .iter()
        .map(|s| s.data.organisation_id)
        .collect();
        assert_eq!(signed.len(), 12, "{code}");
        for siren in SIGNATORY_SIRENS {
            let organisation = organisations
                .iter()
                .find(|o| o.data.siren.as_ref().is_some_and(|s| s.as_ref() == siren))
                .unwrap_or_else(|| panic!("no organisation with SIREN {siren}"));
            assert!(
                signed.contains(&organisation.id),
                "{code}: {siren} has not signed"
            );
        }
        let state = organisations
            .iter()
            .find(|o| o.data.short_name.as_deref() == Some("État"))
            .unwrap();
        assert!(
            signed.contains(&state.id),
            "{code}: the State has not signed"
        );
    }
}

#[tokio::test]
async fn conventions_have_four_and_five_axes() {
    let db = loaded().await;
    for (code, axes) in [("erbm-2017", 4), ("erbm-2025-2027", 5)] {
        let convention = convention(&db.store, code).await;
        let nodes = all::<ConventionNode>(
            &db.store,
            ListQuery::default().eq("convention_id", convention.id),
        )
        .await;
        let codes: Vec<String> = nodes
            .iter()
            .filter(|n| n.data.kind == NodeKind::Axis)
            .map(|n| n.data.code.clone())
            .collect();
        let expected: Vec<String> = (1..=axes).map(|i| i.to_string()).collect();
        assert_eq!(codes, expected, "{code}");
        if code == "erbm-2025-2027" {
            let actions = nodes
                .iter()
                .filter(|n| n.data.kind == NodeKind::Action)
                .count();
            assert!(actions >= 40, "{code}: {actions} actions");
        }
        assert!(
            nodes.iter().any(|n| n.data.kind == NodeKind::Objective),
            "{code} has no objective"
        );
    }
}

#[tokio::test]
async fn the_eight_epcis_and_their_communes_are_bundled() {
    let db = loaded().await;
    let epcis = all::<Territory>(&db.store, ListQuery::default().eq("level", "epci")).await;
    let sirens: HashSet<&str> = epcis.iter().map(|t| t.data.code.as_str()).collect();
    assert_eq!(sirens, EPCI_SIRENS.into_iter().collect());
    let epci_ids: HashSet<i64> = epcis.iter().map(|t| t.id).collect();
    let communes = all::<Territory>(&db.store, ListQuery::default().eq("level", "commune")).await;
    assert_eq!(communes.len(), 336);
    assert!(
        communes
            .iter()
            .all(|c| c.data.parent_id.is_some_and(|p| epci_ids.contains(&p)))
    );
    let population: i64 = communes.iter().filter_map(|c| c.data.population).sum();
    assert!(
        (1_100_000..1_400_000).contains(&population),
        "population of the 8 EPCIs: {population}"
    );
}

#[tokio::test]
async fn the_deliberation_of_23_june_2025_was_adopted_78_0_0() {
    let db = loaded().await;
    let found = all::<Deliberation>(&db.store, ListQuery::default().eq("number", "2025-246")).await;
    let deliberation = &found.first().expect("deliberation 2025-246").data;
    assert_eq!(
        (
            deliberation.votes_for,
            deliberation.votes_against,
            deliberation.abstentions
        ),
        (78, 0, 0)
    );
    assert!(deliberation.adopted);
    assert_eq!(deliberation.decided_on.to_string(), "2025-06-23");
    assert_eq!(deliberation.members_present + deliberation.proxies, 78);
}

#[tokio::test]
#[ignore = "needs RENOUVEAU_SOURCE_DOCUMENT, the path of the programme's source document"]
async fn every_bundled_figure_is_stated_where_it_points_in_the_source_document() {
    let seed = crate::source_document::path();
    let db = loaded().await;
    let before = verify_sources(db.store.db()).await.unwrap();
    assert!(before.iter().all(|c| c.status == SourceStatus::NoText));

    let added = add_document(&db.store, &seed, &Actor::system("test"))
        .await
        .unwrap();
    assert_eq!(
        added.added,
        Added::TextAttached,
        "the seed is the bundled source document"
    );

    let checks = verify_sources(db.store.db()).await.unwrap();
    let wrong: Vec<_> = checks
        .iter()
        .filter(|c| c.status != SourceStatus::Stated)
        .collect();
    assert!(
        wrong.is_empty(),
        "figures not stated by their passage: {wrong:#?}"
    );
    // Every figure cell of the data files that carries provenance is checked.
    let figure_cells = DATA_FILES
        .iter()
        .filter(|f| f.name.ends_with(".csv"))
        .map(|f| f.text.lines().filter(|l| l.contains(',')).count())
        .sum::<usize>();
    assert!(
        checks.len() > 200 && checks.len() < figure_cells,
        "{} checks",
        checks.len()
    );

    let again = add_document(&db.store, &seed, &Actor::system("test"))
        .await
        .unwrap();
    assert_eq!(again.added, Added::AlreadyThere);
}

#[tokio::test]
async fn the_seed_disagreements_are_found() {
    let db = loaded().await;
    let found = disagreements(db.store.db()).await.unwrap();
    let same_period: Vec<_> = found
        .iter()
        .filter(|d| d.kind == DisagreementKind::SamePeriod)
        .collect();
    // Jobs created around Lens-Hénin and jobs concerned around Valenciennes no longer read as
    // two values of one figure.
    assert!(
        !same_period
            .iter()
            .any(|d| d.indicator.contains("revitalisation")),
        "{same_period:#?}"
    );
    assert!(
        found
            .iter()
            .any(|d| matches!(d.kind, DisagreementKind::PaceBreak { .. })
                && d.indicator.contains("insertion")),
        "{found:#?}"
    );
}

#[tokio::test]
async fn loading_twice_changes_nothing() {
    let db = loaded().await;
    let audit_rows = |store: &Store| {
        let db = store.db().clone();
        async move {
            let mut tx = db.read().await.unwrap();
            renouveau_store::audit::count(&mut tx).await.unwrap()
        }
    };
    let before = audit_rows(&db.store).await;
    let report = load_bundle(&db.store, &Actor::system("test"))
        .await
        .unwrap();
    assert_eq!(report.total_created(), 0, "{report:?}");
    assert!(report.total_kept() > 1000);
    assert_eq!(audit_rows(&db.store).await, before);
}

async fn indicator(store: &Store, code: &str) -> Record<Indicator> {
    all::<Indicator>(store, ListQuery::default().eq("code", code))
        .await
        .pop()
        .unwrap_or_else(|| panic!("indicator {code} missing"))
}

/// The observation whose value the seed states at character `start`.
async fn observation_at(store: &Store, start: i64) -> Record<Observation> {
    all::<Observation>(store, ListQuery::default().eq("source_start", start))
        .await
        .pop()
        .unwrap_or_else(|| panic!("no observation sourced at {start}"))
}

async fn departement(store: &Store, code: &str) -> i64 {
    all::<Territory>(store, ListQuery::default().eq("level", "departement"))
        .await
        .into_iter()
        .find(|t| t.data.level == TerritoryLevel::Departement && t.data.code == code)
        .unwrap_or_else(|| panic!("departement {code} missing"))
        .id
}

async fn operation(store: &Store, title_part: &str) -> Record<Operation> {
    all::<Operation>(store, ListQuery::default())
        .await
        .into_iter()
        .find(|o| o.data.title.contains(title_part))
        .unwrap_or_else(|| panic!("no operation titled like {title_part}"))
}

#[tokio::test]
async fn cites_engagees_counts_cites_and_not_the_fifteen_operations() {
    let db = loaded().await;
    let cites = indicator(&db.store, "cites_engagees").await;
    // The 18 cités of the Pas-de-Calais are some of the 35: not a figure to add to them.
    assert_ne!(cites.data.aggregation, Aggregation::Sum);
    let observations =
        all::<Observation>(&db.store, ListQuery::default().eq("indicator_id", cites.id)).await;
    let programme_wide: Vec<f64> = observations
        .iter()
        .filter(|o| o.data.territory_id.is_none())
        .map(|o| o.data.value)
        .collect();
    assert_eq!(programme_wide, vec![35.0]);
    let pas_de_calais = observation_at(&db.store, 13057).await;
    assert_eq!(pas_de_calais.data.indicator_id, cites.id);
    assert_eq!(
        pas_de_calais.data.territory_id,
        Some(departement(&db.store, "62").await)
    );
    let fifteen = observation_at(&db.store, 6505).await;
    assert_eq!(fifteen.data.value, 15.0);
    let counted = all::<Indicator>(&db.store, ListQuery::default())
        .await
        .into_iter()
        .find(|i| i.id == fifteen.data.indicator_id)
        .unwrap();
    assert_eq!(counted.data.unit, "opérations");
}

#[tokio::test]
async fn revitalisation_jobs_created_near_lens_and_concerned_near_valenciennes() {
    let db = loaded().await;
    let created = indicator(&db.store, "emplois_crees_revitalisation").await;
    let lens_henin = observation_at(&db.store, 25595).await;
    assert_eq!(
        (lens_henin.data.indicator_id, lens_henin.data.value),
        (created.id, 330.0)
    );
    assert_eq!(
        lens_henin.data.territory_id,
        Some(departement(&db.store, "62").await)
    );
    let valenciennes = observation_at(&db.store, 25678).await;
    assert_ne!(valenciennes.data.indicator_id, created.id);
    let concerned = all::<Indicator>(&db.store, ListQuery::default())
        .await
        .into_iter()
        .find(|i| i.id == valenciennes.data.indicator_id)
        .unwrap();
    assert!(concerned.data.name.contains("concernés"), "{concerned:?}");
    assert_eq!(
        valenciennes.data.territory_id,
        Some(departement(&db.store, "59").await)
    );
}

#[tokio::test]
async fn a_figure_quoted_twice_is_one_observation_with_two_sources() {
    let db = loaded().await;
    let observations = all::<Observation>(&db.store, ListQuery::default()).await;
    let mut seen = HashSet::new();
    for o in &observations {
        let key = (
            o.data.indicator_id,
            o.data.territory_id,
            o.data.period_start,
            o.data.observed_on,
            o.data.value.to_bits(),
        );
        assert!(
            seen.insert(key),
            "observation {} counted twice: {:?}",
            o.id,
            o.data
        );
    }
    let sources = figure_sources(db.store.db(), None).await.unwrap();
    let twice: HashSet<i64> = sources
        .iter()
        .filter(|s| s.entity == "observation" && s.field.as_deref() == Some("value"))
        .map(|s| s.record_id)
        .filter(|id| {
            sources
                .iter()
                .filter(|s| s.entity == "observation" && s.record_id == *id)
                .count()
                == 2
        })
        .collect();
    // The review's figures that report n°9 repeats word for word.
    assert_eq!(twice.len(), 14, "{twice:?}");
    let visits = indicator(&db.store, "visites_domicile_centres_sante").await;
    let visits: Vec<f64> = observations
        .iter()
        .filter(|o| o.data.indicator_id == visits.id)
        .map(|o| o.data.value)
        .collect();
    assert_eq!(
        visits,
        vec![160.0],
        "a sum over the year counts the visits once"
    );
}

#[tokio::test]
async fn no_fund_counts_its_contribution_a_second_time() {
    let db = loaded().await;
    let funds = all::<Fund>(&db.store, ListQuery::default()).await;
    let contributions = all::<FundContribution>(&db.store, ListQuery::default()).await;
    let contributed: HashSet<i64> = contributions.iter().map(|c| c.data.fund_id).collect();
    let both: Vec<&str> = funds
        .iter()
        .filter(|f| f.data.amount.is_some() && contributed.contains(&f.id))
        .map(|f| f.data.code.as_str())
        .collect();
    assert!(
        both.is_empty(),
        "funds stating an amount beside their contributions: {both:?}"
    );
    assert!(
        funds.iter().any(|f| f.data.amount.is_some()),
        "envelopes stated by the document keep their amount"
    );
}

#[tokio::test]
async fn owners_costs_and_territories_read_as_the_text_says() {
    let db = loaded().await;
    let organisations = all::<Organisation>(&db.store, ListQuery::default()).await;
    let by_siren = |siren: &str| {
        organisations
            .iter()
            .find(|o| o.data.siren.as_ref().is_some_and(|s| s.as_ref() == siren))
            .unwrap()
            .id
    };
    let interchange = operation(&db.store, "échangeur n°31").await;
    assert_eq!(interchange.data.owner_id, Some(by_siren("225900018")));

    // The EPF's interventions at Prouvy and Denain are both financing, neither a cost.
    let epf = organisations
        .iter()
        .find(|o| o.data.short_name.as_deref() == Some("EPF"))
        .unwrap()
        .id;
    let lines = all::<FinancingLine>(&db.store, ListQuery::default().eq("funder_id", epf)).await;
    for (title, euros) in [("Lagoda", 1_700_000), ("Pierres Blanches", 1_660_000)] {
        let op = operation(&db.store, title).await;
        assert_eq!((op.data.cost_ht, op.data.cost_ttc), (None, None), "{title}");
        let line = lines
            .iter()
            .find(|l| l.data.operation_id == op.id)
            .unwrap_or_else(|| panic!("no EPF line for {title}"));
        assert_eq!(line.data.granted.cents(), euros * 100, "{title}");
    }

    let buses = operation(&db.store, "Artois-Gohelle").await;
    assert_eq!(
        buses.data.territory_id,
        Some(departement(&db.store, "62").await)
    );
}

#[tokio::test]
async fn each_big_company_target_is_its_own() {
    let db = loaded().await;
    let indicators = all::<Indicator>(&db.store, ListQuery::default()).await;
    let arsa: HashSet<i64> = indicators
        .iter()
        .filter(|i| i.data.code.starts_with("recrutements_arsa_"))
        .map(|i| i.id)
        .collect();
    let targets = all::<Target>(&db.store, ListQuery::default()).await;
    let arsa_targets: Vec<&Record<Target>> = targets
        .iter()
        .filter(|t| arsa.contains(&t.data.indicator_id))
        .collect();
    // Renault, Burger King, Stellantis, Toyota.
    assert_eq!(arsa_targets.len(), 4);
    let told_apart: HashSet<i64> = arsa_targets.iter().map(|t| t.data.indicator_id).collect();
    assert_eq!(
        told_apart.len(),
        4,
        "two targets of one indicator: {arsa_targets:?}"
    );
    let mut keys = HashSet::new();
    for t in &targets {
        assert!(
            keys.insert((t.data.indicator_id, t.data.territory_id, t.data.due_on)),
            "targets that cannot be told apart: {:?}",
            t.data
        );
    }
}

#[tokio::test]
async fn deliberation_2025_246_names_its_president_secretary_and_place() {
    let db = loaded().await;
    let found = all::<Deliberation>(&db.store, ListQuery::default().eq("number", "2025-246")).await;
    let deliberation = found.first().expect("deliberation 2025-246");
    assert_eq!(
        (
            deliberation.data.president.as_deref(),
            deliberation.data.secretary.as_deref(),
            deliberation.data.place.as_deref()
        ),
        (
            Some("Jean-Claude LEROY"),
            Some("Emmanuelle LEVEUGLE"),
            Some("Arras")
        )
    );
    let sources = figure_sources(db.store.db(), Some(("deliberation", deliberation.id)))
        .await
        .unwrap();
    for field in ["president", "secretary", "place"] {
        assert!(
            sources.iter().any(|s| s.field.as_deref() == Some(field)),
            "{field} has no source: {sources:?}"
        );
    }
}

#[test]
fn money_cells_are_read_by_the_amount_parser_not_as_floats() {
    assert_eq!(money_cell("1660000").unwrap().cents(), 166_000_000);
    assert_eq!(money_cell("3450000.5").unwrap().cents(), 345_000_050);
    // A float would take these and round them silently.
    for cell in ["1e6", "12.345", "inf", "NaN", "-5"] {
        assert!(money_cell(cell).is_err(), "{cell} was read");
    }
}

/// Columns holding money, whose passages must each state an amount in euros.
const MONEY_FIELDS: [(&str, &str); 8] = [
    ("fund", "amount"),
    ("fund_contribution", "amount"),
    ("operation", "cost_ht"),
    ("operation", "cost_ttc"),
    ("financing_line", "requested"),
    ("financing_line", "granted"),
    ("financing_line", "committed"),
    ("financing_line", "paid"),
];

#[tokio::test]
#[ignore = "needs RENOUVEAU_SOURCE_DOCUMENT, the path of the programme's source document"]
async fn every_euro_amount_of_the_source_document_is_bundled_with_its_passage() {
    let source = crate::source_document::path();
    let db = loaded().await;
    add_document(&db.store, &source, &Actor::system("test"))
        .await
        .unwrap();
    let euro_indicators: HashSet<i64> = all::<Indicator>(&db.store, ListQuery::default())
        .await
        .into_iter()
        .filter(|i| i.data.unit == "euros")
        .map(|i| i.id)
        .collect();
    let euro_observations: HashSet<i64> = all::<Observation>(&db.store, ListQuery::default())
        .await
        .into_iter()
        .filter(|o| euro_indicators.contains(&o.data.indicator_id))
        .map(|o| o.id)
        .collect();
    let money: Vec<(i64, i64, f64)> = verify_sources(db.store.db())
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.status == SourceStatus::Stated)
        .filter(|c| {
            let field = c.source.field.as_deref().unwrap_or_default();
            MONEY_FIELDS.contains(&(c.source.entity.as_str(), field))
                || (c.source.entity == "observation"
                    && euro_observations.contains(&c.source.record_id))
        })
        .filter_map(|c| Some((c.source.start, c.source.end, c.value?)))
        .collect();

    let seed = std::fs::read_to_string(&source).unwrap();
    let amount = regex::Regex::new(
        r"\d[\d \u{a0}\u{202f}.]*(?:,\d+)?\s*(?:M€|m€|k€|K€|€|millions? d.euros|euros)",
    )
    .unwrap();
    let mut written = 0;
    let mut missing = Vec::new();
    for m in amount.find_iter(&seed) {
        written += 1;
        let at = i64::try_from(seed[..m.start()].chars().count()).unwrap();
        let values = figures_in(m.as_str());
        let bundled = money.iter().any(|(start, end, value)| {
            (*start..*end).contains(&at)
                && values
                    .iter()
                    .any(|v| (v - value).abs() <= 1e-9 * value.abs().max(1.0))
        });
        if !bundled {
            missing.push(format!("{at}: {}", m.as_str()));
        }
    }
    assert!(written > 100, "{written} amounts found in the seed");
    assert!(
        missing.is_empty(),
        "amounts of the seed not bundled: {missing:#?}"
    );
}
