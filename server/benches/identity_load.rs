//! Identity under load, on loopback against the real release server in its own
//! process: do the one-time-code and login limits hold when many requests
//! arrive at once, how fast are they, and does anything fail with a 5xx?
//!
//! `cargo leptos build --release && cargo bench -p bianmin --bench identity_load`

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{pct, start_server};

const PASSWORD: &str = "Load#Test2026";

/// A same-origin POST to a server function, as our pages send it.
async fn post(
    client: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, Duration) {
    let t = Instant::now();
    let status = client
        .post(format!("{base}/api/{endpoint}"))
        .header("origin", base)
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    (status, t.elapsed())
}

fn summary(label: &str, results: &[(u16, Duration)], wall: Duration) {
    let mut lat: Vec<Duration> = results.iter().map(|r| r.1).collect();
    lat.sort();
    let mut by_status = std::collections::BTreeMap::new();
    for (s, _) in results {
        *by_status.entry(*s).or_insert(0) += 1;
    }
    println!(
        "  {label}: {} requests in {:.2}s ({:.0}/s), statuses {by_status:?}, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        results.len(),
        wall.as_secs_f64(),
        results.len() as f64 / wall.as_secs_f64(),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    assert!(
        results.iter().all(|(s, _)| *s != 0 && *s < 500),
        "{label}: a request failed or got a 5xx"
    );
}

/// `concurrency` clients send `total` POSTs between them; `form(n)` builds the n-th.
async fn burst<F>(
    base: &str,
    endpoint: &str,
    total: usize,
    concurrency: usize,
    form: F,
) -> (Vec<(u16, Duration)>, Duration)
where
    F: Fn(usize) -> Vec<(String, String)> + Send + Sync + 'static,
{
    let client = reqwest::Client::new();
    let form = std::sync::Arc::new(form);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut handles = vec![];
    for _ in 0..concurrency {
        let (client, base, endpoint, form, next) = (
            client.clone(),
            base.to_string(),
            endpoint.to_string(),
            form.clone(),
            next.clone(),
        );
        handles.push(tokio::spawn(async move {
            let mut out = vec![];
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total {
                    break out;
                }
                let f = form(n);
                let pairs: Vec<(&str, &str)> =
                    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                out.push(post(&client, &base, &endpoint, &pairs).await);
            }
        }));
    }
    let mut all = vec![];
    for h in handles {
        all.extend(h.await.unwrap());
    }
    (all, start.elapsed())
}

fn create_user(db: &str, username: &str, role: &str, center: Option<&str>) {
    let mut args = vec![
        "admin",
        "create-user",
        "--username",
        username,
        "--role",
        role,
    ];
    if let Some(c) = center {
        args.extend(["--center", c]);
    }
    let mut child = Command::new(support::binary())
        .args(&args)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(child.wait().unwrap().success(), "create {username}");
}

fn phone(n: usize) -> String {
    format!("139{:08}", n)
}

#[tokio::main]
async fn main() {
    let port = 3990 + (std::process::id() % 9) as u16;
    let base = format!("http://127.0.0.1:{port}");

    // 1. Default limits: one hall's Wi-Fi address may request 60 codes an hour.
    let db = support::fresh_database("identity_a");
    {
        let _server = start_server(port, &db, &[]).await;
        println!("one-time codes, default per-address limit (60/hour), 400 requests for 400 phones, 32 clients:");
        let (r, wall) = burst(&base, "otp/request", 400, 32, |n| {
            vec![("phone".into(), phone(n))]
        })
        .await;
        summary("otp/request", &r, wall);
        let ok = r.iter().filter(|x| x.0 == 200).count();
        let limited = r.iter().filter(|x| x.0 == 429).count();
        println!("  accepted {ok} (limit 60), refused with 429: {limited}");
        assert_eq!(ok, 60, "exactly the per-address allowance is accepted");
    }

    // 2. Per-phone limits and login throughput, with the per-address limits lifted.
    let db = support::fresh_database("identity_b");
    for n in 0..8 {
        create_user(&db, &format!("load_{n}"), "window", Some("qinyuan"));
    }
    create_user(&db, "load_locked", "window", Some("qinyuan"));
    let _server = start_server(
        port,
        &db,
        &[
            ("BIANMIN_OTP_PER_IP_HOUR", "1000000"),
            ("BIANMIN_LOGIN_PER_IP_15MIN", "1000000"),
        ],
    )
    .await;
    println!(
        "one-time codes, 200 simultaneous requests for ONE phone (limit 1 a minute), 50 clients:"
    );
    let (r, wall) = burst(&base, "otp/request", 200, 50, |_| {
        vec![("phone".into(), "13812341234".into())]
    })
    .await;
    summary("otp/request same phone", &r, wall);
    let ok = r.iter().filter(|x| x.0 == 200).count();
    println!("  accepted {ok} (limit 1)");
    assert_eq!(
        ok, 1,
        "one code a minute per phone, however many arrive at once"
    );

    println!(
        "one-time codes, throughput with limits lifted: 2,000 requests, 2,000 phones, 32 clients:"
    );
    let (r, wall) = burst(&base, "otp/request", 2000, 32, |n| {
        vec![("phone".into(), phone(100_000 + n))]
    })
    .await;
    summary("otp/request", &r, wall);

    println!("staff logins (argon2id), 200 correct logins to 8 accounts, 8 clients:");
    let (r, wall) = burst(&base, "staff/login", 200, 8, |n| {
        vec![
            ("username".into(), format!("load_{}", n % 8)),
            ("password".into(), PASSWORD.into()),
        ]
    })
    .await;
    summary("staff/login", &r, wall);
    assert!(r.iter().all(|x| x.0 == 200));

    println!("staff lockout: 100 simultaneous wrong passwords for one account, 25 clients:");
    let (r, wall) = burst(&base, "staff/login", 100, 25, |_| {
        vec![
            ("username".into(), "load_locked".into()),
            ("password".into(), "Wrong#Pass1".into()),
        ]
    })
    .await;
    summary("staff/login wrong", &r, wall);
    println!("  (422: checked and wrong, or locked; 429: refused unchecked while 5 attempts were in flight)");
    let (after, _) = burst(&base, "staff/login", 1, 1, |_| {
        vec![
            ("username".into(), "load_locked".into()),
            ("password".into(), PASSWORD.into()),
        ]
    })
    .await;
    println!(
        "  the right password afterwards: HTTP {} (locked: 422 expected)",
        after[0].0
    );
    assert_eq!(after[0].0, 422, "the account is locked after the burst");
}
