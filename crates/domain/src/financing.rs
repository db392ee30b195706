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

    /// Whether a line in this state counts as aid granted (and may carry granted, committed and
    /// paid amounts). A requested line counts only as requested; a refused or withdrawn one
    /// counts for nothing but the history of what was asked.
    pub fn is_granted(self) -> bool {
        matches!(self, Self::Granted | Self::Committed | Self::Paid)
    }

    /// The SQL condition that a `state` column is one of the granted states.
    pub const GRANTED_SQL: &'static str = "('granted', 'committed', 'paid')";

    /// The SQL condition, on a financing line aliased `f`, of [`FinancingLine::granted_unstated`].
    pub const GRANTED_UNSTATED_SQL: &'static str =
        "(f.state IN ('granted', 'committed', 'paid') AND f.granted = 0)";
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

impl FinancingLine {
    /// A line granted with no granted amount: nobody grants nothing, so the amount was not
    /// stated (the programme's documents often name a funder without its share). Pages say
    /// « non renseigné » rather than « 0 € ».
    pub fn granted_unstated(&self) -> bool {
        self.state.is_granted() && self.granted == Amount::ZERO
    }

    /// The state as people read it: a line paid in part (0 < paid < granted) is « Versé
    /// partiellement », not « Versé ».
    pub fn state_label_fr(&self) -> &'static str {
        let partly_paid = self.paid > Amount::ZERO && self.paid < self.granted;
        if self.state.is_granted() && partly_paid {
            "Versé partiellement"
        } else {
            self.state.label_fr()
        }
    }

    /// Amounts agree with the state: only a granted line (granted, committed, paid) carries
    /// granted, committed or paid amounts; a granted line not yet committed has nothing
    /// committed or paid.
    fn check_amounts_follow_state(&self) -> Checked {
        let not_for = |field: &'static str, reason: &'static str| {
            Err(FieldError::new(
                field,
                FieldErrorKind::Inconsistent { reason },
            ))
        };
        use FinancingState::*;
        let reason = match self.state {
            Requested => "une ligne demandée n'a encore rien d'accordé, d'engagé ni de versé",
            Refused | Withdrawn => "une ligne refusée ou retirée ne garde que son montant demandé",
            Granted => {
                if self.committed > Amount::ZERO {
                    return not_for(
                        "committed",
                        "une ligne accordée non engagée n'a rien d'engagé",
                    );
                }
                if self.paid > Amount::ZERO {
                    return not_for("paid", "une ligne accordée non engagée n'a rien de versé");
                }
                return Ok(());
            }
            Committed | Paid => return Ok(()),
        };
        for (field, amount) in [
            ("granted", self.granted),
            ("committed", self.committed),
            ("paid", self.paid),
        ] {
            if amount > Amount::ZERO {
                return not_for(field, reason);
            }
        }
        Ok(())
    }
}

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
        self.check_amounts_follow_state()?;
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
    use super::*;

    fn line(state: FinancingState, amounts: [i64; 4]) -> FinancingLine {
        let [requested, granted, committed, paid] =
            amounts.map(|euros| Amount::from_euros(euros).unwrap());
        FinancingLine {
            operation_id: 1,
            funder_id: 1,
            fund_id: None,
            scheme: None,
            year: Some(2025),
            state,
            requested,
            granted,
            committed,
            paid,
            decision_ref: Some("CP 2025-1".into()),
            decision_on: None,
            validation: ValidationStatus::Validated,
            validation_note: None,
        }
    }

    fn refused_field(l: &FinancingLine) -> Option<String> {
        l.check().err().map(|e| e.field)
    }

    #[test]
    fn amounts_agree_with_the_state() {
        assert_eq!(refused_field(&line(Requested, [100, 0, 0, 0])), None);
        assert_eq!(refused_field(&line(Requested, [100, 0, 0, 0])), None);
        assert_eq!(
            refused_field(&line(Requested, [100, 0, 0, 0]).with_paid_only(1)),
            Some("paid".into())
        );
        assert_eq!(
            refused_field(&line(Requested, [100, 100, 0, 0])),
            Some("granted".into())
        );
        assert_eq!(refused_field(&line(Refused, [123, 0, 0, 0])), None);
        assert_eq!(
            refused_field(&line(Refused, [123, 123, 123, 123])),
            Some("granted".into())
        );
        assert_eq!(
            refused_field(&line(Withdrawn, [0, 0, 0, 0]).with_paid_only(0)),
            None
        );
        assert_eq!(
            refused_field(&line(Withdrawn, [50, 50, 0, 0])),
            Some("granted".into())
        );
        assert_eq!(refused_field(&line(Granted, [0, 100, 0, 0])), None);
        assert_eq!(
            refused_field(&line(Granted, [0, 100, 50, 0])),
            Some("committed".into())
        );
        assert_eq!(refused_field(&line(Committed, [0, 100, 80, 20])), None);
        assert_eq!(
            refused_field(&line(Committed, [0, 100, 80, 90])),
            Some("paid".into())
        );
        assert_eq!(refused_field(&line(Paid, [0, 100, 100, 100])), None);
        assert_eq!(
            refused_field(&line(Paid, [0, 100, 120, 100])),
            Some("committed".into())
        );
    }

    impl FinancingLine {
        fn with_paid_only(mut self, euros: i64) -> Self {
            self.paid = Amount::from_euros(euros).unwrap();
            self
        }
    }

    #[test]
    fn a_partly_paid_line_says_so() {
        assert_eq!(line(Paid, [0, 100, 100, 100]).state_label_fr(), "Versé");
        assert_eq!(
            line(Paid, [0, 100, 100, 40]).state_label_fr(),
            "Versé partiellement"
        );
        assert_eq!(
            line(Committed, [0, 100, 100, 40]).state_label_fr(),
            "Versé partiellement"
        );
        assert_eq!(line(Committed, [0, 100, 100, 0]).state_label_fr(), "Engagé");
        assert_eq!(line(Refused, [100, 0, 0, 0]).state_label_fr(), "Refusé");
    }

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
