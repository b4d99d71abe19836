//! Generated bad input against every server function (read from app/src) and
//! every `/api/v1` route, as an anonymous visitor, a signed-in citizen and a
//! signed-in city admin: missing fields, wrong types, NUL and control
//! characters, invalid UTF-8 and encoded lone surrogates, huge values, deep
//! nesting in forms and JSON. Never a 5xx, never an ERROR log line, a 4xx body
//! that gives nothing internal away, and the database unchanged by anything
//! refused.
//!
//! Reproducible: the seed is printed and `FUZZ_SEED=n` replays it;
//! `FUZZ_ROUNDS` (default 6) sets the inputs per function and caller.

mod common;

use common::{citizen_sign_in, server_fns, spawn_app, Browser, TestApp, TestDb};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;
use std::sync::atomic::{AtomicUsize, Ordering};

/// ERROR events logged anywhere in this test process.
static ERRORS: AtomicUsize = AtomicUsize::new(0);

struct CountErrors;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountErrors {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if *event.metadata().level() == tracing::Level::ERROR {
            ERRORS.fetch_add(1, Ordering::SeqCst);
            eprintln!("ERROR logged: {:?}", event.metadata().name());
        }
    }
}

/// One generated value: what a fuzzer, a broken client or an attacker sends.
fn bad_value(rng: &mut StdRng) -> String {
    match rng.random_range(0..16) {
        0 => String::new(),
        1 => "\0".into(),
        2 => (0..rng.random_range(1..20))
            .map(|_| char::from(rng.random_range(0u8..32)))
            .collect(),
        3 => "宝".repeat(rng.random_range(1_000..40_000)),
        4 => "a".repeat(100_000),
        5 => "\u{1F600}\u{1F468}\u{200D}\u{1F469}\u{FE0F}\u{202E}".repeat(rng.random_range(1..50)),
        6 => format!("-{}", "9".repeat(rng.random_range(19..40))),
        7 => ["1e9999", "NaN", "-0", "0x10", "+5", "1.5", "true", "null"][rng.random_range(0..8)]
            .into(),
        8 => "[".repeat(rng.random_range(100..5_000)),
        9 => "{\"a\":".repeat(rng.random_range(100..2_000)),
        10 => "'; DROP TABLE bookings; --".into(),
        11 => "<script>alert(1)</script>".into(),
        12 => "2026-02-30".into(),
        13 => "\u{FFFD}\u{FEFF}\u{0085}\u{2028}".into(),
        14 => (0..rng.random_range(1..200))
            .map(|_| char::from_u32(rng.random_range(0x20..0x2FFFF)).unwrap_or('?'))
            .collect(),
        _ => "../../../../etc/passwd".into(),
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A form body for a function with `args`: some of its own argument names
/// (sometimes nested or repeated), some foreign ones, each with a bad value;
/// now and then raw bytes that are not UTF-8 or encode a lone surrogate.
fn bad_form(rng: &mut StdRng, args: &[String]) -> String {
    let mut pairs = Vec::new();
    for a in args {
        if rng.random_bool(0.7) {
            let key = match rng.random_range(0..6) {
                0 => format!("{a}[x]"),
                1 => format!("{a}{}", "[a]".repeat(rng.random_range(10..300))),
                _ => a.clone(),
            };
            pairs.push(format!(
                "{}={}",
                urlencode(&key),
                urlencode(&bad_value(rng))
            ));
            if rng.random_bool(0.1) {
                pairs.push(format!("{}={}", urlencode(a), urlencode(&bad_value(rng))));
            }
        }
    }
    if rng.random_bool(0.3) {
        pairs.push(format!(
            "zz{}={}",
            rng.random_range(0..9),
            urlencode(&bad_value(rng))
        ));
    }
    match rng.random_range(0..8) {
        // Overlong and surrogate encodings, invalid UTF-8.
        0 => pairs.push("x=%ED%A0%80%C0%AF%FF%FE".into()),
        1 if !args.is_empty() => pairs.push(format!("{}=%ED%B2%A9%80", args[0])),
        2 => pairs.push("%=%%%".into()),
        _ => {}
    }
    pairs.join("&")
}

/// A JSON body nested `depth` deep, or one with an escaped lone surrogate.
fn bad_json(rng: &mut StdRng) -> String {
    if rng.random_bool(0.5) {
        let depth = rng.random_range(100..20_000);
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    } else {
        "{\"code\":\"\\ud800\",\"phone\":\"\\udfff\"}".into()
    }
}

/// The rows refused input must not change. Counters that refusals are meant
/// to move (rate limits, one-time code tries, session touches, login
/// failures) are left out.
const STATE: [(&str, &str); 31] = [
    ("catalog_items", "*"),
    ("centers", "*"),
    ("guide_versions", "*"),
    ("content_version", "*"),
    (
        "staff_users",
        "id, username, password_hash, display_name, role, center_code, disabled",
    ),
    ("citizens", "*"),
    ("outbox", "id, kind, recipient_masked, body_enc"),
    ("guide_drafts", "*"),
    ("center_items", "*"),
    ("audit_log", "*"),
    ("calendar_days", "*"),
    ("center_closures", "*"),
    ("schedule_windows", "*"),
    ("slots", "*"),
    ("bookings", "*"),
    ("waitlist", "*"),
    ("complaints", "*"),
    ("complaint_events", "*"),
    ("api_keys", "*"),
    ("api_key_filings", "*"),
    ("stations", "*"),
    ("consents", "*"),
    ("help_requests", "*"),
    ("help_events", "*"),
    ("help_handoffs", "*"),
    ("help_turns", "*"),
    ("service_windows", "*"),
    ("short_links", "*"),
    ("link_scans", "*"),
    ("ratings", "*"),
    ("rectifications", "*"),
];

/// A fingerprint of the state tables (SQLite: every value quoted, in rowid order).
async fn fingerprint(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for (table, cols) in STATE {
        let cols: Vec<String> = if cols == "*" {
            sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get::<String, _>(0).unwrap())
                .collect()
        } else {
            cols.split(", ").map(str::to_string).collect()
        };
        let expr = cols
            .iter()
            .map(|c| format!("quote({c})"))
            .collect::<Vec<_>>()
            .join("||','||");
        let row = sqlx::query(&format!(
            "SELECT COALESCE(group_concat({expr}, ';'), '') FROM (SELECT * FROM {table} ORDER BY rowid)"
        ))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        out.push(format!("{table}:{}", row.try_get::<String, _>(0).unwrap()));
    }
    out
}

struct Outcome {
    status: u16,
    body: String,
}

async fn send(
    app: &TestApp,
    b: Option<&Browser>,
    get: bool,
    url: String,
    body: Option<(&str, String)>,
) -> Outcome {
    let cookie = b.map(|b| {
        b.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    });
    let mut rb = if get {
        app.client.get(&url)
    } else {
        app.client
            .post(&url)
            .header("origin", format!("http://{}", app.addr))
            .header("sec-fetch-site", "same-origin")
    };
    if let Some(c) = cookie {
        rb = rb.header("cookie", c);
    }
    if let Some((ctype, body)) = body {
        rb = rb.header("content-type", ctype).body(body);
    }
    let r = rb
        .header("accept", "application/json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: no answer: {e}"));
    Outcome {
        status: r.status().as_u16(),
        body: r.text().await.unwrap_or_default(),
    }
}

