//! Storage and services of renouveau. [`Store`] opens a SQLite or PostgreSQL database, applies
//! the embedded migrations, and hands out one [`Records`] service per entity. Every write goes
//! through those services, which check rights and invariants and write the audit trail in the
//! same transaction.

pub mod accounts;
pub mod audit;
pub mod authz;
pub mod check;
pub mod db;
pub mod entity;
pub mod error;
pub mod folding;
pub mod imports;
mod publish;
pub mod query;
pub mod records;
pub mod refold;
pub mod row;
pub mod schema;
pub mod sign_in;
pub mod summaries;
mod tables;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db, Tx};
pub use entity::Entity;
pub use error::{Result, StoreError};
pub use query::{Filter, FilterOp, ListQuery, Page};
pub use records::{Edition, Records, ReviewState};
pub use row::Record;

/// An open, migrated database and the services over it.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
}

impl Store {
    /// Connects to `url`, applies the migrations not yet applied, seals the audit rows
    /// written before the audit trail was a hash chain and folds the search text again if it
    /// was folded differently.
    pub async fn open(url: &str) -> Result<Self> {
        Self::from_db(Db::connect(url).await?).await
    }

    pub async fn from_db(db: Db) -> Result<Self> {
        db.migrate().await?;
        audit::seal(&db).await?;
        refold::refold_if_needed(&db).await?;
        Ok(Self { db })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn records<E: Entity>(&self) -> Records<'_, E> {
        Records::new(&self.db)
    }

    /// The records as last validated (see [`Edition::Published`]).
    pub fn published<E: Entity>(&self) -> Records<'_, E> {
        self.edition(Edition::Published)
    }

    /// The records of `edition`, for reading (writes change the records themselves).
    pub fn edition<E: Entity>(&self, edition: Edition) -> Records<'_, E> {
        Records::of_edition(&self.db, edition)
    }
}
