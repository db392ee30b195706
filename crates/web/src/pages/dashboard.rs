//! The dashboard: key indicators against their targets, money by funder and state, operations
//! by status and by axis, the latest deliberations. Every figure links to what it is made of.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use renouveau_domain::{
    Convention, ConventionNode, Deliberation, GovernanceBody, NodeKind, OperationStatus,
};
use renouveau_report::{BarChart, BarRow, Unit, bar_chart};
use renouveau_store::summaries::{self, Figures};
use renouveau_store::{ListQuery, Store};

use super::indicators::{IndicatorRow, with_targets};
use super::layout::{Page, PageError, render};
use super::lookup::{by_ids, date, whole_euros};
use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// The convention whose axes the dashboard counts operations by: the one in force.
const CURRENT_CONVENTION: &str = "erbm-2025-2027";

struct FunderRow {
    id: i64,
    name: String,
    lines: i64,
    granted: String,
    committed: String,
    paid: String,
}

struct StatusRow {
    code: String,
    label: String,
    count: i64,
}

struct AxisRow {
    id: i64,
    code: String,
    title: String,
    operations: i64,
    granted: String,
}

struct DeliberationRow {
    date: String,
    body: String,
    number: String,
    title: String,
    vote: String,
    sitting: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    page: Page,
    figures: Arc<Shown>,
}

/// The dashboard's query: `chiffres=valides` counts only what the programme team validated.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct View {
    chiffres: String,
}

impl View {
    fn figures(&self) -> Result<Figures, WebError> {
        match self.chiffres.as_str() {
            "" | "tous" => Ok(Figures::All),
            "valides" => Ok(Figures::Validated),
            _ => Err(WebError::bad_request(
                "chiffres",
                "Choisissez « tous » ou « valides ».",
            )),
        }
    }
}

/// Everything the dashboard shows, the same for every visitor.
struct Shown {
    validated_only: bool,
    /// Declarations of partners not validated yet.
    awaiting_review: i64,
    indicators: Vec<IndicatorRow>,
    total_granted_cents: i64,
    total_granted: String,
    total_committed: String,
    total_paid: String,
    money_chart: String,
    funders: Vec<FunderRow>,
    statuses: Vec<StatusRow>,
    convention: String,
    axes: Vec<AxisRow>,
    deliberations: Vec<DeliberationRow>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(view): Query<View>,
) -> Result<impl IntoResponse, PageError> {
    let counted = view.figures()?;
    let figures = state
        .cache
        .get_or_compute(
            state.store.db(),
            format!("{counted:?}"),
            shown(&state.store, counted),
        )
        .await?;
    render(&Dashboard {
        page: Page::new(&viewer, "/", "Tableau de bord"),
        figures,
    })
}

async fn shown(store: &Store, counted: Figures) -> Result<Shown, WebError> {
    let indicators = with_targets(store, counted)
        .await?
        .iter()
        .map(IndicatorRow::of)
        .collect();

    let money = summaries::money_by_funder(store.db(), counted).await?;
    let total = |f: fn(&summaries::FunderMoney) -> i64| money.iter().map(f).sum::<i64>();
    let total_granted_cents = total(|m| m.granted);
    #[allow(clippy::cast_precision_loss)]
    let money_chart = bar_chart(&BarChart {
        id: "financeurs".into(),
        title: "Aides par financeur et par état".into(),
        unit: Unit::Euros,
        series: vec![
            "Versé".into(),
            "Engagé non versé".into(),
            "Accordé non engagé".into(),
        ],
        rows: money
            .iter()
            .map(|m| BarRow {
                label: m.funder.clone(),
                href: Some(format!("/partenaires/{}", m.funder_id)),
                values: vec![
                    m.paid as f64,
                    (m.committed - m.paid).max(0) as f64,
                    (m.granted - m.committed.max(m.paid)).max(0) as f64,
                ],
            })
            .collect(),
    });
    let funders = money
        .iter()
        .map(|m| FunderRow {
            id: m.funder_id,
            name: m.funder.clone(),
            lines: m.lines,
            granted: whole_euros(m.granted),
            committed: whole_euros(m.committed),
            paid: whole_euros(m.paid),
        })
        .collect();

    let statuses = summaries::operations_by_status(store.db(), counted)
        .await?
        .into_iter()
        .map(|(code, count)| StatusRow {
            label: code
                .parse::<OperationStatus>()
                .map_or_else(|_| code.clone(), |s| s.label_fr().to_string()),
            code,
            count,
        })
        .collect();

    let (convention, axes) = axes(store, counted).await?;
    Ok(Shown {
        validated_only: counted == Figures::Validated,
        awaiting_review: summaries::awaiting_review(store.db()).await?,
        indicators,
        total_granted_cents,
        total_granted: whole_euros(total_granted_cents),
        total_committed: whole_euros(total(|m| m.committed)),
        total_paid: whole_euros(total(|m| m.paid)),
        money_chart,
        funders,
        statuses,
        convention,
        axes,
        deliberations: latest_deliberations(store).await?,
    })
}

async fn axes(store: &Store, counted: Figures) -> Result<(String, Vec<AxisRow>), WebError> {
    let found = store
        .records::<Convention>()
        .list(&ListQuery::default().eq("code", CURRENT_CONVENTION))
        .await?;
    let Some(convention) = found.items.into_iter().next() else {
        return Ok((String::new(), Vec::new()));
    };
    let counts = summaries::operations_by_node(store.db(), convention.id, counted).await?;
    let nodes = store
        .records::<ConventionNode>()
        .list(
            &ListQuery::default()
                .eq("convention_id", convention.id)
                .eq("kind", NodeKind::Axis.code())
                .sort_by("position", false),
        )
        .await?;
    let rows = nodes
        .items
        .into_iter()
        .map(|node| {
            let count = counts.iter().find(|c| c.node_id == node.id);
            AxisRow {
                id: node.id,
                code: node.data.code,
                title: node.data.title,
                operations: count.map_or(0, |c| c.operations),
                granted: whole_euros(count.map_or(0, |c| c.granted)),
            }
        })
        .collect();
    Ok((convention.data.title, rows))
}

async fn latest_deliberations(store: &Store) -> Result<Vec<DeliberationRow>, WebError> {
    let found = store
        .records::<Deliberation>()
        .list(&ListQuery::default().sort_by("decided_on", true).page(1, 5))
        .await?;
    let bodies =
        by_ids::<GovernanceBody>(store, found.items.iter().map(|d| d.data.body_id)).await?;
    Ok(found
        .items
        .into_iter()
        .map(|d| {
            let votes = d.data.votes_for + d.data.votes_against + d.data.abstentions;
            DeliberationRow {
                date: date(d.data.decided_on),
                body: bodies
                    .get(&d.data.body_id)
                    .map(|b| b.data.name.clone())
                    .unwrap_or_default(),
                sitting: super::lookup::sitting(&d.data),
                number: d.data.number,
                title: d.data.title,
                vote: if votes > 0 {
                    format!(
                        "pour {}, contre {}, abstention {}",
                        d.data.votes_for, d.data.votes_against, d.data.abstentions
                    )
                } else {
                    String::new()
                },
            }
        })
        .collect())
}
