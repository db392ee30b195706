//! `renouveau serve`: the web application. Stops on Ctrl-C or SIGTERM after finishing the
//! requests in flight.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use renouveau_store::{Store, accounts};

use crate::args::{DemoArgs, WebArgs};
use renouveau_web::AppState;
use tokio::net::TcpListener;

pub async fn run(
    url: &str,
    listen: SocketAddr,
    web: WebArgs,
    demo: &DemoArgs,
) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    crate::commands::init::prepare(&store, demo).await?;
    purge_expired(&store).await;
    tokio::spawn(purge_hourly(store.clone()));
    // Listen for the stop signals before the address is printed: a SIGTERM sent as soon as a
    // supervisor sees the server up must stop it cleanly, not kill it.
    let shutdown = shutdown_signal();
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr()?;
    println!(
        "renouveau écoute sur http://{address}/ (base : {})",
        redact(url)
    );
    let state = AppState {
        secure_cookies: web.secure_cookies,
        trusted_proxies: web.trusted_proxies,
        ..AppState::new(store.clone())
    };
    renouveau_web::serve(listener, state, shutdown)
        .await
        .context("serving")?;
    // Every request has finished: close the connections (SQLite folds its write-ahead log back
    // into the database file; PostgreSQL sessions end instead of being cut).
    store.db().close().await;
    println!("Arrêt propre : les requêtes en cours sont terminées.");
    Ok(ExitCode::SUCCESS)
}

/// How often a running server deletes the sessions and reset links that have ended.
const PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

async fn purge_expired(store: &Store) {
    match accounts::admin::purge_expired(store.db()).await {
        Ok(purged) => tracing::info!(
            sessions = purged.sessions,
            password_resets = purged.password_resets,
            "ended sessions and reset links purged"
        ),
        // The next round tries again; serving does not depend on it.
        Err(e) => tracing::warn!("purging ended sessions failed: {e}"),
    }
}

async fn purge_hourly(store: Store) {
    let mut every_hour = tokio::time::interval(PURGE_INTERVAL);
    every_hour.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is immediate: the purge at start has just run.
    every_hour.tick().await;
    loop {
        every_hour.tick().await;
        purge_expired(&store).await;
    }
}

/// The database URL without its password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Resolves on SIGTERM (what service managers and container runtimes send) or Ctrl-C. The
/// handlers are installed when this is called, not when the future is first polled, so that a
/// signal arriving in between is not lost.
#[cfg(unix)]
fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let terminate = signal(SignalKind::terminate());
    let interrupt = signal(SignalKind::interrupt());
    async move {
        tokio::select! {
            () = wait_for(terminate, "SIGTERM") => {},
            () = wait_for(interrupt, "SIGINT") => {},
        }
    }
}

#[cfg(unix)]
async fn wait_for(signal: std::io::Result<tokio::signal::unix::Signal>, name: &str) {
    match signal {
        Ok(mut signal) => {
            signal.recv().await;
            tracing::info!("{name} received: finishing the requests in flight");
        }
        // Never resolve: a handler that cannot be installed must not stop the server at once.
        Err(e) => {
            tracing::warn!("cannot listen for {name}: {e}");
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    async {
        match tokio::signal::ctrl_c().await {
            Ok(()) => tracing::info!("Ctrl-C received: finishing the requests in flight"),
            Err(e) => {
                tracing::warn!("cannot listen for Ctrl-C: {e}");
                std::future::pending::<()>().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/renouveau"),
            "postgres://app:***@db:5432/renouveau"
        );
        assert_eq!(redact("sqlite://renouveau.db"), "sqlite://renouveau.db");
    }
}
