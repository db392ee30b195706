//! The validation workflow: what a partner writes on operations and figures is *declared*; the
//! programme team *validates* it or *returns* it with a comment saying what to correct.

use crate::error::{Checked, FieldError, FieldErrorKind, require_text};
use crate::invariants::TEXT_MAX;
use crate::vocabulary;

vocabulary! {
    /// Whether a figure has been checked by the programme team.
    ValidationStatus {
        Declared => "declared", "Déclaré";
        Validated => "validated", "Validé";
        Returned => "returned", "Renvoyé";
    }
}

impl ValidationStatus {
    /// What a record written without a state is: the programme team's own figures (the bundled
    /// data, administrators' entries) need no review. Partners' writes are declared whatever
    /// they send (the store sees to it).
    pub fn by_default() -> Self {
        Self::Validated
    }
}

/// A record partners declare and the programme team reviews.
pub trait Reviewed {
    fn validation(&self) -> ValidationStatus;
    fn validation_note(&self) -> Option<&str>;
    /// Sets the state and the team's comment.
    fn set_review(&mut self, status: ValidationStatus, note: Option<String>);
}

/// A returned record says why; the comment stays within the length of a text.
pub fn check_review(status: ValidationStatus, note: Option<&str>) -> Checked {
    match note {
        Some(note) => require_text("validation_note", note, TEXT_MAX),
        None if status == ValidationStatus::Returned => {
            Err(FieldError::new("validation_note", FieldErrorKind::Required))
        }
        None => Ok(()),
    }
}

/// Implements [`Reviewed`] for a record with the two fields `$status` and `validation_note`.
macro_rules! reviewed {
    ($ty:ty, $status:ident) => {
        impl $crate::review::Reviewed for $ty {
            fn validation(&self) -> $crate::review::ValidationStatus {
                self.$status
            }
            fn validation_note(&self) -> Option<&str> {
                self.validation_note.as_deref()
            }
            fn set_review(
                &mut self,
                status: $crate::review::ValidationStatus,
                note: Option<String>,
            ) {
                self.$status = status;
                self.validation_note = note;
            }
        }
    };
}
pub(crate) use reviewed;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_returned_record_says_why() {
        assert!(check_review(ValidationStatus::Returned, None).is_err());
        assert!(check_review(ValidationStatus::Returned, Some("  ")).is_err());
        assert!(check_review(ValidationStatus::Returned, Some("Montant à justifier")).is_ok());
        assert!(check_review(ValidationStatus::Declared, None).is_ok());
    }
}
