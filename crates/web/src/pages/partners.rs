//! Partners: every organisation with its role, and a page per organisation with its commitments
//! (conventions signed, actions led), its operations, what it funds and its deliberations.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use renouveau_domain::{
    Convention, ConventionNode, ConventionSignatory, Deliberation, FinancingLine, Fund,
    FundContribution, GovernanceBody, NodeLead, Operation, Organisation, Total, ValidationStatus,
};
use renouveau_store::{FilterOp, ListQuery, Record, Store, summaries};

use super::dashboard::View;
use super::layout::{Crumb, Page, PageError, render};
use super::lookup::{all, by_ids, date, partly_known_granted, total_euros, whole_euros};
use super::params::{PagePath, PageQuery};
use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;

pub struct PartnerRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub roles: String,
    pub siren: String,
    pub operations: i64,
    pub granted: String,
}

#[derive(Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    page: Page,
    validated_only: bool,
    rows: Vec<PartnerRow>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(view): PageQuery<View>,
) -> Result<impl IntoResponse, PageError> {
    let counted = view.figures()?;
    let store = &state.store;
    let organisations = all::<Organisation>(store, "name").await?;
    let money: HashMap<i64, summaries::FunderMoney> =
        summaries::money_by_funder(store.db(), counted)
            .await?
            .into_iter()
            .map(|m| (m.funder_id, m))
            .collect();
    let operations = all::<Operation>(store, "id").await?;
    let mut owned: HashMap<i64, i64> = HashMap::new();
    for o in &operations {
        if let Some(owner) = o.data.owner_id {
            *owned.entry(owner).or_default() += 1;
        }
    }
    let rows = organisations
        .iter()
        .map(|o| PartnerRow {
            id: o.id,
            name: o.data.name.clone(),
            kind: o.data.kind.label_fr(),
            roles: o
                .data
                .roles
                .iter()
                .map(|r| r.label_fr())
                .collect::<Vec<_>>()
                .join(", "),
            siren: o
                .data
                .siren
                .as_ref()
                .map(|s| s.as_ref().to_string())
                .unwrap_or_default(),
            operations: owned.get(&o.id).copied().unwrap_or(0),
            granted: money.get(&o.id).map_or_else(
                || Total::ZERO.to_french_whole(),
                |m| partly_known_granted(m.granted, m.lines, m.granted_unstated),
            ),
        })
        .collect();
    render(&PartnersPage {
        validated_only: counted == summaries::Figures::Validated,
        page: Page::new(&viewer, "/partenaires", "Partenaires"),
        rows,
    })
}

pub struct Line {
    pub href: String,
    pub label: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "partner.html")]
struct PartnerPage {
    page: Page,
    row: PartnerRow,
    signed: Vec<Line>,
    leads: Vec<Line>,
    owned: Vec<Line>,
    funded: Vec<Line>,
    funded_total: String,
    validated_only: bool,
    contributions: Vec<Line>,
    deliberations: Vec<Line>,
}

