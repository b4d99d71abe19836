//! The real binary on SIGTERM: it stops accepting, answers the request in
//! flight, stops the outbox worker and exits 0. Meanwhile `admin backup`
//! copies its database and `admin restore` refuses until it has stopped.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn sigterm_finishes_in_flight_requests_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let log = dir.path().join("server.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("b.db").display()),
        )
        .env("LEPTOS_SITE_ADDR", &addr)
        .env("RUST_LOG", "info")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    loop {
        let up = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if up {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Backed up while it runs; restore refuses while it runs.
    let db_url = format!("sqlite://{}", dir.path().join("b.db").display());
    let backup = dir.path().join("copy.db");
    let admin = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bianmin"))
            .env("DATABASE_URL", &db_url)
            .env("RUST_LOG", "warn")
            .arg("admin")
            .args(args)
            .output()
            .unwrap()
    };
    let made = admin(&["backup", backup.to_str().unwrap()]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let refused = admin(&["restore", backup.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("a server is running"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    // A request whose body is still arriving when the signal comes.
    let mut s = TcpStream::connect(&addr).await.unwrap();
    let body = "code=123456";
    s.write_all(
        format!(
            "POST /api/otp/verify HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\ncode=",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    s.write_all(b"123456").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut answer))
        .await
        .expect("no answer to the request in flight")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 4"),
        "in-flight request: {answer}"
    );

    // Exits by itself, with 0, and no longer listens.
    let deadline = Instant::now() + Duration::from_secs(45);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running 45 s after SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(status.code(), Some(0));
    assert!(TcpStream::connect(&addr).await.is_err());
    // Stopped, the backup goes back.
    let restored = admin(&["restore", backup.to_str().unwrap()]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let mut text = String::new();
    std::fs::File::open(&log)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("SIGTERM"), "{text}");
    assert!(text.contains("outbox worker stopped"), "{text}");
    assert!(!text.contains("ERROR"), "{text}");
}
