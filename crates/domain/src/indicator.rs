//! Indicators, their targets and their observations, each observation traced to its source.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Checked, FieldError, FieldErrorKind, require_ordered, require_text};
use crate::invariants::{Invariants, TEXT_MAX, TITLE_MAX};
pub use crate::review::ValidationStatus;
use crate::review::check_review;
use crate::vocabulary;

vocabulary! {
    /// Whether progress means the figure going up or down.
    Direction {
        Increase => "increase", "À la hausse";
        Decrease => "decrease", "À la baisse";
    }
}

vocabulary! {
    /// How observations combine across territories or over time.
    Aggregation {
        Sum => "sum", "Somme";
        Latest => "latest", "Dernière valeur";
        Average => "average", "Moyenne";
        Max => "max", "Maximum";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub programme_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub aggregation: Aggregation,
    /// Whether observations are cumulative since the programme's start (dwellings delivered) or
    /// counted per period (dwellings delivered in a year).
    pub cumulative: bool,
    pub description: Option<String>,
}

impl Invariants for Indicator {
    fn check(&self) -> Checked {
        require_text("code", &self.code, 60)?;
        require_text("name", &self.name, TITLE_MAX)?;
        require_text("unit", &self.unit, 40)?;
        if let Some(d) = &self.description {
            require_text("description", d, TEXT_MAX)?;
        }
        Ok(())
    }
}

fn require_finite(field: &str, value: f64) -> Checked {
    if value.is_finite() {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            FieldErrorKind::Inconsistent {
                reason: "nombre non fini",
            },
        ))
    }
}

/// A value an indicator should reach by a date, set by a convention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub indicator_id: i64,
    pub convention_id: Option<i64>,
    pub territory_id: Option<i64>,
    pub value: f64,
    pub due_on: NaiveDate,
    pub document_id: Option<i64>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

impl Invariants for Target {
    fn check(&self) -> Checked {
        require_finite("value", self.value)?;
        check_source_span(self.document_id, self.source_start, self.source_end)
    }
}

/// A figure for an indicator, at a date or over a period, on a territory, with where it comes
/// from: a document and the character offsets in its text where the figure is stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub indicator_id: i64,
    pub territory_id: Option<i64>,
    pub value: f64,
    /// The date the figure is true at (or the end of the period it covers).
    pub observed_on: NaiveDate,
    /// The start of the period, for figures counted over a period.
    pub period_start: Option<NaiveDate>,
    #[serde(default = "ValidationStatus::by_default")]
    pub status: ValidationStatus,
    pub document_id: Option<i64>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
    pub note: Option<String>,
    /// The programme team's comment when it returns the figure.
    #[serde(default)]
    pub validation_note: Option<String>,
}

crate::review::reviewed!(Observation, status);

impl Invariants for Observation {
    fn check(&self) -> Checked {
        require_finite("value", self.value)?;
        require_ordered(
            "period_start",
            self.period_start,
            "observed_on",
            Some(self.observed_on),
        )?;
        if let Some(n) = &self.note {
            require_text("note", n, TEXT_MAX)?;
        }
        check_review(self.status, self.validation_note.as_deref())?;
        check_source_span(self.document_id, self.source_start, self.source_end)
    }
}

/// A place in a document: both offsets or neither, start before end, and a document to point in.
fn check_source_span(document: Option<i64>, start: Option<i64>, end: Option<i64>) -> Checked {
    match (start, end) {
        (None, None) => Ok(()),
        (Some(s), Some(e)) => {
            crate::error::require_non_negative("source_start", s)?;
            if e <= s {
                return Err(FieldError::new(
                    "source_end",
                    FieldErrorKind::EndBeforeStart {
                        start_field: "source_start",
                    },
                ));
            }
            if document.is_none() {
                return Err(FieldError::new("document_id", FieldErrorKind::Required));
            }
            Ok(())
        }
        (Some(_), None) => Err(FieldError::new("source_end", FieldErrorKind::Required)),
        (None, Some(_)) => Err(FieldError::new("source_start", FieldErrorKind::Required)),
    }
}
