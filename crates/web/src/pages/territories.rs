//! Territories: a map of the basin (EPCIs or communes coloured by money, operations or
//! population, cités on top) with its data table, and a page per territory.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use renouveau_domain::{Operation, Organisation, Territory, TerritoryLevel};
use renouveau_report::{AreaKind, Map, MapArea, Unit, choropleth};
use renouveau_store::imports::{Shape, shapes_of_level};
use renouveau_store::{FilterOp, ListQuery, Record, Store, summaries};
use serde::Deserialize;

use super::dashboard::View;
use super::layout::{Crumb, Page, PageError, render};
use super::lookup::{by_ids, number, whole_euros};
use super::params::{PagePath, PageQuery};
use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// What the map colours areas by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    Granted,
    Operations,
    Population,
}

impl Measure {
    const ALL: [(Self, &'static str, &'static str); 3] = [
        (Self::Granted, "argent", "Aides reçues par les opérations"),
        (Self::Operations, "operations", "Nombre d'opérations"),
        (Self::Population, "population", "Population municipale"),
    ];

    fn parse(code: &str) -> Result<Self, WebError> {
        if code.is_empty() {
            return Ok(Self::Granted);
        }
        Self::ALL
            .iter()
            .find(|(_, c, _)| *c == code)
            .map(|(m, _, _)| *m)
            .ok_or_else(|| {
                WebError::bad_request("couleur", "Choisissez argent, operations ou population.")
            })
    }

