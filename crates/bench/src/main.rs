//! `renouveau-bench`: load benchmark of the web application on the bundled ERBM programme, on
//! SQLite and on PostgreSQL. The server runs in this process on 127.0.0.1; the client and the
//! server share the machine, as they would with any local load tool.

mod database;
mod load;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, ValueEnum};
use hyper::StatusCode;
use renouveau_domain::Actor;
use renouveau_ingest::territory::TerritorySource;
use renouveau_store::Store;
use renouveau_web::AppState;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::load::{Outcome, Plan};

/// The p95 latency the application must stay under.
const P95_GOAL_MS: f64 = 20.0;

const TARGETS: [&str; 3] = ["/", "/operations", "/api/v1/operations"];

#[derive(Debug, Parser)]
#[command(
    name = "renouveau-bench",
    about = "Load benchmark of the renouveau web application on SQLite and PostgreSQL"
)]
struct Args {
    #[arg(long, value_enum, default_value_t = BackendChoice::Both)]
    backend: BackendChoice,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    connections: u32,
    /// Measured seconds per target.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    seconds: u64,
    /// Unmeasured seconds per target, before the measure.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// The database to recreate for the PostgreSQL run; its name must contain "bench".
    #[arg(
        long,
        default_value = "postgres://postgres@127.0.0.1:5432/renouveau_bench"
    )]
    postgres_url: String,
    /// A territory open-data folder to load instead of the bundled one (`data/territoire`).
    #[arg(long)]
    territory: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendChoice {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

#[derive(Debug)]
struct Row {
    backend: Backend,
    target: &'static str,
    outcome: Outcome,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let backends: &[Backend] = match args.backend {
        BackendChoice::Sqlite => &[Backend::Sqlite],
        BackendChoice::Postgres => &[Backend::Postgres],
        BackendChoice::Both => &[Backend::Sqlite, Backend::Postgres],
    };
    let plan = Plan {
        connections: args.connections,
        warmup: Duration::from_secs(args.warmup),
        measure: Duration::from_secs(args.seconds),
    };
    let mut rows = Vec::new();
    let mut failed = false;
    for &backend in backends {
        match bench_backend(backend, &args, plan).await {
            Ok(mut measured) => rows.append(&mut measured),
            Err(e) => {
                eprintln!("{}: {e:#}", backend.name());
                failed = true;
            }
        }
    }
    print_table(&rows, plan);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

async fn bench_backend(backend: Backend, args: &Args, plan: Plan) -> anyhow::Result<Vec<Row>> {
    let fresh = match backend {
        Backend::Sqlite => database::sqlite()?,
        Backend::Postgres => database::postgres(&args.postgres_url).await?,
    };
    let store = Store::open(&fresh.url)
        .await
        .context("opening the database")?;
    fill(&store, args.territory.as_deref()).await?;

    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let address = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(renouveau_web::serve(
        listener,
        AppState::new(store),
        async move {
            let _ = stopped.await;
        },
    ));

    let measured = measure_targets(backend, address, plan).await;

    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(10), server).await {
        Ok(joined) => joined.context("the server panicked")?.context("serving")?,
        Err(_) => eprintln!("{}: the server did not stop within 10 s", backend.name()),
    }
    if backend == Backend::Postgres {
        database::drop_postgres(&args.postgres_url).await?;
    }
    measured
}

/// Loads the bundled programme, then the territory: the bundled copy, or the folder given.
async fn fill(store: &Store, territory: Option<&Path>) -> anyhow::Result<()> {
    let actor = Actor::system("bench");
    let started = Instant::now();
    let bundle = renouveau_ingest::bundle::load_bundle(store, &actor)
        .await
        .context("loading the bundled programme")?;
    eprintln!(
        "programme chargé : {} enregistrements en {:.1} s",
        bundle.total_created(),
        started.elapsed().as_secs_f64()
    );
    let source = territory.map_or(TerritorySource::Bundled, TerritorySource::Folder);
    let started = Instant::now();
    let report = renouveau_ingest::territory::import_territory(store, source, &actor)
        .await
        .with_context(|| format!("importing the territory from {source}"))?;
    eprintln!(
        "territoire importé : {} communes, {} EPCI, {} cités en {:.1} s",
        report.communes,
        report.epcis,
        report.cites,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn measure_targets(
    backend: Backend,
    address: SocketAddr,
    plan: Plan,
) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for target in TARGETS {
        let (status, start) = load::probe(address, target)
            .await
            .with_context(|| format!("probing {target}"))?;
        if status != StatusCode::OK {
            eprintln!(
                "{}: GET {target} answers {status} before any load: {start}",
                backend.name()
            );
        }
        eprintln!("{}: GET {target}…", backend.name());
        let outcome = load::run(address, target, plan)
            .await
            .with_context(|| format!("loading {target}"))?;
        if let Some(error) = &outcome.first_error {
            eprintln!(
                "{}: GET {target}: {} errors, first: {error}",
                backend.name(),
                outcome.errors
            );
        }
        rows.push(Row {
            backend,
            target,
            outcome,
        });
    }
    Ok(rows)
}

fn print_table(rows: &[Row], plan: Plan) {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "CPUs: {cpus}; {} connections, {} s warm-up, {} s measured per target",
        plan.connections,
        plan.warmup.as_secs(),
        plan.measure.as_secs()
    );
    println!(
        "{:<9} {:<22} {:>9} {:>7} {:>9} {:>8} {:>8} {:>8}",
        "backend", "target", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"
    );
    for row in rows {
        let o = &row.outcome;
        println!(
            "{:<9} {:<22} {:>9} {:>7} {:>9.0} {:>8.2} {:>8.2} {:>8.2}",
            row.backend.name(),
            format!("GET {}", row.target),
            o.requests,
            o.errors,
            o.requests_per_second(),
            o.percentile_ms(0.50),
            o.percentile_ms(0.95),
            o.percentile_ms(0.99),
        );
    }
    let over: Vec<String> = rows
        .iter()
        .filter(|row| row.outcome.percentile_ms(0.95) >= P95_GOAL_MS)
        .map(|row| format!("{} GET {}", row.backend.name(), row.target))
        .collect();
    if over.is_empty() {
        println!("p95 < {P95_GOAL_MS} ms: met on every target");
    } else {
        println!("p95 < {P95_GOAL_MS} ms: missed on {}", over.join(", "));
    }
}
