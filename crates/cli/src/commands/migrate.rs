//! `renouveau migrate`: brings the schema up to date, search text included; running it again
//! does nothing.

use std::process::ExitCode;

use anyhow::Context;
use renouveau_store::Db;

pub async fn run(url: &str) -> anyhow::Result<ExitCode> {
    let db = Db::connect(url)
        .await
        .context("connecting to the database")?;
    let applied = db.migrate().await.context("applying migrations")?;
    renouveau_store::refold::refold_if_needed(&db)
        .await
        .context("folding the search text")?;
    let total = db.applied_migrations().await?;
    db.close().await;
    if applied == 0 {
        println!("Schéma à jour : {total} migration(s) déjà appliquée(s), rien à faire.");
    } else {
        println!("{applied} migration(s) appliquée(s) ; le schéma compte {total} migration(s).");
    }
    Ok(ExitCode::SUCCESS)
}
