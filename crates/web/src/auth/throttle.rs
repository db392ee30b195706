//! Slowing password guessing down: after too many failed sign-ins within a quarter of an hour,
//! further attempts for that account, or from that client address, are refused without looking
//! at the password. The failures are counted in the database, which every server shares.

use chrono::{Duration, Utc};
use renouveau_store::accounts::{self, normalise_email};
use renouveau_store::{Result, Store};

use super::ClientAddress;

/// How far back failures count.
pub const WINDOW: Duration = Duration::minutes(15);

/// Failures on one account within [`WINDOW`] after which the account refuses attempts.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;

/// Failures from one address within [`WINDOW`] after which it may not try any account. Higher
/// than per account: the staff of a whole town hall may share one address.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;

/// Why an attempt is refused before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Account,
    Address,
}

impl Refusal {
    pub fn message_fr(self) -> &'static str {
        match self {
            Self::Account => {
                "Trop de tentatives de connexion infructueuses pour ce compte : il est bloqué \
                 pendant 15 minutes. Réessayez plus tard."
            }
            Self::Address => {
                "Trop de tentatives de connexion infructueuses depuis votre adresse : réessayez \
                 dans 15 minutes."
            }
        }
    }

    /// For the `Retry-After` header: the longest wait, the whole window.
    pub fn retry_after_seconds(self) -> i64 {
        WINDOW.num_seconds()
    }
}

/// The key failures are counted under for the address typed: the stored form of an e-mail
/// address, so that case and spaces do not make new accounts to try.
pub fn account_key(email: &str) -> String {
    normalise_email(email)
        .unwrap_or_else(|_| email.trim().to_lowercase().chars().take(254).collect())
}

pub async fn refusal(
    store: &Store,
    account: &str,
    client: &ClientAddress,
) -> Result<Option<Refusal>> {
    let failures =
        accounts::sign_in_failures_since(store.db(), account, &client.0, Utc::now() - WINDOW)
            .await?;
    Ok(if failures.account >= MAX_FAILURES_PER_ACCOUNT {
        Some(Refusal::Account)
    } else if failures.client_address >= MAX_FAILURES_PER_ADDRESS {
        Some(Refusal::Address)
    } else {
        None
    })
}

pub async fn record_failure(store: &Store, account: &str, client: &ClientAddress) -> Result<()> {
    accounts::record_sign_in_failure(store.db(), account, &client.0, Utc::now() - WINDOW).await
}

/// A successful sign-in forgets the account's failures (not the address's).
pub async fn forget_failures(store: &Store, account: &str) -> Result<()> {
    accounts::clear_sign_in_failures(store.db(), account).await
}
