//! Following a co-financing line: its state, the amounts granted, committed and paid, the
//! decision.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renouveau_domain::{
    Amount, FieldErrorKind, FinancingLine, FinancingState, Operation, Organisation,
};
use renouveau_store::authz::WriteAction;
use renouveau_store::{Record, StoreError};

use super::forms::{self, VERSION_FIELD};
use super::layout::{Page, PageError, render};
use super::operation_form::Group;
use super::operations::{FormError, choices};
use super::params::PagePath;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::extract::UnreadBody;
use crate::state::AppState;

const LABELS: &[(&str, &str)] = &[
    ("state", "État"),
    ("requested", "Montant demandé"),
    ("granted", "Montant accordé"),
    ("committed", "Montant engagé"),
    ("paid", "Montant versé"),
    ("decision_ref", "Référence de la décision"),
    ("decision_on", "Date de la décision"),
];

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LineForm {
    csrf: String,
    version: String,
    state: String,
    granted: String,
    committed: String,
    paid: String,
    decision_ref: String,
    decision_on: String,
}

impl LineForm {
    fn of(line: &Record<FinancingLine>) -> Self {
        let d = &line.data;
        Self {
            version: line.version.to_string(),
            state: d.state.code().into(),
            granted: forms::amount_value(Some(d.granted)),
            committed: forms::amount_value(Some(d.committed)),
            paid: forms::amount_value(Some(d.paid)),
            decision_ref: d.decision_ref.clone().unwrap_or_default(),
            decision_on: forms::date_value(d.decision_on),
            ..Self::default()
        }
    }

    /// The line as it would become; the fields the form does not show are kept.
    fn apply(&self, line: &FinancingLine) -> Result<(i64, FinancingLine), FormError> {
        let version = self.version.trim().parse().map_err(|_| FormError {
            field: VERSION_FIELD.into(),
            message: "Le formulaire ne dit pas quelle version il modifie : rechargez la page."
                .into(),
        })?;
        let state: FinancingState = self
            .state
            .parse()
            .map_err(|_| forms::refuse("state", FieldErrorKind::Required))?;
        let amount =
            |field: &str, text: &str| forms::amount(field, text).map(|a| a.unwrap_or(Amount::ZERO));
        Ok((
            version,
            FinancingLine {
                state,
                granted: amount("granted", &self.granted)?,
                committed: amount("committed", &self.committed)?,
                paid: amount("paid", &self.paid)?,
                decision_ref: forms::text(&self.decision_ref),
                decision_on: forms::date("decision_on", &self.decision_on)?,
                ..line.clone()
            },
        ))
    }
}

#[derive(Template)]
#[template(path = "financing_form.html")]
struct LinePage {
    page: Page,
    action: String,
    operation_id: i64,
    operation_title: String,
    funder: String,
    year: String,
    requested: String,
    current_state: &'static str,
    states: Vec<Group>,
    form: LineForm,
    error: Option<FormError>,
}

impl LinePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        forms::error_on(self.error.as_ref(), field)
    }
}

/// The line, if it is one of this operation's.
async fn line_of(
    state: &AppState,
    operation_id: i64,
    line_id: i64,
) -> Result<Record<FinancingLine>, PageError> {
    let line = state.store.records::<FinancingLine>().get(line_id).await?;
    if line.data.operation_id == operation_id {
        Ok(line)
    } else {
        Err(WebError::NotFound.into())
    }
}

async fn line_page(
    state: &AppState,
    viewer: &Viewer,
    line: &Record<FinancingLine>,
    form: LineForm,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let operation = store
        .records::<Operation>()
        .get(line.data.operation_id)
        .await?;
    let funder = store
        .records::<Organisation>()
        .get(line.data.funder_id)
        .await?;
    let title = format!("Ligne de financement de {}", funder.data.name);
    let states = vec![Group {
        label: String::new(),
        options: choices(
            FinancingState::ALL
                .iter()
                .map(|s| (s.code().to_string(), s.label_fr().to_string())),
            &form.state,
        ),
    }];
    let status = match &error {
        Some(e) if e.field == VERSION_FIELD => StatusCode::CONFLICT,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let html = render(&LinePage {
        page: Page::new(viewer, "/operations", title.clone())
            .crumb("/operations", "Opérations")
            .crumb(
                format!("/operations/{}", operation.id),
                operation.data.title.clone(),
            )
            .crumb("", title),
        action: format!("/operations/{}/financements/{}", operation.id, line.id),
        operation_id: operation.id,
        operation_title: operation.data.title,
        funder: funder.data.name,
        year: line
            .data
            .year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "non précisée".into()),
        requested: line.data.requested.to_french(),
        current_state: line.data.state.label_fr(),
        states,
        form,
        error,
    })?;
    Ok((status, html).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((id, line_id)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    if let Some(response) =
        forms::form_refused(&viewer, &format!("/operations/{id}/financements/{line_id}"))
    {
        return Ok(response);
    }
    let line = line_of(&state, id, line_id).await?;
    let actor = viewer.actor()?;
    let line = state
        .store
        .records::<FinancingLine>()
        .get_editable(&actor, line.id)
        .await?;
    line_page(&state, &viewer, &line, LineForm::of(&line), None).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((id, line_id)): PagePath<(i64, i64)>,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let actor = forms::writer::<FinancingLine>(&viewer, WriteAction::Update)?;
    let form: LineForm = body.form().await?;
    forms::check_csrf(&viewer, &form.csrf)?;
    let line = line_of(&state, id, line_id).await?;
    let (version, changed) = match form.apply(&line.data) {
        Ok(changed) => changed,
        Err(error) => return line_page(&state, &viewer, &line, form, Some(error)).await,
    };
    match state
        .store
        .records::<FinancingLine>()
        .update(&actor, line_id, version, changed)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/operations/{id}#financement")).into_response()),
        Err(StoreError::NotFound { .. }) => Err(WebError::NotFound.into()),
        Err(e) => {
            let error = forms::refusal(e, LABELS)?;
            line_page(&state, &viewer, &line, form, Some(error)).await
        }
    }
}
