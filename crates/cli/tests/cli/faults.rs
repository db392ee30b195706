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
    let (first_half, second_half) = body.as_bytes().split_at(body.len() / 2);
    let mut slow = open(addr, CLIENT_TIMEOUT).unwrap();
    let request = head(
        addr,
        "POST",
        "/api/v1/operations",
        Some(&token),
        Some(body.len()),
    );
    slow.write_all(request.as_bytes()).unwrap();
    slow.write_all(first_half).unwrap();

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
        slow.write_all(second_half).unwrap();
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
    let db = DedicatedDb::create("renouveau_faults");
    let figures = acknowledged_writes_survive_a_kill(&db.url);
    figures.print("PostgreSQL");
    db.drop_database();
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

/// A PostgreSQL database of its own on the test server, named after the test process so that
/// two runs at once do not share one.
struct DedicatedDb {
    name: String,
    url: String,
}

impl DedicatedDb {
    /// An empty database, dropped first if a previous run left it.
    fn create(prefix: &str) -> Self {
        let name = format!("{prefix}_{}", std::process::id());
        execute_on_maintenance_database(&[
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ]);
        let url = postgres_database_url(&name);
        Self { name, url }
    }

    /// Only once the test passed: a failing run leaves it to look at.
    fn drop_database(self) {
        execute_on_maintenance_database(&[format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )]);
    }
}

