//! Funding: each fund and envelope, who contributes to it, and how far the lines drawn on it are
//! granted, committed and paid, with the grand total of those lines.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use renouveau_domain::{Fund, FundContribution, Organisation, Total};
use renouveau_store::summaries::{self, Figures};

use super::dashboard::View;
use super::layout::{Page, PageError, render};
use super::lookup::{all, by_ids, partly_known_granted, total_euros, whole_euros};
use super::params::PageQuery;
use crate::auth::Viewer;
use crate::state::AppState;

pub struct FundRow {
    pub name: String,
    pub depth: usize,
    pub period: String,
    pub amount: String,
    /// The amount is not stated for the fund itself: it is the sum of its contributions.
    pub amount_from_contributions: bool,
    pub contributions: Vec<(i64, String, String)>,
    pub lines: i64,
    pub granted: String,
    pub committed: String,
    pub paid: String,
    pub share: String,
}

#[derive(Template)]
#[template(path = "funding.html")]
struct FundingPage {
    page: Page,
    validated_only: bool,
    funds: Vec<FundRow>,
    lines: i64,
    granted: String,
    committed: String,
    paid: String,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(view): PageQuery<View>,
) -> Result<impl IntoResponse, PageError> {
    let counted = view.figures()?;
    let store = &state.store;
    let funds = all::<Fund>(store, "code").await?;
    let contributions = all::<FundContribution>(store, "id").await?;
    let funders =
        by_ids::<Organisation>(store, contributions.iter().map(|c| c.data.funder_id)).await?;
    let money: HashMap<i64, summaries::FundMoney> = summaries::money_by_fund(store.db(), counted)
        .await?
        .into_iter()
        .map(|m| (m.fund_id, m))
        .collect();
    let mut ordered = Vec::new();
    for fund in funds.iter().filter(|f| f.data.parent_id.is_none()) {
        ordered.push((0, fund));
        ordered.extend(
            funds
                .iter()
                .filter(|f| f.data.parent_id == Some(fund.id))
                .map(|f| (1, f)),
        );
    }
    let rows = ordered
        .into_iter()
        .map(|(depth, f)| {
            let m = money.get(&f.id);
            let granted = m.map_or(Total::ZERO, |m| m.granted);
            let given: Vec<_> = contributions
                .iter()
                .filter(|c| c.data.fund_id == f.id)
                .collect();
            let contributed = if given.is_empty() {
                None
            } else {
                Total::sum(given.iter().map(|c| c.data.amount))
            };
            let amount = f.data.amount.map(Total::from).or(contributed);
            FundRow {
                name: f.data.name.clone(),
                depth,
                period: match (f.data.start_year, f.data.end_year) {
                    (Some(s), Some(e)) => format!("{s}-{e}"),
                    (Some(s), None) => format!("depuis {s}"),
                    (None, Some(e)) => format!("jusqu'en {e}"),
                    (None, None) => String::new(),
                },
                amount: amount.map_or_else(|| "non précisé".into(), Total::to_french_whole),
                amount_from_contributions: f.data.amount.is_none() && contributed.is_some(),
                contributions: given
                    .iter()
                    .map(|c| {
                        let name = funders
                            .get(&c.data.funder_id)
                            .map(|o| {
                                o.data
                                    .short_name
                                    .clone()
                                    .unwrap_or_else(|| o.data.name.clone())
                            })
                            .unwrap_or_default();
                        (c.data.funder_id, name, whole_euros(c.data.amount.cents()))
                    })
                    .collect(),
                lines: m.map_or(0, |m| m.lines),
                granted: partly_known_granted(
                    granted,
                    m.map_or(0, |m| m.lines),
                    m.map_or(0, |m| m.granted_unstated),
                ),
                committed: m.map_or(Total::ZERO, |m| m.committed).to_french_whole(),
                paid: m.map_or(Total::ZERO, |m| m.paid).to_french_whole(),
                share: match amount {
                    Some(total) if total > Total::ZERO => {
                        format!(
                            "{}\u{a0}%",
                            granted.cents().saturating_mul(100) / total.cents()
                        )
                    }
                    _ => "—".into(),
                },
            }
        })
        .collect();
    let sum = |pick: fn(&summaries::FundMoney) -> Total| {
        total_euros(Total::sum_totals(money.values().map(pick)))
    };
    render(&FundingPage {
        page: Page::new(&viewer, "/financements", "Financements"),
        validated_only: counted == Figures::Validated,
        funds: rows,
        lines: money.values().map(|m| m.lines).sum(),
        granted: match Total::sum_totals(money.values().map(|m| m.granted)) {
            Some(granted) => partly_known_granted(
                granted,
                money.values().map(|m| m.lines).sum(),
                money.values().map(|m| m.granted_unstated).sum(),
            ),
            None => total_euros(None),
        },
        committed: sum(|m| m.committed),
        paid: sum(|m| m.paid),
    })
}
