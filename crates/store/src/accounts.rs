//! People who sign in (one organisation and one role each), their browser sessions, their API
//! tokens (revocable, optionally expiring, acting for one organisation); failed sign-ins are in
//! [`crate::sign_in`], what administrators do to accounts in [`admin`], passwords and their
//! one-time reset links in [`password`]. Only hashes of secrets are stored: the caller hashes
//! passwords and tokens. Every change to an account is written to the audit trail like any
//! other change (entities `app_user`, `api_token`, `password_reset`), never a hash.

pub mod admin;
pub mod password;

use chrono::{DateTime, Utc};
use renouveau_domain::{Actor, FieldError, FieldErrorKind, Role};
use serde::Serialize;

use crate::audit::{self, AuditAction, Change};
use crate::authz::{WriteAction, authorize_admin};
use crate::db::{ColumnKind, Db, SqlValue, Tx, now};
use crate::error::{Result, StoreError};

/// A person who may sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub organisation_id: i64,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub disabled: bool,
    /// Bumped by every audited change of the account; the audit row carries it.
    #[serde(skip)]
    pub version: i64,
    pub password_changed_at: Option<DateTime<Utc>>,
    /// Bookkeeping, not audited: written at each sign-in.
    #[serde(skip)]
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor::user(self.id, &self.email, self.organisation_id, self.role)
    }
}

pub(crate) const USER_COLUMNS: &str = "app_user.id, app_user.email, app_user.organisation_id, \
    app_user.role, app_user.password_hash, app_user.disabled_at, app_user.version, \
    app_user.password_changed_at, app_user.last_sign_in_at";
pub(crate) const USER_KINDS: &[ColumnKind] = &[
    ColumnKind::Int,
    ColumnKind::Text,
    ColumnKind::Int,
    ColumnKind::Text,
    ColumnKind::Text,
    ColumnKind::Timestamp,
    ColumnKind::Int,
    ColumnKind::Timestamp,
    ColumnKind::Timestamp,
];

pub(crate) fn decode_user(row: &[SqlValue]) -> Result<User> {
    let int = |i: usize| row.get(i).and_then(SqlValue::as_i64).unwrap_or_default();
    let text = |i: usize| row.get(i).and_then(SqlValue::as_str).map(str::to_string);
    let time = |i: usize| match row.get(i) {
        Some(SqlValue::Timestamp(t)) => Some(*t),
        _ => None,
    };
    let id = int(0);
    let role = text(3)
        .unwrap_or_default()
        .parse::<Role>()
        .map_err(|e| StoreError::Corrupt {
            table: "app_user",
            id,
            reason: e.to_string(),
        })?;
    Ok(User {
        id,
        email: text(1).unwrap_or_default(),
        organisation_id: int(2),
        role,
        password_hash: text(4),
        disabled: !matches!(row.get(5), Some(SqlValue::Null(_)) | None),
        version: int(6),
        password_changed_at: time(7),
        last_sign_in_at: time(8),
    })
}

/// An e-mail address reduced to the form it is stored and looked up in.
pub fn normalise_email(email: &str) -> std::result::Result<String, FieldError> {
    let email = email.trim().to_lowercase();
    let well_formed = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if well_formed {
        Ok(email)
    } else {
        Err(FieldError::new(
            "email",
            FieldErrorKind::InvalidCode {
                expected: "une adresse électronique",
            },
        ))
    }
}

