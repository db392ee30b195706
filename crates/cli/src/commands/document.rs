//! `renouveau document add FILE`: registers a source document.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use renouveau_domain::Actor;
use renouveau_ingest::document::{Added, add_document};
use renouveau_store::Store;

pub async fn add(url: &str, file: &Path) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let added = add_document(&store, file, &Actor::system("document-add"))
        .await
        .with_context(|| format!("adding document {}", file.display()))?;
    store.db().close().await;
    let what = match added.added {
        Added::Created => "enregistré",
        Added::TextAttached => "déjà connu : son texte est maintenant joint",
        Added::AlreadyThere => "déjà enregistré, rien n'a changé",
    };
    println!("Document n°{} « {} » {what}.", added.id, added.title);
    Ok(ExitCode::SUCCESS)
}
