//! Opérations: the filterable list and the page of one operation.

use std::collections::BTreeSet;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renouveau_domain::{
    Amount, Convention, ConventionNode, Document, FieldError, FinancingLine, FinancingState, Fund,
    HousingFacet, InsertionFacet, Milestone, Operation, OperationAction, OperationKind,
    OperationStatus, Organisation, Territory, TerritoryLevel, Total, ValidationStatus,
};
use renouveau_store::authz::WriteAction;
use renouveau_store::{
    Edition, FilterOp, ListQuery, Record, Store, StoreError, audit, imports, summaries,
};

use super::audit_view::{self, Authors};
use super::forms;
use super::layout::{Page, PageError, render};
use super::lookup::{self, by_ids};
use super::params::{PagePath, PageQuery};
use crate::auth::Viewer;
use crate::error::WebError;
use crate::extract::UnreadBody;
use crate::state::AppState;

const PER_PAGE: u32 = 20;

/// The list's filters, as the form sends them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Filters {
    q: String,
    action: String,
    epci: String,
    commune: String,
    cite: String,
    status: String,
    kind: String,
    owner: String,
    funder: String,
    sort: String,
    page: Option<u32>,
}

impl Filters {
    /// The query string of these filters on another page or sort.
    fn link(&self, page: u32, sort: &str) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("action", &self.action),
            ("epci", &self.epci),
            ("commune", &self.commune),
            ("cite", &self.cite),
            ("status", &self.status),
            ("kind", &self.kind),
            ("owner", &self.owner),
            ("funder", &self.funder),
            ("sort", sort),
        ];
        let mut query = form_urlencoded(&pairs);
        if page > 1 {
            query.push_str(&format!("&page={page}"));
        }
        format!("/operations?{query}")
    }
}

fn form_urlencoded(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(super) fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub(super) fn choices(
    items: impl IntoIterator<Item = (String, String)>,
    selected: &str,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == selected,
            value,
            label,
        })
        .collect()
}

#[derive(Debug)]
pub struct Row {
    pub id: i64,
    pub title: String,
    pub place: String,
    pub owner: String,
    pub status: &'static str,
    pub status_code: &'static str,
    /// "Déclaré" or "Renvoyé" until the programme team validates the operation.
    pub review: &'static str,
    pub start: String,
    pub cost: String,
}

#[derive(Debug)]
pub struct SortLink {
    pub label: &'static str,
    pub href: String,
    pub current: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "operations.html")]
struct ListPage {
    page: Page,
    can_write: bool,
    content: Arc<RenderedList>,
}

/// The list and its filters as HTML, the same for every visitor, and how many pages the
/// filters give.
struct RenderedList {
    html: String,
    pages: u32,
}

#[derive(Template)]
#[template(path = "operations_list.html")]
struct ListContent {
    q: String,
    actions: Vec<Choice>,
    epcis: Vec<Choice>,
    communes: Vec<Choice>,
    cites: Vec<Choice>,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    owners: Vec<Choice>,
    funders: Vec<Choice>,
    found: Found,
    sorts: Vec<SortLink>,
    previous: Option<String>,
    next: Option<String>,
    page_number: u32,
    pages: u32,
}

fn parse_id(field: &str, value: &str) -> Result<Option<i64>, WebError> {
    if value.is_empty() {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| {
        WebError::bad_request(
            field,
            format!("«\u{a0}{field}\u{a0}» doit être un identifiant."),
        )
    })
}

/// Keeps in `ids` only what is also in `other` (or sets it, the first time).
fn restrict(ids: &mut Option<BTreeSet<i64>>, other: Vec<i64>) {
    let other: BTreeSet<i64> = other.into_iter().collect();
    *ids = Some(match ids.take() {
        Some(current) => current.intersection(&other).copied().collect(),
        None => other,
    });
}

/// One page of operations matching the filters, the same for every visitor.
struct Found {
    rows: Vec<Row>,
    total: i64,
}

