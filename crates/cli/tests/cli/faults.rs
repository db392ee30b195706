//! Faults a running server must survive, on the real binary: SIGTERM in the middle of requests,
//! SIGKILL in the middle of writes, and PostgreSQL restarting under it. Each test bounds its
//! request loops in count and time, prints what it measured, and talks to 127.0.0.1 only.

use std::future::Future;
use std::io::Write;
use std::process::Command;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use renouveau_store::Backend;
use renouveau_store::testing::{TestDb, backend, postgres_url};
use sqlx::postgres::PgConnectOptions;
use sqlx::types::JsonValue as Value;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::server::{
    CLIENT_TIMEOUT, Outcome, Server, cli, demo_with_admin_token, head, open, read_answer, send,
};

/// How long a server may take to finish its requests and exit after SIGTERM.
const STOP_LIMIT: Duration = Duration::from_secs(30);

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

fn programme_id(server: &Server) -> i64 {
    let outcome = server.get("/api/v1/programmes?per_page=1");
    let answer = outcome.answer().unwrap_or_else(|| panic!("{outcome:?}"));
    assert_eq!(answer.status, 200, "{outcome:?}");
    answer.json()["items"][0]["id"].as_i64().unwrap()
}

fn operation(programme: i64, title: &str, cost: i64) -> String {
    let mut record = Value::Object(Default::default());
    let fields = record.as_object_mut().unwrap();
    fields.insert("programme_id".into(), programme.into());
    fields.insert("title".into(), title.into());
    let description = format!("Écrite par le test de pannes ({title}).");
    fields.insert("description".into(), description.into());
    fields.insert("kind".into(), "study".into());
    fields.insert("status".into(), "idea".into());
    fields.insert("cost_ht".into(), cost.into());
    fields.insert("validation".into(), "validated".into());
    record.to_string()
}

/// How many live operations carry `word` in their title, as the API counts them.
fn operations_with(server: &Server, word: &str) -> u64 {
    let outcome = server.get(&format!("/api/v1/operations?q={word}&per_page=1"));
    let answer = outcome.answer().unwrap_or_else(|| panic!("{outcome:?}"));
    assert_eq!(answer.status, 200, "{outcome:?}");
    answer.json()["total"].as_u64().unwrap()
}

/// Each acknowledged write must read back as it was acknowledged.
fn assert_stored_as_acknowledged(server: &Server, acknowledged: &[Value]) {
    for record in acknowledged {
        let id = record["id"].as_i64().unwrap();
        let outcome = server.get(&format!("/api/v1/operations/{id}"));
        let stored = outcome
            .answer()
            .filter(|a| a.status == 200)
            .unwrap_or_else(|| panic!("acknowledged operation {id} is missing: {outcome:?}"))
            .json();
        assert_eq!(
            &stored, record,
            "operation {id} differs from its acknowledgement"
        );
    }
}

fn assert_check_and_audit_pass(database: &str) {
    let check = cli(database, &["check"]);
    assert!(check.starts_with("Base saine"), "{check}");
    cli(database, &["audit", "verify"]);
}

fn assert_stops_cleanly(server: &mut Server) {
    server.terminate();
    let status = server.wait(STOP_LIMIT);
    assert!(
        status.is_some_and(|s| s.success()),
        "exit after SIGTERM: {status:?}\n{}",
        server.log()
    );
    assert!(server.log().contains("Arrêt propre"), "{}", server.log());
}

/// Waits until `done` holds, at most `limit`; tells whether it did.
fn wait_until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