    fn label(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(m, _, _)| *m == self)
            .map_or("", |(_, _, l)| l)
    }

    fn unit(self) -> Unit {
        match self {
            Self::Granted => Unit::Euros,
            Self::Operations => Unit::Count("opérations".into()),
            Self::Population => Unit::Count("habitants".into()),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MapQuery {
    niveau: String,
    couleur: String,
    /// `valides`: validated figures only, as on the dashboard.
    chiffres: String,
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

pub struct AreaRow {
    pub id: i64,
    pub name: String,
    pub parent: String,
    pub population: String,
    pub operations: i64,
    pub granted: String,
}

#[derive(Template)]
#[template(path = "territories.html")]
struct MapPage {
    page: Page,
    levels: Vec<Choice>,
    measures: Vec<Choice>,
    map: Option<String>,
    level_label: &'static str,
    validated_only: bool,
    rows: Vec<AreaRow>,
    cites: Vec<AreaRow>,
}

pub async fn map(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<MapQuery>,
) -> Result<impl IntoResponse, PageError> {
    let store = &state.store;
    let measure = Measure::parse(&query.couleur)?;
    let counted = View::of(&query.chiffres).figures()?;
    let level = match query.niveau.as_str() {
        "" | "epci" => TerritoryLevel::Epci,
        "commune" => TerritoryLevel::Commune,
        _ => return Err(WebError::bad_request("niveau", "Choisissez epci ou commune.").into()),
    };
    let epcis = of_level(store, TerritoryLevel::Epci).await?;
    let epci_ids: HashSet<i64> = epcis.iter().map(|t| t.id).collect();
    let areas: Vec<Record<Territory>> = match level {
        TerritoryLevel::Epci => epcis.clone(),
        _ => of_level(store, TerritoryLevel::Commune)
            .await?
            .into_iter()
            .filter(|c| c.data.parent_id.is_some_and(|p| epci_ids.contains(&p)))
            .collect(),
    };
    let money: HashMap<i64, summaries::TerritoryMoney> =
        summaries::money_by_territory(store.db(), level.code(), counted)
            .await?
            .into_iter()
            .map(|m| (m.territory_id, m))
            .collect();
    // An EPCI belongs to its département, a commune to its EPCI.
    let parent_names = names_of(store, areas.iter().filter_map(|t| t.data.parent_id)).await?;
    let rows: Vec<AreaRow> = areas
        .iter()
        .map(|t| area_row(t, money.get(&t.id), &parent_names))
        .collect();

    let cites = of_level(store, TerritoryLevel::Cite).await?;
    let cite_money: HashMap<i64, summaries::TerritoryMoney> =
        summaries::money_by_territory(store.db(), "cite", counted)
            .await?
            .into_iter()
            .map(|m| (m.territory_id, m))
            .collect();
    let commune_names = names_of(store, cites.iter().filter_map(|c| c.data.parent_id)).await?;
    let cite_rows = cites
        .iter()
        .map(|t| area_row(t, cite_money.get(&t.id), &commune_names))
        .collect();

    let shapes = shapes_of_level(store.db(), level.code()).await?;
    let map = if shapes.is_empty() {
        None
    } else {
        let mut map_areas = Vec::new();
        let by_id: HashMap<i64, &Record<Territory>> = areas.iter().map(|t| (t.id, t)).collect();
        for shape in &shapes {
            if let Some(t) = by_id.get(&shape.territory_id) {
                map_areas.push(area(
                    t,
                    shape,
                    AreaKind::Fill,
                    value(measure, t, money.get(&t.id)),
                ));
            }
        }
        if level != TerritoryLevel::Epci {
            for shape in shapes_of_level(store.db(), "epci").await? {
                if let Some(t) = epcis.iter().find(|t| t.id == shape.territory_id) {
                    map_areas.push(area(t, &shape, AreaKind::Outline, None));
                }
            }
        }
        for shape in shapes_of_level(store.db(), "cite").await? {
            if let Some(t) = cites.iter().find(|t| t.id == shape.territory_id) {
                map_areas.push(area(t, &shape, AreaKind::Point, None));
            }
        }
        Some(choropleth(&Map {
            id: "carte-bassin".into(),
            title: format!(
                "Bassin minier : {} par {}",
                measure.label().to_lowercase(),
                level_label(level)
            ),
            legend: measure.label().into(),
            unit: measure.unit(),
            areas: map_areas,
        }))
    };

    render(&MapPage {
        page: Page::new(&viewer, "/territoires", "Territoires"),
        validated_only: counted == summaries::Figures::Validated,
        levels: vec![
            Choice {
                value: "epci",
                label: "Intercommunalités",
                selected: level == TerritoryLevel::Epci,
            },
            Choice {
                value: "commune",
                label: "Communes",
                selected: level == TerritoryLevel::Commune,
            },
        ],
        measures: Measure::ALL
            .iter()
            .map(|(m, value, label)| Choice {
                value,
                label,
                selected: *m == measure,
            })
            .collect(),
        map,
        level_label: level_label(level),
        rows,
        cites: cite_rows,
    })
}

fn level_label(level: TerritoryLevel) -> &'static str {
    match level {
        TerritoryLevel::Epci => "intercommunalité",
        _ => "commune",
    }
}

#[allow(clippy::cast_precision_loss)]
fn value(
    measure: Measure,
    t: &Record<Territory>,
    money: Option<&summaries::TerritoryMoney>,
) -> Option<f64> {
    match measure {
        Measure::Granted => Some(money.map_or(0.0, |m| m.granted.as_f64())),
        Measure::Operations => Some(money.map_or(0, |m| m.operations) as f64),
        Measure::Population => t.data.population.map(|p| p as f64),
    }
}

fn area(t: &Record<Territory>, shape: &Shape, kind: AreaKind, value: Option<f64>) -> MapArea {
    MapArea {
        id: t.id,
        name: t.data.name.clone(),
        geometry: shape.geometry.clone(),
        value,
        href: Some(format!("/territoires/{}", t.id)),
        kind,
    }
}

async fn names_of(
    store: &Store,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, WebError> {
    Ok(by_ids::<Territory>(store, ids)
        .await?
        .into_iter()
        .map(|(id, t)| (id, t.data.name))
        .collect())
}

fn area_row(
    t: &Record<Territory>,
    money: Option<&summaries::TerritoryMoney>,
    parents: &HashMap<i64, String>,
) -> AreaRow {
    AreaRow {
        id: t.id,
        name: t.data.name.clone(),
        parent: t
            .data
            .parent_id
            .and_then(|p| parents.get(&p))
            .cloned()
            .unwrap_or_else(|| "non rattaché".into()),
        population: t
            .data
            .population
            .map(|p| number(p as f64))
            .unwrap_or_default(),
        operations: money.map_or(0, |m| m.operations),
        granted: whole_euros(money.map_or(0, |m| m.granted.cents())),
    }
}

async fn of_level(
    store: &Store,
    level: TerritoryLevel,
) -> Result<Vec<Record<Territory>>, WebError> {
    let mut out = Vec::new();
    let max = renouveau_store::query::MAX_PER_PAGE;
    for page in 1.. {
        let query = ListQuery::default()
            .eq("level", level.code())
            .sort_by("name", false)
            .page(page, max);
        let found = store.records::<Territory>().list(&query).await?;
        let done = found.items.len() < max as usize;
        out.extend(found.items);
        if done {
            break;
        }
    }
    Ok(out)
}

pub struct Link {
    pub href: String,
    pub label: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "territory.html")]
struct TerritoryPage {
    page: Page,
    level: &'static str,
    code: String,
    population: String,
    parent: Option<Link>,
    landlord: Option<Link>,
    unesco: bool,
    operations_href: String,
    operations: Vec<Link>,
    granted: String,
    children: Vec<Link>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
    PageQuery(view): PageQuery<View>,
) -> Result<impl IntoResponse, PageError> {
    let counted = view.figures()?;
    let store = &state.store;
    let territory = store.records::<Territory>().get(id).await?;
    let parent = match territory.data.parent_id {
        Some(p) => {
            let parent = store.records::<Territory>().get(p).await?;
            Some(Link {
                href: format!("/territoires/{p}"),
                label: parent.data.name,
                detail: String::new(),
            })
        }
        None => None,
    };
    let landlord = match territory.data.landlord_id {
        Some(l) => {
            let organisation = store.records::<Organisation>().get(l).await?;
            Some(Link {
                href: format!("/partenaires/{l}"),
                label: organisation.data.name,
                detail: String::new(),
            })
        }
        None => None,
    };
    let children = store
        .records::<Territory>()
        .list(
            &ListQuery::default()
                .eq("parent_id", id)
                .sort_by("name", false)
                .page(1, renouveau_store::query::MAX_PER_PAGE),
        )
        .await?
        .items
        .into_iter()
        .map(|c| Link {
            href: format!("/territoires/{}", c.id),
            label: c.data.name,
            detail: c.data.level.label_fr().to_string(),
        })
        .collect();
    let places = summaries::territory_and_descendants(store.db(), id).await?;
    let operations = store
        .records::<Operation>()
        .list(
            &ListQuery::default()
                .filter(
                    "territory_id",
                    FilterOp::In(places.iter().map(i64::to_string).collect()),
                )
                .sort_by("title", false)
                .page(1, renouveau_store::query::MAX_PER_PAGE),
        )
        .await?
        .items;
    let money = summaries::money_by_territory(store.db(), territory.data.level.code(), counted)
        .await?
        .into_iter()
        .find(|m| m.territory_id == id);
    let filter = match territory.data.level {
        TerritoryLevel::Epci => "epci",
        TerritoryLevel::Cite => "cite",
        _ => "commune",
    };
    let mut page = Page::new(&viewer, "/territoires", territory.data.name.clone());
    page.breadcrumbs = vec![
        Crumb::link("/territoires", "Territoires"),
        Crumb::here(&territory.data.name),
    ];
    render(&TerritoryPage {
        page,
        level: territory.data.level.label_fr(),
        code: territory.data.code.clone(),
        population: territory
            .data
            .population
            .map(|p| number(p as f64))
            .unwrap_or_else(|| "non renseignée".into()),
        parent,
        landlord,
        unesco: territory.data.unesco,
        operations_href: format!("/operations?{filter}={id}"),
        operations: operations
            .into_iter()
            .map(|o| Link {
                href: format!("/operations/{}", o.id),
                label: o.data.title,
                detail: o.data.status.label_fr().to_string(),
            })
            .collect(),
        granted: whole_euros(money.map_or(0, |m| m.granted.cents())),
        children,
    })
}
