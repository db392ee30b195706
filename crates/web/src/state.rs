//! What every request handler shares. Nothing here holds state that matters between requests:
//! several servers can run side by side on one PostgreSQL.

use renouveau_store::Store;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// Marks cookies `Secure`: on whenever the application is served over HTTPS.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            secure_cookies: false,
        }
    }
}