/// The names the filters offer, the same for every visitor.
struct FilterNames {
    territories: Vec<summaries::NamedRecord>,
    organisations: Vec<summaries::NamedRecord>,
    nodes: Vec<summaries::NamedRecord>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(filters): PageQuery<Filters>,
) -> Result<Response, PageError> {
    let sort = if filters.sort.is_empty() {
        "title"
    } else {
        &filters.sort
    };
    let (column, descending) = sort.strip_prefix('-').map_or((sort, false), |c| (c, true));
    if !["title", "status", "start_on", "cost_ht"].contains(&column) {
        return Err(WebError::bad_request("sort", "Tri inconnu.").into());
    }
    let page_number = filters.page.unwrap_or(1).max(1);
    let content = state
        .cache
        .get_or_compute(
            state.store.db(),
            // Visitors and signed-in users read different editions of the records.
            format!("{:?} {}", viewer.edition(), filters.link(page_number, sort)),
            list_content(
                &state,
                viewer.edition(),
                &filters,
                (column, descending),
                page_number,
            ),
        )
        .await?;
    // A page past the end (an old bookmark, a list that shrank) shows the last one instead.
    if page_number > content.pages {
        return Ok(Redirect::to(&filters.link(content.pages, sort)).into_response());
    }
    Ok(render(&ListPage {
        page: Page::new(&viewer, "/operations", "Opérations").crumb("", "Opérations"),
        can_write: super::forms::may_write(&viewer),
        content,
    })?
    .into_response())
}

async fn list_content(
    state: &AppState,
    edition: Edition,
    filters: &Filters,
    (column, descending): (&str, bool),
    page_number: u32,
) -> Result<RenderedList, WebError> {
    let store = &state.store;
    let query = operation_query(store, filters)
        .await?
        .sort_by(column, descending)
        .page(page_number, PER_PAGE);
    let found = find(store, edition, &query).await?;
    let names = state
        .cache
        .get_or_compute(store.db(), String::new(), filter_names(store))
        .await?;

    let pages = u32::try_from((found.total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(1)
        .max(1);
    let sorts = [
        ("Titre", "title"),
        ("Statut", "status"),
        ("Début", "start_on"),
        ("Coût HT", "cost_ht"),
    ]
    .into_iter()
    .map(|(label, key)| {
        let current = (column == key).then_some(if descending {
            "descending"
        } else {
            "ascending"
        });
        let target = if column == key && !descending {
            format!("-{key}")
        } else {
            key.to_string()
        };
        SortLink {
            label,
            href: filters.link(1, &target),
            current,
        }
    })
    .collect();

    let by_level = |level: TerritoryLevel, selected: &str| {
        choices(
            names
                .territories
                .iter()
                .filter(|t| t.group == level.code())
                .map(|t| (t.id.to_string(), t.name.clone())),
            selected,
        )
    };
    let org_choices = |selected: &str| {
        choices(
            names
                .organisations
                .iter()
                .map(|o| (o.id.to_string(), o.name.clone())),
            selected,
        )
    };
    let actions = choices(
        names
            .nodes
            .iter()
            .map(|n| (n.id.to_string(), format!("{} · {}", n.group, n.name))),
        &filters.action,
    );
    let sort = if descending {
        format!("-{column}")
    } else {
        column.to_string()
    };
    let content = ListContent {
        q: filters.q.clone(),
        actions,
        epcis: by_level(TerritoryLevel::Epci, &filters.epci),
        communes: by_level(TerritoryLevel::Commune, &filters.commune),
        cites: by_level(TerritoryLevel::Cite, &filters.cite),
        statuses: choices(
            OperationStatus::ALL
                .iter()
                .map(|s| (s.code().to_string(), s.label_fr().to_string())),
            &filters.status,
        ),
        kinds: choices(
            OperationKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), k.label_fr().to_string())),
            &filters.kind,
        ),
        owners: org_choices(&filters.owner),
        funders: org_choices(&filters.funder),
        found,
        sorts,
        previous: (page_number > 1).then(|| filters.link(page_number - 1, &sort)),
        next: (page_number < pages).then(|| filters.link(page_number + 1, &sort)),
        page_number,
        pages,
    };
    Ok(RenderedList {
        html: content.render()?,
        pages,
    })
}

