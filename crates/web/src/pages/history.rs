//! The history of any record: who changed what and when, each change as the fields it touched
//! with their values before and after, read from the audit trail; and the restore of an
//! archived record. Records are named in the URL as in the API (`/historique/operations/12`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use renouveau_domain::Actor;
use renouveau_store::audit::AuditEntry;
use renouveau_store::authz::{self, WriteAction};
use renouveau_store::{Entity, Store};
use serde_json::{Map, Value};

use super::forms;
use super::layout::{Page, PageError, render};
use super::params::PagePath;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::extract::UnreadBody;
use crate::state::AppState;

/// Fields every record carries, which say nothing about what changed.
const BOOKKEEPING: &[&str] = &["id", "version", "created_at", "updated_at"];

/// A field a change touched.
#[derive(Debug)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug)]
pub struct Step {
    pub when: String,
    pub who: String,
    pub what: &'static str,
    pub version: i64,
    pub fields: Vec<FieldChange>,
}

/// What the page needs of the record, whatever its type.
struct Loaded {
    label: &'static str,
    name: String,
    version: i64,
    archived: bool,
    steps: Vec<Step>,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    page: Page,
    entity: String,
    id: i64,
    record: Loaded,
    can_write: bool,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((entity, id)): PagePath<(String, i64)>,
) -> Result<Response, PageError> {
    let record = load(&state.store, &entity, id).await?;
    let title = format!("Historique : {}", record.name);
    Ok(render(&HistoryPage {
        page: Page::new(&viewer, "", title.clone()).crumb("", title),
        entity,
        id,
        record,
        can_write: forms::may_write(&viewer),
    })?
    .into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RestoreForm {
    csrf: String,
    version: i64,
}

pub async fn restore(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((entity, id)): PagePath<(String, i64)>,
    body: UnreadBody,
) -> Result<Response, PageError> {
    let actor = viewer.actor()?;
    macro_rules! restore_if {
        ($ty:ty, $path:literal, $label:literal) => {
            if entity == $path {
                restore_record::<$ty>(&state.store, &viewer, &actor, id, body).await?;
                return Ok(Redirect::to(&format!("/historique/{entity}/{id}")).into_response());
            }
        };
    }
    crate::api_entities!(restore_if);
    Err(WebError::NotFound.into())
}

/// Restores record `id` of `E`; the form is read once the actor's role may restore some `E`.
async fn restore_record<E: Entity>(
    store: &Store,
    viewer: &Viewer,
    actor: &Actor,
    id: i64,
    body: UnreadBody,
) -> Result<(), PageError> {
    authz::authorize_role::<E>(actor, WriteAction::Restore)?;
    let form: RestoreForm = body.form().await?;
    forms::check_csrf(viewer, &form.csrf)?;
    store
        .records::<E>()
        .restore(actor, id, form.version)
        .await?;
    Ok(())
}

async fn load(store: &Store, entity: &str, id: i64) -> Result<Loaded, WebError> {
    macro_rules! load_if {
        ($ty:ty, $path:literal, $label:literal) => {
            if entity == $path {
                return load_record::<$ty>(store, id, $label).await;
            }
        };
    }
    crate::api_entities!(load_if);
    Err(WebError::NotFound)
}

async fn load_record<E: Entity>(
    store: &Store,
    id: i64,
    label: &'static str,
) -> Result<Loaded, WebError> {
    let records = store.records::<E>();
    let record = records.get(id).await?;
    let value = serde_json::to_value(&record.data).unwrap_or_default();
    let name = ["title", "name", "label", "code"]
        .iter()
        .find_map(|key| value.get(key).and_then(Value::as_str))
        .map_or_else(|| format!("{label} n°{id}"), str::to_string);
    let mut steps: Vec<Step> = records.history(id).await?.iter().map(step).collect();
    steps.reverse();
    Ok(Loaded {
        label,
        name,
        version: record.version,
        archived: record.is_archived(),
        steps,
    })
}

fn step(entry: &AuditEntry) -> Step {
    let parse = |state: Option<&str>| -> Map<String, Value> {
        state
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let before = parse(entry.before_state.as_deref());
    let after = parse(Some(&entry.after_state));
    let fields = after
        .iter()
        .filter(|(key, value)| {
            !BOOKKEEPING.contains(&key.as_str()) && before.get(*key) != Some(*value)
        })
        .map(|(key, value)| FieldChange {
            field: key.clone(),
            before: before.get(key).map(shown).unwrap_or_default(),
            after: shown(value),
        })
        .collect();
    Step {
        when: entry.occurred_at.format("%d/%m/%Y %H:%M:%S").to_string(),
        who: entry.actor_label.clone(),
        what: super::lookup::audit_action(&entry.action),
        version: entry.record_version,
        fields,
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