fn execute_on_maintenance_database(statements: &[String]) {
    block_on(async {
        let mut admin = maintenance_connection().await;
        for sql in statements {
            sqlx::query(AssertSqlSafe(sql.as_str()))
                .execute(&mut admin)
                .await
                .unwrap();
        }
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

/// One request of the PostgreSQL tests: when it started and ended, and how.
struct Exchange {
    started: Instant,
    ended: Instant,
    what: &'static str,
    outcome: Outcome,
}

/// Where the PostgreSQL tests send their traffic.
struct Target<'a> {
    server: &'a Server,
    token: &'a str,
    programme: i64,
    marker: &'static str,
}

/// Writes, reads and health checks from `WORKERS` connections at once, each worker pausing
/// 20 ms between requests, until `finished` is set or the bounds are reached.
fn traffic(target: &Target<'_>, finished: &AtomicBool, limit: Duration) -> Vec<Exchange> {
    const WORKERS: usize = 4;
    const REQUESTS_PER_WORKER: usize = 2_000;
    let exchanges = Mutex::new(Vec::new());
    let deadline = Instant::now() + limit;
    std::thread::scope(|scope| {
        for worker in 0..WORKERS {
            let exchanges = &exchanges;
            scope.spawn(move || {
                for n in 0..REQUESTS_PER_WORKER {
                    if finished.load(Ordering::Relaxed) || Instant::now() >= deadline {
                        break;
                    }
                    let exchange = mixed_request(target, worker, n);
                    exchanges.lock().unwrap().push(exchange);
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
    });
    exchanges.into_inner().unwrap()
}

fn mixed_request(target: &Target<'_>, worker: usize, n: usize) -> Exchange {
    let addr = target.server.addr;
    let started = Instant::now();
    let (what, outcome) = match (worker + n) % 3 {
        0 => {
            let title = format!("{} {worker}-{n}", target.marker);
            let body = operation(target.programme, &title, 1);
            let outcome = send(
                addr,
                "POST",
                "/api/v1/operations",
                Some(target.token),
                Some(&body),
                CLIENT_TIMEOUT,
            );
            ("POST /api/v1/operations", outcome)
        }
        1 => {
            let path = "/api/v1/operations?per_page=20";
            (path, send(addr, "GET", path, None, None, CLIENT_TIMEOUT))
        }
        _ => ("/healthz", target.server.get("/healthz")),
    };
    Exchange {
        started,
        ended: Instant::now(),
        what,
        outcome,
    }
}

/// What the PostgreSQL tests saw.
#[derive(Default)]
struct Tally {
    unavailable: usize,
    acknowledged: u64,
    slowest: Duration,
}

/// Every request got a whole answer, and every answer is a success or a 503: never a 500, a
/// cut answer, a refused connection or a wait beyond the client's timeout.
fn tally(exchanges: &[Exchange], server: &Server) -> Tally {
    let mut tally = Tally::default();
    for exchange in exchanges {
        tally.slowest = tally.slowest.max(exchange.ended - exchange.started);
        match exchange.outcome.status() {
            Some(200) => {}
            Some(201) => tally.acknowledged += 1,
            Some(503) => tally.unavailable += 1,
            _ => panic!(
                "{}: {:?}\n{}",
                exchange.what,
                exchange.outcome,
                server.log()
            ),
        }
    }
    tally
}

fn terminate_sessions(database: &str) -> u64 {
    block_on(async {
        let sql = "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
                   WHERE datname = $1 AND pid <> pg_backend_pid()";
        let terminated: i64 = sqlx::query_scalar(sql)
            .bind(database)
            .fetch_one(&mut maintenance_connection().await)
            .await
            .unwrap();
        u64::try_from(terminated).unwrap_or_default()
    })
}

/// What a fast shutdown does to every session, done to this server's sessions only, so that it
/// can run beside the other tests: requests whose query is cut get 503, and the next ones 200.
#[test]
#[ignore = "needs PostgreSQL: .ci/run runs it with --run-ignored"]
fn postgres_sessions_cut_under_load_are_answered_503_not_500() {
    const ROUNDS: usize = 400;
    const ENOUGH: usize = 5;
    let db = DedicatedDb::create("renouveau_faults_sessions");
    let database = db.url.clone();
    let token = demo_with_admin_token(&database);
    let mut server = Server::start(&database, &[]);
    let target = Target {
        server: &server,
        token: &token,
        programme: programme_id(&server),
        marker: "sessioncoupee",
    };
    let finished = AtomicBool::new(false);
    let (mut rounds, mut terminated) = (0, 0);
    let exchanges = std::thread::scope(|scope| {
        let load = scope.spawn(|| traffic(&target, &finished, Duration::from_secs(90)));
        std::thread::sleep(Duration::from_millis(500));
        let started = Instant::now();
        // Until enough requests were cut, within bounds.
        while rounds < ROUNDS && started.elapsed() < Duration::from_secs(60) {
            terminated += terminate_sessions(&db.name);
            rounds += 1;
            std::thread::sleep(Duration::from_millis(30));
            if rounds % 10 == 0 && server.log().matches("terminating connection").count() >= ENOUGH
            {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(500));
        finished.store(true, Ordering::Relaxed);
        load.join().unwrap()
    });
    let tally = tally(&exchanges, &server);
    println!(
        "PostgreSQL sessions cut: {terminated} session(s) ended in {rounds} round(s) under {} \
         request(s): {} answered 503, none 500; {} write(s) acknowledged",
        exchanges.len(),
        tally.unavailable,
        tally.acknowledged
    );
    assert!(
        tally.unavailable > 0,
        "no request was cut:\n{}",
        server.log()
    );
    let after = server.get("/api/v1/operations?per_page=20");
    assert_eq!(after.status(), Some(200), "{after:?}");
    assert!(operations_with(&server, "sessioncoupee") >= tally.acknowledged);
    assert_check_and_audit_pass(&database);
    assert_stops_cleanly(&mut server);
    db.drop_database();
}

#[test]
#[ignore = "restarts PostgreSQL: .ci/run runs it alone, after every other test"]
fn a_server_survives_a_postgres_restart() {
    // Longer than the pool's 10 s wait for a connection: requests during it end in 503.
    const OUTAGE: Duration = Duration::from_secs(12);
    const RECOVERY_LIMIT: Duration = Duration::from_secs(60);
    let stop = control_command("RENOUVEAU_TEST_POSTGRES_STOP");
    let start = control_command("RENOUVEAU_TEST_POSTGRES_START");
    let db = DedicatedDb::create("renouveau_faults_restart");
    let database = db.url.clone();
    let token = demo_with_admin_token(&database);
    let mut server = Server::start(&database, &[]);
    let target = Target {
        server: &server,
        token: &token,
        programme: programme_id(&server),
        marker: "redemarrage",
    };

    let finished = AtomicBool::new(false);
    let (mut stopped_at, mut started_at, mut up_at, mut first_success) = (None, None, None, None);
    let exchanges = std::thread::scope(|scope| {
        let load = scope.spawn(|| traffic(&target, &finished, OUTAGE + 2 * RECOVERY_LIMIT));
        std::thread::sleep(Duration::from_secs(1));
        stopped_at = Some(Instant::now());
        let stopped = run_shell(&stop);
        if stopped {
            std::thread::sleep(OUTAGE);
        }
        // Started again whatever happened: nothing between the two commands can fail.
        started_at = Some(Instant::now());
        let started = run_shell(&start);
        // The same process answers again: a health check that started after PostgreSQL did.
        let back = Instant::now();
        up_at = Some(back);
        if stopped && started {
            let deadline = back + RECOVERY_LIMIT;
            while Instant::now() < deadline {
                if server.get("/healthz").status() == Some(200) {
                    first_success = Some(Instant::now());
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // A little more traffic after the recovery.
            std::thread::sleep(Duration::from_secs(2));
        }
        finished.store(true, Ordering::Relaxed);
        let exchanges = load.join().unwrap();
        assert!(stopped, "could not stop PostgreSQL with: {stop}");
        assert!(started, "could not start PostgreSQL with: {start}");
        exchanges
    });
    let (stopped_at, started_at, up_at) =
        (stopped_at.unwrap(), started_at.unwrap(), up_at.unwrap());
    let first_success = first_success.unwrap_or_else(|| {
        panic!(
            "no 200 within {RECOVERY_LIMIT:?} of PostgreSQL starting again:\n{}",
            server.log()
        )
    });
    assert!(server.is_running(), "the server stopped:\n{}", server.log());

    let tally = tally(&exchanges, &server);
    assert!(tally.unavailable > 0, "no request saw the outage");
    for exchange in &exchanges {
        if exchange.outcome.status() == Some(503) {
            assert!(
                exchange.ended > stopped_at && exchange.started < first_success,
                "{}: 503 outside the outage",
                exchange.what
            );
        }
    }
    let after: Vec<_> = exchanges
        .iter()
        .filter(|e| e.started >= first_success)
        .collect();
    assert!(!after.is_empty(), "no traffic after the recovery");
    assert!(
        after
            .iter()
            .all(|e| matches!(e.outcome.status(), Some(200 | 201))),
        "not every request succeeded after the recovery"
    );
    println!(
        "PostgreSQL restart: {} request(s), {} answered 503 during the outage, none 500, slowest \
         {:?}; 200 again {:?} after the start command returned (it took {:?}; {:?} after the \
         stop command began); {} write(s) acknowledged",
        exchanges.len(),
        tally.unavailable,
        tally.slowest,
        first_success - up_at,
        up_at - started_at,
        first_success - stopped_at,
        tally.acknowledged,
    );
    assert!(operations_with(&server, "redemarrage") >= tally.acknowledged);
    assert_check_and_audit_pass(&database);
    assert_stops_cleanly(&mut server);
    db.drop_database();
}
