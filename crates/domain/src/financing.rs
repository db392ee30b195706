//! Money: co-financing lines of operations, funds and envelopes with their contributions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Checked, FieldError, FieldErrorKind, require_text};
use crate::invariants::{Invariants, TEXT_MAX, TITLE_MAX};
use crate::money::Amount;
use crate::review::{ValidationStatus, check_review};
use crate::vocabulary;

vocabulary! {
    /// Where a funder's contribution to an operation stands.
    FinancingState {
        Requested => "requested", "Demandé";
        Granted => "granted", "Accordé";
        Committed => "committed", "Engagé";
        Paid => "paid", "Versé";
        Refused => "refused", "Refusé";
        Withdrawn => "withdrawn", "Retiré";
    }
}

impl FinancingState {
    /// Requested → granted → committed → paid, forward only; a request may be refused, and a
    /// line not yet committed may be withdrawn. Refused and withdrawn are final.
    pub fn may_become(self, to: Self) -> bool {
        use FinancingState::*;
        let rank = |s: Self| match s {
            Requested => 0,
            Granted => 1,
            Committed => 2,
            Paid => 3,
            Refused | Withdrawn => 4,
        };
        self == to
            || match (self, to) {
                (Refused | Withdrawn, _) => false,
                (Requested, Refused) => true,
                (Requested | Granted, Withdrawn) => true,
                (_, Refused | Withdrawn) => false,
                (from, to) => rank(from) < rank(to),
            }
    }

    fn is_granted(self) -> bool {
        matches!(self, Self::Granted | Self::Committed | Self::Paid)
    }
}

/// One funder's part in an operation's co-financing plan, for one year and one fund or scheme.
/// Amounts follow the state: what is committed is within what is granted, what is paid within
/// what is committed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinancingLine {
    pub operation_id: i64,
    pub funder_id: i64,
    pub fund_id: Option<i64>,
    pub scheme: Option<String>,
    /// The budget year; unknown for some lines the programme's documents cite.
    pub year: Option<i64>,
    pub state: FinancingState,
    pub requested: Amount,
    pub granted: Amount,
    pub committed: Amount,
    pub paid: Amount,
    pub decision_ref: Option<String>,
    pub decision_on: Option<NaiveDate>,
    /// Declared by a partner, validated or returned by the programme team.
    #[serde(default = "ValidationStatus::by_default")]
    pub validation: ValidationStatus,
    /// The programme team's comment when it returns the record.
    #[serde(default)]
    pub validation_note: Option<String>,
}

crate::review::reviewed!(FinancingLine, validation);

impl Invariants for FinancingLine {
    fn check(&self) -> Checked {
        check_review(self.validation, self.validation_note.as_deref())?;
        if self.year.is_some_and(|year| !(1990..=2100).contains(&year)) {
            return Err(FieldError::new(
                "year",
                FieldErrorKind::InvalidCode {
                    expected: "une année entre 1990 et 2100",
                },
            ));
        }
        if self.paid > self.granted {
            return Err(FieldError::new(
                "paid",
                FieldErrorKind::Exceeds {
                    other_field: "granted",
                },
            ));
        }
        if self.committed > self.granted {
            return Err(FieldError::new(
                "committed",
                FieldErrorKind::Exceeds {
                    other_field: "granted",
                },
            ));
        }
        if self.paid > self.committed {
            return Err(FieldError::new(
                "paid",
                FieldErrorKind::Exceeds {
                    other_field: "committed",
                },
            ));
        }
        if self.state.is_granted()
            && self
                .decision_ref
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            return Err(FieldError::new("decision_ref", FieldErrorKind::Required));
        }
        if let Some(scheme) = &self.scheme {
            require_text("scheme", scheme, TITLE_MAX)?;
        }
        Ok(())
    }

    fn check_change(&self, before: &Self) -> Checked {
        if before.state.may_become(self.state) {
            Ok(())
        } else {
            Err(FieldError::new(
                "state",
                FieldErrorKind::TransitionNotAllowed {
                    from: before.state.label_fr().into(),
                    to: self.state.label_fr().into(),
                },
            ))
        }
    }
}

/// A fund or envelope (the State-Region fund for the cités' public spaces, the aides à la
/// pierre...). An envelope inside a larger fund points to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fund {
    pub programme_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub amount: Option<Amount>,
    pub start_year: Option<i64>,
    pub end_year: Option<i64>,
}

impl Invariants for Fund {
    fn check(&self) -> Checked {
        require_text("code", &self.code, 40)?;
        require_text("name", &self.name, TITLE_MAX)?;
        if let Some(d) = &self.description {
            require_text("description", d, TEXT_MAX)?;
        }
        crate::error::require_ordered("start_year", self.start_year, "end_year", self.end_year)
    }
}

/// What one funder puts into a fund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundContribution {
    pub fund_id: i64,
    pub funder_id: i64,
    pub amount: Amount,
}

impl Invariants for FundContribution {}

#[cfg(test)]
mod tests {
    use super::FinancingState::*;

    #[test]
    fn financing_states_move_forward() {
        assert!(Requested.may_become(Granted));
        assert!(Granted.may_become(Paid));
        assert!(!Paid.may_become(Granted));
        assert!(Requested.may_become(Refused));
        assert!(!Committed.may_become(Refused));
        assert!(!Committed.may_become(Withdrawn));
        assert!(!Refused.may_become(Requested));
    }
}