/// The filters as a query on operations, checked: unknown ids are a French error.
async fn operation_query(store: &Store, filters: &Filters) -> Result<ListQuery, WebError> {
    let db = store.db();
    let mut query = ListQuery::default();
    let mut operation_ids: Option<BTreeSet<i64>> = None;
    if let Some(node) = parse_id("action", &filters.action)? {
        restrict(
            &mut operation_ids,
            summaries::operations_under_node(db, node).await?,
        );
    }
    if let Some(funder) = parse_id("funder", &filters.funder)? {
        restrict(
            &mut operation_ids,
            summaries::operations_funded_by(db, funder).await?,
        );
    }
    let place = [&filters.cite, &filters.commune, &filters.epci]
        .into_iter()
        .find(|v| !v.is_empty());
    if let Some(place) = place {
        let place = parse_id("territoire", place)?.unwrap_or_default();
        let places = summaries::territory_and_descendants(db, place).await?;
        query = query.filter(
            "territory_id",
            FilterOp::In(places.iter().map(i64::to_string).collect()),
        );
    }
    if let Some(ids) = &operation_ids {
        query = query.filter("id", FilterOp::In(ids.iter().map(i64::to_string).collect()));
    }
    for (column, value) in [
        ("status", &filters.status),
        ("kind", &filters.kind),
        ("owner_id", &filters.owner),
    ] {
        if !value.is_empty() {
            query = query.eq(column, value);
        }
    }
    if !filters.q.trim().is_empty() {
        query = query.search(filters.q.trim());
    }
    Ok(query)
}

async fn find(store: &Store, edition: Edition, query: &ListQuery) -> Result<Found, WebError> {
    let found = store.edition::<Operation>(edition).list(query).await?;
    let owners =
        by_ids::<Organisation>(store, found.items.iter().filter_map(|o| o.data.owner_id)).await?;
    let places = by_ids::<Territory>(
        store,
        found.items.iter().filter_map(|o| o.data.territory_id),
    )
    .await?;
    let rows = found
        .items
        .iter()
        .map(|o| Row {
            id: o.id,
            title: o.data.title.clone(),
            place: o
                .data
                .territory_id
                .and_then(|id| places.get(&id))
                .map(|t| t.data.name.clone())
                .unwrap_or_default(),
            owner: o
                .data
                .owner_id
                .and_then(|id| owners.get(&id))
                .map(|org| {
                    org.data
                        .short_name
                        .clone()
                        .unwrap_or_else(|| org.data.name.clone())
                })
                .unwrap_or_else(|| "non précisé".into()),
            status: o.data.status.label_fr(),
            status_code: o.data.status.code(),
            review: match o.data.validation {
                ValidationStatus::Validated => "",
                other => other.label_fr(),
            },
            start: lookup::optional_date(o.data.start_on),
            cost: o.data.cost_ht.map_or_else(
                || "non renseigné".to_string(),
                |a| lookup::whole_euros(a.cents()),
            ),
        })
        .collect();
    Ok(Found {
        rows,
        total: found.total,
    })
}

// Light name lists: the filters offer hundreds of communes on every request.
async fn filter_names(store: &Store) -> Result<FilterNames, WebError> {
    let db = store.db();
    Ok(FilterNames {
        territories: summaries::territory_names(db).await?,
        organisations: summaries::organisation_names(db).await?,
        nodes: summaries::node_names(db).await?,
    })
}

#[derive(Debug)]
pub struct FinancingRow {
    pub id: i64,
    /// Whether the viewer may change the line (the operation's owner or the funder).
    pub editable: bool,
    pub funder: String,
    pub funder_id: i64,
    pub source: String,
    pub year: String,
    pub state: &'static str,
    pub requested: String,
    pub granted: String,
    pub committed: String,
    pub paid: String,
    pub decision: String,
    /// "Déclaré" or "Renvoyé" until the programme team validates the line.
    pub review: &'static str,
}

