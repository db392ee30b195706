//! Who acts: every service call carries an actor, recorded in the audit trail and checked
//! against the rights of its role.

use serde::{Deserialize, Serialize};

use crate::vocabulary;

vocabulary! {
    /// A user's role within their organisation.
    Role {
        Admin => "admin", "Administrateur du programme";
        Editor => "editor", "Éditeur";
        Contributor => "contributor", "Contributeur";
        Reader => "reader", "Lecteur";
    }
}

impl Role {
    pub fn may_write(self) -> bool {
        !matches!(self, Role::Reader)
    }
}

/// The acting user (or the system itself, for the command line and imports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// What the audit trail shows: an e-mail address, or `system:<tool>`.
    pub label: String,
    pub organisation_id: Option<i64>,
    pub role: Role,
}

impl Actor {
    /// The application itself acting with full rights (command line, bundled data loading).
    pub fn system(tool: &str) -> Self {
        Self {
            user_id: None,
            label: format!("system:{tool}"),
            organisation_id: None,
            role: Role::Admin,
        }
    }

    pub fn user(user_id: i64, email: &str, organisation_id: i64, role: Role) -> Self {
        Self {
            user_id: Some(user_id),
            label: email.to_string(),
            organisation_id: Some(organisation_id),
            role,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}
