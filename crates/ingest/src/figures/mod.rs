//! The figures of the database against their sources: does the passage each figure points to
//! state it, and which figures of the same indicator disagree with each other.

mod disagreements;
pub mod reading;

use std::collections::HashMap;

use renouveau_domain::Document;
use renouveau_store::db::{Backend, ColumnKind, SqlValue};
use renouveau_store::imports::{FigureSource, figure_sources};
use renouveau_store::{Db, Records};

use crate::error::Result;

pub use disagreements::{Disagreement, DisagreementKind, disagreements};

/// Columns that may carry a sourced figure, and whether they hold cents (shown in euros).
const FIGURE_COLUMNS: &[(&str, &str, bool)] = &[
    ("fund", "amount", true),
    ("fund_contribution", "amount", true),
    ("target", "value", false),
    ("observation", "value", false),
    ("operation", "cost_ht", true),
    ("operation", "cost_ttc", true),
    ("financing_line", "requested", true),
    ("financing_line", "granted", true),
    ("financing_line", "committed", true),
    ("financing_line", "paid", true),
    ("housing_facet", "dwellings", false),
    ("housing_facet", "energy_before", false),
    ("housing_facet", "energy_after", false),
    ("insertion_facet", "hours_required", false),
    ("insertion_facet", "hours_done", false),
    ("insertion_facet", "people", false),
    ("insertion_facet", "people_rsa", false),
    ("insertion_facet", "people_under_26", false),
    ("insertion_facet", "people_long_term_unemployed", false),
    ("insertion_facet", "people_women", false),
    ("deliberation", "votes_for", false),
];

/// Text columns whose value a passage must contain (case aside): who presided, where.
const TEXT_COLUMNS: &[(&str, &str)] = &[
    ("deliberation", "president"),
    ("deliberation", "secretary"),
    ("deliberation", "place"),
];

/// What checking one figure against its source found.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceStatus {
    /// The passage states the figure.
    Stated,
    /// The passage does not state it.
    NotStated,
    /// The document's text is not in the database (`renouveau document add FILE`).
    NoText,
    /// The offsets fall outside the document's text.
    OutOfRange,
    /// The source names a column that holds no figure.
    UnknownField,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceCheck {
    pub source: FigureSource,
    /// The figure as users read it (euros for money).
    pub value: Option<f64>,
    /// The value of a text column (a name, a place), checked as written.
    pub text: Option<String>,
    pub passage: Option<String>,
    pub status: SourceStatus,
}

/// Checks every figure that points to a place in a document.
pub async fn verify_sources(db: &Db) -> Result<Vec<SourceCheck>> {
    let sources = figure_sources(db, None).await?;
    let mut texts: HashMap<i64, Option<Vec<char>>> = HashMap::new();
    let mut checks = Vec::with_capacity(sources.len());
    for source in sources {
        let Some(field) = source.field.clone() else {
            continue;
        };
        let figure = FIGURE_COLUMNS
            .iter()
            .find(|(t, c, _)| *t == source.entity && *c == field);
        let text_column = TEXT_COLUMNS
            .iter()
            .find(|(t, c)| *t == source.entity && *c == field);
        let (value, stated_text) = match (figure, text_column) {
            (Some(&(table, column, cents)), _) => {
                let value = figure_value(db, table, column, source.record_id)
                    .await?
                    .map(|v| if cents { v / 100.0 } else { v });
                (value, None)
            }
            (None, Some(&(table, column))) => {
                (None, text_value(db, table, column, source.record_id).await?)
            }
            (None, None) => {
                checks.push(SourceCheck {
                    source,
                    value: None,
                    text: None,
                    passage: None,
                    status: SourceStatus::UnknownField,
                });
                continue;
            }
        };
        if let std::collections::hash_map::Entry::Vacant(entry) = texts.entry(source.document_id) {
            let document = Records::<Document>::new(db).get(source.document_id).await?;
            entry.insert(document.data.text.map(|t| t.chars().collect()));
        }
        let text = texts.get(&source.document_id).and_then(Option::as_ref);
        let (passage, status) = match text {
            None => (None, SourceStatus::NoText),
            Some(chars) => match passage_of(chars, source.start, source.end) {
                None => (None, SourceStatus::OutOfRange),
                Some(passage) => {
                    let stated = match &stated_text {
                        Some(t) => passage.to_lowercase().contains(&t.to_lowercase()),
                        None => value.is_some_and(|v| reading::states(&passage, v)),
                    };
                    let status = if stated {
                        SourceStatus::Stated
                    } else {
                        SourceStatus::NotStated
                    };
                    (Some(passage), status)
                }
            },
        };
        checks.push(SourceCheck {
            source,
            value,
            text: stated_text,
            passage,
            status,
        });
    }
    Ok(checks)
}

fn passage_of(chars: &[char], start: i64, end: i64) -> Option<String> {
    let start = usize::try_from(start).ok()?;
    let end = usize::try_from(end).ok()?;
    chars.get(start..end).map(|c| c.iter().collect())
}

/// `table` and `column` come from [`FIGURE_COLUMNS`], never from stored text.
async fn figure_value(db: &Db, table: &str, column: &str, id: i64) -> Result<Option<f64>> {
    let real = match db.backend() {
        Backend::Sqlite => "REAL",
        Backend::Postgres => "DOUBLE PRECISION",
    };
    let mut tx = db.read().await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT CAST({column} AS {real}) FROM {table} WHERE id = $1"),
            &[id.into()],
            &[ColumnKind::Float],
        )
        .await?;
    Ok(row.and_then(|r| match r.first() {
        Some(SqlValue::Float(v)) => Some(*v),
        _ => None,
    }))
}

/// `table` and `column` come from [`TEXT_COLUMNS`], never from stored text.
async fn text_value(db: &Db, table: &str, column: &str, id: i64) -> Result<Option<String>> {
    let mut tx = db.read().await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT {column} FROM {table} WHERE id = $1"),
            &[id.into()],
            &[ColumnKind::Text],
        )
        .await?;
    Ok(row.and_then(|r| r.first().and_then(SqlValue::as_str).map(str::to_string)))
}
