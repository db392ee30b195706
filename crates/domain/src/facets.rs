//! Facets that some operations carry: housing figures, insertion-clause figures (counts only).

use serde::{Deserialize, Serialize};

use crate::error::{Checked, FieldError, FieldErrorKind, require_non_negative};
use crate::invariants::Invariants;
use crate::review::{ValidationStatus, check_review};

/// The yearly primary energy use a renovated mining dwelling must go below, in kWh/m².
pub const ENERGY_TARGET_KWH_M2: f64 = 130.0;

/// Housing figures of a renovation operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HousingFacet {
    pub operation_id: i64,
    pub dwellings: i64,
    pub landlord_id: Option<i64>,
    /// Yearly primary energy use before works, kWh/m².
    pub energy_before: Option<f64>,
    /// Yearly primary energy use after works, kWh/m².
    pub energy_after: Option<f64>,
    pub biosourced: bool,
    /// Declared by a partner, validated or returned by the programme team.
    #[serde(default = "ValidationStatus::by_default")]
    pub validation: ValidationStatus,
    /// The programme team's comment when it returns the record.
    #[serde(default)]
    pub validation_note: Option<String>,
}

crate::review::reviewed!(HousingFacet, validation);

impl HousingFacet {
    /// Whether the energy use after works meets the programme's target, when known.
    pub fn meets_energy_target(&self) -> Option<bool> {
        self.energy_after.map(|e| e < ENERGY_TARGET_KWH_M2)
    }
}

impl Invariants for HousingFacet {
    fn check(&self) -> Checked {
        check_review(self.validation, self.validation_note.as_deref())?;
        require_non_negative("dwellings", self.dwellings)?;
        for (field, value) in [
            ("energy_before", self.energy_before),
            ("energy_after", self.energy_after),
        ] {
            if let Some(v) = value
                && (!v.is_finite() || v < 0.0)
            {
                return Err(FieldError::new(field, FieldErrorKind::Negative));
            }
        }
        Ok(())
    }
}

/// Insertion-clause figures of a works contract. Counts of people only: no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsertionFacet {
    pub operation_id: i64,
    pub hours_required: i64,
    pub hours_done: i64,
    pub people: i64,
    pub people_rsa: i64,
    pub people_under_26: i64,
    pub people_long_term_unemployed: i64,
    pub people_women: i64,
    /// Declared by a partner, validated or returned by the programme team.
    #[serde(default = "ValidationStatus::by_default")]
    pub validation: ValidationStatus,
    /// The programme team's comment when it returns the record.
    #[serde(default)]
    pub validation_note: Option<String>,
}

crate::review::reviewed!(InsertionFacet, validation);

impl Invariants for InsertionFacet {
    fn check(&self) -> Checked {
        check_review(self.validation, self.validation_note.as_deref())?;
        require_non_negative("hours_required", self.hours_required)?;
        require_non_negative("hours_done", self.hours_done)?;
        require_non_negative("people", self.people)?;
        for (field, count) in [
            ("people_rsa", self.people_rsa),
            ("people_under_26", self.people_under_26),
            (
                "people_long_term_unemployed",
                self.people_long_term_unemployed,
            ),
            ("people_women", self.people_women),
        ] {
            require_non_negative(field, count)?;
            if count > self.people {
                return Err(FieldError::new(
                    field,
                    FieldErrorKind::Exceeds {
                        other_field: "people",
                    },
                ));
            }
        }
        Ok(())
    }
}