/// Creates a user. Only programme administrators (or the system) may.
pub async fn create_user(
    db: &Db,
    actor: &Actor,
    email: &str,
    organisation_id: i64,
    role: Role,
    password_hash: Option<&str>,
) -> Result<User> {
    authorize_admin(actor, WriteAction::Create, "app_user")?;
    let email = normalise_email(email)?;
    let mut tx = db.write().await?;
    require_live_organisation(&mut tx, organisation_id).await?;
    let taken = tx
        .fetch_count(
            "SELECT COUNT(*) FROM app_user WHERE email = $1",
            &[email.as_str().into()],
        )
        .await?;
    if taken > 0 {
        return Err(FieldError::new("email", FieldErrorKind::Duplicate).into());
    }
    let at = now();
    let password_changed_at = password_hash.map(|_| at);
    let id = insert_returning_id(
        &mut tx,
        "INSERT INTO app_user (email, password_hash, organisation_id, role, created_at, \
         password_changed_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            email.as_str().into(),
            password_hash.into(),
            organisation_id.into(),
            role.code().into(),
            at.into(),
            optional_time(password_changed_at),
        ],
    )
    .await?;
    let user = User {
        id,
        email,
        organisation_id,
        role,
        password_hash: password_hash.map(str::to_string),
        disabled: false,
        version: 1,
        password_changed_at,
        last_sign_in_at: None,
    };
    audit::write(
        &mut tx,
        Change {
            action: AuditAction::Create,
            entity: "app_user",
            record_id: id,
            record_version: 1,
            at,
            before: None,
            after: serde_json::to_string(&user).unwrap_or_default(),
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Refuses an organisation that does not exist or is archived.
pub(crate) async fn require_live_organisation(tx: &mut Tx, organisation_id: i64) -> Result<()> {
    let organisation_exists = tx
        .fetch_count(
            "SELECT COUNT(*) FROM organisation WHERE id = $1 AND archived_at IS NULL",
            &[organisation_id.into()],
        )
        .await?;
    if organisation_exists == 0 {
        return Err(FieldError::new(
            "organisation_id",
            FieldErrorKind::UnknownReference {
                table: "organisation",
                id: organisation_id,
            },
        )
        .into());
    }
    Ok(())
}

pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<User>> {
    let Ok(email) = normalise_email(email) else {
        return Ok(None);
    };
    let mut tx = db.read().await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT {USER_COLUMNS} FROM app_user WHERE email = $1"),
            &[email.into()],
            USER_KINDS,
        )
        .await?;
    row.map(|r| decode_user(&r)).transpose()
}

/// Records a new browser session, and the user's last sign-in. A user who signs in knows their
/// password: the reset links still pending for them end here (see [`password`]).
pub async fn open_session(
    db: &Db,
    user_id: i64,
    token_hash: &str,
    csrf_token: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    let at = now();
    let mut tx = db.write().await?;
    tx.execute(
        "INSERT INTO user_session (token_hash, user_id, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            token_hash.into(),
            user_id.into(),
            csrf_token.into(),
            at.into(),
            expires_at.into(),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE app_user SET last_sign_in_at = $1 WHERE id = $2",
        &[at.into(), user_id.into()],
    )
    .await?;
    password::end_pending_resets(&mut tx, user_id, at).await?;
    tx.commit().await
}

/// Ends every live session of a user but `keep` (a session's token hash), inside the caller's
/// transaction; returns how many ended.
pub(crate) async fn close_sessions_of(
    tx: &mut Tx,
    user_id: i64,
    keep: Option<&str>,
    at: DateTime<Utc>,
) -> Result<u64> {
    tx.execute(
        "UPDATE user_session SET expires_at = $1 \
         WHERE user_id = $2 AND expires_at > $1 AND token_hash <> $3",
        &[at.into(), user_id.into(), keep.unwrap_or_default().into()],
    )
    .await
}

/// The user behind a live session, with the session's CSRF token.
pub async fn session_user(db: &Db, token_hash: &str) -> Result<Option<(User, String)>> {
    let mut kinds = USER_KINDS.to_vec();
    kinds.push(ColumnKind::Text);
    let mut tx = db.read().await?;
    let row = tx
        .fetch_optional(
            &format!(
                "SELECT {USER_COLUMNS}, user_session.csrf_token FROM user_session \
                 JOIN app_user ON app_user.id = user_session.user_id \
                 WHERE user_session.token_hash = $1 AND user_session.expires_at > $2 \
                 AND app_user.disabled_at IS NULL"
            ),
            &[token_hash.into(), now().into()],
            &kinds,
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let csrf = row
        .last()
        .and_then(SqlValue::as_str)
        .unwrap_or_default()
        .to_string();
    Ok(Some((decode_user(&row)?, csrf)))
}

/// Ends a session at once.
pub async fn close_session(db: &Db, token_hash: &str) -> Result<()> {
    let mut tx = db.write().await?;
    tx.execute(
        "UPDATE user_session SET expires_at = $1 WHERE token_hash = $2",
        &[now().into(), token_hash.into()],
    )
    .await?;
    tx.commit().await
}

/// An API token as it may be shown: never its secret nor its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    /// The organisation the token acts for: the user's when it was made.
    pub organisation_id: i64,
    /// The token's first characters, enough to name it and too few to use it; none for tokens
    /// made before prefixes were kept.
    pub prefix: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Written at most once a minute (see [`LAST_USE_PRECISION`]).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Whether a token acts, and if not why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Revoked(DateTime<Utc>),
    Expired,
    /// Its user has moved to another organisation than the token's.
    Inactive,
}

impl ApiToken {
    /// The token's state at `at`, for `owner` (the token's user as they are now).
    pub fn state(&self, owner: &User, at: DateTime<Utc>) -> TokenState {
        match (self.revoked_at, self.expires_at) {
            (Some(revoked), _) => TokenState::Revoked(revoked),
            (None, Some(expiry)) if expiry <= at => TokenState::Expired,
            (None, _) if self.organisation_id != owner.organisation_id => TokenState::Inactive,
            (None, _) => TokenState::Active,
        }
    }
}

/// A token to record: its hash, its shown prefix and its optional expiry.
#[derive(Debug, Clone, Copy)]
pub struct NewApiToken<'a> {
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
}

