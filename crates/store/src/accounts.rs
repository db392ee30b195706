//! People who sign in (one organisation and one role each), their browser sessions and their API
//! tokens. Only hashes of secrets are stored: the caller hashes passwords and tokens. Creating a
//! user is written to the audit trail like any other change.

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
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor::user(self.id, &self.email, self.organisation_id, self.role)
    }
}

const USER_COLUMNS: &str = "app_user.id, app_user.email, app_user.organisation_id, app_user.role, \
    app_user.password_hash, app_user.disabled_at";
const USER_KINDS: &[ColumnKind] = &[
    ColumnKind::Int,
    ColumnKind::Text,
    ColumnKind::Int,
    ColumnKind::Text,
    ColumnKind::Text,
    ColumnKind::Timestamp,
];

fn decode_user(row: &[SqlValue]) -> Result<User> {
    let int = |i: usize| row.get(i).and_then(SqlValue::as_i64).unwrap_or_default();
    let text = |i: usize| row.get(i).and_then(SqlValue::as_str).map(str::to_string);
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
    let id = insert_returning_id(
        &mut tx,
        "INSERT INTO app_user (email, password_hash, organisation_id, role, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            email.as_str().into(),
            password_hash.into(),
            organisation_id.into(),
            role.code().into(),
            at.into(),
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

/// Records a new browser session.
pub async fn open_session(
    db: &Db,
    user_id: i64,
    token_hash: &str,
    csrf_token: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.write().await?;
    tx.execute(
        "INSERT INTO user_session (token_hash, user_id, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            token_hash.into(),
            user_id.into(),
            csrf_token.into(),
            now().into(),
            expires_at.into(),
        ],
    )
    .await?;
    tx.commit().await
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

pub async fn create_api_token(db: &Db, user_id: i64, token_hash: &str) -> Result<()> {
    let mut tx = db.write().await?;
    tx.execute(
        "INSERT INTO api_token (token_hash, user_id, created_at) VALUES ($1, $2, $3)",
        &[token_hash.into(), user_id.into(), now().into()],
    )
    .await?;
    tx.commit().await
}

/// The user an API token acts for, unless revoked or disabled.
pub async fn token_user(db: &Db, token_hash: &str) -> Result<Option<User>> {
    let mut tx = db.read().await?;
    let row = tx
        .fetch_optional(
            &format!(
                "SELECT {USER_COLUMNS} FROM api_token JOIN app_user ON app_user.id = api_token.user_id \
                 WHERE api_token.token_hash = $1 AND api_token.revoked_at IS NULL \
                 AND app_user.disabled_at IS NULL"
            ),
            &[token_hash.into()],
            USER_KINDS,
        )
        .await?;
    row.map(|r| decode_user(&r)).transpose()
}

async fn insert_returning_id(tx: &mut Tx, sql: &str, params: &[SqlValue]) -> Result<i64> {
    tx.fetch_optional(sql, params, &[ColumnKind::Int])
        .await?
        .and_then(|row| row.first().and_then(SqlValue::as_i64))
        .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
}
