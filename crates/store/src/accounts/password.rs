//! Passwords: a user changes their own (the caller checks the current one and hashes the new
//! one), and an administrator hands out one-time reset links. A reset link is a random token
//! stored hashed with its expiry; it ends when it is used, when a newer one is made for the
//! same user, when the user signs in (they know their password), when their password changes
//! otherwise, and when the account is disabled. An ended link has its expiry set to the moment
//! it ended, so that the purge deletes it. Setting a password through a link closes every
//! session of the user; changing one's own closes every other session.

use chrono::{DateTime, Utc};
use renouveau_domain::{Actor, FieldError, FieldErrorKind};
use serde::Serialize;

use super::admin::{read_user, user_to_change, write_change};
use super::{USER_COLUMNS, USER_KINDS, User, close_sessions_of, decode_user, insert_returning_id};
use crate::audit::{self, AuditAction, Change};
use crate::authz::{WriteAction, authorize_admin};
use crate::db::{ColumnKind, Db, SqlValue, Tx, now};
use crate::error::{Result, StoreError};

/// A reset link as the audit trail keeps it: never its token nor the token's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PasswordReset {
    pub id: i64,
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Records a reset link for user `id`, valid until `expires_at`; the links made before it for
/// the same user end. Only administrators may, and only for an enabled account.
pub async fn create_password_reset(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<PasswordReset> {
    authorize_admin(actor, WriteAction::Create, "password_reset")?;
    let mut tx = db.write().await?;
    let user = read_user(&mut tx, user_id, true)
        .await?
        .ok_or(StoreError::NotFound {
            table: "app_user",
            id: user_id,
        })?;
    if user.disabled {
        return Err(FieldError::new(
            "disabled",
            FieldErrorKind::Inconsistent {
                reason: "le compte est désactivé : réactivez-le d'abord",
            },
        )
        .into());
    }
    let at = now();
    end_pending_resets(&mut tx, user_id, at).await?;
    let id = insert_returning_id(
        &mut tx,
        "INSERT INTO password_reset (token_hash, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
        &[
            token_hash.into(),
            user_id.into(),
            at.into(),
            expires_at.into(),
        ],
    )
    .await?;
    let reset = PasswordReset {
        id,
        user_id,
        created_at: at,
        expires_at,
    };
    audit::write(
        &mut tx,
        Change {
            action: AuditAction::Create,
            entity: "password_reset",
            record_id: id,
            record_version: 1,
            at,
            before: None,
            after: serde_json::to_string(&reset).unwrap_or_default(),
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(reset)
}

/// Ends the live reset links of a user, inside the caller's transaction.
pub(crate) async fn end_pending_resets(tx: &mut Tx, user_id: i64, at: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE password_reset SET expires_at = $1 \
         WHERE user_id = $2 AND used_at IS NULL AND expires_at > $1",
        &[at.into(), user_id.into()],
    )
    .await?;
    Ok(())
}

/// The SQL that finds the live link with hash `$1` at `$2` and its enabled user.
fn live_reset_sql(for_update: bool) -> String {
    format!(
        "SELECT {USER_COLUMNS}, password_reset.id FROM password_reset \
         JOIN app_user ON app_user.id = password_reset.user_id \
         WHERE password_reset.token_hash = $1 AND password_reset.used_at IS NULL \
         AND password_reset.expires_at > $2 AND app_user.disabled_at IS NULL{}",
        if for_update { " FOR UPDATE" } else { "" }
    )
}

fn reset_kinds() -> Vec<ColumnKind> {
    let mut kinds = USER_KINDS.to_vec();
    kinds.push(ColumnKind::Int);
    kinds
}

/// The user a live reset link is for; None when the link is unknown, used, ended or expired,
/// or the account disabled.
pub async fn password_reset_user(db: &Db, token_hash: &str) -> Result<Option<User>> {
    let mut tx = db.read().await?;
    let row = tx
        .fetch_optional(
            &live_reset_sql(false),
            &[token_hash.into(), now().into()],
            &reset_kinds(),
        )
        .await?;
    row.map(|r| decode_user(&r)).transpose()
}

/// Sets the password of the user a live reset link is for, and ends the link and every session
/// of the user. None when the link does not act (see [`password_reset_user`]): a link works
/// once, even when two requests use it at the same moment.
pub async fn use_password_reset(
    db: &Db,
    token_hash: &str,
    password_hash: &str,
) -> Result<Option<User>> {
    let at = now();
    let mut tx = db.write().await?;
    let for_update = tx.backend() == crate::Backend::Postgres;
    let row = tx
        .fetch_optional(
            &live_reset_sql(for_update),
            &[token_hash.into(), at.into()],
            &reset_kinds(),
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let user = decode_user(&row)?;
    let reset_id = row.get(USER_KINDS.len()).and_then(SqlValue::as_i64);
    let used = tx
        .execute(
            "UPDATE password_reset SET used_at = $1, expires_at = $1 \
             WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
            &[at.into(), reset_id.into()],
        )
        .await?;
    if used != 1 {
        return Ok(None);
    }
    let before = user_to_change(&mut tx, user.id, None).await?;
    let actor = before.actor();
    let after = set_password_in(&mut tx, &actor, &before, password_hash, None, at).await?;
    tx.commit().await?;
    Ok(Some(after))
}

/// Sets the password of the user `actor` is, who read their account at `expected_version` and
/// checked their current password. Their other sessions end (`keep` is the hash of the one
/// they use, if any) and so do their pending reset links.
pub async fn change_own_password(
    db: &Db,
    actor: &Actor,
    expected_version: i64,
    password_hash: &str,
    keep: Option<&str>,
) -> Result<User> {
    let forbidden = || StoreError::Forbidden {
        actor: actor.label.clone(),
        action: "change the password",
        table: "app_user",
    };
    let user_id = actor.user_id.ok_or_else(forbidden)?;
    let at = now();
    let mut tx = db.write().await?;
    let before = user_to_change(&mut tx, user_id, Some(expected_version)).await?;
    if before.disabled {
        return Err(forbidden());
    }
    let after = set_password_in(&mut tx, actor, &before, password_hash, keep, at).await?;
    tx.commit().await?;
    Ok(after)
}

async fn set_password_in(
    tx: &mut Tx,
    actor: &Actor,
    before: &User,
    password_hash: &str,
    keep: Option<&str>,
    at: DateTime<Utc>,
) -> Result<User> {
    let after = User {
        password_hash: Some(password_hash.to_string()),
        password_changed_at: Some(at),
        ..before.clone()
    };
    let after = write_change(tx, actor, AuditAction::Update, before, after, at).await?;
    close_sessions_of(tx, before.id, keep, at).await?;
    end_pending_resets(tx, before.id, at).await?;
    Ok(after)
}