/// A passage of a document that states something about the operation or one of its lines.
#[derive(Debug)]
pub struct SourceRow {
    pub about: String,
    pub text: String,
}

#[derive(Debug)]
pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub what: String,
    pub record: String,
}

#[derive(Template)]
#[template(path = "operation.html")]
struct OperationPage {
    page: Page,
    operation: Record<Operation>,
    kind: &'static str,
    status: &'static str,
    owner: Option<(i64, String)>,
    place: Option<(i64, String)>,
    cost_ht: String,
    cost_ttc: String,
    start_on: String,
    end_on: String,
    /// The convention nodes the operation serves: (node id, label).
    actions: Vec<(i64, String)>,
    financing: Vec<FinancingRow>,
    totals: [String; 4],
    milestones: Vec<(String, String, String)>,
    housing: Vec<HousingFacet>,
    insertion: Vec<InsertionFacet>,
    sources: Vec<SourceRow>,
    history: Vec<HistoryRow>,
    /// May change the operation itself, its volets, milestones and financing lines.
    can_edit: bool,
    funders: Vec<Choice>,
    form_error: Option<FormError>,
}

impl OperationPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.form_error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    operation_page(&state, &viewer, id, None).await
}

/// The passages of documents that state the operation or its financing lines, each once.
async fn operation_sources(
    store: &Store,
    operation_id: i64,
    lines: &[Record<FinancingLine>],
) -> Result<Vec<SourceRow>, WebError> {
    let db = store.db();
    let mut found = imports::figure_sources(db, Some(("operation", operation_id))).await?;
    for line in lines {
        found.extend(imports::figure_sources(db, Some(("financing_line", line.id))).await?);
    }
    let mut seen = BTreeSet::new();
    found.retain(|s| seen.insert((s.entity.clone(), s.record_id, s.document_id, s.start, s.end)));
    let documents = by_ids::<Document>(store, found.iter().map(|s| s.document_id)).await?;
    Ok(found
        .iter()
        .filter_map(|s| {
            let document = documents.get(&s.document_id)?;
            Some(SourceRow {
                about: if s.entity == "operation" {
                    "L'opération".into()
                } else {
                    format!("Ligne de financement n°{}", s.record_id)
                },
                text: lookup::source_text(document, Some((s.start, s.end))),
            })
        })
        .collect())
}

/// A refused form: the field at fault and why, in French.
#[derive(Debug, Clone)]
pub struct FormError {
    pub field: String,
    pub message: String,
}

