//! Errors of the storage and service layer: typed for callers, French for users, English in logs.

use renouveau_domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("{table} {id} not found")]
    NotFound { table: &'static str, id: i64 },
    #[error("{table} {id} changed since it was read: version {expected} expected, {actual} found")]
    Conflict {
        table: &'static str,
        id: i64,
        expected: i64,
        actual: i64,
    },
    #[error("{actor} may not {action} in {table}")]
    Forbidden {
        actor: String,
        action: &'static str,
        table: &'static str,
    },
    #[error("unsupported database URL `{0}`: expected sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("stored {table} {id} cannot be read: {reason}")]
    Corrupt {
        table: &'static str,
        id: i64,
        reason: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// The message shown to a French-speaking user.
    pub fn message_fr(&self) -> String {
        match self {
            Self::Invalid(e) => e.message_fr(),
            Self::NotFound { table, id } => {
                format!("{} n°{id} introuvable.", table_label_fr(table))
            }
            Self::Conflict { .. } => {
                "Cet enregistrement a été modifié entre-temps par quelqu'un d'autre : \
                 rechargez-le avant de le modifier."
                    .into()
            }
            Self::Forbidden { .. } => {
                "Vous n'avez pas le droit de faire cette modification.".into()
            }
            Self::UnsupportedUrl(url) => format!(
                "Adresse de base de données non reconnue\u{a0}: «\u{a0}{url}\u{a0}» (attendu\u{a0}: sqlite://CHEMIN ou postgres://...)."
            ),
            Self::Corrupt { table, id, .. } => format!(
                "{} n°{id} est illisible dans la base\u{a0}: lancez «\u{a0}renouveau check\u{a0}».",
                table_label_fr(table)
            ),
            Self::Database(_) | Self::Migration(_) => {
                "La base de données a rencontré une erreur\u{a0}; l'opération n'a pas été enregistrée."
                    .into()
            }
        }
    }

    /// The field at fault, when the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid(e) => Some(&e.field),
            _ => None,
        }
    }
}

/// The French name of a table, for messages.
pub fn table_label_fr(table: &str) -> &'static str {
    match table {
        "programme" => "Programme",
        "organisation" => "Organisation",
        "document" => "Document",
        "territory" => "Territoire",
        "convention" => "Convention",
        "convention_node" => "Axe, objectif ou action",
        "node_lead" => "Chef de file",
        "app_user" => "Utilisateur",
        "convention_signatory" => "Signataire",
        "governance_body" => "Instance",
        "deliberation" => "Délibération",
        "fund" => "Fonds",
        "fund_contribution" => "Contribution à un fonds",
        "operation" => "Opération",
        "operation_action" => "Rattachement d'opération",
        "milestone" => "Jalon",
        "financing_line" => "Ligne de financement",
        "housing_facet" => "Volet logement",
        "insertion_facet" => "Volet insertion",
        "indicator" => "Indicateur",
        "target" => "Cible",
        "observation" => "Valeur d'indicateur",
        "meeting" => "Réunion",
        "decision" => "Décision",
        "follow_up_action" => "Action de suivi",
        _ => "Enregistrement",
    }
}
