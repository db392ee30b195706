//! `renouveau serve`: the web application. Stops on Ctrl-C or SIGTERM after finishing the
//! requests in flight.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use renouveau_store::Store;

use crate::args::DemoArgs;
use renouveau_web::AppState;
use tokio::net::TcpListener;

pub async fn run(url: &str, listen: SocketAddr, demo: &DemoArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    crate::commands::init::prepare(&store, demo).await?;
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr()?;
    println!(
        "renouveau écoute sur http://{address}/ (base : {})",
        redact(url)
    );
    renouveau_web::serve(listener, AppState::new(store), shutdown_signal())
        .await
        .context("serving")?;
    println!("Arrêt propre : les requêtes en cours sont terminées.");
    Ok(ExitCode::SUCCESS)
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

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested");
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
