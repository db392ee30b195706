//! `renouveau territory import [DIR]`: the territory open data, the bundled copy or DIR;
//! re-running updates.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use renouveau_domain::Actor;
use renouveau_ingest::territory::{TerritorySource, import_territory};
use renouveau_store::Store;

pub async fn run(url: &str, dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let source = dir.map_or(TerritorySource::Bundled, TerritorySource::Folder);
    import_and_report(&store, source).await?;
    store.db().close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn import_and_report(store: &Store, source: TerritorySource<'_>) -> anyhow::Result<()> {
    let report = import_territory(store, source, &Actor::system("territory-import"))
        .await
        .with_context(|| format!("importing the territory from {source}"))?;
    println!(
        "Territoire importé : {} commune(s), {} EPCI, {} cité(s), {} zone(s), {} contour(s) ; \
         {} créé(s), {} mis à jour, {} inchangé(s).",
        report.communes,
        report.epcis,
        report.cites,
        report.zones,
        report.shapes,
        report.created,
        report.updated,
        report.unchanged
    );
    if !report.unplaced_cites.is_empty() {
        println!(
            "{} cité(s) non rattachée(s) à une commune, non importée(s) :",
            report.unplaced_cites.len()
        );
        for cite in &report.unplaced_cites {
            println!("- {cite}");
        }
    }
    Ok(())
}