/// How stale a token's last use may be before it is written again: reading with a token does
/// not cost a write each time.
pub const LAST_USE_PRECISION: chrono::Duration = chrono::Duration::minutes(1);

const TOKEN_COLUMNS: &str = "id, user_id, organisation_id, prefix, created_at, expires_at, \
    last_used_at, revoked_at";
const TOKEN_KINDS: &[ColumnKind] = &[
    ColumnKind::Int,
    ColumnKind::Int,
    ColumnKind::Int,
    ColumnKind::Text,
    ColumnKind::Timestamp,
    ColumnKind::Timestamp,
    ColumnKind::Timestamp,
    ColumnKind::Timestamp,
];

fn decode_token(row: &[SqlValue]) -> ApiToken {
    let int = |i: usize| row.get(i).and_then(SqlValue::as_i64).unwrap_or_default();
    let time = |i: usize| match row.get(i) {
        Some(SqlValue::Timestamp(t)) => Some(*t),
        _ => None,
    };
    ApiToken {
        id: int(0),
        user_id: int(1),
        organisation_id: int(2),
        prefix: row.get(3).and_then(SqlValue::as_str).map(str::to_string),
        created_at: time(4).unwrap_or_default(),
        expires_at: time(5),
        last_used_at: time(6),
        revoked_at: time(7),
    }
}

pub(crate) fn optional_time(t: Option<DateTime<Utc>>) -> SqlValue {
    t.map_or(SqlValue::Null(ColumnKind::Timestamp), SqlValue::from)
}

/// Records an API token for `user`, acting for the user's organisation; returns its id. The
/// audit trail keeps who made it and for whom, never its hash.
pub async fn create_api_token(
    db: &Db,
    actor: &Actor,
    user: &User,
    token: NewApiToken<'_>,
) -> Result<i64> {
    authorize_admin(actor, WriteAction::Create, "api_token")?;
    let mut tx = db.write().await?;
    let at = now();
    let id = insert_returning_id(
        &mut tx,
        "INSERT INTO api_token (token_hash, user_id, organisation_id, prefix, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            token.token_hash.into(),
            user.id.into(),
            user.organisation_id.into(),
            token.prefix.into(),
            at.into(),
            optional_time(token.expires_at),
        ],
    )
    .await?;
    let created = ApiToken {
        id,
        user_id: user.id,
        organisation_id: user.organisation_id,
        prefix: Some(token.prefix.to_string()),
        created_at: at,
        expires_at: token.expires_at,
        last_used_at: None,
        revoked_at: None,
    };
    let change = token_change(AuditAction::Create, actor, None, &created);
    audit::write(&mut tx, change).await?;
    tx.commit().await?;
    Ok(id)
}

fn token_change<'a>(
    action: AuditAction,
    actor: &'a Actor,
    before: Option<&ApiToken>,
    after: &ApiToken,
) -> Change<'a> {
    Change {
        action,
        entity: "api_token",
        record_id: after.id,
        record_version: if before.is_some() { 2 } else { 1 },
        at: after.revoked_at.unwrap_or(after.created_at),
        before: before.map(|t| serde_json::to_string(t).unwrap_or_default()),
        after: serde_json::to_string(after).unwrap_or_default(),
        actor,
    }
}