#[test]
fn sigterm_lets_the_requests_in_flight_finish_then_exits_0() {
    const WORKERS: usize = 8;
    const REQUESTS_PER_WORKER: usize = 300;
    let db = block_on(TestDb::unmigrated(backend()));
    let token = demo_with_admin_token(&db.url);
    let mut server = Server::start(&db.url, &[]);
    let addr = server.addr;
    let programme = programme_id(&server);

    // A write whose body is half sent when the signal comes: certainly in flight.
    let body = operation(programme, "Écrite pendant l'arrêt", 4_200);
    let (first_half, second_half) = body.split_at(body.len() / 2);
    let mut slow = open(addr, CLIENT_TIMEOUT).unwrap();
    let request = head(
        addr,
        "POST",
        "/api/v1/operations",
        Some(&token),
        Some(body.len()),
    );
    slow.write_all(request.as_bytes()).unwrap();
    slow.write_all(first_half.as_bytes()).unwrap();

    let answered = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::new());
    let signalled = Mutex::new(None::<Instant>);
    let slow_answer = std::thread::scope(|scope| {
        for worker in 0..WORKERS {
            let (answered, outcomes) = (&answered, &outcomes);
            scope.spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                for n in 0..REQUESTS_PER_WORKER {
                    let path = if (worker + n) % 2 == 0 {
                        "/api/v1/operations?per_page=100"
                    } else {
                        "/"
                    };
                    let outcome = send(addr, "GET", path, None, None, CLIENT_TIMEOUT);
                    let gone = matches!(outcome, Outcome::Nothing(_));
                    if outcome.answer().is_some() {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    outcomes
                        .lock()
                        .unwrap()
                        .push((Instant::now(), path, outcome));
                    if gone || Instant::now() >= deadline {
                        break;
                    }
                }
            });
        }
        let under_way = wait_until(Duration::from_secs(30), || {
            answered.load(Ordering::Relaxed) >= 4 * WORKERS
        });
        assert!(under_way, "the burst never got going:\n{}", server.log());
        *signalled.lock().unwrap() = Some(Instant::now());
        server.terminate();
        // The rest of the body comes after the signal; the answer must still come, whole.
        std::thread::sleep(Duration::from_millis(300));
        slow.write_all(second_half.as_bytes()).unwrap();
        read_answer(&mut slow)
    });

    let signalled = signalled.into_inner().unwrap().unwrap();
    let status = server.wait(STOP_LIMIT);
    let log = server.log();
    assert!(
        status.is_some_and(|s| s.success()),
        "exit after SIGTERM: {status:?}\n{log}"
    );
    assert!(log.contains("Arrêt propre"), "{log}");

    let created = match &slow_answer {
        Outcome::Answer(answer) if answer.status == 201 => answer.json(),
        other => panic!("the request in flight at SIGTERM did not finish: {other:?}\n{log}"),
    };
    let outcomes = outcomes.into_inner().unwrap();
    let mut whole_after_signal = 0;
    let mut refused_after_signal = 0;
    for (ended, path, outcome) in &outcomes {
        match outcome {
            Outcome::Answer(answer) => {
                assert_eq!(answer.status, 200, "{path}: {outcome:?}");
                if *ended > signalled {
                    whole_after_signal += 1;
                }
            }
            // Once the server stops accepting, new connections are refused: no answer is fine.
            Outcome::Nothing(_) if *ended > signalled => refused_after_signal += 1,
            _ => panic!("{path}: {outcome:?}\n{log}"),
        }
    }
    println!(
        "SIGTERM: {} request(s) answered whole ({whole_after_signal} ending after the signal), \
         {refused_after_signal} refused after it, none cut; the write in flight was answered 201",
        outcomes.len() - refused_after_signal
    );

    // The write finished during the shutdown is stored.
    let mut again = Server::start(&db.url, &[]);
    assert_stored_as_acknowledged(&again, &[created]);
    assert_stops_cleanly(&mut again);
}

/// What a burst of writes cut by SIGKILL left behind.
struct CrashFigures {
    acknowledged: usize,
    found: u64,
    failed: usize,
}

impl CrashFigures {
    fn print(&self, backend: &str) {
        println!(
            "SIGKILL on {backend}: {} write(s) acknowledged, all found as acknowledged; {} \
             operation(s) found in all; {} write(s) cut by the kill",
            self.acknowledged, self.found, self.failed
        );
    }
}

