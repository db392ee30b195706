//! The housing and insertion facets of an operation: one page, one form for each. A facet the
//! operation lacks is created by its form.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renouveau_domain::{
    HousingFacet, InsertionFacet, Operation, Organisation, OrganisationKind, ValidationStatus,
};
use renouveau_store::authz::WriteAction;
use renouveau_store::{ListQuery, Record, StoreError};

use super::forms::{self, VERSION_FIELD};
use super::layout::{Page, PageError, render};
use super::lookup;
use super::operation_form::Group;
use super::operations::{FormError, choices};
use super::params::PagePath;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::extract::UnreadBody;
use crate::state::AppState;

const LABELS: &[(&str, &str)] = &[
    ("dwellings", "Nombre de logements"),
    ("landlord_id", "Bailleur"),
    ("energy_before", "Consommation avant travaux"),
    ("energy_after", "Consommation après travaux"),
    ("hours_required", "Heures d'insertion prévues"),
    ("hours_done", "Heures réalisées"),
    ("people", "Personnes"),
    ("people_rsa", "dont allocataires du RSA"),
    ("people_under_26", "dont moins de 26 ans"),
    (
        "people_long_term_unemployed",
        "dont demandeurs d'emploi de longue durée",
    ),
    ("people_women", "dont femmes"),
];

/// Either facet's form, as sent: `volet` says which.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FacetForm {
    csrf: String,
    volet: String,
    /// The version of the facet read, empty when the operation had none.
    version: String,
    dwellings: String,
    landlord_id: String,
    energy_before: String,
    energy_after: String,
    biosourced: Option<String>,
    hours_required: String,
    hours_done: String,
    people: String,
    people_rsa: String,
    people_under_26: String,
    people_long_term_unemployed: String,
    people_women: String,
}

impl FacetForm {
    fn of_housing(facet: Option<&Record<HousingFacet>>) -> Self {
        let Some(facet) = facet else {
            return Self::default();
        };
        let h = &facet.data;
        Self {
            version: facet.version.to_string(),
            dwellings: h.dwellings.to_string(),
            landlord_id: h.landlord_id.map(|id| id.to_string()).unwrap_or_default(),
            energy_before: forms::decimal_value(h.energy_before),
            energy_after: forms::decimal_value(h.energy_after),
            biosourced: h.biosourced.then(|| "oui".into()),
            ..Self::default()
        }
    }

    fn of_insertion(facet: Option<&Record<InsertionFacet>>) -> Self {
        let Some(facet) = facet else {
            return Self::default();
        };
        let i = &facet.data;
        Self {
            version: facet.version.to_string(),
            hours_required: i.hours_required.to_string(),
            hours_done: i.hours_done.to_string(),
            people: i.people.to_string(),
            people_rsa: i.people_rsa.to_string(),
            people_under_26: i.people_under_26.to_string(),
            people_long_term_unemployed: i.people_long_term_unemployed.to_string(),
            people_women: i.people_women.to_string(),
            ..Self::default()
        }
    }

    fn housing(&self, operation_id: i64) -> Result<HousingFacet, FormError> {
        Ok(HousingFacet {
            validation: ValidationStatus::by_default(),
            validation_note: None,
            operation_id,
            dwellings: forms::count("dwellings", &self.dwellings)?,
            landlord_id: forms::id(
                "landlord_id",
                &self.landlord_id,
                "Choisissez un bailleur dans la liste.",
            )?,
            energy_before: forms::decimal("energy_before", &self.energy_before)?,
            energy_after: forms::decimal("energy_after", &self.energy_after)?,
            biosourced: self.biosourced.is_some(),
        })
    }

    fn insertion(&self, operation_id: i64) -> Result<InsertionFacet, FormError> {
        Ok(InsertionFacet {
            validation: ValidationStatus::by_default(),
            validation_note: None,
            operation_id,
            hours_required: forms::count("hours_required", &self.hours_required)?,
            hours_done: forms::count("hours_done", &self.hours_done)?,
            people: forms::count("people", &self.people)?,
            people_rsa: forms::count("people_rsa", &self.people_rsa)?,
            people_under_26: forms::count("people_under_26", &self.people_under_26)?,
            people_long_term_unemployed: forms::count(
                "people_long_term_unemployed",
                &self.people_long_term_unemployed,
            )?,
            people_women: forms::count("people_women", &self.people_women)?,
        })
    }

    /// The version read, `None` when the form creates the facet.
    fn version(&self) -> Result<Option<i64>, FormError> {
        if self.version.trim().is_empty() {
            return Ok(None);
        }
        self.version
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| FormError {
                field: VERSION_FIELD.into(),
                message:
                    "Le formulaire ne dit pas quelle version il modifie\u{a0}: rechargez la page."
                        .into(),
            })
    }
}

#[derive(Template)]
#[template(path = "facets_form.html")]
struct FacetsPage {
    page: Page,
    operation_id: i64,
    housing_exists: bool,
    insertion_exists: bool,
    housing: FacetForm,
    insertion: FacetForm,
    landlords: Vec<Group>,
    /// The form the error is about: "housing" or "insertion".
    volet: String,
    error: Option<FormError>,
}

impl FacetsPage {
    fn housing_error(&self, field: &str) -> Option<&str> {
        forms::error_on(
            self.error.as_ref().filter(|_| self.volet == "housing"),
            field,
        )
    }

