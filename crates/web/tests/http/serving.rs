//! The server's own connections (not the router's answers): a client that does not finish
//! sending a request's headers loses its connection, so that half-sent requests cannot hold
//! the server's sockets.

use std::time::{Duration, Instant};

use renouveau_store::testing::TestDb;
use renouveau_web::{AppState, ServeOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const HEADER_TIMEOUT: Duration = Duration::from_millis(400);

/// How long the test waits for the server to close a connection before it fails.
const PATIENCE: Duration = Duration::from_secs(10);

#[tokio::test]
async fn connections_whose_headers_do_not_come_are_closed_after_the_timeout() {
    let db = TestDb::new().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = ServeOptions {
        header_read_timeout: HEADER_TIMEOUT,
    };
    let server = tokio::spawn(renouveau_web::serve_with(
        listener,
        AppState::new(db.store.clone()),
        options,
        async {
            stopped.await.ok();
        },
    ));

    for (what, sent) in [
        ("half a request line", &b"GET /healthz HT"[..]),
        (
            "a request line without its headers' end",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
        ),
        ("nothing", b""),
    ] {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(sent).await.unwrap();
        let started = Instant::now();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer)).await;
        assert!(
            read.is_ok(),
            "{what}: the connection was still open after {PATIENCE:?}"
        );
        assert!(
            started.elapsed() >= HEADER_TIMEOUT / 2,
            "{what}: closed at once, before the client had its time"
        );
    }

    // A whole request is still answered.
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    stop.send(()).unwrap();
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the server stops when asked")
        .unwrap()
        .unwrap();
}
