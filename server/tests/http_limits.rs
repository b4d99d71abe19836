//! Limits met before any handler, over real sockets: an oversized URL or body
//! is refused at once and the connection closed, and a refusal that leaves a
//! body unread never leaves the next request on that connection unanswered.

mod common;

use common::{spawn_app, TestDb};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads one response head and as much body as `Content-Length` says; the
/// head's lines lower-cased. Fails the test after 10 s.
async fn read_response(s: &mut TcpStream) -> (u16, String, Vec<u8>) {
    tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = s.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed before a response");
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
        let status = head[9..12].parse().unwrap();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .map_or(0, |v| v.trim().parse().unwrap());
        while buf.len() < head_end + len {
            let n = s.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed inside a body");
            buf.extend_from_slice(&chunk[..n]);
        }
        (status, head, buf[head_end..head_end + len].to_vec())
    })
    .await
    .expect("no response within 10 s")
}

/// True when the server closes the connection within 5 s.
async fn closed(s: &mut TcpStream) -> bool {
    let mut b = [0u8; 64];
    matches!(
        tokio::time::timeout(Duration::from_secs(5), s.read(&mut b)).await,
        Ok(Ok(0)) | Ok(Err(_))
    )
}

#[tokio::test]
async fn a_refused_cross_origin_post_closes_its_connection() {
    let db = TestDb::sqlite();
    let app = spawn_app(&db.url).await;
    let host = app.addr.to_string();
    for _ in 0..20 {
        let mut s = TcpStream::connect(app.addr).await.unwrap();
        let body = "code=123456";
        s.write_all(
            format!(
                "POST /api/otp/verify HTTP/1.1\r\nHost: {host}\r\nOrigin: https://evil.example\r\n\
                 Sec-Fetch-Site: cross-site\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        let (status, head, _) = read_response(&mut s).await;
        assert_eq!(status, 403);
        assert!(head.contains("connection: close"), "{head}");
        assert!(closed(&mut s).await, "connection left open after 403");
    }
    // A same-origin client that reuses connections still gets every answer.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    for i in 0..200 {
        let site = if i % 2 == 0 {
            "cross-site"
        } else {
            "same-origin"
        };
        let r = client
            .post(app.url("/api/otp/verify"))
            .header("sec-fetch-site", site)
            .form(&[("code", "123456")])
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {i} ({site}) unanswered: {e}"));
        assert_eq!(r.status() == 403, site == "cross-site", "request {i}");
    }
    db.cleanup().await;
}

#[tokio::test]
async fn oversized_urls_and_bodies_are_refused_early() {
    let db = TestDb::sqlite();
    let app = spawn_app(&db.url).await;
    let host = app.addr.to_string();

    // A search page URL of 5.4 KB is still answered; 9 KiB of URL is not.
    let (status, _) = app.text(&format!("/search?q={}", "社".repeat(600))).await;
    assert_eq!(status, 200);
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    s.write_all(
        format!(
            "GET /search?q={} HTTP/1.1\r\nHost: {host}\r\n\r\n",
            "a".repeat(9 * 1024)
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let (status, head, body) = read_response(&mut s).await;
    assert_eq!(status, 414);
    assert!(head.contains("connection: close"));
    // Refusals carry the security headers every answer does.
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{head}"
    );
    assert!(String::from_utf8_lossy(&body).contains("网址过长"));

    // A declared 17 MiB body is refused before a byte of it is sent.
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    s.write_all(
        format!(
            "POST /api/otp/request HTTP/1.1\r\nHost: {host}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            17 * 1024 * 1024
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let (status, head, body) = read_response(&mut s).await;
    assert_eq!(status, 413);
    assert!(head.contains("connection: close"));
    assert!(String::from_utf8_lossy(&body).contains("过大"));

    // A chunked body that grows past the limit is cut off with a 4xx, to a
    // server function and to a JSON API route alike.
    for path in ["/api/otp/request", "/api/v1/search"] {
        let mut s = TcpStream::connect(app.addr).await.unwrap();
        s.write_all(
            format!(
                "POST {path} HTTP/1.1\r\nHost: {host}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        let chunk = format!("{:x}\r\n{}\r\n", 1 << 20, "a".repeat(1 << 20));
        for _ in 0..17 {
            if s.write_all(chunk.as_bytes()).await.is_err() {
                break; // refused mid-body: the answer is already waiting
            }
        }
        let _ = s.write_all(b"0\r\n\r\n").await;
        let (status, _, body) = read_response(&mut s).await;
        assert!(
            (400..500).contains(&status),
            "{path}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }

    // A real form a little under the limit is still read.
    let r = app
        .client
        .post(app.url("/api/otp/request"))
        .form(&[("phone", "13800000000"), ("pad", &"a".repeat(1 << 20))])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().as_u16() < 500 && r.status() != 413,
        "{}",
        r.status()
    );
    db.cleanup().await;
}

#[tokio::test]
async fn one_address_flooding_searches_is_slowed_not_the_others() {
    let db = TestDb::sqlite();
    let app = common::spawn_with(server::config::Config {
        public_per_ip_second: 5,
        identity: server::config::IdentityConfig {
            client_ip_header: Some("X-Real-IP".into()),
            ..common::config(&db.url).identity
        },
        ..common::config(&db.url)
    })
    .await;
    let get = |path: &str, ip: &str| {
        app.client
            .get(app.url(path))
            .header("x-real-ip", ip)
            .header("accept", "application/json")
            .send()
    };
    // A burst of four seconds' worth (20), then 429s.
    let mut codes = Vec::new();
    for _ in 0..30 {
        codes.push(
            get("/api/v1/search?q=社保", "198.51.100.1")
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    // (Refilling at 5/s while these run may add a token or two.)
    let served = codes.iter().filter(|c| **c == 200).count();
    assert!((20..=23).contains(&served), "{codes:?}");
    assert!(codes[served..].iter().all(|c| *c == 429), "{codes:?}");
    let r = get("/api/v1/search?q=社保", "198.51.100.1").await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Pages and server functions of the same address too, each in its own form.
    let page = get("/search?q=社保", "198.51.100.1").await.unwrap();
    assert_eq!(page.status(), 429);
    assert!(page.text().await.unwrap().contains("请求过于频繁"));
    let call = get("/api/search?q=社保", "198.51.100.1").await.unwrap();
    assert_eq!(call.status(), 429);
    assert_eq!(
        call.json::<app::error::AppError>().await.unwrap(),
        app::error::AppError::RateLimited("请求过于频繁，请稍后再试".into())
    );
    // Everyone else is served; pages that cost little are not limited.
    assert_eq!(
        get("/api/v1/search?q=社保", "198.51.100.2")
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(get("/centers", "198.51.100.1").await.unwrap().status(), 200);
    // A second later the flooder gets the sustained rate back.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(
        get("/api/v1/search?q=社保", "198.51.100.1")
            .await
            .unwrap()
            .status(),
        200
    );
    db.cleanup().await;
}
