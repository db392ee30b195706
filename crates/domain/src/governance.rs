//! Governance: bodies, meetings, decisions and their follow-up, council deliberations.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Checked, FieldError, FieldErrorKind, require_non_negative, require_text};
use crate::invariants::{Invariants, TEXT_MAX, TITLE_MAX};
use crate::vocabulary;

vocabulary! {
    BodyKind {
        SteeringCommittee => "steering_committee", "Comité de pilotage";
        WorkingGroup => "working_group", "Groupe de travail";
        Council => "council", "Assemblée délibérante";
        StandingCommittee => "standing_committee", "Commission permanente";
        Other => "other", "Autre";
    }
}

/// A body that meets and decides: the steering committee, a working group, a council.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GovernanceBody {
    pub programme_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub kind: BodyKind,
    pub name: String,
    /// How many times a year the body is expected to meet, when the programme says so.
    pub meetings_per_year: Option<i64>,
}

impl Invariants for GovernanceBody {
    fn check(&self) -> Checked {
        require_text("name", &self.name, TITLE_MAX)?;
        if let Some(n) = self.meetings_per_year {
            require_non_negative("meetings_per_year", n)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    pub body_id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub attendance: Option<String>,
    pub agenda: Option<String>,
}

impl Invariants for Meeting {
    fn check(&self) -> Checked {
        require_text("title", &self.title, TITLE_MAX)?;
        for (field, text) in [("attendance", &self.attendance), ("agenda", &self.agenda)] {
            if let Some(t) = text {
                require_text(field, t, TEXT_MAX)?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub meeting_id: Option<i64>,
    pub decided_on: NaiveDate,
    pub title: String,
    pub text: Option<String>,
}

impl Invariants for Decision {
    fn check(&self) -> Checked {
        require_text("title", &self.title, TITLE_MAX)?;
        if let Some(t) = &self.text {
            require_text("text", t, TEXT_MAX)?;
        }
        Ok(())
    }
}

vocabulary! {
    FollowUpStatus {
        Open => "open", "À faire";
        InProgress => "in_progress", "En cours";
        Done => "done", "Fait";
        Cancelled => "cancelled", "Annulé";
    }
}

/// An action a decision asks for, with its owner and due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpAction {
    pub decision_id: i64,
    pub owner_id: Option<i64>,
    pub operation_id: Option<i64>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub status: FollowUpStatus,
}

impl Invariants for FollowUpAction {
    fn check(&self) -> Checked {
        require_text("title", &self.title, TITLE_MAX)
    }
}

/// A council's formal decision, with its attendance and vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deliberation {
    pub body_id: i64,
    pub number: String,
    pub decided_on: NaiveDate,
    pub title: String,
    pub report_number: Option<String>,
    pub committee_opinion: Option<String>,
    pub members_present: i64,
    pub members_excused: i64,
    pub proxies: i64,
    pub votes_for: i64,
    pub votes_against: i64,
    pub abstentions: i64,
    pub adopted: bool,
    /// The convention whose signature this deliberation authorises, if any.
    pub convention_id: Option<i64>,
    pub document_id: Option<i64>,
    /// Who presided the sitting, as the deliberation names them.
    pub president: Option<String>,
    pub secretary: Option<String>,
    /// Where the deliberation was signed (« Arras, le 23 juin 2025 »).
    pub place: Option<String>,
}

impl Invariants for Deliberation {
    fn check(&self) -> Checked {
        require_text("number", &self.number, 40)?;
        require_text("title", &self.title, TITLE_MAX)?;
        for (field, text) in [
            ("president", &self.president),
            ("secretary", &self.secretary),
            ("place", &self.place),
        ] {
            if let Some(text) = text {
                require_text(field, text, TITLE_MAX)?;
            }
        }
        for (field, n) in [
            ("members_present", self.members_present),
            ("members_excused", self.members_excused),
            ("proxies", self.proxies),
            ("votes_for", self.votes_for),
            ("votes_against", self.votes_against),
            ("abstentions", self.abstentions),
        ] {
            require_non_negative(field, n)?;
        }
        let votes = self.votes_for + self.votes_against + self.abstentions;
        if self.members_present > 0 && votes > self.members_present + self.proxies {
            return Err(FieldError::new(
                "votes_for",
                FieldErrorKind::Inconsistent {
                    reason: "plus de voix que de membres présents et de pouvoirs",
                },
            ));
        }
        // All-zero votes mean the vote was not recorded (older deliberations cited by later ones).
        if self.adopted && votes > 0 && self.votes_for <= self.votes_against {
            return Err(FieldError::new(
                "adopted",
                FieldErrorKind::Inconsistent {
                    reason: "adoptée sans majorité de voix pour",
                },
            ));
        }
        Ok(())
    }
}
