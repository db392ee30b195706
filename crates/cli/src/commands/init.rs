//! `renouveau init [--demo] [--territory DIR]`: migrates, then loads the bundled programme and
//! the territory open data (the bundled copy, or DIR). Running it again changes nothing.

use std::process::ExitCode;

use anyhow::Context;
use renouveau_domain::Actor;
use renouveau_ingest::bundle::load_bundle;
use renouveau_ingest::territory::TerritorySource;
use renouveau_store::Store;

use crate::args::DemoArgs;
use crate::commands::territory::import_and_report;

pub async fn run(url: &str, demo: &DemoArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    prepare(&store, demo).await?;
    store.db().close().await;
    Ok(ExitCode::SUCCESS)
}

/// Loads what `demo` asks for into an open, migrated store.
pub async fn prepare(store: &Store, demo: &DemoArgs) -> anyhow::Result<()> {
    if demo.demo {
        let report = load_bundle(store, &Actor::system("init"))
            .await
            .context("loading the bundled programme")?;
        if report.total_created() == 0 {
            println!(
                "Programme ERBM déjà chargé : {} enregistrement(s) trouvé(s), rien n'a changé.",
                report.total_kept()
            );
        } else {
            println!(
                "Programme ERBM chargé : {} enregistrement(s) créé(s), {} déjà présent(s), {} chiffre(s) sourcé(s).",
                report.total_created(),
                report.total_kept(),
                report.figure_sources
            );
        }
    }
    let territory = match &demo.territory {
        Some(dir) => Some(TerritorySource::Folder(dir)),
        None if demo.demo => Some(TerritorySource::Bundled),
        None => None,
    };
    if let Some(source) = territory {
        import_and_report(store, source).await?;
    }
    Ok(())
}
