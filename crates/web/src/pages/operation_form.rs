//! Creating and editing an operation.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renouveau_domain::{
    FieldErrorKind, Operation, OperationKind, OperationStatus, Organisation, Programme, Territory,
    TerritoryLevel, ValidationStatus,
};
use renouveau_store::StoreError;
use renouveau_store::authz::WriteAction;

use super::forms::{self, VERSION_FIELD};
use super::layout::{Page, PageError, render};
use super::lookup;
use super::operations::{Choice, FormError, choices};
use super::params::PagePath;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::extract::UnreadBody;
use crate::state::AppState;

/// The French names of the fields, for messages that name another field.
pub const LABELS: &[(&str, &str)] = &[
    ("title", "Titre"),
    ("description", "Description"),
    ("kind", "Type"),
    ("status", "Statut"),
    ("owner_id", "Maître d'ouvrage"),
    ("territory_id", "Lieu"),
    ("cost_ht", "Coût HT"),
    ("cost_ttc", "Coût TTC"),
    ("start_on", "Début"),
    ("end_on", "Fin"),
];

/// Options of a select, under an optional `<optgroup>` label.
#[derive(Debug)]
pub struct Group {
    pub label: String,
    pub options: Vec<Choice>,
}

/// The operation form, as sent (and as shown back).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct OperationForm {
    csrf: String,
    version: String,
    title: String,
    description: String,
    kind: String,
    status: String,
    owner_id: String,
    territory_id: String,
    cost_ht: String,
    cost_ttc: String,
    start_on: String,
    end_on: String,
}

impl OperationForm {
    fn of(operation: &Operation) -> Self {
        Self {
            title: operation.title.clone(),
            description: operation.description.clone().unwrap_or_default(),
            kind: operation.kind.code().into(),
            status: operation.status.code().into(),
            owner_id: operation
                .owner_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            territory_id: operation
                .territory_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            cost_ht: forms::amount_value(operation.cost_ht),
            cost_ttc: forms::amount_value(operation.cost_ttc),
            start_on: forms::date_value(operation.start_on),
            end_on: forms::date_value(operation.end_on),
            ..Self::default()
        }
    }

    fn to_operation(&self, programme_id: i64) -> Result<Operation, FormError> {
        let kind = self
            .kind
            .parse()
            .map_err(|_| forms::refuse("kind", FieldErrorKind::Required))?;
        let status = self
            .status
            .parse()
            .map_err(|_| forms::refuse("status", FieldErrorKind::Required))?;
        Ok(Operation {
            validation: ValidationStatus::by_default(),
            validation_note: None,
            programme_id,
            title: self.title.trim().to_string(),
            description: forms::text(&self.description),
            kind,
            owner_id: forms::id(
                "owner_id",
                &self.owner_id,
                "Choisissez un maître d'ouvrage dans la liste.",
            )?,
            territory_id: forms::id(
                "territory_id",
                &self.territory_id,
                "Choisissez un lieu dans la liste.",
            )?,
            status,
            cost_ht: forms::amount("cost_ht", &self.cost_ht)?,
            cost_ttc: forms::amount("cost_ttc", &self.cost_ttc)?,
            start_on: forms::date("start_on", &self.start_on)?,
            end_on: forms::date("end_on", &self.end_on)?,
        })
    }

    fn version(&self) -> Result<i64, FormError> {
        self.version.trim().parse().map_err(|_| FormError {
            field: VERSION_FIELD.into(),
            message: "Le formulaire ne dit pas quelle version il modifie : rechargez la page."
                .into(),
        })
    }
}

#[derive(Template)]
#[template(path = "operation_form.html")]
struct OperationFormPage {
    page: Page,
    action: String,
    cancel: String,
    submit: &'static str,
    version: Option<String>,
    form: OperationForm,
    kinds: Vec<Group>,
    statuses: Vec<Group>,
    owners: Vec<Group>,
    territories: Vec<Group>,
    error: Option<FormError>,
}

impl OperationFormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        forms::error_on(self.error.as_ref(), field)
    }
}

/// The edited operation: its id, title and version.
struct Editing {
    id: i64,
    title: String,
    version: String,
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    editing: Option<Editing>,
    form: OperationForm,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let organisations = lookup::all::<Organisation>(store, "name").await?;
    let owners = vec![Group {
        label: String::new(),
        options: choices(
            organisations
                .iter()
                .map(|o| (o.id.to_string(), o.data.name.clone())),
            &form.owner_id,
        ),
    }];
    let territories = territory_groups(
        &lookup::all::<Territory>(store, "name").await?,
        &form.territory_id,
    );
    let single = |options| {
        vec![Group {
            label: String::new(),
            options,
        }]
    };
    let kinds = single(choices(
        OperationKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label_fr().to_string())),
        &form.kind,
    ));
    let statuses = single(choices(
        OperationStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label_fr().to_string())),
        &form.status,
    ));
    let (page, action, cancel, submit, version) = match editing {
        Some(editing) => (
            Page::new(
                viewer,
                "/operations",
                format!("Modifier « {} »", editing.title),
            )
            .crumb("/operations", "Opérations")
            .crumb(format!("/operations/{}", editing.id), editing.title)
            .crumb("", "Modifier"),
            format!("/operations/{}/modifier", editing.id),
            format!("/operations/{}", editing.id),
            "Enregistrer les modifications",
            Some(editing.version),
        ),
        None => (
            Page::new(viewer, "/operations", "Nouvelle opération")
                .crumb("/operations", "Opérations")
                .crumb("", "Nouvelle opération"),
            "/operations/nouvelle".to_string(),
            "/operations".to_string(),
            "Créer l'opération",
            None,
        ),
    };
    let status = match &error {
        Some(e) if e.field == VERSION_FIELD => StatusCode::CONFLICT,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let html = render(&OperationFormPage {
        page,
        action,
        cancel,
        submit,
        version,
        form,
        kinds,
        statuses,
        owners,
        territories,
        error,
    })?;
    Ok((status, html).into_response())
}

