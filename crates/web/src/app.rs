//! The router: pages, API, assets and health check, with the layers every response gets.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::SESSION_COOKIE;
use crate::error::RETRY_AFTER_SECONDS;
use crate::extract::BODY_LIMIT_BYTES;
use crate::routes::{Route, Routes};
use crate::state::AppState;
use crate::{api, pages};

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
        .layer(middleware::from_fn_with_state(
            state.secure_cookies,
            keeping_headers,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// What browsers and proxies may keep. An answer to a request carrying credentials (a session
/// cookie, valid or not, or an `Authorization` header) or setting a cookie is never stored:
/// it may show what only that viewer sees. Over HTTPS (`secure_cookies`), browsers are told to
/// come back over HTTPS only, for two years.
async fn keeping_headers(State(over_https): State<bool>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let credentials = headers.contains_key(header::AUTHORIZATION)
        || CookieJar::from_headers(headers)
            .get(SESSION_COOKIE)
            .is_some();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if credentials || headers.contains_key(header::SET_COOKIE) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if over_https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// How connections are served.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// How long a client has to send a request's line and headers once the server waits for
    /// them (idle kept-alive connections included): a slower connection is closed, so that
    /// half-sent requests cannot hold the server's sockets.
    pub header_read_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, ServeOptions::default(), shutdown).await
}

/// [`serve`] with other options. HTTP/1.1 served by hyper itself rather than `axum::serve`,
/// which sets no timer and so no header timeout.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = router(state);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    let connections = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // The peer address reaches the handlers: sign-in failures are counted per client address.
        let service = router
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection from {peer} ended: {e}");
            }
        });
    }
    // No new connection; each open one finishes its request in flight, then closes.
    drop(listener);
    connections.shutdown().await;
    Ok(())
}

/// A failed accept: the client gave up (go on), or the server lacks a resource such as file
/// descriptors (wait a little rather than spin).
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        tracing::error!("accepting a connection failed: {e}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
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
