//! The router: pages, API, assets and health check, with the layers every response gets.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;
use crate::{api, pages};

/// Requests larger than this are refused before they are read.
const BODY_LIMIT_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route("/api/openapi.json", get(api::openapi::document))
        .route("/healthz", get(health))
        .route("/static/style.css", get(stylesheet))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let answer = match state.store.db().read().await {
        Ok(mut tx) => tx.fetch_count("SELECT CAST(1 AS BIGINT)", &[]).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!("health check: database unreachable: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "base de données injoignable",
            )
        }
    }
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/style.css"),
    )
}
