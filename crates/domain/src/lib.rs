//! The domain of renouveau: what a multi-partner territorial programme is made of, as types that
//! can only hold valid values, and the rules records keep. No I/O here.

pub mod actor;
pub mod calendar;
pub mod codes;
pub mod document;
pub mod error;
pub mod facets;
pub mod financing;
pub mod governance;
pub mod indicator;
pub mod invariants;
pub mod money;
pub mod names;
pub mod operation;
pub mod organisation;
pub mod programme;
pub mod review;
pub mod territory;
mod vocabulary;

pub use actor::{Actor, Role};
pub use codes::{InseeCode, Siren, Siret};
pub use document::{Document, DocumentKind};
pub use error::{FieldError, FieldErrorKind};
pub use facets::{HousingFacet, InsertionFacet};
pub use financing::{FinancingLine, FinancingState, Fund, FundContribution};
pub use governance::{
    BodyKind, Decision, Deliberation, FollowUpAction, FollowUpStatus, GovernanceBody, Meeting,
};
pub use indicator::{Aggregation, Direction, Indicator, Observation, Target};
pub use invariants::Invariants;
pub use money::{Amount, Total};
pub use operation::{Milestone, Operation, OperationAction, OperationKind, OperationStatus};
pub use organisation::{Organisation, OrganisationKind, OrganisationRole, RoleSet};
pub use programme::{
    Convention, ConventionKind, ConventionNode, ConventionSignatory, NodeKind, NodeLead, Programme,
};
pub use review::{Reviewed, ValidationStatus};
pub use territory::{Territory, TerritoryLevel};
