//! Load run on loopback against the real release server, in its own process.
//! Prints the main islands wasm size (raw and brotli; the per-page budget is
//! measured in Chromium by `end2end/budget.mjs`), search-API latency at a fixed
//! request rate (open loop: latency counts from the scheduled send time, so a
//! slow server cannot hide its queue), and item-page and search-API throughput.
//!
//! `cargo leptos build --release --precompress --split && cargo bench -p bianmin --bench load`
//! Environment: LOAD_RATE (default 1000 req/s), LOAD_SECS (default 10).

mod support;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{pct, root, start_server};
use tokio::sync::Mutex;

fn wasm_size() {
    // Content-hashed in a release build: bianmin.{hash}.wasm.
    let pkg = root().join("target/site/pkg");
    let wasm = std::fs::read_dir(&pkg)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("bianmin") && name.ends_with(".wasm")
        })
        .unwrap_or_else(|| pkg.join("bianmin.wasm"));
    match std::fs::read(&wasm) {
        Ok(bytes) => {
            let mut out = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
                w.write_all(&bytes).unwrap();
            }
            println!(
                "islands wasm (main module, lazy chunks apart): {:.1} KB raw, {:.1} KB brotli (q11)",
                bytes.len() as f64 / 1024.0,
                out.len() as f64 / 1024.0
            );
        }
        Err(_) => println!(
            "islands wasm: {} missing; run `cargo leptos build --release --precompress --split` first",
            wasm.display()
        ),
    }
}

fn queries() -> Vec<String> {
    include_str!("../tests/search_dev.tsv")
        .lines()
        .chain(include_str!("../tests/search_more.tsv").lines())
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| app::text::url_encode(l.split('\t').next().unwrap()))
        .collect()
}

/// Sends `rate` requests a second for `secs` seconds, on schedule.
async fn open_loop(base: &str, paths: &[String], rate: u64, secs: u64) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let lat = Arc::new(Mutex::new(Vec::with_capacity((rate * secs) as usize)));
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let total = rate * secs;
    let start = Instant::now();
    let mut handles = Vec::with_capacity(total as usize);
    for n in 0..total {
        let due = start + Duration::from_nanos(n * 1_000_000_000 / rate);
        tokio::time::sleep_until(due.into()).await;
        let url = format!("{base}{}", paths[n as usize % paths.len()]);
        let (client, lat, errors) = (client.clone(), lat.clone(), errors.clone());
        handles.push(tokio::spawn(async move {
            let ok = match client.get(url).send().await {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            if !ok {
                errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            lat.lock().await.push(due.elapsed());
        }));
    }
    for h in handles {
        let _ = h.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mut l = lat.lock().await.clone();
    l.sort();
    println!(
        "  {} req in {elapsed:.1}s ({:.0} req/s achieved), errors {}, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        l.len(),
        l.len() as f64 / elapsed,
        errors.load(std::sync::atomic::Ordering::Relaxed),
        pct(&l, 0.50),
        pct(&l, 0.90),
        pct(&l, 0.99),
        pct(&l, 1.0)
    );
}

/// As fast as `workers` concurrent clients can go, for `secs` seconds.
async fn closed_loop(base: &str, paths: &[String], workers: usize, secs: u64) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut handles = Vec::new();
    for w in 0..workers {
        let (client, base, paths) = (client.clone(), base.to_string(), paths.to_vec());
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = w;
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = client
                    .get(format!("{base}{}", paths[i % paths.len()]))
                    .send()
                    .await;
                if let Ok(r) = r {
                    if r.status().is_success() && r.bytes().await.is_ok() {
                        lat.push(t.elapsed());
                    }
                }
                i += workers;
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    all.sort();
    println!(
        "  {workers} clients: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        all.len() as f64 / secs as f64,
        pct(&all, 0.5),
        pct(&all, 0.99)
    );
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; nothing else to parse.
    let rate: u64 = std::env::var("LOAD_RATE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let secs: u64 = std::env::var("LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    wasm_size();
    let port = 3900 + (std::process::id() % 90) as u16;
    let _server = start_server(port, &support::fresh_database("load"), &[]).await;
    let base = format!("http://127.0.0.1:{port}");
    let search: Vec<String> = queries()
        .iter()
        .map(|q| format!("/api/v1/search?q={q}&limit=10"))
        .collect();
    let items: Vec<String> = [201, 200, 194, 83, 70, 122, 130, 141, 2, 107]
        .iter()
        .map(|s| format!("/items/{s}"))
        .collect();
    println!("warm-up (closed loop, 1 s):");
    closed_loop(&base, &search, 8, 1).await;
    println!("search API, open loop at {rate} req/s for {secs}s  [budget p99 <= 20 ms]:");
    open_loop(&base, &search, rate, secs).await;
    println!("search API throughput (closed loop, 5 s):");
    closed_loop(&base, &search, 32, 5).await;
    println!("item page (server-rendered HTML) throughput (closed loop, 5 s):");
    closed_loop(&base, &items, 32, 5).await;
}
