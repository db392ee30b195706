//! `renouveau init --demo`: loads the bundled ERBM programme (`data/erbm`) in one transaction.
//! Each record is remembered under a natural key, so that loading again finds it and leaves it
//! as users may have changed it; each figure points to where the source document states it.

mod files;
mod loader;
mod territories;

use std::collections::BTreeMap;

use renouveau_domain::Actor;
use renouveau_store::Store;
use renouveau_store::imports::lock_imports;

use crate::error::Result;

pub use files::{ALL as DATA_FILES, DataFile, money_cell};

/// How many records of each table the load created, and how many it found already there.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BundleReport {
    pub created: BTreeMap<&'static str, usize>,
    pub kept: BTreeMap<&'static str, usize>,
    pub figure_sources: usize,
}

impl BundleReport {
    pub fn total_created(&self) -> usize {
        self.created.values().sum()
    }

    pub fn total_kept(&self) -> usize {
        self.kept.values().sum()
    }
}

/// Loads the bundled programme into a migrated database.
pub async fn load_bundle(store: &Store, actor: &Actor) -> Result<BundleReport> {
    let mut tx = store.db().write().await?;
    lock_imports(&mut tx).await?;
    let mut loader = loader::Loader::new(&mut tx, actor);
    loader.load_all().await?;
    let report = loader.finish();
    tx.commit().await?;
    tracing::info!(
        created = report.total_created(),
        kept = report.total_kept(),
        "bundled programme loaded"
    );
    Ok(report)
}
