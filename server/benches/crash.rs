//! Crash safety, measured: under booking and one-time-code load, the release
//! server is killed with `kill -9` at random moments and started again,
//! CRASH_KILLS times (default 50). Afterwards: `PRAGMA integrity_check` is ok,
//! every booking answered 200 exists, every slot's counter equals its active
//! bookings, every text answered 200 reached the SMS gateway (a fake one in
//! this process that records the idempotency key), the worst wait of a text
//! and the texts sent twice are counted, and every session still works.
//! Then the same on PostgreSQL with two instances, killing one at a time
//! while the other must keep serving. Prints the counts; fails on any loss.
//!
//! `cargo leptos build --release && cargo bench -p bianmin --bench crash`
//! Environment: CRASH_KILLS (50), CRASH_RATE (60 bookings + 20 codes a second),
//! BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test; "" to skip).

mod support;

use rand::Rng;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{prepare, start_server, Server, KEY};

/// What the fake gateway received: idempotency key → arrival times (ms).
type Received = Arc<Mutex<HashMap<String, Vec<i64>>>>;

async fn gateway() -> (String, Received) {
    let got: Received = Arc::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let seen = seen.clone();
            async move {
                let key = headers
                    .get("idempotency-key")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                seen.lock()
                    .unwrap()
                    .entry(key)
                    .or_default()
                    .push(server::time::now_ms());
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

/// Outcomes by citizen index: the status of their booking or code request.
#[derive(Default)]
struct Outcomes {
    booked: Mutex<Vec<usize>>,
    coded: Mutex<Vec<usize>>,
    statuses: Mutex<BTreeMap<u16, usize>>,
}

/// Sends bookings and code requests to `bases` (round robin) until `stop`.
#[allow(clippy::too_many_arguments)]
async fn load(
    bases: Vec<String>,
    tokens: Arc<Vec<String>>,
    slots: Arc<Vec<i64>>,
    next: Arc<AtomicUsize>,
    rate: u64,
    stop: Arc<AtomicBool>,
    out: Arc<Outcomes>,
    alive_only: Option<Arc<Mutex<Vec<bool>>>>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut tick = tokio::time::interval(Duration::from_nanos(1_000_000_000 / rate));
    let mut handles = Vec::new();
    let mut k = 0usize;
    while !stop.load(Ordering::SeqCst) {
        tick.tick().await;
        k += 1;
        let n = next.fetch_add(1, Ordering::SeqCst);
        if n >= tokens.len() {
            break;
        }
        let which = k % bases.len();
        let base = bases[which].clone();
        let (client, tokens, slots, out) =
            (client.clone(), tokens.clone(), slots.clone(), out.clone());
        let alive = alive_only.clone();
        handles.push(tokio::spawn(async move {
            // Every fourth request asks for a one-time code (a text), the rest book.
            let code = n.is_multiple_of(4);
            let rb = if code {
                client
                    .post(format!("{base}/api/otp/request"))
                    .form(&[("phone", format!("137{n:08}"))])
            } else {
                let slot = slots[n % slots.len()].to_string();
                client
                    .post(format!("{base}/api/book"))
                    .header("cookie", format!("bianmin_citizen={}", tokens[n]))
                    .form(&[
                        ("slot", slot.as_str()),
                        ("seq", "201"),
                        ("name", "张三"),
                        ("notes", ""),
                    ])
            };
            let status = rb
                .header("origin", &base)
                .header("accept", "application/json")
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            *out.statuses.lock().unwrap().entry(status).or_default() += 1;
            if let Some(alive) = alive {
                // Two instances: the one not being killed must answer every request.
                if alive.lock().unwrap()[which] && status != 200 {
                    eprintln!("the surviving instance answered {status}");
                    *out.statuses.lock().unwrap().entry(999).or_default() += 1;
                }
            }
            if status == 200 {
                if code {
                    out.coded.lock().unwrap().push(n);
                } else {
                    out.booked.lock().unwrap().push(n);
                }
            }
        }));
    }
    for h in handles {
        let _ = h.await;
    }
}

fn env_u64(k: &str, d: u64) -> u64 {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

async fn start(port: u16, url: &str, sms: &str) -> Server {
    start_server(
        port,
        url,
        &[
            ("BIANMIN_DATA_KEY", KEY),
            ("BIANMIN_COOKIE_SECURE", "auto"),
            ("BIANMIN_SMS_URL", sms),
            ("BIANMIN_SMS_TOKEN", "t"),
            ("BIANMIN_OTP_PER_IP_HOUR", "1000000"),
        ],
    )
    .await
}

async fn run(label: &str, url: &str, ports: &[u16], kills: u64, rate: u64) {
    let (sms, received) = gateway().await;
    let needed = (kills as usize + 2) * (rate as usize) * 3;
    let (tokens, slots) = prepare(url, needed).await;
    let (tokens, slots) = (Arc::new(tokens), Arc::new(slots));
    let db = server::storage::Db::connect(url).await.unwrap();
    let out = Arc::new(Outcomes::default());
    let next = Arc::new(AtomicUsize::new(0));
    let bases: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let mut servers: Vec<Option<Server>> = Vec::new();
    for p in ports {
        servers.push(Some(start(*p, url, &sms).await));
    }
    let two = ports.len() > 1;
    let alive = Arc::new(Mutex::new(vec![true; ports.len()]));
    let mut rng = rand::rng();
    let started = Instant::now();
    let mut kill_times = Vec::new();
    for _ in 0..kills {
        let stop = Arc::new(AtomicBool::new(false));
        let runner = tokio::spawn(load(
            bases.clone(),
            tokens.clone(),
            slots.clone(),
            next.clone(),
            rate,
            stop.clone(),
            out.clone(),
            two.then(|| alive.clone()),
        ));
        tokio::time::sleep(Duration::from_millis(rng.random_range(200..1500))).await;
        let victim = rng.random_range(0..ports.len());
        alive.lock().unwrap()[victim] = false;
        servers[victim].take().unwrap().kill9();
        kill_times.push(server::time::now_ms());
        if two {
            // The other instance serves alone for a while.
            tokio::time::sleep(Duration::from_millis(rng.random_range(200..800))).await;
        }
        stop.store(true, Ordering::SeqCst);
        let _ = runner.await;
        servers[victim] = Some(start(ports[victim], url, &sms).await);
        alive.lock().unwrap()[victim] = true;
    }
    let load_secs = started.elapsed().as_secs_f64();

    // Let the outbox drain, then read the database.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let left: i64 = sqlx::query(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND kind = 'otp'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        if left == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let integrity = if url.starts_with("sqlite:") {
        sqlx::query("PRAGMA integrity_check")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get::<String, _>(0)
            .unwrap()
    } else {
        "n/a (PostgreSQL)".into()
    };
    let secrets = server::crypto::Secrets::from_base64(KEY).unwrap();
    let booked = out.booked.lock().unwrap().clone();
    let mut missing = 0;
    for n in &booked {
        let key = secrets.lookup_key("phone", &format!("136{n:08}"));
        let found: i64 =
            sqlx::query("SELECT COUNT(*) FROM bookings WHERE phone_key = $1 AND status = 'active'")
                .bind(&key)
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        if found != 1 {
            missing += 1;
        }
    }
    let counters_off: i64 = sqlx::query(
        "SELECT COUNT(*) FROM slots s WHERE s.booked <>
           (SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id AND b.status = 'active' AND b.walk_in = 0)",
    )
    .fetch_one(db.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    let total_bookings: i64 = sqlx::query("SELECT COUNT(*) FROM bookings")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();

    // Texts: every code answered 200 has its row, and its row reached the gateway.
    let rows = sqlx::query("SELECT id, created_at, status FROM outbox WHERE kind = 'otp'")
        .fetch_all(db.pool())
        .await
        .unwrap();
    let got = received.lock().unwrap().clone();
    let (mut lost, mut twice, mut worst_ms, mut unsent) = (0usize, 0usize, 0i64, 0usize);
    for r in &rows {
        let id: i64 = r.try_get(0).unwrap();
        let created: i64 = r.try_get(1).unwrap();
        let status: String = r.try_get(2).unwrap();
        match got.get(&server::notify::idempotency_key(id)) {
            Some(times) => {
                worst_ms = worst_ms.max(times[0] - created);
                if times.len() > 1 {
                    twice += times.len() - 1;
                }
            }
            None if status == "sent" => lost += 1,
            None => unsent += 1,
        }
    }
    let coded = out.coded.lock().unwrap().len();
    let codes_without_row = coded.saturating_sub(rows.len());

    // Sessions: a sample of the citizens still signed in.
    let client = reqwest::Client::new();
    let mut bad_sessions = 0;
    for n in booked.iter().step_by((booked.len() / 100).max(1)) {
        let page = client
            .get(format!("{}/api/my", bases[0]))
            .header("cookie", format!("bianmin_citizen={}", tokens[*n]))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !page.contains(&format!("136****{:04}", n % 10_000)) {
            bad_sessions += 1;
        }
    }
    let statuses = out.statuses.lock().unwrap().clone();
    let survivor_failures = statuses.get(&999).copied().unwrap_or(0);
    println!(
        "{label}: {kills} kill -9 in {load_secs:.0} s{}\n  requests by status {statuses:?} (0 = connection cut by the kill)\n  integrity_check: {integrity}\n  bookings answered 200: {}, missing afterwards: {missing}; bookings in the database: {total_bookings}; slots whose counter differs from their active bookings: {counters_off}\n  codes answered 200: {coded}, without an outbox row: {codes_without_row}; texts: {} rows, delivered {}, lost {lost}, never sent {unsent}; sent twice {twice} (kills: {kills}; the gateway's idempotency key dedupes them); worst wait from request to gateway {:.1} s\n  sessions checked: {} , broken: {bad_sessions}{}",
        if two { " (two instances, one killed at a time)" } else { "" },
        booked.len(),
        rows.len(),
        rows.len() - unsent - lost,
        worst_ms as f64 / 1000.0,
        booked.iter().step_by((booked.len() / 100).max(1)).count(),
        if two { format!("\n  requests the surviving instance failed: {survivor_failures}") } else { String::new() },
    );
    assert!(
        integrity == "ok" || !url.starts_with("sqlite:"),
        "integrity: {integrity}"
    );
    assert_eq!(missing, 0, "bookings answered 200 are missing");
    assert_eq!(counters_off, 0, "slot counters drifted");
    assert_eq!(
        codes_without_row, 0,
        "codes answered 200 without a text queued"
    );
    assert_eq!(lost + unsent, 0, "texts lost");
    assert!(worst_ms <= 30_000, "a text waited {worst_ms} ms");
    assert!(twice as u64 <= kills, "more texts sent twice than kills");
    assert_eq!(bad_sessions, 0, "sessions broken");
    assert_eq!(
        survivor_failures, 0,
        "the surviving instance failed requests"
    );
    drop(servers);
}

#[tokio::main]
async fn main() {
    let kills = env_u64("CRASH_KILLS", 50);
    let rate = env_u64("CRASH_RATE", 80);
    let port = 3940 + (std::process::id() % 9) as u16;
    run(
        "SQLite",
        &support::fresh_database("crash"),
        &[port],
        kills,
        rate,
    )
    .await;

    let pg = std::env::var("BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    if pg.is_empty() {
        return;
    }
    use sqlx::Connection;
    let Ok(mut admin) = sqlx::PgConnection::connect(&pg).await else {
        println!("PostgreSQL at {pg} unreachable: skipped");
        return;
    };
    let name = format!("bianmin_crash_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = format!("{}/{name}", pg.rsplit_once('/').unwrap().0);
    run("PostgreSQL", &url, &[port + 20, port + 21], kills, rate).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .ok();
}
