//! The database goes away under a running portal (PostgreSQL behind a proxy
//! this test cuts), or its disk fills up (SQLite): calls answer 503 with a Chinese message, not a hang or a
//! 500 with internals; `/healthz` says so; and when the database is back the
//! portal serves again by itself, with nothing saved before lost.

mod common;

use common::{citizen_sign_in, TestDb};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// A TCP proxy to `target` that can be cut (open connections dropped, new
/// ones closed at once) and restored.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let open: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (up2, open2) = (up.clone(), open.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                open2.lock().unwrap().push(task);
            }
        });
        Proxy { port, up, open }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for t in self.open.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_lost_database_answers_503_and_recovers_by_itself() {
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    // postgres://user@127.0.0.1:5432/name → through the proxy.
    let (head, name) = pg.url.rsplit_once('/').unwrap();
    let host_port = head.rsplit_once('@').map_or(head, |(_, h)| h);
    let host_port = host_port.trim_start_matches("postgres://");
    let proxy = Proxy::start(host_port.to_string()).await;
    let url = format!(
        "{}/{name}",
        head.replace(host_port, &format!("127.0.0.1:{}", proxy.port))
    );
    let app = common::spawn_app(&url).await;
    let b = app.browser();
    citizen_sign_in(&app, &b, "13800007777").await;
    assert_eq!(app.text("/healthz").await.0, 200);

    proxy.cut();
    let started = Instant::now();
    let r = b.call("otp/request", &[("phone", "13800007778")]).await;
    assert_eq!(r.status, 503, "{}", r.body);
    // The error the app shows as 系统暂时无法访问数据…, and nothing more.
    assert_eq!(r.json(), "Unavailable", "{}", r.body);
    let page = b.page("/my").await;
    assert_eq!(page.status, 503, "a page says it too");
    assert!(page.body.contains("系统暂时无法访问数据"));
    let (status, body) = app.text("/healthz").await;
    assert_eq!((status, body.as_str()), (503, "database unavailable"));
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "answers within the pool's wait, not a hang: {:?}",
        started.elapsed()
    );

    // Back: the same session, the same data, no restart.
    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.text("/healthz").await.0 != 200 {
        assert!(Instant::now() < deadline, "did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(b.query("my", &[]).await.body.contains("138****7777"));
    let r = b.call("otp/request", &[("phone", "13800007778")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    drop(app);
    pg.cleanup().await;
}

/// A full disk (SQLite: the file may not grow, `SQLITE_FULL`): refused writes
/// answer 503 with the same message, reads keep working, and once there is
/// room again the next write succeeds.
#[tokio::test]
async fn a_full_disk_answers_503_and_recovers() {
    let db = TestDb::sqlite();
    let app = common::spawn_with(server::config::Config {
        identity: server::config::IdentityConfig {
            otp_per_ip_hour: 1_000_000,
            ..common::config(&db.url).identity
        },
        ..common::config(&db.url)
    })
    .await;
    // Every pooled connection is told the file is as large as it may get.
    let limit = |pages: Option<i64>| {
        let pool = app.db.pool().clone();
        async move {
            let mut conns = Vec::new();
            for _ in 0..8 {
                conns.push(pool.acquire().await.unwrap());
            }
            for c in conns.iter_mut() {
                let n: i64 = match pages {
                    Some(n) => n,
                    None => {
                        use sqlx::Row;
                        sqlx::query("PRAGMA page_count")
                            .fetch_one(&mut **c)
                            .await
                            .unwrap()
                            .try_get(0)
                            .unwrap()
                    }
                };
                sqlx::query(&format!("PRAGMA max_page_count = {n}"))
                    .execute(&mut **c)
                    .await
                    .unwrap();
            }
        }
    };
    limit(None).await;
    let b = app.browser();
    let mut full = None;
    for n in 0..2_000 {
        let r = b
            .call("otp/request", &[("phone", &format!("1380001{n:04}"))])
            .await;
        if r.status != 200 {
            full = Some(r);
            break;
        }
    }
    let r = full.expect("the database never filled up");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.json(), "Unavailable", "{}", r.body);
    assert_eq!(app.text("/items/201").await.0, 200, "reading still works");

    limit(Some(1_073_741_823)).await;
    let r = b.call("otp/request", &[("phone", "13900000001")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    db.cleanup().await;
}
