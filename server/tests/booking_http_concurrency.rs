//! The concurrency test over real HTTP: 1,000 simultaneous booking requests
//! against one slot of capacity 10, on SQLite and on PostgreSQL with two
//! server instances sharing it → exactly 10 bookings, the rest a clear
//! 已约满, no 5xx; then again with cancellations interleaved.

mod common;

use common::{backends, config, scalar, spawn_with, TestApp, TEST_DATA_KEY};
use server::bookings::slots::{add_window, ensure_slots, slots_of, Window};
use server::crypto::{new_token, token_hash, Secrets};
use server::time::{add_days, iso_weekday, now_ms, shanghai_date};
use sqlx::Row;
use std::sync::Arc;

/// Signed-in citizens, made directly in the sessions table (as a verified
/// one-time code would): `n` cookies for `n` different phones.
async fn citizens(app: &TestApp, n: usize) -> Vec<String> {
    let secrets = Secrets::from_base64(TEST_DATA_KEY).unwrap();
    let now = now_ms();
    let mut tokens = vec![];
    for i in 0..n {
        let phone = format!("137{i:08}");
        let token = new_token();
        sqlx::query(
            "INSERT INTO sessions (token_hash, kind, phone_key, phone_enc, created_at, last_seen_at, expires_at)
             VALUES ($1, 'citizen', $2, $3, $4, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(secrets.lookup_key("phone", &phone))
        .bind(secrets.encrypt(&phone))
        .bind(now)
        .bind(now + 86_400_000)
        .execute(app.db.pool())
        .await
        .unwrap();
        tokens.push(token);
    }
    tokens
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    endpoint: &str,
    token: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let r = client
        .post(format!("{base}/api/{endpoint}"))
        .header("origin", base)
        .header("accept", "application/json")
        .header("cookie", format!("bianmin_citizen={token}"))
        .form(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST /api/{endpoint}: {e}"));
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_http_bookings_on_two_instances() {
    for db in backends().await {
        let first = spawn_with(config(&db.url)).await;
        let second = spawn_with(config(&db.url)).await;
        let day = add_days(&shanghai_date(now_ms()), 2).unwrap();
        add_window(
            &first.db,
            &Window {
                center_code: "qinyuan".into(),
                weekday: iso_weekday(&day).unwrap(),
                start_min: 18 * 60,
                end_min: 19 * 60,
                slot_minutes: 30,
                capacity: 10,
                window_kind: String::new(),
            },
        )
        .await
        .unwrap();
        ensure_slots(&first.db, "qinyuan", &day, 1).await.unwrap();
        let slots = slots_of(&first.db, "qinyuan", &day).await.unwrap();
        let (slot, other) = (slots[0].id, slots[1].id);
        let tokens = Arc::new(citizens(&first, 1000).await);
        let bases = [
            format!("http://{}", first.addr),
            format!("http://{}", second.addr),
        ];
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(200)
            // A request never answered fails the test instead of hanging it.
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap();

        let tasks: Vec<_> = (0..1000)
            .map(|i| {
                let (client, base, tokens) = (client.clone(), bases[i % 2].clone(), tokens.clone());
                let slot = slot.to_string();
                tokio::spawn(async move {
                    post(
                        &client,
                        &base,
                        "book",
                        &tokens[i],
                        &[
                            ("slot", &slot),
                            ("seq", "201"),
                            ("name", "张三"),
                            ("notes", ""),
                        ],
                    )
                    .await
                })
            })
            .collect();
        let mut results = vec![];
        for t in tasks {
            results.push(t.await.unwrap());
        }
        let ok = results.iter().filter(|r| r.0 == 200).count();
        let full = results
            .iter()
            // The answer says so and points to the waitlist.
            .filter(|r| r.0 == 409 && r.1.contains("已约满") && r.1.contains("排队候补"))
            .count();
        let odd: Vec<_> = results
            .iter()
            .filter(|r| r.0 != 200 && !(r.0 == 409 && r.1.contains("已约满")))
            .take(3)
            .collect();
        assert_eq!(ok, 10, "{}: {odd:?}", db.url);
        assert_eq!(full, 990, "{odd:?}");
        assert_eq!(
            scalar(
                &first.db,
                "SELECT COUNT(*) FROM bookings WHERE slot_id = $1",
                slot
            )
            .await,
            10
        );
        assert_eq!(
            scalar(&first.db, "SELECT booked FROM slots WHERE id = $1", slot).await,
            10
        );

        // Again with cancellations interleaved: the ten holders of the other
        // slot cancel while 500 others try to book it.
        let holders: Vec<usize> = (0..10).collect();
        for i in &holders {
            let (s, b) = post(
                &client,
                &bases[0],
                "book",
                &tokens[*i + 100],
                &[
                    ("slot", &other.to_string()),
                    ("seq", "201"),
                    ("name", "李四"),
                    ("notes", ""),
                ],
            )
            .await;
            assert_eq!(s, 200, "{b}");
        }
        let codes: Vec<String> =
            sqlx::query("SELECT code FROM bookings WHERE slot_id = $1 ORDER BY id")
                .bind(other)
                .fetch_all(first.db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get(0).unwrap())
                .collect();
        let mut tasks = vec![];
        for (n, code) in codes.iter().enumerate() {
            let (client, base, tokens, code) = (
                client.clone(),
                bases[n % 2].clone(),
                tokens.clone(),
                code.clone(),
            );
            tasks.push(tokio::spawn(async move {
                post(
                    &client,
                    &base,
                    "booking/cancel",
                    &tokens[n + 100],
                    &[("code", &code)],
                )
                .await
            }));
        }
        for i in 500..1000 {
            let (client, base, tokens) = (client.clone(), bases[i % 2].clone(), tokens.clone());
            let slot = other.to_string();
            tasks.push(tokio::spawn(async move {
                post(
                    &client,
                    &base,
                    "book",
                    &tokens[i],
                    &[
                        ("slot", &slot),
                        ("seq", "201"),
                        ("name", "王五"),
                        ("notes", ""),
                    ],
                )
                .await
            }));
        }
        let mut five_hundreds = 0;
        for t in tasks {
            let (s, _) = t.await.unwrap();
            if s >= 500 {
                five_hundreds += 1;
            }
        }
        assert_eq!(five_hundreds, 0);
        let active = scalar(
            &first.db,
            "SELECT COUNT(*) FROM bookings WHERE slot_id = $1 AND status = 'active'",
            other,
        )
        .await;
        let booked = scalar(&first.db, "SELECT booked FROM slots WHERE id = $1", other).await;
        assert!(active <= 10, "{active} active bookings in a slot of 10");
        assert_eq!(booked, active, "the counter matches the bookings");
        assert_eq!(
            scalar(
                &first.db,
                "SELECT COUNT(*) FROM bookings WHERE slot_id = $1 AND status = 'cancelled'",
                other
            )
            .await,
            10
        );
        db.cleanup().await;
    }
}
