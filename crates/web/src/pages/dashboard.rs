//! The dashboard: key indicators against their targets, money by funder and state, operations
//! by status and by axis, the latest deliberations. Every figure links to what it is made of.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use renouveau_domain::{
    Convention, ConventionNode, Deliberation, GovernanceBody, NodeKind, OperationStatus, Territory,
    TerritoryLevel, Total,
};
use renouveau_report::{BarChart, BarRow, Unit, bar_chart};
use renouveau_store::summaries::{self, Figures};
use renouveau_store::{ListQuery, Store};

use super::indicators::{IndicatorRow, with_targets};
use super::layout::{Page, PageError, render};
use super::lookup::{by_ids, date, partly_known_granted, total_euros, whole_euros};
use super::params::PageQuery;
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

/// One row of a breakdown of the granted total (by axis, by territory); `href` is empty for
/// the row of what no group holds.
struct PartRow {
    href: String,
    label: String,
    operations: i64,
    operations_href: String,
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
    pub fn of(chiffres: &str) -> Self {
        Self {
            chiffres: chiffres.to_string(),
        }
    }

    pub fn figures(&self) -> Result<Figures, WebError> {
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
    total_granted_cents: String,
    total_granted: String,
    total_committed: String,
    total_paid: String,
    total_lines: i64,
    /// Lines granted without a stated amount, not in the totals.
    granted_unstated: i64,
    money_chart: String,
    funders: Vec<FunderRow>,
    statuses: Vec<StatusRow>,
    convention: String,
    axes: Vec<PartRow>,
    /// What operations linked to several axes add to the sum of the axis rows.
    axes_overlap: String,
    territories: Vec<PartRow>,
    deliberations: Vec<DeliberationRow>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(view): PageQuery<View>,
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
    let total = |f: fn(&summaries::FunderMoney) -> Total| Total::sum_totals(money.iter().map(f));
    let total_granted = total(|m| m.granted);
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
                    m.paid.as_f64(),
                    (m.committed.as_f64() - m.paid.as_f64()).max(0.0),
                    (m.granted.as_f64() - m.committed.as_f64().max(m.paid.as_f64())).max(0.0),
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
            granted: partly_known_granted(m.granted, m.lines, m.granted_unstated),
            committed: m.committed.to_french_whole(),
            paid: m.paid.to_french_whole(),
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

    let (convention, axes, axes_sum) = axes(store, counted).await?;
    let axes_overlap = match (axes_sum, total_granted) {
        (Some(sum), Some(total)) if sum > total => {
            whole_euros(sum.cents().saturating_sub(total.cents()))
        }
        _ => String::new(),
    };
    Ok(Shown {
        validated_only: counted == Figures::Validated,
        awaiting_review: summaries::awaiting_review(store.db()).await?,
        indicators,
        total_granted_cents: total_granted.map_or_else(String::new, |t| t.cents().to_string()),
        total_granted: total_euros(total_granted),
        total_committed: total_euros(total(|m| m.committed)),
        total_paid: total_euros(total(|m| m.paid)),
        total_lines: money.iter().map(|m| m.lines).sum(),
        granted_unstated: money.iter().map(|m| m.granted_unstated).sum(),
        money_chart,
        funders,
        statuses,
        convention,
        axes,
        axes_overlap,
        territories: territories(store, counted).await?,
        deliberations: latest_deliberations(store).await?,
    })
}

/// The current convention's axes with the operations under each, then a row for operations
/// under none; with the sum of the rows' granted money (an operation under two axes counts in
/// both).
async fn axes(
    store: &Store,
    counted: Figures,
) -> Result<(String, Vec<PartRow>, Option<Total>), WebError> {
    let found = store
        .records::<Convention>()
        .list(&ListQuery::default().eq("code", CURRENT_CONVENTION))
        .await?;
    let Some(convention) = found.items.into_iter().next() else {
        return Ok((String::new(), Vec::new(), Some(Total::ZERO)));
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
    let mut rows: Vec<(PartRow, Total)> = nodes
        .items
        .into_iter()
        .map(|node| {
            let count = counts.iter().find(|c| c.node_id == node.id);
            let granted = count.map_or(Total::ZERO, |c| c.granted);
            (
                PartRow {
                    href: String::new(),
                    label: format!("{}. {}", node.data.code, node.data.title),
                    operations: count.map_or(0, |c| c.operations),
                    operations_href: format!("/operations?action={}", node.id),
                    granted: granted.to_french_whole(),
                },
                granted,
            )
        })
        .collect();
    let outside =
        summaries::operations_outside_convention(store.db(), convention.id, counted).await?;
    rows.push((
        PartRow {
            href: String::new(),
            label: "Non rattaché à un axe".into(),
            operations: outside.operations,
            operations_href: String::new(),
            granted: outside.granted.to_french_whole(),
        },
        outside.granted,
    ));
    let sum = Total::sum_totals(rows.iter().map(|(_, granted)| *granted));
    Ok((
        convention.data.title,
        rows.into_iter().map(|(row, _)| row).collect(),
        sum,
    ))
}

/// The programme's EPCIs with the operations located in each, then a row for operations in
/// none.
async fn territories(store: &Store, counted: Figures) -> Result<Vec<PartRow>, WebError> {
    let level = TerritoryLevel::Epci.code();
    let money = summaries::money_by_territory(store.db(), level, counted).await?;
    let names = by_ids::<Territory>(store, money.iter().map(|m| m.territory_id)).await?;
    let mut rows: Vec<PartRow> = money
        .iter()
        .map(|m| PartRow {
            href: format!("/territoires/{}", m.territory_id),
            label: names
                .get(&m.territory_id)
                .map(|t| t.data.name.clone())
                .unwrap_or_default(),
            operations: m.operations,
            operations_href: format!("/operations?epci={}", m.territory_id),
            granted: m.granted.to_french_whole(),
        })
        .collect();
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    let outside = summaries::money_outside_level(store.db(), level, counted).await?;
    rows.push(PartRow {
        href: String::new(),
        label: "Sans territoire (ou hors des intercommunalités)".into(),
        operations: outside.operations,
        operations_href: String::new(),
        granted: outside.granted.to_french_whole(),
    });
    Ok(rows)
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
