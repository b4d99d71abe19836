//! Booking throughput and latency on loopback against the real release server
//! in its own process, at increasing request rates (open loop: latency counts
//! from the scheduled send, so a slow server cannot hide its queue), on SQLite
//! and on PostgreSQL. Each request books a different phone into slots with
//! room; any 5xx (e.g. SQLITE_BUSY reaching a user) is counted and fails the run.
//!
//! `cargo leptos build --release && cargo bench -p bianmin --bench booking_load`
//! Environment: BENCH_RATES (default "100,200,300,400,600" req/s), BENCH_SECS (5),
//! BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test; "" to skip).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{pct, prepare, start_server, KEY};

async fn run_rate(
    base: &str,
    tokens: &Arc<Vec<String>>,
    slots: &Arc<Vec<i64>>,
    first: usize,
    rate: u64,
    secs: u64,
) -> usize {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()
        .unwrap();
    let total = (rate * secs) as usize;
    let start = Instant::now();
    let mut handles = Vec::with_capacity(total);
    for k in 0..total {
        let due = start + Duration::from_nanos(k as u64 * 1_000_000_000 / rate);
        tokio::time::sleep_until(due.into()).await;
        let n = first + k;
        let (client, base, tokens, slots) = (
            client.clone(),
            base.to_string(),
            tokens.clone(),
            slots.clone(),
        );
        handles.push(tokio::spawn(async move {
            let slot = slots[n % slots.len()].to_string();
            let status = client
                .post(format!("{base}/api/book"))
                .header("origin", &base)
                .header("accept", "application/json")
                .header("cookie", format!("bianmin_citizen={}", tokens[n]))
                .form(&[
                    ("slot", slot.as_str()),
                    ("seq", "201"),
                    ("name", "张三"),
                    ("notes", ""),
                ])
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            (status, due.elapsed())
        }));
    }
    let mut lat = vec![];
    let mut by_status = std::collections::BTreeMap::new();
    for h in handles {
        let (s, d) = h.await.unwrap();
        *by_status.entry(s).or_insert(0) += 1;
        lat.push(d);
    }
    let wall = start.elapsed().as_secs_f64();
    lat.sort();
    let ok = by_status.get(&200).copied().unwrap_or(0);
    println!(
        "  {rate:>4} req/s offered: {} bookings in {wall:.1}s ({:.0}/s), statuses {by_status:?}, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ok,
        ok as f64 / wall,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    let failed = by_status
        .iter()
        .filter(|(s, _)| **s == 0 || **s >= 500)
        .map(|(_, n)| n)
        .sum::<usize>();
    assert_eq!(failed, 0, "requests failed or got a 5xx");
    total
}

async fn bench(label: &str, url: &str, port: u16, rates: &[u64], secs: u64) {
    let needed: usize = rates.iter().map(|r| (*r * secs) as usize).sum();
    let (tokens, slots) = prepare(url, needed).await;
    let _server = start_server(
        port,
        url,
        &[("BIANMIN_DATA_KEY", KEY), ("BIANMIN_COOKIE_SECURE", "auto")],
    )
    .await;
    let base = format!("http://127.0.0.1:{port}");
    let (tokens, slots) = (Arc::new(tokens), Arc::new(slots));
    println!("{label}: booking (open loop, {secs} s per rate, one phone per request):");
    let mut first = 0;
    for rate in rates {
        first += run_rate(&base, &tokens, &slots, first, *rate, secs).await;
    }
}

#[tokio::main]
async fn main() {
    let rates: Vec<u64> = std::env::var("BENCH_RATES")
        .unwrap_or_else(|_| "100,200,300,400,600".into())
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .collect();
    let secs: u64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let port = 3980 + (std::process::id() % 9) as u16;
    bench(
        "SQLite",
        &support::fresh_database("booking"),
        port,
        &rates,
        secs,
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
    let name = format!("bianmin_bench_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = format!("{}/{name}", pg.rsplit_once('/').unwrap().0);
    bench("PostgreSQL", &url, port + 10, &rates, secs).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .ok();
}
