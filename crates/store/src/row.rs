//! Conversion between a record (through its serde JSON form) and a table row.

use chrono::{DateTime, NaiveDate, Utc};
use renouveau_domain::{FieldError, FieldErrorKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::db::{ColumnKind, SqlValue};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::folding::{folded_name, folded_value};

/// The columns every record table has, in this order, before the entity's own.
pub const COMMON_COLUMNS: &[(&str, ColumnKind)] = &[
    ("id", ColumnKind::Int),
    ("version", ColumnKind::Int),
    ("created_at", ColumnKind::Timestamp),
    ("updated_at", ColumnKind::Timestamp),
    ("archived_at", ColumnKind::Timestamp),
];

/// A stored record: the domain value and what storage adds to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record<E> {
    pub id: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub data: E,
}

impl<E> Record<E> {
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

/// `SELECT` list of an entity's table: common columns then its own.
pub fn select_list<E: Entity>() -> String {
    COMMON_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .chain(E::COLUMNS.iter().map(|c| c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Column kinds matching [`select_list`].
pub fn select_kinds<E: Entity>() -> Vec<ColumnKind> {
    COMMON_COLUMNS
        .iter()
        .map(|(_, k)| *k)
        .chain(E::COLUMNS.iter().map(|c| c.kind))
        .collect()
}

fn internal(table: &'static str, id: i64, reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        id,
        reason: reason.to_string(),
    }
}

/// The values of an entity's own columns, in [`Entity::COLUMNS`] order.
pub fn entity_values<E: Entity>(data: &E) -> Result<Vec<SqlValue>> {
    let json = serde_json::to_value(data).map_err(|e| internal(E::TABLE, 0, e))?;
    let Value::Object(map) = json else {
        return Err(internal(
            E::TABLE,
            0,
            "record does not serialise to an object",
        ));
    };
    E::COLUMNS
        .iter()
        .map(|c| {
            let value = map.get(c.name).unwrap_or(&Value::Null);
            if value.as_str().is_some_and(|text| text.contains('\0')) {
                return Err(FieldError::new(c.name, FieldErrorKind::NulCharacter).into());
            }
            json_to_sql(value, c.kind).ok_or_else(|| {
                internal(
                    E::TABLE,
                    0,
                    format!("column {} has an unexpected value", c.name),
                )
            })
        })
        .collect()
}

/// The folded twins of an entity's searchable columns (see [`crate::folding`]), in
/// [`Entity::SEARCH`] order.
pub fn folded_columns<E: Entity>() -> Vec<String> {
    E::SEARCH.iter().map(|c| folded_name(c)).collect()
}

/// The values of [`folded_columns`], computed from the entity's own column `values`.
pub fn folded_values<E: Entity>(values: &[SqlValue]) -> Vec<SqlValue> {
    E::SEARCH
        .iter()
        .map(|search| {
            let text = E::COLUMNS
                .iter()
                .position(|c| c.name == *search)
                .and_then(|i| values.get(i))
                .and_then(SqlValue::as_str);
            folded_value(text).map_or(SqlValue::Null(ColumnKind::Text), SqlValue::Text)
        })
        .collect()
}

fn json_to_sql(value: &Value, kind: ColumnKind) -> Option<SqlValue> {
    if value.is_null() {
        return Some(SqlValue::Null(kind));
    }
    Some(match kind {
        ColumnKind::Int => SqlValue::Int(value.as_i64()?),
        ColumnKind::Float => SqlValue::Float(value.as_f64()?),
        ColumnKind::Text => SqlValue::Text(value.as_str()?.to_string()),
        ColumnKind::Bool => SqlValue::Bool(value.as_bool()?),
        ColumnKind::Date => SqlValue::Date(value.as_str()?.parse::<NaiveDate>().ok()?),
        ColumnKind::Timestamp => {
            SqlValue::Timestamp(value.as_str()?.parse::<DateTime<Utc>>().ok()?)
        }
    })
}

pub fn sql_to_json(value: &SqlValue) -> Value {
    match value {
        SqlValue::Null(_) => Value::Null,
        SqlValue::Int(v) => Value::Number((*v).into()),
        SqlValue::Float(v) => Number::from_f64(*v).map_or(Value::Null, Value::Number),
        SqlValue::Text(v) => Value::String(v.clone()),
        SqlValue::Bool(v) => Value::Bool(*v),
        SqlValue::Date(v) => Value::String(v.to_string()),
        SqlValue::Timestamp(v) => Value::String(v.to_rfc3339()),
    }
}

/// Decodes a row read with [`select_list`]; a row that does not parse is reported as corrupt.
pub fn decode_record<E: Entity>(row: &[SqlValue]) -> Result<Record<E>> {
    let id = row.first().and_then(SqlValue::as_i64).unwrap_or_default();
    let names = COMMON_COLUMNS
        .iter()
        .map(|(n, _)| *n)
        .chain(E::COLUMNS.iter().map(|c| c.name));
    let map: Map<String, Value> = names
        .zip(row.iter())
        .map(|(name, v)| (name.to_string(), sql_to_json(v)))
        .collect();
    serde_json::from_value(Value::Object(map)).map_err(|e| internal(E::TABLE, id, e))
}
