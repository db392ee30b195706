//! Validation: what partners declared and the programme team has not validated yet, with the
//! team's two answers: validate, or return with a comment saying what to correct.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renouveau_domain::{
    FinancingLine, HousingFacet, Indicator, InsertionFacet, Observation, Operation, Organisation,
    Reviewed, ValidationStatus,
};
use renouveau_store::authz;
use renouveau_store::{Entity, FilterOp, ListQuery, Record, Store};

use super::forms;
use super::layout::{Page, PageError, render};
use super::lookup::{by_ids, date};
use super::operations::FormError;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::extract::UnreadBody;
use crate::state::AppState;

/// One record awaiting the team's review.
#[derive(Debug)]
pub struct Awaiting {
    pub entity: &'static str,
    pub id: i64,
    pub version: i64,
    pub kind: &'static str,
    pub title: String,
    pub href: String,
    pub state: &'static str,
    pub note: String,
    pub changed_on: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    page: Page,
    items: Vec<Awaiting>,
    may_review: bool,
    /// The record a refused answer was about, and why.
    error: Option<(String, FormError)>,
}

impl ReviewPage {
    fn error_on(&self, entity: &str, id: i64) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(key, _)| *key == format!("{entity}-{id}"))
            .map(|(_, e)| e.message.as_str())
    }
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.actor()?;
    review_page(&state, &viewer, None).await
}

async fn review_page(
    state: &AppState,
    viewer: &Viewer,
    error: Option<(String, FormError)>,
) -> Result<Response, PageError> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(&ReviewPage {
        page: Page::new(viewer, "", "Validation des déclarations").crumb("", "Validation"),
        items: awaiting(&state.store).await?,
        may_review: viewer.user.as_ref().is_some_and(|u| u.actor().is_admin()),
        error,
    })?;
    Ok((status, html).into_response())
}

/// Live records of `E` whose `column` says they are not validated.
async fn not_validated<E: Entity>(store: &Store, column: &str) -> Result<Vec<Record<E>>, WebError> {
    let query = ListQuery::default()
        .filter(
            column,
            FilterOp::In(vec![
                ValidationStatus::Declared.code().into(),
                ValidationStatus::Returned.code().into(),
            ]),
        )
        .sort_by("updated_at", false)
        .page(1, renouveau_store::query::MAX_PER_PAGE);
    Ok(store.records::<E>().list(&query).await?.items)
}

fn item<E: Entity + Reviewed>(
    record: &Record<E>,
    kind: &'static str,
    title: String,
    href: String,
) -> Awaiting {
    Awaiting {
        entity: E::TABLE,
        id: record.id,
        version: record.version,
        kind,
        title,
        href,
        state: record.data.validation().label_fr(),
        note: record
            .data
            .validation_note()
            .unwrap_or_default()
            .to_string(),
        changed_on: date(record.updated_at.date_naive()),
    }
}

/// Everything awaiting review, operations first.
async fn awaiting(store: &Store) -> Result<Vec<Awaiting>, WebError> {
    let operations = not_validated::<Operation>(store, "validation").await?;
    let lines = not_validated::<FinancingLine>(store, "validation").await?;
    let housing = not_validated::<HousingFacet>(store, "validation").await?;
    let insertion = not_validated::<InsertionFacet>(store, "validation").await?;
    let observations = not_validated::<Observation>(store, "status").await?;

    let parents = by_ids::<Operation>(
        store,
        lines
            .iter()
            .map(|l| l.data.operation_id)
            .chain(housing.iter().map(|h| h.data.operation_id))
            .chain(insertion.iter().map(|i| i.data.operation_id)),
    )
    .await?;
    let funders = by_ids::<Organisation>(store, lines.iter().map(|l| l.data.funder_id)).await?;
    let indicators =
        by_ids::<Indicator>(store, observations.iter().map(|o| o.data.indicator_id)).await?;
    let operation_title = |id: i64| {
        parents
            .get(&id)
            .map(|o| o.data.title.clone())
            .unwrap_or_default()
    };

    let mut items = Vec::new();
    for o in &operations {
        items.push(item(
            o,
            "Opération",
            o.data.title.clone(),
            format!("/operations/{}", o.id),
        ));
    }
    for l in &lines {
        let funder = funders
            .get(&l.data.funder_id)
            .map(|f| f.data.name.clone())
            .unwrap_or_default();
        items.push(item(
            l,
            "Ligne de financement",
            format!(
                "{funder}, {} accordés · {}",
                l.data.granted.to_french(),
                operation_title(l.data.operation_id)
            ),
            format!("/operations/{}#financement", l.data.operation_id),
        ));
    }
    for h in &housing {
        items.push(item(
            h,
            "Volet logement",
            format!(
                "{} logements · {}",
                h.data.dwellings,
                operation_title(h.data.operation_id)
            ),
            format!("/operations/{}", h.data.operation_id),
        ));
    }
    for i in &insertion {
        items.push(item(
            i,
            "Volet insertion",
            format!(
                "{} heures réalisées · {}",
                i.data.hours_done,
                operation_title(i.data.operation_id)
            ),
            format!("/operations/{}", i.data.operation_id),
        ));
    }
    for o in &observations {
        let indicator = indicators.get(&o.data.indicator_id);
        items.push(item(
            o,
            "Valeur d'indicateur",
            format!(
                "{} : {} au {}",
                indicator.map(|i| i.data.name.as_str()).unwrap_or_default(),
                super::lookup::number(o.data.value),
                date(o.data.observed_on)
            ),
            format!("/indicateurs/{}", o.data.indicator_id),
        ));
    }
    Ok(items)
}

/// The team's answer on one record.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Answer {
    csrf: String,
    entity: String,
    id: i64,
    version: i64,
    decision: String,
    comment: String,
}

pub async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let actor = viewer.actor()?;
    authz::authorize_review(&actor, "review queue")?;
    let answer: Answer = body.form().await?;
    forms::check_csrf(&viewer, &answer.csrf)?;
    let status = match answer.decision.as_str() {
        "valider" => ValidationStatus::Validated,
        "renvoyer" => ValidationStatus::Returned,
        _ => return Err(WebError::bad_request("decision", "Décision inconnue.").into()),
    };
    let note = Some(answer.comment.trim().to_string()).filter(|c| !c.is_empty());
    let (id, version) = (answer.id, answer.version);
    let store = &state.store;
    let outcome = match answer.entity.as_str() {
        "operation" => review::<Operation>(store, &actor, id, version, status, note).await,
        "financing_line" => review::<FinancingLine>(store, &actor, id, version, status, note).await,
        "housing_facet" => review::<HousingFacet>(store, &actor, id, version, status, note).await,
        "insertion_facet" => {
            review::<InsertionFacet>(store, &actor, id, version, status, note).await
        }
        "observation" => review::<Observation>(store, &actor, id, version, status, note).await,
        _ => return Err(WebError::bad_request("entity", "Enregistrement inconnu.").into()),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to("/validation").into_response()),
        Err(e) => {
            let error = forms::refusal(e, &[("validation_note", "Commentaire")])?;
            let key = format!("{}-{id}", answer.entity);
            review_page(&state, &viewer, Some((key, error))).await
        }
    }
}

async fn review<E: Entity>(
    store: &Store,
    actor: &renouveau_domain::Actor,
    id: i64,
    version: i64,
    status: ValidationStatus,
    note: Option<String>,
) -> Result<(), renouveau_store::StoreError> {
    store
        .records::<E>()
        .review(actor, id, version, status, note)
        .await
        .map(|_| ())
}