async fn list_where<E: renouveau_store::Entity>(
    store: &Store,
    column: &str,
    value: i64,
) -> Result<Vec<Record<E>>, WebError> {
    let query = ListQuery::default()
        .eq(column, value)
        .page(1, renouveau_store::query::MAX_PER_PAGE);
    Ok(store.records::<E>().list(&query).await?.items)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
    PageQuery(view): PageQuery<View>,
) -> Result<impl IntoResponse, PageError> {
    let counted = view.figures()?;
    let store = &state.store;
    let organisation = store.records::<Organisation>().get(id).await?;

    let signatures = list_where::<ConventionSignatory>(store, "organisation_id", id).await?;
    let conventions =
        by_ids::<Convention>(store, signatures.iter().map(|s| s.data.convention_id)).await?;
    let signed = signatures
        .iter()
        .filter_map(|s| {
            conventions.get(&s.data.convention_id).map(|c| Line {
                href: "/conventions".into(),
                label: c.data.title.clone(),
                detail: s.data.representative.clone().unwrap_or_default(),
            })
        })
        .collect();

    let led = list_where::<NodeLead>(store, "organisation_id", id).await?;
    let nodes = by_ids::<ConventionNode>(store, led.iter().map(|l| l.data.node_id)).await?;
    let leads = nodes
        .values()
        .map(|n| Line {
            href: format!("/operations?action={}", n.id),
            label: format!("{}. {}", n.data.code, n.data.title),
            detail: n.data.kind.label_fr().to_string(),
        })
        .collect();

    let owned = list_where::<Operation>(store, "owner_id", id)
        .await?
        .into_iter()
        .map(|o| Line {
            href: format!("/operations/{}", o.id),
            label: o.data.title,
            detail: o.data.status.label_fr().to_string(),
        })
        .collect();

    let mut lines = list_where::<FinancingLine>(store, "funder_id", id).await?;
    let operations = by_ids::<Operation>(store, lines.iter().map(|l| l.data.operation_id)).await?;
    if counted == summaries::Figures::Validated {
        // As the summaries count them: a validated line of a validated operation.
        lines.retain(|l| {
            l.data.validation == ValidationStatus::Validated
                && operations
                    .get(&l.data.operation_id)
                    .is_some_and(|o| o.data.validation == ValidationStatus::Validated)
        });
    }
    let granted_lines = lines.iter().filter(|l| l.data.state.is_granted());
    let funded_total = match Total::sum(granted_lines.clone().map(|l| l.data.granted)) {
        Some(sum) => partly_known_granted(
            sum,
            i64::try_from(granted_lines.clone().count()).unwrap_or(i64::MAX),
            i64::try_from(granted_lines.filter(|l| l.data.granted_unstated()).count())
                .unwrap_or(i64::MAX),
        ),
        None => total_euros(None),
    };
    let funded = lines
        .iter()
        .map(|l| Line {
            href: format!("/operations/{}", l.data.operation_id),
            label: operations
                .get(&l.data.operation_id)
                .map(|o| o.data.title.clone())
                .unwrap_or_default(),
            detail: format!(
                "{} · accordé {}",
                l.data.state_label_fr(),
                if l.data.granted_unstated() {
                    "non renseigné".to_string()
                } else {
                    whole_euros(l.data.granted.cents())
                }
            ),
        })
        .collect();

    let given = list_where::<FundContribution>(store, "funder_id", id).await?;
    let funds = by_ids::<Fund>(store, given.iter().map(|c| c.data.fund_id)).await?;
    let contributions = given
        .iter()
        .map(|c| Line {
            href: "/financements".into(),
            label: funds
                .get(&c.data.fund_id)
                .map(|f| f.data.name.clone())
                .unwrap_or_default(),
            detail: whole_euros(c.data.amount.cents()),
        })
        .collect();

    let bodies = list_where::<GovernanceBody>(store, "organisation_id", id).await?;
    let body_ids: Vec<String> = bodies.iter().map(|b| b.id.to_string()).collect();
    let deliberations = if body_ids.is_empty() {
        Vec::new()
    } else {
        store
            .records::<Deliberation>()
            .list(
                &ListQuery::default()
                    .filter("body_id", FilterOp::In(body_ids))
                    .sort_by("decided_on", true),
            )
            .await?
            .items
    };
    let deliberations = deliberations
        .into_iter()
        .map(|d| Line {
            href: String::new(),
            label: format!(
                "n°{} du {} : {}",
                d.data.number,
                date(d.data.decided_on),
                d.data.title
            ),
            detail: {
                let outcome = if d.data.adopted {
                    "adoptée"
                } else {
                    "rejetée"
                };
                match super::lookup::sitting(&d.data) {
                    sitting if sitting.is_empty() => outcome.into(),
                    sitting => format!("{outcome}, {sitting}"),
                }
            },
        })
        .collect();

    let row = PartnerRow {
        id,
        name: organisation.data.name.clone(),
        kind: organisation.data.kind.label_fr(),
        roles: organisation
            .data
            .roles
            .iter()
            .map(|r| r.label_fr())
            .collect::<Vec<_>>()
            .join(", "),
        siren: organisation
            .data
            .siren
            .as_ref()
            .map(|s| s.as_ref().to_string())
            .unwrap_or_default(),
        operations: 0,
        granted: funded_total.clone(),
    };
    let mut page = Page::new(&viewer, "/partenaires", organisation.data.name.clone());
    page.breadcrumbs = vec![
        Crumb::link("/partenaires", "Partenaires"),
        Crumb::here(&organisation.data.name),
    ];
    render(&PartnerPage {
        page,
        row,
        signed,
        leads,
        owned,
        funded,
        funded_total,
        validated_only: counted == summaries::Figures::Validated,
        contributions,
        deliberations,
    })
}
