//! The router: pages, API, assets and health check, with the layers every response gets.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::RETRY_AFTER_SECONDS;
use crate::routes::{Route, Routes};
use crate::state::AppState;
use crate::{api, pages};

/// Requests larger than this are refused before they are read.
const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// Every route the application serves, from the same calls that mount them.
fn routes() -> Routes {
    Routes::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .get("/api/openapi.json", api::openapi::document)
        .get("/healthz", health)
        .get("/static/style.css", stylesheet)
        .get("/static/favicon.svg", icon)
        // Browsers ask for this path whatever the page says: the same icon, with its true type.
        .get("/favicon.ico", icon)
}

/// The (method, path template) of every route, for tests that must cover them all.
pub fn route_catalogue() -> Vec<Route> {
    routes().served().to_vec()
}

pub fn router(state: AppState) -> Router {
    routes()
        .into_router()
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
    // The peer address reaches the handlers: sign-in failures are counted per client address.
    let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let answer = match state.store.db().read().await {
        Ok(mut tx) => tx.fetch_count("SELECT CAST(1 AS BIGINT)", &[]).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!("health check: database unreachable: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, RETRY_AFTER_SECONDS)],
                "base de données injoignable",
            )
                .into_response()
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

async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../assets/favicon.svg"),
    )
}
