//! A `renouveau serve` child process, and a small HTTP/1.1 client that tells a complete answer
//! from a cut one, for the fault tests. Everything stays on 127.0.0.1.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sqlx::types::JsonValue;

/// How long a debug build may take to open, migrate and load the demo programme.
const START_LIMIT: Duration = Duration::from_secs(120);

/// Runs a command of the binary to its end and returns its standard output; panics with what it
/// printed when it fails.
pub fn cli(database: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_renouveau"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("RENOUVEAU_LISTEN")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "renouveau {} failed ({}):\n{stdout}{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A demo database with an administrator, and a token for the API. Returns the token.
pub fn demo_with_admin_token(database: &str) -> String {
    cli(database, &["init", "--demo"]);
    let email = "panne@renouveau.test";
    cli(
        database,
        &[
            "user",
            "add",
            "--email",
            email,
            "--org",
            "Région",
            "--role",
            "admin",
            "--password",
            "Lanterne, chevalement et 7 violettes",
        ],
    );
    let created = cli(database, &["token", "create", "--email", email]);
    let token = created.lines().last().unwrap().trim().to_string();
    assert!(token.starts_with("rnv_"), "{created}");
    token
}

/// `renouveau serve` running as a child process on a port the system chose. Dropped while it
/// still runs, it is killed: a failing test leaves no server behind.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Server {
    /// Starts `renouveau --database URL serve --listen 127.0.0.1:0 EXTRA...` and waits for the
    /// address it prints.
    pub fn start(database: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_renouveau"))
            .args(["--database", database, "serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (lines, received) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let readers = vec![
            collect(stdout, Arc::clone(&log), Some(lines)),
            collect(stderr, Arc::clone(&log), None),
        ];
        let mut server = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
            readers,
        };
        let deadline = Instant::now() + START_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(line) => {
                    if let Some(address) = listening_address(&line) {
                        server.addr = address;
                        return server;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "renouveau serve did not print its address within {START_LIMIT:?}:\n{}",
                        server.log()
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = server.wait(Duration::from_secs(10));
                    panic!(
                        "renouveau serve stopped before listening ({status:?}):\n{}",
                        server.log()
                    )
                }
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, as a service manager does to stop a service.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM {}: {status}", self.pid());
    }

    /// SIGKILL: the process ends at once, whatever it was doing.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits at most `limit` for the process to end; once it has, its output is complete.
    pub fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                for reader in self.readers.drain(..) {
                    let _ = reader.join();
                }
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the server printed so far, on both outputs.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn get(&self, path: &str) -> Outcome {
        send(self.addr, "GET", path, None, None, CLIENT_TIMEOUT)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn collect(
    output: impl Read + Send + 'static,
    log: Arc<Mutex<String>>,
    lines: Option<mpsc::Sender<String>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(output).lines() {
            let Ok(line) = line else { break };
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                log.push('\n');
            }
            if let Some(lines) = &lines {
                let _ = lines.send(line);
            }
        }
    })
}

/// The address in « renouveau écoute sur http://127.0.0.1:PORT/ (base : …) ».
fn listening_address(line: &str) -> Option<SocketAddr> {
    let rest = line.split_once("écoute sur http://")?.1;
    rest.split_once('/')?.0.parse().ok()
}

/// Longer than the server's own 30 s request timeout: a request that takes longer hangs.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(40);

/// What became of one request.
pub enum Outcome {
    /// The status line, the headers and the whole body announced.
    Answer(Response),
    /// Not a byte came back: the connection was refused, reset or closed first.
    Nothing(String),
    /// Nothing, or not everything, came back within the client's timeout.
    TimedOut { received: usize },
    /// The answer began but stopped short, or could not be read as HTTP.
    Cut { received: usize, why: String },
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Answer(r) => write!(f, "{} {}", r.status, String::from_utf8_lossy(&r.body)),
            Self::Nothing(why) => write!(f, "no answer: {why}"),
            Self::TimedOut { received } => {
                write!(f, "timed out after {received} byte(s) of answer")
            }
            Self::Cut { received, why } => write!(f, "cut after {received} byte(s): {why}"),
        }
    }
}