    fn insertion_error(&self, field: &str) -> Option<&str> {
        forms::error_on(
            self.error.as_ref().filter(|_| self.volet == "insertion"),
            field,
        )
    }
}

/// The operation's facets (the first of each, should there be several).
async fn facets_of(
    state: &AppState,
    id: i64,
) -> Result<(Option<Record<HousingFacet>>, Option<Record<InsertionFacet>>), PageError> {
    let query = ListQuery::default().eq("operation_id", id).page(1, 1);
    let housing = state.store.records::<HousingFacet>().list(&query).await?;
    let insertion = state.store.records::<InsertionFacet>().list(&query).await?;
    Ok((
        housing.items.into_iter().next(),
        insertion.items.into_iter().next(),
    ))
}

/// The page; `sent` is a refused form, shown back in place of the stored values.
async fn facets_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    sent: Option<(FacetForm, FormError)>,
) -> Result<Response, PageError> {
    let operation = state.store.records::<Operation>().get(id).await?;
    let (housing, insertion) = facets_of(state, id).await?;
    let mut housing_form = FacetForm::of_housing(housing.as_ref());
    let mut insertion_form = FacetForm::of_insertion(insertion.as_ref());
    let mut volet = String::new();
    let mut error = None;
    if let Some((form, refused)) = sent {
        volet = form.volet.clone();
        if volet == "housing" {
            housing_form = form;
        } else {
            insertion_form = form;
        }
        error = Some(refused);
    }
    let organisations = lookup::all::<Organisation>(&state.store, "name").await?;
    let landlords = vec![Group {
        label: String::new(),
        options: choices(
            organisations
                .iter()
                .filter(|o| {
                    o.data.kind == OrganisationKind::Landlord
                        || o.id.to_string() == housing_form.landlord_id
                })
                .map(|o| (o.id.to_string(), o.data.name.clone())),
            &housing_form.landlord_id,
        ),
    }];
    let status = match &error {
        Some(e) if e.field == VERSION_FIELD => StatusCode::CONFLICT,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let title = operation.data.title.clone();
    let html = render(&FacetsPage {
        page: Page::new(
            viewer,
            "/operations",
            format!("Volets de «\u{a0}{title}\u{a0}»"),
        )
        .crumb("/operations", "Opérations")
        .crumb(format!("/operations/{id}"), title)
        .crumb("", "Volets logement et insertion"),
        operation_id: id,
        housing_exists: housing.is_some(),
        insertion_exists: insertion.is_some(),
        housing: housing_form,
        insertion: insertion_form,
        landlords,
        volet,
        error,
    })?;
    Ok((status, html).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    if let Some(response) = forms::form_refused(&viewer, &format!("/operations/{id}/volets")) {
        return Ok(response);
    }
    // The facets are the operation owner's to write, whoever the landlord.
    let actor = viewer.actor()?;
    state
        .store
        .records::<Operation>()
        .get_editable(&actor, id)
        .await?;
    facets_page(&state, &viewer, id, None).await
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<i64>,
    body: UnreadBody,
) -> Result<Response, PageError> {
    // Both facets are written by the same roles: the volet sent decides which one, later.
    let actor = forms::writer::<HousingFacet>(&viewer, WriteAction::Update)?;
    let form: FacetForm = body.form().await?;
    forms::check_csrf(&viewer, &form.csrf)?;
    let (housing, insertion) = facets_of(&state, id).await?;
    let store = &state.store;
    let saved = match form.volet.as_str() {
        "housing" => {
            let checked = form.version().and_then(|v| Ok((v, form.housing(id)?)));
            let (version, facet) = match checked {
                Ok(checked) => checked,
                Err(error) => return facets_page(&state, &viewer, id, Some((form, error))).await,
            };
            let records = store.records::<HousingFacet>();
            match (housing, version) {
                (Some(current), Some(version)) => {
                    records.update(&actor, current.id, version, facet).await
                }
                (None, None) => records.create(&actor, facet).await,
                // Created or removed by someone else since the page was read.
                (Some(current), None) => {
                    Err(conflict("housing_facet", current.id, 0, current.version))
                }
                (None, Some(version)) => Err(conflict("housing_facet", 0, version, 0)),
            }
            .map(|_| ())
        }
        "insertion" => {
            let checked = form.version().and_then(|v| Ok((v, form.insertion(id)?)));
            let (version, facet) = match checked {
                Ok(checked) => checked,
                Err(error) => return facets_page(&state, &viewer, id, Some((form, error))).await,
            };
            let records = store.records::<InsertionFacet>();
            match (insertion, version) {
                (Some(current), Some(version)) => {
                    records.update(&actor, current.id, version, facet).await
                }
                (None, None) => records.create(&actor, facet).await,
                (Some(current), None) => {
                    Err(conflict("insertion_facet", current.id, 0, current.version))
                }
                (None, Some(version)) => Err(conflict("insertion_facet", 0, version, 0)),
            }
            .map(|_| ())
        }
        _ => {
            return Err(WebError::bad_request("volet", "Volet inconnu.").into());
        }
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&format!("/operations/{id}")).into_response()),
        Err(e) => {
            let error = forms::refusal(e, LABELS)?;
            facets_page(&state, &viewer, id, Some((form, error))).await
        }
    }
}

/// A facet created or removed by someone else since the page was read (version 0: none).
fn conflict(table: &'static str, id: i64, expected: i64, actual: i64) -> StoreError {
    StoreError::Conflict {
        table,
        id,
        expected,
        actual,
    }
}