async fn operation_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    form_error: Option<FormError>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let edition = viewer.edition();
    let operation = store.edition::<Operation>(edition).get(id).await?;
    let of_operation = ListQuery::default().eq("operation_id", id).page(1, 500);
    let lines = store
        .edition::<FinancingLine>(edition)
        .list(&of_operation.clone().sort_by("year", false))
        .await?
        .items;
    let milestones = store
        .records::<Milestone>()
        .list(&of_operation.clone().sort_by("planned_on", false))
        .await?
        .items;
    let housing = store
        .edition::<HousingFacet>(edition)
        .list(&of_operation)
        .await?
        .items;
    let insertion = store
        .edition::<InsertionFacet>(edition)
        .list(&of_operation)
        .await?
        .items;
    let links = store
        .records::<OperationAction>()
        .list(&of_operation)
        .await?
        .items;

    let organisations = by_ids::<Organisation>(
        store,
        lines
            .iter()
            .map(|l| l.data.funder_id)
            .chain(operation.data.owner_id),
    )
    .await?;
    let funds = by_ids::<Fund>(store, lines.iter().filter_map(|l| l.data.fund_id)).await?;
    let nodes = by_ids::<ConventionNode>(store, links.iter().map(|l| l.data.node_id)).await?;
    let conventions =
        by_ids::<Convention>(store, nodes.values().map(|n| n.data.convention_id)).await?;
    let place = match operation.data.territory_id {
        Some(t) => Some(store.records::<Territory>().get(t).await?),
        None => None,
    };
    let name_of = |id: i64| {
        organisations
            .get(&id)
            .map(|o| o.data.name.clone())
            .unwrap_or_default()
    };

    let mut editable_lines = Vec::with_capacity(lines.len());
    for line in &lines {
        editable_lines.push(forms::may_edit::<FinancingLine>(store, viewer, line.id).await?);
    }
    let totals = financing_totals(lines.iter().map(|l| &l.data));
    let financing = lines
        .iter()
        .zip(editable_lines)
        .map(|(l, editable)| {
            let d = &l.data;
            FinancingRow {
                id: l.id,
                editable,
                funder: name_of(d.funder_id),
                funder_id: d.funder_id,
                source: d
                    .fund_id
                    .and_then(|f| funds.get(&f))
                    .map(|f| f.data.name.clone())
                    .or_else(|| d.scheme.clone())
                    .unwrap_or_default(),
                year: d
                    .year
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| "non précisée".into()),
                state: d.state_label_fr(),
                requested: d.requested.to_french(),
                granted: if d.granted_unstated() {
                    "non renseigné".into()
                } else {
                    d.granted.to_french()
                },
                committed: d.committed.to_french(),
                paid: d.paid.to_french(),
                decision: d.decision_ref.clone().unwrap_or_default(),
                review: match d.validation {
                    ValidationStatus::Validated => "",
                    other => other.label_fr(),
                },
            }
        })
        .collect();

    let sources = operation_sources(store, id, &lines).await?;
    let mut history = Vec::new();
    {
        let mut tx = store.db().read().await.map_err(WebError::from)?;
        let mut entries = audit::history(&mut tx, "operation", id).await?;
        for line in &lines {
            entries.extend(audit::history(&mut tx, "financing_line", line.id).await?);
        }
        entries.retain(|e| audit_view::visible_to(viewer, e));
        entries.sort_by_key(|e| std::cmp::Reverse(e.id));
        let authors = Authors::of(store, viewer, &entries).await?;
        for entry in entries {
            history.push(HistoryRow {
                when: entry.occurred_at.format("%d/%m/%Y %H:%M").to_string(),
                who: authors.name(&entry),
                what: lookup::audit_action(&entry.action).into(),
                record: if entry.entity == "operation" {
                    "opération".into()
                } else {
                    format!("ligne de financement n°{}", entry.record_id)
                },
            });
        }
    }

    // Only the operation's owner records its financing lines, whoever the funder.
    let can_edit = forms::may_edit::<Operation>(store, viewer, id).await?;
    let funders = if can_edit {
        let all = lookup::all::<Organisation>(store, "name").await?;
        choices(
            all.iter()
                .filter(|o| {
                    o.data
                        .roles
                        .contains(renouveau_domain::OrganisationRole::Funder)
                })
                .map(|o| (o.id.to_string(), o.data.name.clone())),
            "",
        )
    } else {
        Vec::new()
    };
    let title = operation.data.title.clone();
    let status = if form_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(&OperationPage {
        page: Page::new(viewer, "/operations", title.clone())
            .crumb("/operations", "Opérations")
            .crumb("", title),
        kind: operation.data.kind.label_fr(),
        status: operation.data.status.label_fr(),
        owner: operation.data.owner_id.map(|o| (o, name_of(o))),
        place: place.map(|p| (p.id, p.data.name)),
        cost_ht: lookup::optional_euros(operation.data.cost_ht),
        cost_ttc: lookup::optional_euros(operation.data.cost_ttc),
        start_on: lookup::optional_date(operation.data.start_on),
        end_on: lookup::optional_date(operation.data.end_on),
        actions: nodes
            .values()
            .map(|n| {
                let convention = conventions
                    .get(&n.data.convention_id)
                    .map(|c| c.data.code.clone())
                    .unwrap_or_default();
                (
                    n.id,
                    format!("{convention} · {} {}", n.data.code, n.data.title),
                )
            })
            .collect(),
        financing,
        totals: totals.map(lookup::total_euros_cents),
        milestones: milestones
            .iter()
            .map(|m| {
                (
                    m.data.label.clone(),
                    lookup::optional_date(m.data.planned_on),
                    lookup::optional_date(m.data.done_on),
                )
            })
            .collect(),
        housing: housing.into_iter().map(|h| h.data).collect(),
        insertion: insertion.into_iter().map(|i| i.data).collect(),
        sources,
        history,
        can_edit,
        funders,
        form_error,
        operation,
    })?;
    Ok((status, html).into_response())
}

