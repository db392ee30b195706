//! Funding: each fund and envelope, who contributes to it, and how far the lines drawn on it are
//! granted, committed and paid.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use renouveau_domain::{Fund, FundContribution, Organisation};
use renouveau_store::summaries;

use super::layout::{Page, PageError, render};
use super::lookup::{all, by_ids, whole_euros};
use crate::auth::Viewer;
use crate::state::AppState;

pub struct FundRow {
    pub name: String,
    pub depth: usize,
    pub period: String,
    pub amount: String,
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
    funds: Vec<FundRow>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, PageError> {
    let store = &state.store;
    let funds = all::<Fund>(store, "code").await?;
    let contributions = all::<FundContribution>(store, "id").await?;
    let funders =
        by_ids::<Organisation>(store, contributions.iter().map(|c| c.data.funder_id)).await?;
    let money: HashMap<i64, summaries::FundMoney> = summaries::money_by_fund(store.db())
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
            let granted = m.map_or(0, |m| m.granted);
            FundRow {
                name: f.data.name.clone(),
                depth,
                period: match (f.data.start_year, f.data.end_year) {
                    (Some(s), Some(e)) => format!("{s}-{e}"),
                    (Some(s), None) => format!("depuis {s}"),
                    (None, Some(e)) => format!("jusqu'en {e}"),
                    (None, None) => String::new(),
                },
                amount: f
                    .data
                    .amount
                    .map_or_else(|| "non précisé".into(), |a| whole_euros(a.cents())),
                contributions: contributions
                    .iter()
                    .filter(|c| c.data.fund_id == f.id)
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
                granted: whole_euros(granted),
                committed: whole_euros(m.map_or(0, |m| m.committed)),
                paid: whole_euros(m.map_or(0, |m| m.paid)),
                share: match f.data.amount.map(|a| a.cents()) {
                    Some(total) if total > 0 => format!("{} %", granted * 100 / total),
                    _ => "—".into(),
                },
            }
        })
        .collect();
    render(&FundingPage {
        page: Page::new(&viewer, "/financements", "Financements"),
        funds: rows,
    })
}
