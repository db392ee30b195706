//! What sign-in throttling keeps in the database, which every server shares: failed attempts
//! (per account, client address and known device) and the browsers where an account signed in
//! before. The policy, how many failures refuse what, is the caller's: [`reserve_attempt`]
//! counts under a lock, lets the caller decide, and records the attempt before its password is
//! checked, so that concurrent attempts cannot all pass on the same count.

use chrono::{DateTime, Utc};

use crate::accounts::insert_returning_id;
use crate::db::{Backend, ColumnKind, Db, SqlValue, Tx, now};
use crate::error::Result;

/// Where an attempt comes from. `account` is the address typed, as
/// [`crate::accounts::normalise_email`] leaves it; `device` a browser the account signed in
/// from before ([`known_device`]).
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub account: &'a str,
    pub client_address: &'a str,
    pub device: Option<i64>,
}

/// Failures counted since some time, the attempt under way excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecentFailures {
    /// On the account, from anywhere.
    pub account: i64,
    /// The last of those.
    pub account_last: Option<DateTime<Utc>>,
    /// On the account from this client address.
    pub account_from_address: i64,
    /// From this client address, on any account.
    pub client_address: i64,
    /// From this known device (0 without one).
    pub device: i64,
}

/// An attempt let through and counted as failed until [`attempt_succeeded`] says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReservedAttempt(i64);

/// Counts the recent failures of `attempt` since `since` and asks `refuse` whether to refuse it.
/// If not, the attempt is recorded as a failure before this returns. Attempts on one account,
/// or from one address, take turns here (the write lock on SQLite, advisory locks on
/// PostgreSQL). Failures older than `since` are forgotten.
pub async fn reserve_attempt<R>(
    db: &Db,
    attempt: Attempt<'_>,
    since: DateTime<Utc>,
    refuse: impl FnOnce(&RecentFailures) -> Option<R>,
) -> Result<std::result::Result<ReservedAttempt, R>> {
    let mut tx = db.write().await?;
    if tx.backend() == Backend::Postgres {
        // Account first, then address, in every transaction: no two can wait on each other.
        for key in [
            format!("sign-in account {}", attempt.account),
            format!("sign-in address {}", attempt.client_address),
        ] {
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                &[key.into()],
            )
            .await?;
        }
    }
    tx.execute(
        "DELETE FROM sign_in_failure WHERE failed_at < $1",
        &[since.into()],
    )
    .await?;
    let failures = recent_failures(&mut tx, attempt, since).await?;
    if let Some(refusal) = refuse(&failures) {
        tx.commit().await?;
        return Ok(Err(refusal));
    }
    let id = insert_returning_id(
        &mut tx,
        "INSERT INTO sign_in_failure (account, client_address, device_id, failed_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
        &[
            attempt.account.into(),
            attempt.client_address.into(),
            attempt
                .device
                .map_or(SqlValue::Null(ColumnKind::Int), Into::into),
            now().into(),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(ReservedAttempt(id)))
}

async fn recent_failures(
    tx: &mut Tx,
    attempt: Attempt<'_>,
    since: DateTime<Utc>,
) -> Result<RecentFailures> {
    let account_row = tx
        .fetch_optional(
            "SELECT COUNT(*), MAX(failed_at) FROM sign_in_failure \
             WHERE account = $1 AND failed_at >= $2",
            &[attempt.account.into(), since.into()],
            &[ColumnKind::Int, ColumnKind::Timestamp],
        )
        .await?
        .unwrap_or_default();
    let account_last = match account_row.get(1) {
        Some(SqlValue::Timestamp(at)) => Some(*at),
        _ => None,
    };
    let account_from_address = tx
        .fetch_count(
            "SELECT COUNT(*) FROM sign_in_failure \
             WHERE account = $1 AND client_address = $2 AND failed_at >= $3",
            &[
                attempt.account.into(),
                attempt.client_address.into(),
                since.into(),
            ],
        )
        .await?;
    let client_address = tx
        .fetch_count(
            "SELECT COUNT(*) FROM sign_in_failure WHERE client_address = $1 AND failed_at >= $2",
            &[attempt.client_address.into(), since.into()],
        )
        .await?;
    let device = match attempt.device {
        Some(device) => {
            tx.fetch_count(
                "SELECT COUNT(*) FROM sign_in_failure WHERE device_id = $1 AND failed_at >= $2",
                &[device.into(), since.into()],
            )
            .await?
        }
        None => 0,
    };
    Ok(RecentFailures {
        account: account_row.first().and_then(SqlValue::as_i64).unwrap_or(0),
        account_last,
        account_from_address,
        client_address,
        device,
    })
}

/// The attempt's password was right: it and the account's earlier failures are forgotten (the
/// address's failures on other accounts still count).
pub async fn attempt_succeeded(db: &Db, attempt: ReservedAttempt, account: &str) -> Result<()> {
    let mut tx = db.write().await?;
    tx.execute(
        "DELETE FROM sign_in_failure WHERE id = $1 OR account = $2",
        &[attempt.0.into(), account.into()],
    )
    .await?;
    tx.commit().await
}

/// The known device of `user_id` whose token hashes to `token_hash`, if it was used since
/// `used_since`.
pub async fn known_device(
    db: &Db,
    user_id: i64,
    token_hash: &str,
    used_since: DateTime<Utc>,
) -> Result<Option<i64>> {
    let mut tx = db.read().await?;
    let row = tx
        .fetch_optional(
            "SELECT id FROM known_device \
             WHERE user_id = $1 AND token_hash = $2 AND last_used_at >= $3",
            &[user_id.into(), token_hash.into(), used_since.into()],
            &[ColumnKind::Int],
        )
        .await?;
    Ok(row.and_then(|r| r.first().and_then(SqlValue::as_i64)))
}

/// Remembers that `user_id` signed in from the browser holding the device token that hashes to
/// `token_hash` (again: the device's last use moves to now).
pub async fn remember_device(db: &Db, user_id: i64, token_hash: &str) -> Result<()> {
    let at = now();
    let mut tx = db.write().await?;
    tx.execute(
        "INSERT INTO known_device (user_id, token_hash, created_at, last_used_at) \
         VALUES ($1, $2, $3, $3) \
         ON CONFLICT (user_id, token_hash) DO UPDATE SET last_used_at = excluded.last_used_at",
        &[user_id.into(), token_hash.into(), at.into()],
    )
    .await?;
    tx.commit().await
}
