//! Programmes, their conventions (versioned by amendments), signatories and the tree of axes,
//! objectives and actions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Checked, require_ordered, require_text};
use crate::invariants::{Invariants, TEXT_MAX, TITLE_MAX};
use crate::vocabulary;

/// A multi-partner territorial programme (ERBM 2017-2027, a CRTE, a contrat de ville...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Programme {
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
}

impl Invariants for Programme {
    fn check(&self) -> Checked {
        require_text("code", &self.code, 40)?;
        require_text("name", &self.name, TITLE_MAX)?;
        require_ordered("start_on", Some(self.start_on), "end_on", Some(self.end_on))
    }
}

vocabulary! {
    /// What a convention is in the life of a programme.
    ConventionKind {
        Engagement => "engagement", "Engagement";
        Implementation => "implementation", "Convention de mise en œuvre";
        Amendment => "amendment", "Avenant";
    }
}

/// A convention of a programme. An amendment points to the convention it amends and carries the
/// next version number of the tree and the targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Convention {
    pub programme_id: i64,
    pub code: String,
    pub title: String,
    pub kind: ConventionKind,
    pub amends_id: Option<i64>,
    pub version_number: i64,
    pub signed_on: Option<NaiveDate>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
}

impl Invariants for Convention {
    fn check(&self) -> Checked {
        require_text("code", &self.code, 40)?;
        require_text("title", &self.title, TITLE_MAX)?;
        require_ordered("start_on", Some(self.start_on), "end_on", Some(self.end_on))?;
        if self.version_number < 1 {
            return Err(crate::FieldError::new(
                "version_number",
                crate::FieldErrorKind::Negative,
            ));
        }
        let is_amendment = self.kind == ConventionKind::Amendment;
        if is_amendment != self.amends_id.is_some() {
            return Err(crate::FieldError::new(
                "amends_id",
                crate::FieldErrorKind::Inconsistent {
                    reason: "un avenant, et lui seul, modifie une convention",
                },
            ));
        }
        Ok(())
    }
}

/// A partner's signature of a convention, authorised by its council's deliberation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConventionSignatory {
    pub convention_id: i64,
    pub organisation_id: i64,
    pub representative: Option<String>,
    pub representative_title: Option<String>,
    pub deliberation_id: Option<i64>,
    pub signed_on: Option<NaiveDate>,
}

impl Invariants for ConventionSignatory {}

vocabulary! {
    /// The level of a node in a convention's tree.
    NodeKind {
        Axis => "axis", "Axe";
        Objective => "objective", "Objectif";
        Action => "action", "Action";
    }
}

/// A node of a convention's tree: axis → objective → action, to any depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConventionNode {
    pub convention_id: i64,
    pub parent_id: Option<i64>,
    pub kind: NodeKind,
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub position: i64,
}

impl Invariants for ConventionNode {
    fn check(&self) -> Checked {
        require_text("code", &self.code, 40)?;
        require_text("title", &self.title, TITLE_MAX)?;
        if let Some(d) = &self.description {
            require_text("description", d, TEXT_MAX)?;
        }
        if self.parent_id.is_none() && self.kind != NodeKind::Axis {
            return Err(crate::FieldError::new(
                "parent_id",
                crate::FieldErrorKind::Inconsistent {
                    reason: "seul un axe est à la racine",
                },
            ));
        }
        Ok(())
    }
}

/// A partner leading a node of a convention (chef de file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeLead {
    pub node_id: i64,
    pub organisation_id: i64,
}

impl Invariants for NodeLead {}