/// What a 4xx body must never show.
fn leaks(body: &str) -> Option<&'static str> {
    [
        "panicked",
        "sqlx",
        "SQLITE",
        "database",
        "stack backtrace",
        "server/src",
        "RUST_BACKTRACE",
    ]
    .into_iter()
    .find(|w| body.contains(w))
}

#[tokio::test]
async fn generated_bad_input_never_gets_a_5xx_or_changes_anything() {
    use tracing_subscriber::layer::SubscriberExt;
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(CountErrors))
        .unwrap();
    // The counter sees what the server logs (it runs in this process).
    tracing::error!("fuzz self-check");
    assert_eq!(ERRORS.swap(0, Ordering::SeqCst), 1);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    let rounds: usize = std::env::var("FUZZ_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    println!("FUZZ_SEED={seed} FUZZ_ROUNDS={rounds}");
    let mut rng = StdRng::seed_from_u64(seed);

    let db = TestDb::sqlite();
    let app = spawn_app(&db.url).await;
    let citizen = app.browser();
    citizen_sign_in(&app, &citizen, "13800009999").await;
    let pw = "Bianmin#2026";
    app.staff("fuzz_admin", "city_admin", "", pw).await;
    let staff = app.browser();
    let r = staff
        .call(
            "staff/login",
            &[("username", "fuzz_admin"), ("password", pw)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let fns = server_fns();
    assert!(fns.len() >= 50, "found only {} server functions", fns.len());
    let callers: [(&str, Option<&Browser>); 3] = [
        ("anonymous", None),
        ("citizen", Some(&citizen)),
        ("staff", Some(&staff)),
    ];
    let (mut sent, mut refused, mut accepted) = (0usize, 0usize, 0usize);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut check = |what: &str, o: &Outcome, before: &[String], after: &[String]| {
        sent += 1;
        *statuses.entry(o.status).or_default() += 1;
        assert!(
            o.status < 500,
            "{what}: {} {} (FUZZ_SEED={seed})",
            o.status,
            &o.body[..o.body.len().min(300)]
        );
        if o.status >= 400 {
            refused += 1;
            if let Some(w) = leaks(&o.body) {
                panic!(
                    "{what}: a {} body shows {w:?}: {}",
                    o.status,
                    &o.body[..o.body.len().min(300)]
                );
            }
            if before != after {
                let diff: Vec<_> = before
                    .iter()
                    .zip(after)
                    .filter(|(a, b)| a != b)
                    .map(|(a, _)| a.split(':').next().unwrap())
                    .collect();
                panic!(
                    "{what}: refused with {} but changed {diff:?} (FUZZ_SEED={seed})",
                    o.status
                );
            }
        } else {
            accepted += 1;
        }
    };

    for f in &fns {
        for (who, b) in callers {
            // Signing out would end the caller under test; fuzzed anonymously.
            if b.is_some() && f.endpoint.contains("logout") {
                continue;
            }
            for _ in 0..rounds {
                let url = format!("http://{}/api/{}", app.addr, f.endpoint);
                let before = fingerprint(&app).await;
                let o = if f.get {
                    let q = bad_form(&mut rng, &f.args);
                    // What a URL can carry: longer ones are refused early (414).
                    let q = if q.len() > 6_000 {
                        q[..6_000].trim_end_matches('%').to_string()
                    } else {
                        q
                    };
                    send(&app, b, true, format!("{url}?{q}"), None).await
                } else if rng.random_bool(0.2) {
                    send(
                        &app,
                        b,
                        false,
                        url,
                        Some(("application/json", bad_json(&mut rng))),
                    )
                    .await
                } else {
                    let body = bad_form(&mut rng, &f.args);
                    send(
                        &app,
                        b,
                        false,
                        url,
                        Some(("application/x-www-form-urlencoded", body)),
                    )
                    .await
                };
                let after = fingerprint(&app).await;
                check(
                    &format!(
                        "{who} {} /api/{}",
                        if f.get { "GET" } else { "POST" },
                        f.endpoint
                    ),
                    &o,
                    &before,
                    &after,
                );
            }
        }
    }

    // The open-data API: path segments and query parameters.
    for (who, b) in callers {
        for _ in 0..rounds * 4 {
            let v = bad_value(&mut rng);
            let v: String = v.chars().take(1_500).collect();
            let paths = [
                format!(
                    "/api/v1/search?q={}&limit={}",
                    urlencode(&v),
                    urlencode(&bad_value(&mut rng).chars().take(50).collect::<String>())
                ),
                format!(
                    "/api/v1/search?{}",
                    bad_form(&mut rng, &["q".into(), "limit".into()])
                        .chars()
                        .take(6_000)
                        .collect::<String>()
                ),
                format!("/api/v1/items/{}", urlencode(&v)),
                format!("/api/v1/catalog?{}", urlencode(&v)),
                format!("/api/v1/centers?x={}", urlencode(&v)),
            ];
            for p in paths {
                let before = fingerprint(&app).await;
                let o = send(&app, b, true, format!("http://{}{p}", app.addr), None).await;
                let after = fingerprint(&app).await;
                check(
                    &format!("{who} GET {}", p.split('?').next().unwrap()),
                    &o,
                    &before,
                    &after,
                );
                // Refusals before any handler (414) are plain text, as documented.
                if o.status >= 400 && o.status != 414 {
                    let short: String = p.chars().take(120).collect();
                    let v: serde_json::Value = serde_json::from_str(&o.body).unwrap_or_else(|_| {
                        panic!(
                            "{short}: a {} that is not the API's JSON error: {}",
                            o.status,
                            &o.body[..o.body.len().min(200)]
                        )
                    });
                    assert!(v["error"]["message"].is_string(), "{short}: {v}");
                }
            }
        }
    }

    // Open311: its paths and filters, and filings with no key, a wrong key
    // and a good one, each with bad fields.
    let (_, key) = server::open311::keys::create(&app.db, &server::accounts::Caller::cli(), "fuzz")
        .await
        .unwrap();
    let filters: Vec<String> = [
        "service_request_id",
        "service_code",
        "start_date",
        "end_date",
        "status",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let fields: Vec<String> = [
        "service_code",
        "description",
        "phone",
        "attribute[center]",
        "attribute[subject]",
        "attribute[item]",
        "attribute[wants]",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..rounds * 4 {
        let v: String = bad_value(&mut rng).chars().take(1_500).collect();
        let form = bad_form(&mut rng, &fields);
        let gets = [
            format!(
                "/open311/v2/requests.json?{}",
                bad_form(&mut rng, &filters)
                    .chars()
                    .take(6_000)
                    .collect::<String>()
            ),
            format!("/open311/v2/requests/{}.json", urlencode(&v)),
            format!("/open311/v2/services/{}.json", urlencode(&v)),
            format!("/open311/v2/tokens/{}", urlencode(&v)),
        ];
        let posts = [
            form.clone(),
            format!("api_key={}&{form}", urlencode(&v)),
            format!("api_key={key}&{form}"),
        ];
        let mut outcomes = Vec::new();
        for p in gets {
            let before = fingerprint(&app).await;
            let o = send(&app, None, true, format!("http://{}{p}", app.addr), None).await;
            let after = fingerprint(&app).await;
            check(
                &format!("GET {}", p.split('?').next().unwrap()),
                &o,
                &before,
                &after,
            );
            outcomes.push((p, o));
        }
        for body in posts {
            let before = fingerprint(&app).await;
            let o = send(
                &app,
                None,
                false,
                format!("http://{}/open311/v2/requests.json", app.addr),
                Some(("application/x-www-form-urlencoded", body.clone())),
            )
            .await;
            let after = fingerprint(&app).await;
            check("POST /open311/v2/requests.json", &o, &before, &after);
            outcomes.push((body, o));
        }
        // Refusals past the limits are the spec's error array.
        for (what, o) in outcomes {
            if o.status >= 400 && o.status != 414 {
                let short: String = what.chars().take(120).collect();
                let v: serde_json::Value = serde_json::from_str(&o.body).unwrap_or_else(|_| {
                    panic!(
                        "{short}: a {} that is not Open311's error: {}",
                        o.status,
                        &o.body[..o.body.len().min(200)]
                    )
                });
                assert_eq!(v[0]["code"], o.status, "{short}: {v}");
                assert!(v[0]["description"].is_string(), "{short}: {v}");
            }
        }
    }

    // The callers under test were still signed in throughout.
    assert!(citizen.query("my", &[]).await.body.contains("138****9999"));
    assert!(!staff.query("staff/me", &[]).await.json().is_null());
    println!("fuzz: {sent} requests, {refused} refused (4xx), {accepted} accepted; statuses {statuses:?}");
    // Functions without arguments and the search accept whatever they are
    // sent; the rest must have been mostly refused, or the input was not bad.
    assert!(
        refused * 2 >= sent,
        "generated input should mostly be refused"
    );
    assert_eq!(ERRORS.load(Ordering::SeqCst), 0, "ERROR lines were logged");
    db.cleanup().await;
}
