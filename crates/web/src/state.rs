//! What every request handler shares. Nothing here holds state that matters between requests:
//! several servers can run side by side on one PostgreSQL (the read cache checks the database's
//! data version on every use).

use renouveau_store::Store;

use crate::auth::TrustedProxy;
use crate::cache::ReadCache;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// Marks cookies `Secure` and sends `Strict-Transport-Security`: on whenever the
    /// application is served over HTTPS.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the sign-in throttle).
    pub trusted_proxies: Vec<TrustedProxy>,
    pub cache: ReadCache,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            cache: ReadCache::default(),
        }
    }
}
