//! How a failed command ends: a French sentence for the person, the English chain in the log.

use std::process::ExitCode;

use renouveau_ingest::IngestError;
use renouveau_store::StoreError;

use crate::commands::backup::Refusal;

pub fn report(error: &anyhow::Error) -> ExitCode {
    tracing::error!("{error:#}");
    eprintln!("Erreur : {}", message_fr(error));
    ExitCode::FAILURE
}

fn message_fr(error: &anyhow::Error) -> String {
    if let Some(refusal) = error.downcast_ref::<Refusal>() {
        return refusal.message_fr();
    }
    if let Some(ingest) = error.downcast_ref::<IngestError>() {
        return match ingest {
            IngestError::Store(store) => store_message_fr(store),
            other => other.message_fr(),
        };
    }
    if let Some(store) = error.downcast_ref::<StoreError>() {
        return store_message_fr(store);
    }
    format!("{error:#}")
}

fn store_message_fr(store: &StoreError) -> String {
    match store {
        StoreError::Database(sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut)
        | StoreError::Database(sqlx::Error::Tls(_)) => {
            "la base de données est injoignable ; vérifiez l'adresse donnée par --database \
                 ou RENOUVEAU_DATABASE_URL."
                .to_string()
        }
        StoreError::Database(sqlx::Error::Database(e)) => {
            format!("la base de données a refusé la demande ({}).", e.message())
        }
        other => other.message_fr(),
    }
}
