//! Indicators: the catalogue, and a page per indicator with its series against its target, the
//! projected date at the current pace, the values by territory and where each value comes from.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use renouveau_domain::{Document, Indicator, Observation, Target, Territory, ValidationStatus};
use renouveau_report::{Projection, SeriesChart, on_track, project, series_chart};
use renouveau_store::summaries::Figures;
use renouveau_store::{ListQuery, Record, Store};

use super::layout::{Crumb, Page, PageError, render};
use super::lookup::{all, by_ids, date, number, source_text};
use super::params::PagePath;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// Where an indicator stands: its series, its nearest target and the pace, over the whole
/// programme or, for an indicator whose targets are all set for one territory, over it.
#[derive(Debug, Clone)]
pub struct Progress {
    pub indicator: Record<Indicator>,
    /// The territory followed, when not the whole programme.
    pub territory: Option<String>,
    pub points: Vec<(NaiveDate, f64)>,
    pub target: Option<(NaiveDate, f64)>,
    pub projection: Option<Projection>,
}

impl Progress {
    pub fn latest(&self) -> Option<(NaiveDate, f64)> {
        self.points.last().copied()
    }

    /// Share of the target reached, in whole percent.
    pub fn percent(&self) -> Option<i64> {
        let ((_, value), (_, target)) = (self.latest()?, self.target?);
        #[allow(clippy::cast_possible_truncation)]
        (target > 0.0).then(|| (value / target * 100.0).round() as i64)
    }

    pub fn on_track(&self) -> Option<bool> {
        on_track(self.projection.as_ref(), self.target)
    }

    pub fn verdict(&self) -> &'static str {
        match self.on_track() {
            Some(true) => "Dans les temps",
            Some(false) => "En retard sur la cible",
            None => "Projection impossible",
        }
    }
}

/// The progress of one indicator: observations of the territory followed (the whole programme
/// when a target is set for it, otherwise the territory of the target due first), one per
/// date, the last one recorded, validated ones only when `figures` says so; and the target due
/// first there.
pub async fn progress(
    store: &Store,
    indicator: Record<Indicator>,
    figures: Figures,
) -> Result<Progress, WebError> {
    let targets = targets_of(store, indicator.id).await?;
    let scope = if targets.iter().any(|t| t.data.territory_id.is_none()) {
        None
    } else {
        targets.first().and_then(|t| t.data.territory_id)
    };
    let observations = observations_of(store, indicator.id).await?;
    let mut by_date: std::collections::BTreeMap<NaiveDate, f64> = Default::default();
    for o in observations.iter().filter(|o| {
        o.data.territory_id == scope
            && (figures == Figures::All || o.data.status == ValidationStatus::Validated)
    }) {
        by_date.insert(o.data.observed_on, o.data.value);
    }
    let points: Vec<(NaiveDate, f64)> = by_date.into_iter().collect();
    let target = targets
        .iter()
        .filter(|t| t.data.territory_id == scope)
        .map(|t| (t.data.due_on, t.data.value))
        .min_by_key(|(due, _)| *due);
    let territory = match scope {
        Some(id) => Some(store.records::<Territory>().get(id).await?.data.name),
        None => None,
    };
    let projection = if indicator.data.cumulative {
        project(&points, target)
    } else {
        None
    };
    Ok(Progress {
        indicator,
        territory,
        points,
        target,
        projection,
    })
}

async fn observations_of(
    store: &Store,
    indicator_id: i64,
) -> Result<Vec<Record<Observation>>, WebError> {
    let query = ListQuery::default()
        .eq("indicator_id", indicator_id)
        .sort_by("observed_on", false)
        .page(1, renouveau_store::query::MAX_PER_PAGE);
    Ok(store.records::<Observation>().list(&query).await?.items)
}

async fn targets_of(store: &Store, indicator_id: i64) -> Result<Vec<Record<Target>>, WebError> {
    let query = ListQuery::default()
        .eq("indicator_id", indicator_id)
        .sort_by("due_on", false)
        .page(1, renouveau_store::query::MAX_PER_PAGE);
    Ok(store.records::<Target>().list(&query).await?.items)
}

/// The indicators that have a target, with their progress.
pub async fn with_targets(store: &Store, figures: Figures) -> Result<Vec<Progress>, WebError> {
    let targets = all::<Target>(store, "due_on").await?;
    let ids: Vec<i64> = targets.iter().map(|t| t.data.indicator_id).collect();
    let indicators = by_ids::<Indicator>(store, ids.iter().copied()).await?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for id in ids {
        if seen.insert(id)
            && let Some(indicator) = indicators.get(&id)
        {
            out.push(progress(store, indicator.clone(), figures).await?);
        }
    }
    Ok(out)
}

