//! Checks a deployment made by scripts/deploy-test.sh: nginx on loopback in
//! front of two instances on one PostgreSQL. Through nginx: pages and the API
//! are served by both instances; the booking capacity holds (concurrent
//! bookings of one slot, spread over both instances, never exceed it); and
//! the sign-in limits count the real client address, not nginx's (clients on
//! 127.0.0.2 and 127.0.0.3 are limited apart). Prints what it saw.
//!
//! Run by scripts/deploy-test.sh, which sets DEPLOY_BASE (nginx),
//! DEPLOY_INSTANCES (the instances' own addresses) and DATABASE_URL.

mod support;

use sqlx::Row;
use std::collections::BTreeMap;
use std::sync::Arc;
use support::prepare;

fn env(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set; run scripts/deploy-test.sh"))
}

fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

#[tokio::main]
async fn main() {
    let base = env("DEPLOY_BASE");
    let url = env("DATABASE_URL");
    let instances: Vec<String> = env("DEPLOY_INSTANCES")
        .split(',')
        .map(str::to_string)
        .collect();
    let client = client_from("127.0.0.1");

    // Served through nginx, with the portal's own headers intact.
    for path in [
        "/",
        "/items/201",
        "/search?q=社保",
        "/api/v1/centers",
        "/healthz",
    ] {
        let r = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers().contains_key("content-security-policy"),
            "{path}"
        );
    }
    for i in &instances {
        let r = client
            .get(format!("http://{i}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "instance {i}");
    }
    println!("pages, API and health through nginx: 200; both instances healthy");

    // Capacity: 60 citizens race for one slot of 10 places, through nginx.
    let (tokens, slots) = prepare(&url, 60).await;
    let db = server::storage::Db::connect(&url).await.unwrap();
    sqlx::query("UPDATE slots SET capacity = 10 WHERE id = $1")
        .bind(slots[0])
        .execute(db.pool())
        .await
        .unwrap();
    let tokens = Arc::new(tokens);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..60 {
        let (client, base, tokens) = (client.clone(), base.clone(), tokens.clone());
        let slot = slots[0].to_string();
        tasks.spawn(async move {
            client
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
                .unwrap_or(0)
        });
    }
    let mut statuses = BTreeMap::<u16, usize>::new();
    while let Some(s) = tasks.join_next().await {
        *statuses.entry(s.unwrap()).or_default() += 1;
    }
    let booked: i64 = sqlx::query("SELECT booked FROM slots WHERE id = $1")
        .bind(slots[0])
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let active: i64 =
        sqlx::query("SELECT COUNT(*) FROM bookings WHERE slot_id = $1 AND status = 'active'")
            .bind(slots[0])
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    println!("capacity: 60 concurrent bookings of a 10-place slot through nginx: statuses {statuses:?}; booked {booked}, active bookings {active}");
    assert_eq!(statuses.get(&200), Some(&10), "{statuses:?}");
    assert!(
        statuses.keys().all(|s| (200..500).contains(s)),
        "{statuses:?}"
    );
    assert_eq!((booked, active), (10, 10));

    // Sign-in limits count the client, not nginx: the script sets
    // BIANMIN_OTP_PER_IP_HOUR=3.
    let mut from_a = Vec::new();
    let a = client_from("127.0.0.2");
    for n in 0..5 {
        let r = a
            .post(format!("{base}/api/otp/request"))
            .header("origin", &base)
            .form(&[("phone", format!("1390000{n:04}"))])
            .send()
            .await
            .unwrap();
        from_a.push(r.status().as_u16());
    }
    let b = client_from("127.0.0.3");
    let from_b = b
        .post(format!("{base}/api/otp/request"))
        .header("origin", &base)
        .form(&[("phone", "13900009999")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    println!("code requests from 127.0.0.2: {from_a:?}; then from 127.0.0.3: {from_b}");
    assert_eq!(from_a, [200, 200, 200, 429, 429]);
    assert_eq!(from_b, 200, "another client is not limited by the first");
    // A forged header does not move the count: nginx overwrites X-Real-IP.
    let forged = a
        .post(format!("{base}/api/otp/request"))
        .header("origin", &base)
        .header("x-real-ip", "192.0.2.77")
        .form(&[("phone", "13900008888")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(forged, 429, "a client cannot choose its address");
    println!("ok: deployment checks passed");
}
