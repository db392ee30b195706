//! Errors a request can end with. The API answers `application/problem+json` (RFC 9457); pages
//! answer an HTML page (see `pages::layout`). Messages are French; logs are English.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use renouveau_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("authentication required")]
    Unauthenticated,
    #[error("bad request on {field}: {message_fr}")]
    BadRequest { field: String, message_fr: String },
    #[error("not found")]
    NotFound,
    #[error("request body over the size limit")]
    TooLarge,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("template rendering failed: {0}")]
    Render(#[from] askama::Error),
}

impl WebError {
    pub fn bad_request(field: &str, message_fr: impl Into<String>) -> Self {
        Self::BadRequest {
            field: field.to_string(),
            message_fr: message_fr.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Store(e) => match e {
                StoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
                StoreError::Conflict { .. } => StatusCode::CONFLICT,
                StoreError::Forbidden { .. } => StatusCode::FORBIDDEN,
                StoreError::Database(
                    sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed,
                ) => StatusCode::SERVICE_UNAVAILABLE,
                StoreError::Database(sqlx::Error::Database(e))
                    if session_lost(e.as_ref()) || database_busy(e.as_ref()) =>
                {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Csrf => StatusCode::FORBIDDEN,
            Self::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The sentence shown to the person.
    pub fn message_fr(&self) -> String {
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            return "La base de données est momentanément injoignable\u{a0}; réessayez dans un instant."
                .into();
        }
        match self {
            Self::Store(e) => e.message_fr(),
            Self::Unauthenticated => "Connectez-vous pour faire cette modification.".into(),
            Self::BadRequest { message_fr, .. } => message_fr.clone(),
            Self::NotFound => "Cette page n'existe pas.".into(),
            Self::TooLarge => format!(
                "La requête est trop volumineuse : {} Mio au plus.",
                crate::extract::BODY_LIMIT_BYTES / (1024 * 1024)
            ),
            Self::Csrf => {
                "Le formulaire a expiré ou ne vient pas de ce site\u{a0}: rechargez la page et recommencez."
                    .into()
            }
            Self::Render(_) => "La page n'a pas pu être affichée.".into(),
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Store(e) => e.field(),
            Self::BadRequest { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!("{self}");
        } else {
            tracing::debug!("{self}");
        }
    }
}

/// PostgreSQL ended the session or takes none for now: it is stopping or restarting (57P01
/// admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), the connection failed (class
/// 08) or it is full (53300). The same request succeeds once the server is back.
fn session_lost(e: &dyn sqlx::error::DatabaseError) -> bool {
    e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some_and(|e| {
            let code = e.code();
            code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
        })
}

/// SQLite gave up waiting for another writer (SQLITE_BUSY, SQLITE_LOCKED and their extended
/// codes) after its busy timeout: the database is overloaded, not broken.
fn database_busy(e: &dyn sqlx::error::DatabaseError) -> bool {
    const SQLITE_BUSY: i32 = 5;
    const SQLITE_LOCKED: i32 = 6;
    let from_sqlite = e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
    from_sqlite
        && e.code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED))
}

/// How long a client is told to wait before trying again after a 503, in seconds.
pub const RETRY_AFTER_SECONDS: &str = "5";

/// Tells the client when to try again, on an answer of 503.
pub fn add_retry_after(response: &mut Response) {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
}

/// The body of an `application/problem+json` answer.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let problem = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.message_fr(),
            field: self.field().map(str::to_string),
        };
        let mut response = (status, Json(problem)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        add_retry_after(&mut response);
        response
    }
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection, Executor};

    use super::*;

    /// A real SQLITE_BUSY: one connection holds the write lock, another gives up at once.
    async fn busy_error() -> sqlx::Error {
        let folder = tempfile::tempdir().unwrap();
        let file = SqliteConnectOptions::new()
            .filename(folder.path().join("busy.db"))
            .create_if_missing(true);
        let mut holder = file.connect().await.unwrap();
        holder.execute("CREATE TABLE t (x INTEGER)").await.unwrap();
        let mut held = holder.begin().await.unwrap();
        held.execute("INSERT INTO t VALUES (1)").await.unwrap();
        let mut waiter = file
            .busy_timeout(std::time::Duration::ZERO)
            .connect()
            .await
            .unwrap();
        waiter
            .execute("INSERT INTO t VALUES (2)")
            .await
            .unwrap_err()
    }

    #[tokio::test]
    async fn a_database_too_busy_to_write_is_unavailable_and_says_when_to_retry() {
        let error = WebError::Store(StoreError::Database(busy_error().await));
        assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(error.message_fr().contains("réessayez"));
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER).unwrap(),
            RETRY_AFTER_SECONDS
        );
    }

    #[test]
    fn other_database_errors_stay_server_errors() {
        let error = WebError::Store(StoreError::Database(sqlx::Error::RowNotFound));
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let response = error.into_response();
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
    }
}
