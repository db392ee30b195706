//! Figures computed from many records, kept between requests for as long as nothing is written.
//!
//! Every lookup first reads the database's data version (the last audit row, one cheap query)
//! and keys the entry by it: a write anywhere, by this server or another one on the same
//! database, makes every older entry unreachable. Nothing kept here can be stale, so servers
//! still share no state that matters.

use std::any::{Any, TypeId};
use std::future::Future;
use std::sync::Arc;

use renouveau_store::{Db, summaries};

use crate::error::WebError;

/// (data version, the type of what was computed, its parameters).
type Key = (i64, TypeId, String);
type Value = Arc<dyn Any + Send + Sync>;

/// Entries kept across all pages; old versions fall out as new ones come in.
const CAPACITY: usize = 512;

#[derive(Clone)]
pub struct ReadCache {
    entries: Arc<quick_cache::sync::Cache<Key, Value>>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl Default for ReadCache {
    fn default() -> Self {
        Self {
            entries: Arc::new(quick_cache::sync::Cache::new(CAPACITY)),
        }
    }
}

impl ReadCache {
    /// What `compute` gives for `parameters` at the current data version, computed once per
    /// version even when many requests ask at the same time. `T` tells the pages apart.
    pub async fn get_or_compute<T, F>(
        &self,
        db: &Db,
        parameters: String,
        compute: F,
    ) -> Result<Arc<T>, WebError>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Result<T, WebError>>,
    {
        let version = summaries::data_version(db).await?;
        let key = (version, TypeId::of::<T>(), parameters);
        let value = self
            .entries
            .get_or_insert_async(&key, async {
                Ok::<Value, WebError>(Arc::new(compute.await?))
            })
            .await?;
        Ok(value
            .downcast::<T>()
            .expect("the key holds the type of the value"))
    }
}
