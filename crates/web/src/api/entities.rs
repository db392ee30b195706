//! The handlers every entity shares. Reads are public; writes need a signed-in user, whose
//! rights the store checks. A write authenticated by a session cookie must also carry the
//! session's CSRF token in `X-CSRF-Token`.

use std::marker::PhantomData;

use axum::Json;
use axum::extract::{FromRequestParts, OriginalUri, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use renouveau_domain::{Actor, calendar};
use renouveau_store::authz::{self, WriteAction};
use renouveau_store::db::ColumnKind;
use renouveau_store::{Entity, Page, Record, ReviewState};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::list_params::list_query;
use crate::auth::Viewer;
use crate::auth::secret::same_secret;
use crate::error::WebError;
use crate::extract::{self, UnreadBody};
use crate::state::AppState;

type Params = ApiQuery<Vec<(String, String)>>;

/// A list of `E` as JSON text, kept by the read cache: lists are the same for every caller.
struct ListBody<E>(String, PhantomData<E>);

pub async fn list<E: Entity>(
    State(state): State<AppState>,
    ApiQuery(params): Params,
) -> Result<impl IntoResponse, WebError> {
    let query = list_query::<E>(&params)?;
    let store = &state.store;
    let body = state
        .cache
        .get_or_compute(store.db(), format!("{params:?}"), async {
            let page = store.records::<E>().list(&query).await?;
            let text = serde_json::to_string(&page).map_err(|e| {
                WebError::from(renouveau_store::StoreError::Corrupt {
                    table: E::TABLE,
                    id: 0,
                    reason: format!("list not serialisable: {e}"),
                })
            })?;
            Ok(ListBody::<E>(text, PhantomData))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body.0.clone()))
}

pub async fn list_children<E: Entity>(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): Params,
    column: &'static str,
) -> Result<Json<Page<E>>, WebError> {
    let query = list_query::<E>(&params)?.eq(column, id);
    Ok(Json(state.store.records::<E>().list(&query).await?))
}

pub async fn fetch<E: Entity>(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Record<E>>, WebError> {
    Ok(Json(state.store.records::<E>().get(id).await?))
}

pub async fn create<E: Entity>(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    body: UnreadBody,
) -> Result<impl IntoResponse, WebError> {
    let actor = writer::<E>(&viewer, &headers, WriteAction::Create)?;
    let data: E = body.json().await?;
    check_dates(&data)?;
    let record = state.store.records::<E>().create(&actor, data).await?;
    let location = format!("{}/{}", uri.path().trim_end_matches('/'), record.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(record),
    ))
}

/// An update: the new values and the version they were read at.
#[derive(Debug, Deserialize)]
pub struct Versioned<E> {
    pub version: i64,
    #[serde(flatten)]
    pub data: E,
}

pub async fn update<E: Entity>(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: UnreadBody,
) -> Result<Json<Record<E>>, WebError> {
    let actor = writer::<E>(&viewer, &headers, WriteAction::Update)?;
    // A body that does not name the review state keeps the stored one, rather than taking the
    // default a missing state reads as (`ValidationStatus::by_default`, meant for new records).
    let (body, named): (Versioned<E>, bool) = body.json_naming(E::REVIEW_STATUS).await?;
    let review = if named {
        ReviewState::Written
    } else {
        ReviewState::Stored
    };
    check_dates(&body.data)?;
    let records = state.store.records::<E>();
    Ok(Json(
        records
            .update_with_review(&actor, id, body.version, body.data, review)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct VersionOnly {
    pub version: i64,
}

pub async fn archive<E: Entity>(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: UnreadBody,
) -> Result<Json<Record<E>>, WebError> {
    let actor = writer::<E>(&viewer, &headers, WriteAction::Archive)?;
    let body: VersionOnly = body.json().await?;
    let records = state.store.records::<E>();
    Ok(Json(records.archive(&actor, id, body.version).await?))
}

pub async fn restore<E: Entity>(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: UnreadBody,
) -> Result<Json<Record<E>>, WebError> {
    let actor = writer::<E>(&viewer, &headers, WriteAction::Restore)?;
    let body: VersionOnly = body.json().await?;
    let records = state.store.records::<E>();
    Ok(Json(records.restore(&actor, id, body.version).await?))
}

/// The actor of an API write, checked before the body is read: signed in, for browser
/// sessions echoing the CSRF token, and of a role that may make `action` on some `E` (the store
/// decides on the record itself).
fn writer<E: Entity>(
    viewer: &Viewer,
    headers: &HeaderMap,
    action: WriteAction,
) -> Result<Actor, WebError> {
    let actor = viewer.actor()?;
    authz::authorize_role::<E>(&actor, action)?;
    if let Some(expected) = &viewer.csrf {
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !same_secret(sent, expected) {
            return Err(WebError::Csrf);
        }
    }
    Ok(actor)
}

/// Refuses, as a bad request, a date the databases would not store and compare alike (a year
/// outside [`YEARS`](calendar::YEARS)), which the JSON reader accepts (`-5000-01-01`, `+12345-01-01`, `0-4-3`).
fn check_dates<E: Entity>(data: &E) -> Result<(), WebError> {
    let values = serde_json::to_value(data).unwrap_or_default();
    for column in E::COLUMNS.iter().filter(|c| c.kind == ColumnKind::Date) {
        let date = values
            .get(column.name)
            .and_then(|v| serde_json::from_value::<Option<NaiveDate>>(v.clone()).ok())
            .flatten();
        if date.is_some_and(|d| !calendar::accepted_year(d)) {
            return Err(WebError::bad_request(
                column.name,
                format!(
                    "Champ « {} » : date invalide (année de {} à {}, format AAAA-MM-JJ).",
                    column.name,
                    calendar::YEARS.start(),
                    calendar::YEARS.end()
                ),
            ));
        }
    }
    Ok(())
}

/// A path parameter whose errors are answered as problems, in French.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        extract::path(parts, state).await.map(Self)
    }
}

/// A query string whose errors are answered as problems, in French.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        extract::query(parts).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use renouveau_domain::{Operation, Programme};

    use super::*;

    fn programme(start_on: &str) -> Programme {
        serde_json::from_value(serde_json::json!({
            "code": "ERBM", "name": "Bassin minier", "description": null,
            "start_on": start_on, "end_on": "2027-12-31"
        }))
        .expect("the JSON reader takes it")
    }

    #[test]
    fn dates_the_databases_do_not_store_alike_are_refused() {
        // The JSON reader takes these; PostgreSQL fails on years before 4714 BC (a 500).
        for start_on in ["-5000-01-01", "+12345-01-01", "0-4-3", "0999-12-31"] {
            let refusal = check_dates(&programme(start_on)).unwrap_err();
            assert_eq!(refusal.status(), StatusCode::BAD_REQUEST, "{start_on}");
            assert_eq!(refusal.field(), Some("start_on"));
        }
        assert!(check_dates(&programme("2017-03-07")).is_ok());
        assert!(check_dates(&programme("9999-12-31")).is_ok());
    }

    #[test]
    fn missing_dates_are_not_refused_here() {
        let operation: Operation = serde_json::from_value(serde_json::json!({
            "programme_id": 1, "title": "École", "kind": "public_facility", "owner_id": 1,
            "status": "study", "start_on": null, "end_on": null
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(check_dates(&operation).is_ok());
    }
}