/// The financing-line form, as sent.
#[derive(Debug, serde::Deserialize)]
pub struct FinancingForm {
    #[serde(default)]
    csrf: String,
    funder_id: String,
    #[serde(default)]
    scheme: String,
    year: String,
    state: String,
    #[serde(default)]
    requested: String,
    #[serde(default)]
    granted: String,
    #[serde(default)]
    committed: String,
    #[serde(default)]
    paid: String,
    #[serde(default)]
    decision_ref: String,
}

impl FinancingForm {
    fn to_line(&self, operation_id: i64) -> Result<FinancingLine, FormError> {
        let refuse = |field: &str, message: String| FormError {
            field: field.to_string(),
            message,
        };
        let amount = |field: &str, text: &str| -> Result<Amount, FormError> {
            if text.trim().is_empty() {
                return Ok(Amount::ZERO);
            }
            text.parse::<Amount>()
                .map_err(|e| refuse(field, FieldError::new(field, e.kind).message_fr()))
        };
        let funder_id = self
            .funder_id
            .parse()
            .map_err(|_| refuse("funder_id", "Choisissez un financeur.".into()))?;
        let year = self
            .year
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| refuse("year", "Indiquez une année sur quatre chiffres.".into()))?;
        let state: FinancingState = self
            .state
            .parse()
            .map_err(|_| refuse("state", "État inconnu.".into()))?;
        let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
        Ok(FinancingLine {
            validation: ValidationStatus::by_default(),
            validation_note: None,
            operation_id,
            funder_id,
            fund_id: None,
            scheme: text(&self.scheme),
            year: Some(year),
            state,
            requested: amount("requested", &self.requested)?,
            granted: amount("granted", &self.granted)?,
            committed: amount("committed", &self.committed)?,
            paid: amount("paid", &self.paid)?,
            decision_ref: text(&self.decision_ref),
            decision_on: None,
        })
    }
}

pub async fn add_financing(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let actor = super::forms::writer::<FinancingLine>(&viewer, WriteAction::Create)?;
    let form: FinancingForm = body.form().await?;
    super::forms::check_csrf(&viewer, &form.csrf)?;
    let line = match form.to_line(id) {
        Ok(line) => line,
        Err(error) => return operation_page(&state, &viewer, id, Some(error)).await,
    };
    match state
        .store
        .records::<FinancingLine>()
        .create(&actor, line)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/operations/{id}#financement")).into_response()),
        Err(StoreError::Invalid(e)) => {
            let error = FormError {
                message: e.message_fr(),
                field: e.field,
            };
            operation_page(&state, &viewer, id, Some(error)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The financing table's totals: requested over every line; granted, committed and paid over
/// the lines whose state counts them (see `FinancingState::is_granted`). `None` for a sum that
/// overflows.
fn financing_totals<'a>(
    lines: impl Iterator<Item = &'a FinancingLine> + Clone,
) -> [Option<Total>; 4] {
    let counted = |pick: fn(&FinancingLine) -> Amount| {
        Total::sum(lines.clone().map(move |l| {
            if l.state.is_granted() {
                pick(l)
            } else {
                Amount::ZERO
            }
        }))
    };
    [
        Total::sum(lines.clone().map(|l| l.requested)),
        counted(|l| l.granted),
        counted(|l| l.committed),
        counted(|l| l.paid),
    ]
}