/// The places an operation may be in: the intercommunalities, their communes, and the cités
/// (named with their commune, as several share a name).
fn territory_groups(
    territories: &[renouveau_store::Record<Territory>],
    selected: &str,
) -> Vec<Group> {
    let names: HashMap<i64, &str> = territories
        .iter()
        .map(|t| (t.id, t.data.name.as_str()))
        .collect();
    let epcis: Vec<i64> = territories
        .iter()
        .filter(|t| t.data.level == TerritoryLevel::Epci)
        .map(|t| t.id)
        .collect();
    let of_level = |level: TerritoryLevel, keep: &dyn Fn(&Territory) -> bool| {
        territories
            .iter()
            .filter(|t| t.data.level == level && keep(&t.data))
            .map(|t| {
                let label = match t.data.parent_id.and_then(|p| names.get(&p)) {
                    Some(parent) if level == TerritoryLevel::Cite => {
                        format!("{} ({parent})", t.data.name)
                    }
                    _ => t.data.name.clone(),
                };
                (t.id.to_string(), label)
            })
            .collect::<Vec<_>>()
    };
    let mut groups = vec![
        (
            "Intercommunalités",
            of_level(TerritoryLevel::Epci, &|_| true),
        ),
        (
            "Communes",
            of_level(TerritoryLevel::Commune, &|t| {
                t.parent_id.is_some_and(|p| epcis.contains(&p))
            }),
        ),
        ("Cités minières", of_level(TerritoryLevel::Cite, &|_| true)),
    ];
    // An operation placed elsewhere keeps its place.
    let listed = groups
        .iter()
        .any(|(_, o)| o.iter().any(|(v, _)| v == selected));
    if !listed && let Some(t) = territories.iter().find(|t| t.id.to_string() == selected) {
        groups.push((
            "Autres territoires",
            vec![(t.id.to_string(), t.data.name.clone())],
        ));
    }
    groups
        .into_iter()
        .filter(|(_, options)| !options.is_empty())
        .map(|(label, options)| Group {
            label: label.into(),
            options: choices(options, selected),
        })
        .collect()
}

pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    if let Some(response) = forms::form_refused(&viewer, "/operations/nouvelle") {
        return Ok(response);
    }
    let form = OperationForm {
        kind: OperationKind::Other.code().into(),
        status: OperationStatus::Idea.code().into(),
        ..OperationForm::default()
    };
    form_page(&state, &viewer, None, form, None).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let actor = forms::writer::<Operation>(&viewer, WriteAction::Create)?;
    let form: OperationForm = body.form().await?;
    forms::check_csrf(&viewer, &form.csrf)?;
    let programmes = lookup::all::<Programme>(&state.store, "code").await?;
    let Some(programme_id) = programmes.iter().map(|p| p.id).min() else {
        return Err(WebError::bad_request(
            "programme_id",
            "Aucun programme n'est enregistré : importez-le avant de créer des opérations.",
        )
        .into());
    };
    let operation = match form.to_operation(programme_id) {
        Ok(operation) => operation,
        Err(error) => return form_page(&state, &viewer, None, form, Some(error)).await,
    };
    match state
        .store
        .records::<Operation>()
        .create(&actor, operation)
        .await
    {
        Ok(created) => Ok(Redirect::to(&format!("/operations/{}", created.id)).into_response()),
        Err(e) => {
            let error = forms::refusal(e, LABELS)?;
            form_page(&state, &viewer, None, form, Some(error)).await
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    if let Some(response) = forms::form_refused(&viewer, &format!("/operations/{id}/modifier")) {
        return Ok(response);
    }
    let operation = state
        .store
        .records::<Operation>()
        .get_editable(&viewer.actor()?, id)
        .await?;
    let editing = Editing {
        id,
        title: operation.data.title.clone(),
        version: operation.version.to_string(),
    };
    form_page(
        &state,
        &viewer,
        Some(editing),
        OperationForm::of(&operation.data),
        None,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let actor = forms::writer::<Operation>(&viewer, WriteAction::Update)?;
    let form: OperationForm = body.form().await?;
    forms::check_csrf(&viewer, &form.csrf)?;
    let current = state.store.records::<Operation>().get(id).await?;
    let editing = Editing {
        id,
        title: current.data.title.clone(),
        version: form.version.clone(),
    };
    let checked = form
        .version()
        .and_then(|v| Ok((v, form.to_operation(current.data.programme_id)?)));
    let (version, operation) = match checked {
        Ok(checked) => checked,
        Err(error) => return form_page(&state, &viewer, Some(editing), form, Some(error)).await,
    };
    match state
        .store
        .records::<Operation>()
        .update(&actor, id, version, operation)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/operations/{id}")).into_response()),
        Err(StoreError::NotFound { .. }) => Err(WebError::NotFound.into()),
        Err(e) => {
            let error = forms::refusal(e, LABELS)?;
            form_page(&state, &viewer, Some(editing), form, Some(error)).await
        }
    }
}
