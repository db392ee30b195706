//! Adding a milestone to an operation. The operation page carries the form; a refused one comes
//! back here, with the message next to the field.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renouveau_domain::{Milestone, Operation};
use renouveau_store::authz::WriteAction;

use super::forms;
use super::layout::{Page, PageError, render};
use super::operations::FormError;
use super::params::PagePath;
use crate::auth::Viewer;
use crate::extract::UnreadBody;
use crate::state::AppState;

const LABELS: &[(&str, &str)] = &[
    ("label", "Jalon"),
    ("planned_on", "Prévu le"),
    ("done_on", "Atteint le"),
];

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MilestoneForm {
    csrf: String,
    label: String,
    planned_on: String,
    done_on: String,
}

impl MilestoneForm {
    fn to_milestone(&self, operation_id: i64) -> Result<Milestone, FormError> {
        Ok(Milestone {
            operation_id,
            label: self.label.trim().to_string(),
            planned_on: forms::date("planned_on", &self.planned_on)?,
            done_on: forms::date("done_on", &self.done_on)?,
        })
    }
}

#[derive(Template)]
#[template(path = "milestone_form.html")]
struct MilestonePage {
    page: Page,
    operation_id: i64,
    form: MilestoneForm,
    error: Option<FormError>,
}

impl MilestonePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        forms::error_on(self.error.as_ref(), field)
    }
}

async fn milestone_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    form: MilestoneForm,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let operation = state.store.records::<Operation>().get(id).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(&MilestonePage {
        page: Page::new(viewer, "/operations", "Ajouter un jalon")
            .crumb("/operations", "Opérations")
            .crumb(format!("/operations/{id}"), operation.data.title)
            .crumb("", "Ajouter un jalon"),
        operation_id: id,
        form,
        error,
    })?;
    Ok((status, html).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    if let Some(response) = forms::form_refused(&viewer, &format!("/operations/{id}/jalons")) {
        return Ok(response);
    }
    let actor = viewer.actor()?;
    state
        .store
        .records::<Operation>()
        .get_editable(&actor, id)
        .await?;
    milestone_page(&state, &viewer, id, MilestoneForm::default(), None).await
}

pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let actor = forms::writer::<Milestone>(&viewer, WriteAction::Create)?;
    let form: MilestoneForm = body.form().await?;
    forms::check_csrf(&viewer, &form.csrf)?;
    let milestone = match form.to_milestone(id) {
        Ok(milestone) => milestone,
        Err(error) => return milestone_page(&state, &viewer, id, form, Some(error)).await,
    };
    match state
        .store
        .records::<Milestone>()
        .create(&actor, milestone)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/operations/{id}#jalons")).into_response()),
        Err(e) => {
            let error = forms::refusal(e, LABELS)?;
            milestone_page(&state, &viewer, id, form, Some(error)).await
        }
    }
}