/// Creates operations from several connections at once, SIGKILLs the server in the middle,
/// restarts it, and checks every acknowledged write is there as acknowledged.
fn acknowledged_writes_survive_a_kill(database: &str) -> CrashFigures {
    const WORKERS: usize = 8;
    const WRITES_PER_WORKER: usize = 250;
    const KILL_AFTER: usize = 60;
    let marker = "pannebrutale";
    let token = demo_with_admin_token(database);
    let mut server = Server::start(database, &[]);
    let addr = server.addr;
    let programme = programme_id(&server);
    assert_eq!(operations_with(&server, marker), 0);

    let acknowledged = Mutex::new(Vec::new());
    let unexpected = Mutex::new(Vec::new());
    let failed = AtomicUsize::new(0);
    let count = || acknowledged.lock().unwrap().len();
    std::thread::scope(|scope| {
        for worker in 0..WORKERS {
            let (acknowledged, unexpected, failed, token) =
                (&acknowledged, &unexpected, &failed, &token);
            scope.spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                for n in 0..WRITES_PER_WORKER {
                    let title = format!("{marker} {worker}-{n}");
                    let cost = i64::try_from(worker * 100_000 + n).unwrap();
                    let body = operation(programme, &title, cost);
                    let outcome = send(
                        addr,
                        "POST",
                        "/api/v1/operations",
                        Some(token),
                        Some(&body),
                        CLIENT_TIMEOUT,
                    );
                    match &outcome {
                        Outcome::Answer(answer) if answer.status == 201 => {
                            let record = answer.json();
                            assert!(record["id"].as_i64().is_some(), "{record}");
                            assert_eq!(record["title"], title.as_str());
                            acknowledged.lock().unwrap().push(record);
                        }
                        Outcome::Answer(_) => unexpected.lock().unwrap().push(outcome),
                        // The server is gone: this write may or may not have been kept.
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                    if Instant::now() >= deadline {
                        break;
                    }
                }
            });
        }
        let under_way = wait_until(Duration::from_secs(60), || count() >= KILL_AFTER);
        assert!(under_way, "too few writes acknowledged:\n{}", server.log());
        server.kill();
    });

    let acknowledged = acknowledged.into_inner().unwrap();
    let unexpected = unexpected.into_inner().unwrap();
    let failed = failed.into_inner();
    assert!(unexpected.is_empty(), "{unexpected:?}\n{}", server.log());
    assert!(
        failed > 0,
        "the kill came after the burst ({} acknowledged): it must cut it",
        acknowledged.len()
    );

    let mut again = Server::start(database, &[]);
    assert_stored_as_acknowledged(&again, &acknowledged);
    let found = operations_with(&again, marker);
    let sent = u64::try_from(acknowledged.len() + failed).unwrap();
    assert!(
        (acknowledged.len() as u64..=sent).contains(&found),
        "{found} operation(s) found for {} acknowledged and {failed} cut",
        acknowledged.len()
    );
    assert_check_and_audit_pass(database);
    assert_stops_cleanly(&mut again);
    CrashFigures {
        acknowledged: acknowledged.len(),
        found,
        failed,
    }
}

#[test]
fn a_killed_server_keeps_every_acknowledged_write_on_sqlite() {
    let db = block_on(TestDb::unmigrated(Backend::Sqlite));
    let figures = acknowledged_writes_survive_a_kill(&db.url);
    figures.print("SQLite");
}

#[test]
#[ignore = "needs PostgreSQL: .ci/run runs it with --run-ignored"]
fn a_killed_server_keeps_every_acknowledged_write_on_postgres() {
    let database = dedicated_postgres_database("renouveau_faults");
    let figures = acknowledged_writes_survive_a_kill(&database);
    figures.print("PostgreSQL");
    drop_postgres_database("renouveau_faults");
}

/// The test server's URL with another database name.
fn postgres_database_url(name: &str) -> String {
    let base = postgres_url();
    let (address, query) = match base.split_once('?') {
        Some((address, query)) => (address.to_string(), format!("?{query}")),
        None => (base.clone(), String::new()),
    };
    let (server, _) = address
        .rsplit_once('/')
        .filter(|(server, _)| server.ends_with(|c: char| c != '/'))
        .unwrap_or((&address, ""));
    format!("{server}/{name}{query}")
}

