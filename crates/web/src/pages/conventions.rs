//! Conventions: each convention's signatories and its tree of axes, objectives and actions, with
//! for each node the operations under it and their money.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use renouveau_domain::{
    Convention, ConventionNode, ConventionSignatory, NodeLead, Organisation, Total,
};
use renouveau_store::{ListQuery, Record, summaries};

use super::dashboard::View;
use super::layout::{Page, PageError, render};
use super::lookup::{all, by_ids, optional_date, partly_known_cost, whole_euros};
use super::params::PageQuery;
use crate::auth::Viewer;
use crate::state::AppState;

pub struct NodeRow {
    pub id: i64,
    pub depth: usize,
    pub kind: &'static str,
    pub code: String,
    pub title: String,
    pub leads: Vec<(i64, String)>,
    pub operations: i64,
    pub cost_ht: String,
    pub granted: String,
}

pub struct Signatory {
    pub id: i64,
    pub name: String,
    pub representative: String,
}

pub struct ConventionView {
    pub title: String,
    pub kind: &'static str,
    pub period: String,
    pub signed_on: String,
    pub signatories: Vec<Signatory>,
    pub nodes: Vec<NodeRow>,
}

#[derive(Template)]
#[template(path = "conventions.html")]
struct ConventionsPage {
    page: Page,
    validated_only: bool,
    conventions: Vec<ConventionView>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(shown): PageQuery<View>,
) -> Result<impl IntoResponse, PageError> {
    let counted = shown.figures()?;
    let store = &state.store;
    let mut conventions = Vec::new();
    for convention in all::<Convention>(store, "start_on").await? {
        conventions.push(view(store, convention, counted).await?);
    }
    render(&ConventionsPage {
        validated_only: counted == summaries::Figures::Validated,
        page: Page::new(&viewer, "/conventions", "Conventions"),
        conventions,
    })
}

async fn view(
    store: &renouveau_store::Store,
    convention: Record<Convention>,
    counted: summaries::Figures,
) -> Result<ConventionView, PageError> {
    let max = renouveau_store::query::MAX_PER_PAGE;
    let nodes = store
        .records::<ConventionNode>()
        .list(
            &ListQuery::default()
                .eq("convention_id", convention.id)
                .sort_by("position", false)
                .page(1, max),
        )
        .await?
        .items;
    let money: HashMap<i64, summaries::NodeOperations> =
        summaries::operations_by_node(store.db(), convention.id, counted)
            .await?
            .into_iter()
            .map(|n| (n.node_id, n))
            .collect();
    let node_ids: Vec<String> = nodes.iter().map(|n| n.id.to_string()).collect();
    let leads = store
        .records::<NodeLead>()
        .list(
            &ListQuery::default()
                .filter("node_id", renouveau_store::FilterOp::In(node_ids))
                .page(1, max),
        )
        .await?
        .items;
    let signatories = store
        .records::<ConventionSignatory>()
        .list(
            &ListQuery::default()
                .eq("convention_id", convention.id)
                .page(1, max),
        )
        .await?
        .items;
    let organisations = by_ids::<Organisation>(
        store,
        leads
            .iter()
            .map(|l| l.data.organisation_id)
            .chain(signatories.iter().map(|s| s.data.organisation_id)),
    )
    .await?;
    let name = |id: i64| {
        organisations
            .get(&id)
            .map(|o| {
                o.data
                    .short_name
                    .clone()
                    .unwrap_or_else(|| o.data.name.clone())
            })
            .unwrap_or_default()
    };

    let mut children: HashMap<Option<i64>, Vec<&Record<ConventionNode>>> = HashMap::new();
    for node in &nodes {
        children.entry(node.data.parent_id).or_default().push(node);
    }
    let mut rows = Vec::with_capacity(nodes.len());
    let mut stack: Vec<(usize, &Record<ConventionNode>)> = children
        .get(&None)
        .map(|c| c.iter().rev().map(|n| (0, *n)).collect())
        .unwrap_or_default();
    while let Some((depth, node)) = stack.pop() {
        let counts = money.get(&node.id);
        rows.push(NodeRow {
            id: node.id,
            depth,
            kind: node.data.kind.label_fr(),
            code: node.data.code.clone(),
            title: node.data.title.clone(),
            leads: leads
                .iter()
                .filter(|l| l.data.node_id == node.id)
                .map(|l| (l.data.organisation_id, name(l.data.organisation_id)))
                .collect(),
            operations: counts.map_or(0, |c| c.operations),
            cost_ht: counts.map_or_else(
                || partly_known_cost(Total::ZERO, 0, 0),
                |c| partly_known_cost(c.cost_ht, c.operations, c.cost_unknown),
            ),
            granted: whole_euros(counts.map_or(0, |c| c.granted.cents())),
        });
        if let Some(kids) = children.get(&Some(node.id)) {
            stack.extend(kids.iter().rev().map(|n| (depth + 1, *n)));
        }
    }
    Ok(ConventionView {
        title: convention.data.title.clone(),
        kind: convention.data.kind.label_fr(),
        period: format!(
            "{} – {}",
            convention.data.start_on.format("%Y"),
            convention.data.end_on.format("%Y")
        ),
        signed_on: optional_date(convention.data.signed_on),
        signatories: signatories
            .iter()
            .map(|s| Signatory {
                id: s.data.organisation_id,
                name: organisations
                    .get(&s.data.organisation_id)
                    .map(|o| o.data.name.clone())
                    .unwrap_or_default(),
                representative: match (&s.data.representative, &s.data.representative_title) {
                    (Some(r), Some(t)) => format!("{r}, {t}"),
                    (Some(r), None) => r.clone(),
                    _ => String::new(),
                },
            })
            .collect(),
        nodes: rows,
    })
}
