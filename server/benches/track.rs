//! The complaint tracking lookup under load: 1,000 lookups a second (open
//! loop on loopback, against the release server in its own process), half
//! with the right number and last 4 digits, half wrong guesses, from many
//! addresses as a proxy reports them; then one address guessing wrong
//! nonstop, to count how many guesses an hour it gets. Prints p50/p99 and the
//! answers; fails on any 5xx or transport error.
//!
//! `cargo leptos build --release && cargo bench -p bianmin --bench track`
//! Environment: TRACK_RATE (1000), TRACK_SECS (10), CASES (500).

mod support;

use app::complaints::NewComplaint;
use app::identity::Phone;
use server::complaints::Complaints;
use server::crypto::Secrets;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{pct, start_server, KEY};

struct Run {
    lat: Vec<Duration>,
    statuses: BTreeMap<u16, u64>,
    errors: u64,
}

async fn lookup(
    client: &reqwest::Client,
    base: &str,
    ip: &str,
    no: &str,
    last4: &str,
) -> Result<u16, reqwest::Error> {
    let r = client
        .post(format!("{base}/api/track/lookup"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header("x-real-ip", ip)
        .form(&[("tracking_no", no), ("last4", last4)])
        .send()
        .await?;
    let status = r.status().as_u16();
    let _ = r.bytes().await;
    Ok(status)
}

/// A well-formed tracking number derived from `n` (not one that was filed:
/// those come from the random generator).
fn fake_number(n: u64) -> String {
    let a = app::complaints::TRACKING_ALPHABET;
    let c: String = (0..8)
        .map(|i| a[((n >> (i * 5)) as usize + i as usize) % a.len()] as char)
        .collect();
    format!("SX-{}-{}", &c[..4], &c[4..])
}

#[tokio::main]
async fn main() {
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (rate, secs, cases) = (
        env("TRACK_RATE", 1000),
        env("TRACK_SECS", 10),
        env("CASES", 500) as usize,
    );
    let url = support::fresh_database("track");
    // Cases filed the way the web form files them, with phones 139000xxxxx.
    let db = support::open_every_day(&url, 1).await;
    let secrets = Arc::new(Secrets::from_base64(KEY).unwrap());
    let complaints = Complaints::new(db.clone(), secrets.clone());
    let mut known = Vec::with_capacity(cases);
    for i in 0..cases {
        let phone = Phone::parse(&format!("139{:08}", i)).unwrap();
        let key = secrets.lookup_key("phone", phone.as_str());
        let form = NewComplaint {
            category: "center".into(),
            center: "qinyuan".into(),
            what: "压测用投诉：大厅秩序".into(),
            ..Default::default()
        };
        let mut tx = db.pool().begin().await.unwrap();
        let case = complaints
            .insert_case(
                &mut tx,
                &form,
                None,
                Some(&(key, phone)),
                server::time::now_ms(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        known.push((case.tracking_no, format!("{:04}", i % 10_000)));
    }
    db.pool().close().await;

    let port = 3122;
    let _server = start_server(
        port,
        &url,
        &[
            ("BIANMIN_DATA_KEY", KEY),
            ("BIANMIN_CLIENT_IP_HEADER", "X-Real-IP"),
        ],
    )
    .await;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // Mixed lookups from 5,000 addresses (each well under its own limit).
    let start = Instant::now();
    let mut handles = Vec::with_capacity((rate * secs) as usize);
    for n in 0..rate * secs {
        let due = start + Duration::from_nanos(n * 1_000_000_000 / rate);
        tokio::time::sleep_until(due.into()).await;
        // Even: a citizen with the right digits; odd: a guess at a number
        // nobody filed (so the owners' own numbers are not locked by it).
        let (no, guess) = if n % 2 == 0 {
            known[n as usize / 2 % known.len()].clone()
        } else {
            (fake_number(n), "0000".to_string())
        };
        let ip = format!("10.{}.{}.{}", n % 5000 / 250 + 1, n % 250, 7);
        let (client, base) = (client.clone(), base.clone());
        handles.push(tokio::spawn(async move {
            let r = lookup(&client, &base, &ip, &no, &guess).await;
            (due.elapsed(), r)
        }));
    }
    let mut run = Run {
        lat: vec![],
        statuses: BTreeMap::new(),
        errors: 0,
    };
    for h in handles {
        let (d, r) = h.await.unwrap();
        match r {
            Ok(s) => {
                run.lat.push(d);
                *run.statuses.entry(s).or_default() += 1;
            }
            Err(_) => run.errors += 1,
        }
    }
    run.lat.sort();
    println!(
        "Lookups at {rate}/s for {secs} s, half right (filed cases), half wrong (unfiled numbers), {cases} cases: {} answered {:?}, {} errors; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        run.lat.len(),
        run.statuses,
        run.errors,
        pct(&run.lat, 0.50),
        pct(&run.lat, 0.99),
        pct(&run.lat, 1.0)
    );

    // One address guessing wrong, 10 a second for 20 s, across numbers.
    let mut per_guess: BTreeMap<u16, u64> = BTreeMap::new();
    for n in 0..200u64 {
        let (no, _) = &known[n as usize % known.len()];
        let s = lookup(&client, &base, "198.51.100.9", no, "9999")
            .await
            .expect("lookup");
        *per_guess.entry(s).or_default() += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let answered = per_guess.get(&422).copied().unwrap_or(0);
    println!(
        "One address, 200 wrong guesses in 20 s: {per_guess:?} — {answered} checked, the rest refused; \
         at most {} wrong guesses per address per hour (window {} min), {} per number per {} min",
        server::accounts::grant::PER_CLIENT.0,
        server::accounts::grant::PER_CLIENT.1 / 60_000,
        server::accounts::grant::PER_NUMBER.0,
        server::accounts::grant::PER_NUMBER.1 / 60_000,
    );
    let fives: u64 = run
        .statuses
        .iter()
        .chain(per_guess.iter())
        .filter(|(s, _)| **s >= 500)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(fives + run.errors, 0, "5xx or transport errors");
    assert!(answered <= server::accounts::grant::PER_CLIENT.0 as u64);
}