impl Outcome {
    pub fn answer(&self) -> Option<&Response> {
        match self {
            Self::Answer(response) => Some(response),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.answer().map(|r| r.status)
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> JsonValue {
        let text = String::from_utf8_lossy(&self.body);
        text.parse()
            .unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }
}

/// One request on a connection of its own (`Connection: close`).
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
    timeout: Duration,
) -> Outcome {
    let mut stream = match open(addr, timeout) {
        Ok(stream) => stream,
        Err(e) => return Outcome::Nothing(e.to_string()),
    };
    let mut request = head(addr, method, path, token, json.map(str::len)).into_bytes();
    request.extend_from_slice(json.unwrap_or_default().as_bytes());
    // A write refused half-way may still leave an answer to read (e.g. an early error).
    let _ = stream.write_all(&request);
    read_answer(&mut stream)
}

/// A connection to the server with both directions bounded by `timeout`.
pub fn open(addr: SocketAddr, timeout: Duration) -> std::io::Result<TcpStream> {
    assert!(addr.ip().is_loopback(), "tests only talk to 127.0.0.1");
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// The request line and headers; the body, if any, follows.
pub fn head(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body_length: Option<usize>,
) -> String {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: application/json\r\n"
    );
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(length) = body_length {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {length}\r\n"
        ));
    }
    head.push_str("\r\n");
    head
}

/// Reads until the server closes the connection, then checks the answer is whole.
pub fn read_answer(stream: &mut TcpStream) -> Outcome {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 16 * 1024];
    let failure = loop {
        match stream.read(&mut buffer) {
            Ok(0) => break None,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => break Some(e),
        }
    };
    if let Some(e) = &failure
        && matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
    {
        return Outcome::TimedOut {
            received: received.len(),
        };
    }
    if received.is_empty() {
        return Outcome::Nothing(failure.map_or_else(|| "closed".into(), |e| e.to_string()));
    }
    match parse(&received, failure.is_none()) {
        Ok(response) => Outcome::Answer(response),
        Err(why) => Outcome::Cut {
            received: received.len(),
            why: match failure {
                Some(e) => format!("{why} ({e})"),
                None => why,
            },
        },
    }
}

fn parse(bytes: &[u8], closed_cleanly: bool) -> Result<Response, String> {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the headers never ended")?;
    let head = std::str::from_utf8(&bytes[..end]).map_err(|e| e.to_string())?;
    let body = &bytes[end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not a status line: {status_line:?}"))?;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("not a header: {line:?}"))?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().map_err(|e| e.to_string())?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        }
    }
    let body = if chunked {
        dechunk(body)?
    } else if let Some(length) = length {
        if body.len() != length {
            return Err(format!("{} byte(s) of {length} announced", body.len()));
        }
        body.to_vec()
    } else if closed_cleanly {
        body.to_vec()
    } else {
        return Err("no length and the connection failed".into());
    };
    Ok(Response { status, body })
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk size never ended")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).map_err(|e| e.to_string())?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|e| e.to_string())?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return if rest.starts_with(b"\r\n") || rest.windows(4).any(|w| w == b"\r\n\r\n") {
                Ok(body)
            } else {
                Err("the last chunk's end is missing".into())
            };
        }
        if rest.len() < size + 2 {
            return Err(format!("a chunk of {size} byte(s) stops short"));
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

#[test]
fn a_cut_answer_is_told_from_a_whole_one() {
    let whole = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
    assert_eq!(parse(whole, true).unwrap().body, b"hello");
    assert!(parse(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nhello", true).is_err());
    assert!(parse(b"HTTP/1.1 200 OK\r\ncontent-le", false).is_err());
    let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    assert_eq!(parse(chunked, true).unwrap().body, b"hello");
    let cut = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n";
    assert!(parse(cut, false).is_err());
    assert_eq!(
        listening_address("renouveau écoute sur http://127.0.0.1:4321/ (base : sqlite://x.db)"),
        Some(SocketAddr::from(([127, 0, 0, 1], 4321)))
    );
}
