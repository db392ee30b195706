//! The load generator: keep-alive HTTP/1.1 connections, each sending its next request as soon as
//! the previous response body has been read in full (a closed loop, like `wrk`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// Latencies are recorded in microseconds, up to one minute.
const HIGHEST_MICROS: u64 = 60_000_000;

#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub connections: u32,
    pub warmup: Duration,
    pub measure: Duration,
}

/// What the measured window saw. A request counts when its response finished inside the window,
/// wherever it started: dropping the requests that straddle the window's start would leave out
/// the slow ones.
#[derive(Debug)]
pub struct Outcome {
    pub requests: u64,
    pub errors: u64,
    /// Latencies of the 200 responses, in microseconds.
    pub latencies: Histogram<u64>,
    pub measured: Duration,
    pub first_error: Option<String>,
}

impl Outcome {
    fn empty(measured: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            requests: 0,
            errors: 0,
            latencies: Histogram::new_with_bounds(1, HIGHEST_MICROS, 3)?,
            measured,
            first_error: None,
        })
    }

    fn error(&mut self, what: String) {
        self.requests += 1;
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }

    fn merge(&mut self, other: Self) -> anyhow::Result<()> {
        self.requests += other.requests;
        self.errors += other.errors;
        self.latencies.add(&other.latencies)?;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        Ok(())
    }

    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.measured.as_secs_f64()
    }

    /// The latency at `quantile`, in milliseconds.
    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        self.latencies.value_at_quantile(quantile) as f64 / 1000.0
    }
}

pub async fn run(address: SocketAddr, path: &str, plan: Plan) -> anyhow::Result<Outcome> {
    let window_start = Instant::now() + plan.warmup;
    let window = Window {
        start: window_start,
        end: window_start + plan.measure,
    };
    let target = Arc::new(Target {
        address,
        host: address.to_string(),
        path: path.to_string(),
    });
    let mut workers = JoinSet::new();
    for _ in 0..plan.connections {
        workers.spawn(worker(Arc::clone(&target), window, plan.measure));
    }
    let mut total = Outcome::empty(plan.measure)?;
    while let Some(joined) = workers.join_next().await {
        total.merge(joined.context("a load worker panicked")??)?;
    }
    Ok(total)
}

#[derive(Debug)]
struct Target {
    address: SocketAddr,
    host: String,
    path: String,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    end: Instant,
}

impl Window {
    fn counts(&self, finished: Instant) -> bool {
        finished >= self.start && finished <= self.end
    }
}

async fn worker(target: Arc<Target>, window: Window, measure: Duration) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::empty(measure)?;
    // The outer loop reconnects when the server drops the connection or the exchange fails.
    while Instant::now() < window.end {
        let mut sender = connect(target.address).await?;
        while Instant::now() < window.end {
            let started = Instant::now();
            let result = exchange(&mut sender, &target).await;
            let finished = Instant::now();
            let counts = window.counts(finished);
            match result {
                Ok(StatusCode::OK) => {
                    if counts {
                        let micros = u64::try_from((finished - started).as_micros())
                            .unwrap_or(HIGHEST_MICROS);
                        outcome.latencies.saturating_record(micros.max(1));
                        outcome.requests += 1;
                    }
                }
                Ok(status) => {
                    if counts {
                        outcome.error(format!("HTTP {status}"));
                    }
                }
                Err(e) => {
                    if counts {
                        outcome.error(format!("{e:#}"));
                    }
                    break;
                }
            }
        }
    }
    Ok(outcome)
}

async fn connect(address: SocketAddr) -> anyhow::Result<SendRequest<Empty<Bytes>>> {
    let stream = TcpStream::connect(address)
        .await
        .with_context(|| format!("connecting to {address}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // The worker notices a broken connection on its next request.
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one GET and reads the whole body; returns the status.
async fn exchange(
    sender: &mut SendRequest<Empty<Bytes>>,
    target: &Target,
) -> anyhow::Result<StatusCode> {
    sender.ready().await?;
    let request = Request::get(target.path.as_str())
        .header(header::HOST, target.host.as_str())
        .body(Empty::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let mut body = response.into_body();
    while let Some(frame) = body.frame().await {
        frame?;
    }
    Ok(status)
}

/// One request outside any measurement: the status and the start of the body, to tell a
/// misconfigured target from a slow one before loading it.
pub async fn probe(address: SocketAddr, path: &str) -> anyhow::Result<(StatusCode, String)> {
    let mut sender = connect(address).await?;
    sender.ready().await?;
    let request = Request::get(path)
        .header(header::HOST, address.to_string())
        .body(Empty::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    let text = String::from_utf8_lossy(&body);
    Ok((status, text.chars().take(300).collect()))
}