pub struct IndicatorRow {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub latest: String,
    pub latest_on: String,
    pub target: String,
    /// The territory followed, empty for the whole programme.
    pub territory: String,
    pub percent: String,
    pub projected: String,
    pub verdict: &'static str,
}

impl IndicatorRow {
    pub fn of(p: &Progress) -> Self {
        Self {
            id: p.indicator.id,
            name: p.indicator.data.name.clone(),
            unit: p.indicator.data.unit.clone(),
            latest: p
                .latest()
                .map(|(_, v)| number(v))
                .unwrap_or_else(|| "—".into()),
            latest_on: p.latest().map(|(d, _)| date(d)).unwrap_or_default(),
            target: p
                .target
                .map(|(d, v)| match &p.territory {
                    Some(territory) => format!("{} au {} ({territory})", number(v), date(d)),
                    None => format!("{} au {}", number(v), date(d)),
                })
                .unwrap_or_else(|| "—".into()),
            territory: p.territory.clone().unwrap_or_default(),
            percent: p
                .percent()
                .map(|v| format!("{v} %"))
                .unwrap_or_else(|| "—".into()),
            projected: p
                .projection
                .as_ref()
                .and_then(|pr| pr.reaches_target_on)
                .map(date)
                .unwrap_or_else(|| "—".into()),
            verdict: p.verdict(),
        }
    }
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorList {
    page: Page,
    rows: Vec<IndicatorRow>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, PageError> {
    let indicators = all::<Indicator>(&state.store, "name").await?;
    let mut rows = Vec::with_capacity(indicators.len());
    for indicator in indicators {
        rows.push(IndicatorRow::of(
            &progress(&state.store, indicator, Figures::All).await?,
        ));
    }
    render(&IndicatorList {
        page: Page::new(&viewer, "/indicateurs", "Indicateurs"),
        rows,
    })
}

pub struct ValueRow {
    pub value: String,
    pub period: String,
    pub territory: String,
    pub territory_href: String,
    pub status: &'static str,
    pub note: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    page: Page,
    row: IndicatorRow,
    description: String,
    chart: String,
    values: Vec<ValueRow>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
) -> Result<impl IntoResponse, PageError> {
    let store = &state.store;
    let indicator = store.records::<Indicator>().get(id).await?;
    let progress = progress(store, indicator.clone(), Figures::All).await?;
    let observations = observations_of(store, id).await?;
    let territories = by_ids::<Territory>(
        store,
        observations.iter().filter_map(|o| o.data.territory_id),
    )
    .await?;
    let documents = by_ids::<Document>(
        store,
        observations.iter().filter_map(|o| o.data.document_id),
    )
    .await?;
    let values = observations
        .iter()
        .map(|o| value_row(o, &territories, &documents))
        .collect();
    let chart = series_chart(&SeriesChart {
        id: format!("serie-{id}"),
        title: indicator.data.name.clone(),
        unit: indicator.data.unit.clone(),
        points: progress.points.clone(),
        target: progress.target,
        projection: progress.projection,
    });
    let mut page = Page::new(&viewer, "/indicateurs", indicator.data.name.clone());
    page.breadcrumbs = vec![
        Crumb::link("/indicateurs", "Indicateurs"),
        Crumb::here(&indicator.data.name),
    ];
    render(&IndicatorPage {
        page,
        row: IndicatorRow::of(&progress),
        description: indicator.data.description.clone().unwrap_or_default(),
        chart,
        values,
    })
}

fn value_row(
    o: &Record<Observation>,
    territories: &HashMap<i64, Record<Territory>>,
    documents: &HashMap<i64, Record<Document>>,
) -> ValueRow {
    let territory = o.data.territory_id.and_then(|t| territories.get(&t));
    ValueRow {
        value: number(o.data.value),
        period: match o.data.period_start {
            Some(start) => format!("du {} au {}", date(start), date(o.data.observed_on)),
            None => format!("au {}", date(o.data.observed_on)),
        },
        territory: territory.map_or_else(|| "Tout le programme".into(), |t| t.data.name.clone()),
        territory_href: territory
            .map(|t| format!("/territoires/{}", t.id))
            .unwrap_or_default(),
        status: o.data.status.label_fr(),
        note: o.data.note.clone().unwrap_or_default(),
        source: match o.data.document_id.and_then(|d| documents.get(&d)) {
            Some(document) => source_text(document, o.data.source_start.zip(o.data.source_end)),
            None => "Saisie dans l'application".into(),
        },
    }
}