async fn maintenance_connection() -> PgConnection {
    let options = PgConnectOptions::from_str(&postgres_url())
        .unwrap()
        .database("postgres");
    PgConnection::connect_with(&options)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is not reachable: {e}"))
}

/// An empty database of the given name, dropped first if a previous run left it.
fn dedicated_postgres_database(name: &'static str) -> String {
    block_on(async {
        let mut admin = maintenance_connection().await;
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::query(AssertSqlSafe(sql))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    });
    postgres_database_url(name)
}

/// Dropped only when the test passed: a failing run leaves it to look at.
fn drop_postgres_database(name: &'static str) {
    block_on(async {
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        sqlx::query(AssertSqlSafe(sql))
            .execute(&mut maintenance_connection().await)
            .await
            .unwrap();
    });
}

/// A shell command from the environment, which says how this machine stops and starts
/// PostgreSQL.
fn control_command(variable: &str) -> String {
    std::env::var(variable).unwrap_or_else(|_| {
        panic!(
            "{variable} is not set: RENOUVEAU_TEST_POSTGRES_STOP and RENOUVEAU_TEST_POSTGRES_START \
             must hold the shell commands that stop and start the PostgreSQL server \
             (.ci/run sets them)"
        )
    })
}

fn run_shell(command: &str) -> bool {
    Command::new("sh")
        .args(["-c", command])
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts PostgreSQL again when the test ends, even by a failure, if it left it stopped.
struct Restarter {
    start: String,
    stopped: bool,
}

impl Drop for Restarter {
    fn drop(&mut self) {
        if self.stopped && !run_shell(&self.start) {
            eprintln!("could not start PostgreSQL again with: {}", self.start);
        }
    }
}

/// One request of the restart test: when it started and ended, and how.
struct Exchange {
    started: Instant,
    ended: Instant,
    what: &'static str,
    outcome: Outcome,
}

#[test]
#[ignore = "restarts PostgreSQL: .ci/run runs it alone, after every other test"]
fn a_server_survives_a_postgres_restart() {
    const WORKERS: usize = 4;
    const REQUESTS_PER_WORKER: usize = 2_000;
    // Longer than the pool's 10 s wait for a connection: requests during it end in 503.
    const OUTAGE: Duration = Duration::from_secs(12);
    const RECOVERY_LIMIT: Duration = Duration::from_secs(60);
    let stop = control_command("RENOUVEAU_TEST_POSTGRES_STOP");
    let start = control_command("RENOUVEAU_TEST_POSTGRES_START");
    let marker = "redemarrage";
    let database = dedicated_postgres_database("renouveau_faults_restart");
    let token = demo_with_admin_token(&database);
    let mut server = Server::start(&database, &[]);
    let addr = server.addr;
    let programme = programme_id(&server);

    let exchanges = Mutex::new(Vec::<Exchange>::new());
    let finished = AtomicBool::new(false);
    let mut restarter = Restarter {
        start: start.clone(),
        stopped: false,
    };
    let (mut stopped_at, mut started_at, mut recovered_at) = (None, None, None);
    std::thread::scope(|scope| {
        for worker in 0..WORKERS {
            let (exchanges, finished, token) = (&exchanges, &finished, &token);
            scope.spawn(move || {
                let deadline = Instant::now() + OUTAGE + RECOVERY_LIMIT + Duration::from_secs(60);
                for n in 0..REQUESTS_PER_WORKER {
                    if finished.load(Ordering::Relaxed) || Instant::now() >= deadline {
                        break;
                    }
                    let started = Instant::now();
                    let (what, outcome) = match (worker + n) % 3 {
                        0 => {
                            let body = operation(programme, &format!("{marker} {worker}-{n}"), 1);
                            let outcome = send(
                                addr,
                                "POST",
                                "/api/v1/operations",
                                Some(token),
                                Some(&body),
                                CLIENT_TIMEOUT,
                            );
                            ("POST /api/v1/operations", outcome)
                        }
                        1 => {
                            let path = "/api/v1/operations?per_page=5";
                            (path, send(addr, "GET", path, None, None, CLIENT_TIMEOUT))
                        }
                        _ => (
                            "GET /healthz",
                            send(addr, "GET", "/healthz", None, None, CLIENT_TIMEOUT),
                        ),
                    };
                    exchanges.lock().unwrap().push(Exchange {
                        started,
                        ended: Instant::now(),
                        what,
                        outcome,
                    });
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
        std::thread::sleep(Duration::from_secs(1));
        stopped_at = Some(Instant::now());
        restarter.stopped = true;
        assert!(run_shell(&stop), "could not stop PostgreSQL with: {stop}");
        std::thread::sleep(OUTAGE);
        started_at = Some(Instant::now());
        assert!(
            run_shell(&start),
            "could not start PostgreSQL with: {start}"
        );
        restarter.stopped = false;
        let back = Instant::now();
        let recovered = wait_until(RECOVERY_LIMIT, || {
            exchanges
                .lock()
                .unwrap()
                .iter()
                .any(|e| e.started > back && e.outcome.status() == Some(200))
        });
        recovered_at = recovered.then(Instant::now);
        // A little more traffic after the recovery, then stop.
        std::thread::sleep(Duration::from_secs(2));
        finished.store(true, Ordering::Relaxed);
    });
    drop(restarter);
    let (stopped_at, started_at) = (stopped_at.unwrap(), started_at.unwrap());
    let recovered_at = recovered_at.unwrap_or_else(|| {
        panic!(
            "no 200 within {RECOVERY_LIMIT:?} of PostgreSQL starting again:\n{}",
            server.log()
        )
    });
    assert!(server.is_running(), "the server stopped:\n{}", server.log());

    let exchanges = exchanges.into_inner().unwrap();
    let mut unavailable = 0;
    let mut served_during_outage = 0;
    let mut slowest = Duration::ZERO;
    let mut acknowledged = 0_u64;
    for exchange in &exchanges {
        let status = match &exchange.outcome {
            Outcome::Answer(answer) => answer.status,
            other => panic!(
                "{}: {other:?} (a crash, a cut answer or a hang)\n{}",
                exchange.what,
                server.log()
            ),
        };
        let during_outage = exchange.ended > stopped_at && exchange.started < started_at;
        slowest = slowest.max(exchange.ended - exchange.started);
        match status {
            200 | 201 => {
                acknowledged += u64::from(status == 201);
                served_during_outage += usize::from(during_outage);
            }
            503 => {
                assert!(
                    exchange.ended > stopped_at && exchange.started < recovered_at,
                    "{}: 503 outside the outage",
                    exchange.what
                );
                unavailable += 1;
            }
            _ => panic!(
                "{}: {status} {}\n{}",
                exchange.what,
                String::from_utf8_lossy(&exchange.outcome.answer().unwrap().body),
                server.log()
            ),
        }
    }
    assert!(unavailable > 0, "no request saw the outage");
    let after: Vec<_> = exchanges
        .iter()
        .filter(|e| e.started >= recovered_at)
        .collect();
    assert!(!after.is_empty());
    assert!(
        after
            .iter()
            .all(|e| matches!(e.outcome.status(), Some(200 | 201))),
        "not every request succeeded after the recovery"
    );
    println!(
        "PostgreSQL restart: {} request(s), {unavailable} answered 503 during the outage, \
         {served_during_outage} served around it, slowest {slowest:?}, first 200 {:?} after \
         PostgreSQL was started again (start command took part of it), {acknowledged} write(s) \
         acknowledged",
        exchanges.len(),
        recovered_at - started_at,
    );
    assert!(operations_with(&server, marker) >= acknowledged);
    assert_check_and_audit_pass(&database);
    assert_stops_cleanly(&mut server);
    drop_postgres_database("renouveau_faults_restart");
}
