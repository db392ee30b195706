//! Operations: what is done on the territory, by whom, for which actions, through which stages.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Checked, FieldError, FieldErrorKind, require_ordered, require_text};
use crate::invariants::{Invariants, TEXT_MAX, TITLE_MAX};
use crate::money::Amount;
use crate::review::{ValidationStatus, check_review};
use crate::vocabulary;

vocabulary! {
    /// What an operation builds or runs.
    OperationKind {
        HousingRenovation => "housing_renovation", "Réhabilitation de logements";
        PublicSpace => "public_space", "Requalification d'espaces publics";
        PublicFacility => "public_facility", "Équipement public";
        Energy => "energy", "Énergie et réseaux de chaleur";
        Mobility => "mobility", "Mobilité";
        Employment => "employment", "Emploi, formation et insertion";
        Health => "health", "Santé";
        Heritage => "heritage", "Patrimoine et culture";
        Brownfield => "brownfield", "Friche et reconversion";
        Study => "study", "Étude";
        Other => "other", "Autre";
    }
}

vocabulary! {
    /// Where an operation stands. The five stages follow one another; an operation may be
    /// suspended at any stage before delivery, and abandoned at any time before delivery.
    OperationStatus {
        Idea => "idea", "Idée";
        Study => "study", "Études";
        Programmed => "programmed", "Programmée";
        Works => "works", "Travaux";
        Delivered => "delivered", "Livrée";
        Suspended => "suspended", "Suspendue";
        Abandoned => "abandoned", "Abandonnée";
    }
}

impl OperationStatus {
    /// Rank of a stage in the lifecycle; `None` for suspended and abandoned.
    fn stage(self) -> Option<u8> {
        match self {
            Self::Idea => Some(0),
            Self::Study => Some(1),
            Self::Programmed => Some(2),
            Self::Works => Some(3),
            Self::Delivered => Some(4),
            Self::Suspended | Self::Abandoned => None,
        }
    }

    /// Whether an operation may move from `self` to `to`. Stages only move forward (skipping is
    /// allowed: the programme records operations it learns of late); a suspended operation
    /// resumes at any stage before delivery; delivered and abandoned are final.
    pub fn may_become(self, to: Self) -> bool {
        use OperationStatus::*;
        if self == to {
            return true;
        }
        match (self, to) {
            (Delivered | Abandoned, _) => false,
            (_, Abandoned) => true,
            (Suspended, Delivered) => false,
            (Suspended, _) => true,
            (_, Suspended) => true,
            (from, to) => from.stage() < to.stage(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub programme_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub kind: OperationKind,
    /// The maître d'ouvrage; `None` when no source names it, and then only administrators
    /// may change the operation.
    pub owner_id: Option<i64>,
    pub territory_id: Option<i64>,
    pub status: OperationStatus,
    pub cost_ht: Option<Amount>,
    pub cost_ttc: Option<Amount>,
    pub start_on: Option<NaiveDate>,
    pub end_on: Option<NaiveDate>,
    /// Declared by a partner, validated or returned by the programme team.
    #[serde(default = "ValidationStatus::by_default")]
    pub validation: ValidationStatus,
    /// The programme team's comment when it returns the record.
    #[serde(default)]
    pub validation_note: Option<String>,
}

crate::review::reviewed!(Operation, validation);

impl Invariants for Operation {
    fn check(&self) -> Checked {
        check_review(self.validation, self.validation_note.as_deref())?;
        require_text("title", &self.title, TITLE_MAX)?;
        if let Some(d) = &self.description {
            require_text("description", d, TEXT_MAX)?;
        }
        if let (Some(ht), Some(ttc)) = (self.cost_ht, self.cost_ttc)
            && ht > ttc
        {
            return Err(FieldError::new(
                "cost_ht",
                FieldErrorKind::Exceeds {
                    other_field: "cost_ttc",
                },
            ));
        }
        require_ordered("start_on", self.start_on, "end_on", self.end_on)
    }

    fn check_change(&self, before: &Self) -> Checked {
        if before.status.may_become(self.status) {
            Ok(())
        } else {
            Err(FieldError::new(
                "status",
                FieldErrorKind::TransitionNotAllowed {
                    from: before.status.label_fr().into(),
                    to: self.status.label_fr().into(),
                },
            ))
        }
    }
}

/// An operation serving an action (or any node) of a convention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationAction {
    pub operation_id: i64,
    pub node_id: i64,
}

impl Invariants for OperationAction {}

/// A dated step of an operation: planned, then done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub operation_id: i64,
    pub label: String,
    pub planned_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

impl Invariants for Milestone {
    fn check(&self) -> Checked {
        require_text("label", &self.label, TITLE_MAX)?;
        if self.planned_on.is_none() && self.done_on.is_none() {
            return Err(FieldError::new("planned_on", FieldErrorKind::Required));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::OperationStatus::*;

    #[test]
    fn lifecycle_moves_forward_only() {
        assert!(Idea.may_become(Works));
        assert!(Works.may_become(Delivered));
        assert!(!Works.may_become(Study));
        assert!(!Delivered.may_become(Works));
        assert!(!Abandoned.may_become(Idea));
        assert!(Works.may_become(Suspended));
        assert!(Suspended.may_become(Study));
        assert!(!Suspended.may_become(Delivered));
        assert!(Study.may_become(Abandoned));
        assert!(!Delivered.may_become(Abandoned));
    }
}