/// The user an API token acts for. None when the token is unknown, revoked or expired, when the
/// user is disabled, or when the user has moved to another organisation than the token's.
pub async fn token_user(db: &Db, token_hash: &str) -> Result<Option<User>> {
    let at = now();
    let mut kinds = USER_KINDS.to_vec();
    kinds.extend([ColumnKind::Int, ColumnKind::Timestamp]);
    let row = {
        let mut tx = db.read().await?;
        tx.fetch_optional(
            &format!(
                "SELECT {USER_COLUMNS}, api_token.id, api_token.last_used_at FROM api_token \
                 JOIN app_user ON app_user.id = api_token.user_id \
                 WHERE api_token.token_hash = $1 AND api_token.revoked_at IS NULL \
                 AND (api_token.expires_at IS NULL OR api_token.expires_at > $2) \
                 AND api_token.organisation_id = app_user.organisation_id \
                 AND app_user.disabled_at IS NULL"
            ),
            &[token_hash.into(), at.into()],
            &kinds,
        )
        .await?
    };
    let Some(row) = row else { return Ok(None) };
    let token_id = row.get(USER_KINDS.len()).and_then(SqlValue::as_i64);
    let last_used = match row.get(USER_KINDS.len() + 1) {
        Some(SqlValue::Timestamp(t)) => Some(*t),
        _ => None,
    };
    if let Some(token_id) = token_id
        && last_used.is_none_or(|t| t < at - LAST_USE_PRECISION)
    {
        let mut tx = db.write().await?;
        tx.execute(
            "UPDATE api_token SET last_used_at = $1 WHERE id = $2",
            &[at.into(), token_id.into()],
        )
        .await?;
        tx.commit().await?;
    }
    decode_user(&row).map(Some)
}

/// A user's API tokens, newest first, revoked ones included.
pub async fn api_tokens_of(db: &Db, user_id: i64) -> Result<Vec<ApiToken>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            &format!("SELECT {TOKEN_COLUMNS} FROM api_token WHERE user_id = $1 ORDER BY id DESC"),
            &[user_id.into()],
            TOKEN_KINDS,
        )
        .await?;
    Ok(rows.iter().map(|r| decode_token(r)).collect())
}

pub async fn api_token(db: &Db, id: i64) -> Result<Option<ApiToken>> {
    let mut tx = db.read().await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT {TOKEN_COLUMNS} FROM api_token WHERE id = $1"),
            &[id.into()],
            TOKEN_KINDS,
        )
        .await?;
    Ok(row.map(|r| decode_token(&r)))
}

/// The tokens shown with this prefix (usually one).
pub async fn api_tokens_with_prefix(db: &Db, prefix: &str) -> Result<Vec<ApiToken>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            &format!("SELECT {TOKEN_COLUMNS} FROM api_token WHERE prefix = $1 ORDER BY id"),
            &[prefix.into()],
            TOKEN_KINDS,
        )
        .await?;
    Ok(rows.iter().map(|r| decode_token(r)).collect())
}

/// Revokes a token at once; false when it was already revoked or does not exist. Its owner
/// and administrators may; anyone else is refused, whatever the token's state.
pub async fn revoke_api_token(db: &Db, actor: &Actor, id: i64) -> Result<bool> {
    let mut tx = db.write().await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT {TOKEN_COLUMNS} FROM api_token WHERE id = $1"),
            &[id.into()],
            TOKEN_KINDS,
        )
        .await?;
    let Some(before) = row.map(|r| decode_token(&r)) else {
        authorize_admin(actor, WriteAction::Update, "api_token")?;
        return Ok(false);
    };
    if actor.user_id != Some(before.user_id) {
        authorize_admin(actor, WriteAction::Update, "api_token")?;
    }
    if before.revoked_at.is_some() {
        return Ok(false);
    }
    let at = now();
    // Conditional again: a concurrent revocation may have come first.
    let revoked = tx
        .execute(
            "UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            &[at.into(), id.into()],
        )
        .await?;
    if revoked != 1 {
        return Ok(false);
    }
    let after = ApiToken {
        revoked_at: Some(at),
        ..before.clone()
    };
    let change = token_change(AuditAction::Revoke, actor, Some(&before), &after);
    audit::write(&mut tx, change).await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn insert_returning_id(
    tx: &mut Tx,
    sql: &str,
    params: &[SqlValue],
) -> Result<i64> {
    tx.fetch_optional(sql, params, &[ColumnKind::Int])
        .await?
        .and_then(|row| row.first().and_then(SqlValue::as_i64))
        .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
}
