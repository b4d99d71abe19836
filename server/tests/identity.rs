//! Citizen identity over real HTTP on SQLite and PostgreSQL: one-time codes
//! (expiry, tries, per-phone and per-address limits, hashed storage, the
//! outbox), the citizen session, the optional ID number (validated,
//! encrypted, masked), cookies and cross-origin refusal.

mod common;

use common::{backends, config, spawn_with, Browser, TestApp};
use sqlx::Row;

const PHONE: &str = "13812341234";

/// The newest one-time code sent to a masked number, read from the outbox.
async fn last_code(app: &TestApp, masked: &str) -> String {
    let row = sqlx::query(
        "SELECT body_enc FROM outbox WHERE kind = 'otp' AND recipient_masked = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(masked)
    .fetch_one(app.db.pool())
    .await
    .expect("an otp in the outbox");
    let secrets = server::crypto::Secrets::from_base64(common::TEST_DATA_KEY).unwrap();
    let body = secrets
        .decrypt(&row.try_get::<String, _>(0).unwrap())
        .unwrap();
    let code: String = body
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(6)
        .collect();
    assert_eq!(code.len(), 6, "{body}");
    code
}

async fn outbox_count(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM outbox WHERE kind = 'otp'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// Lets the next code be requested at once (the 1-a-minute window has passed).
async fn minute_passes(app: &TestApp) {
    app.exec(
        "UPDATE rate_limits SET window_start = window_start - 61000 WHERE key LIKE 'otp:min:%'",
    )
    .await;
}

async fn sign_in(app: &TestApp, b: &Browser, phone: &str) {
    let r = b.call("otp/request", &[("phone", phone)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let masked = format!("{}****{}", &phone[..3], &phone[7..]);
    let code = last_code(app, &masked).await;
    let r = b.call("otp/verify", &[("code", &code)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn one_time_codes_follow_every_rule() {
    for db in backends().await {
        let app = spawn_with(config(&db.url)).await;
        let b = app.browser();

        // Bad numbers are refused next to the field, and nothing is sent.
        let r = b.call("otp/request", &[("phone", "12345")]).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.json()["Validation"]["field"], "phone");
        assert_eq!(outbox_count(&app).await, 0);

        // A code goes to the outbox for the masked number; it is stored hashed.
        let r = b.call("otp/request", &[("phone", "138 1234 1234")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(outbox_count(&app).await, 1);
        let code = last_code(&app, "138****1234").await;
        let stored = sqlx::query("SELECT code_hash, phone_enc, phone_key FROM otp_challenges")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        for col in ["code_hash", "phone_enc", "phone_key"] {
            let v: String = stored.try_get(col).unwrap();
            assert!(
                !v.contains(&code) || col != "code_hash",
                "code stored in clear"
            );
            assert!(!v.contains(PHONE), "{col} holds the phone in clear");
        }
        let recipient: String = sqlx::query("SELECT recipient_enc || body_enc FROM outbox")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert!(
            !recipient.contains(PHONE) && !recipient.contains(&code),
            "outbox rows are encrypted"
        );

        // "我的" shows the pending code with the masked number only.
        let my = b.query("my", &[]).await;
        assert_eq!(my.json()["pending"]["phone_masked"], "138****1234");
        assert!(!my.body.contains(PHONE));

        // At most one code a minute per phone.
        let r = b.call("otp/request", &[("phone", PHONE)]).await;
        assert_eq!(r.status, 429, "{}", r.body);
        assert!(r.body.contains("1分钟"));
        assert_eq!(outbox_count(&app).await, 1);

        // Five tries, counted down; then the code is dead even when right.
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for left in (1..=4).rev() {
            let r = b.call("otp/verify", &[("code", wrong)]).await;
            assert_eq!(r.status, 422);
            assert!(r.body.contains(&format!("还可尝试{left}次")), "{}", r.body);
        }
        let r = b.call("otp/verify", &[("code", wrong)]).await;
        assert!(r.body.contains("次数过多"), "{}", r.body);
        let r = b.call("otp/verify", &[("code", &code)]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("失效"), "{}", r.body);

        // Expired after 5 minutes.
        minute_passes(&app).await;
        b.call("otp/request", &[("phone", PHONE)]).await;
        let code = last_code(&app, "138****1234").await;
        app.exec("UPDATE otp_challenges SET expires_at = created_at - 1 WHERE consumed_at IS NULL AND attempts = 0")
            .await;
        let r = b.call("otp/verify", &[("code", &code)]).await;
        assert!(r.body.contains("失效"), "{}", r.body);

        // The right code signs in, once.
        minute_passes(&app).await;
        b.call("otp/request", &[("phone", PHONE)]).await;
        let code = last_code(&app, "138****1234").await;
        let r = b.call("otp/verify", &[("code", &code)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let my = b.query("my", &[]).await.json();
        assert_eq!(my["me"]["phone_masked"], "138****1234");
        let other = app.browser();
        let r = other.call("otp/verify", &[("code", &code)]).await;
        assert_eq!(
            r.status, 422,
            "a code without its challenge cookie is useless"
        );

        // Ten codes a day per phone.
        for _ in 0..7 {
            minute_passes(&app).await;
            let r = other.call("otp/request", &[("phone", PHONE)]).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        minute_passes(&app).await;
        let r = other.call("otp/request", &[("phone", PHONE)]).await;
        assert_eq!(r.status, 429);
        assert!(r.body.contains("今天"), "{}", r.body);
        assert_eq!(outbox_count(&app).await, 10);

        // Signing out ends the session.
        let r = b.call("my/logout", &[]).await;
        assert_eq!(r.status, 200);
        assert!(b.query("my", &[]).await.json()["me"].is_null());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn one_client_address_has_an_hourly_allowance() {
    for db in backends().await {
        let mut cfg = config(&db.url);
        cfg.identity.otp_per_ip_hour = 3;
        let app = spawn_with(cfg).await;
        let b = app.browser();
        for n in 0..3 {
            let phone = format!("1390000000{n}");
            let r = b.call("otp/request", &[("phone", &phone)]).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let r = b.call("otp/request", &[("phone", "13900000009")]).await;
        assert_eq!(r.status, 429);
        assert!(r.body.contains("本网络"), "{}", r.body);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn id_numbers_are_validated_encrypted_and_masked() {
    for db in backends().await {
        let app = spawn_with(config(&db.url)).await;
        let b = app.browser();
        // Without a session: 401.
        let r = b
            .call(
                "my/profile",
                &[("name", "张三"), ("id_number", "11010519491231002X")],
            )
            .await;
        assert_eq!(r.status, 401);
        sign_in(&app, &b, PHONE).await;
        for (bad, why) in [
            ("1101051949123100", "18位"),
            ("99010519491231002X", "地区码"),
            ("11010519491331002X", "出生日期"),
            ("110105194912310021", "校验位"),
        ] {
            let r = b
                .call("my/profile", &[("name", "张三"), ("id_number", bad)])
                .await;
            assert_eq!(r.status, 422, "{bad}");
            assert_eq!(r.json()["Validation"]["field"], "id_number");
            assert!(r.body.contains(why), "{bad}: {}", r.body);
        }
        let r = b
            .call(
                "my/profile",
                &[("name", "张三"), ("id_number", "11010519491231002x")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let my = b.query("my", &[]).await;
        assert_eq!(my.json()["me"]["id_masked"], "1101**********002X");
        assert_eq!(my.json()["me"]["name_masked"], "张*");
        assert!(!my.body.contains("19491231"));
        let row = sqlx::query("SELECT id_enc, name_enc FROM citizens")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        let id_enc: String = row.try_get("id_enc").unwrap();
        assert!(!id_enc.contains("11010519491231002X") && !id_enc.contains("19491231"));
        // The "我的" page renders masked values only, and no cache keeps it.
        let page = b.page("/my").await;
        assert_eq!(page.cache_control.as_deref(), Some("no-store"));
        assert!(page.body.contains("1101**********002X") && page.body.contains("138****1234"));
        assert!(!page.body.contains("19491231") && !page.body.contains(PHONE));
        // Both are optional: a name alone, and clearing the ID.
        let r = b
            .call("my/profile", &[("name", "李四"), ("id_number", "")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let me = b.query("my", &[]).await.json();
        assert_eq!(me["me"]["name_masked"], "李*");
        assert!(me["me"]["id_masked"].is_null());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn cookies_are_host_prefixed_secure_httponly_lax() {
    let db = common::TestDb::sqlite();
    let app = spawn_with(config(&db.url)).await;
    let mut b = app.browser();
    b.host = Some("bianmin.example.cn".into());
    let r = b.call("otp/request", &[("phone", PHONE)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let c = &r.set_cookies[0];
    assert!(c.starts_with("__Host-bianmin_otp="), "{c}");
    for attr in ["Path=/", "HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(c.contains(attr), "{attr} missing in {c}");
    }
    assert!(!c.contains("Domain="));
    // On plain-http localhost (development) the prefix and Secure are dropped, or browsers would refuse them.
    let local = app.browser();
    let r = local.call("otp/request", &[("phone", "13912345678")]).await;
    assert!(r.set_cookies[0].starts_with("bianmin_otp=") && !r.set_cookies[0].contains("Secure"));
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let db = common::TestDb::sqlite();
    let app = spawn_with(config(&db.url)).await;
    let url = app.url("/api/otp/request");
    let evil = app
        .client
        .post(&url)
        .header("origin", "https://evil.example")
        .form(&[("phone", PHONE)])
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);
    let fetch_meta = app
        .client
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .form(&[("phone", PHONE)])
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_meta.status(), 403);
    for path in ["/api/staff/login", "/prefs/elder", "/api/v1/search"] {
        let r = app
            .client
            .post(app.url(path))
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
    let sent: i64 = sqlx::query("SELECT COUNT(*) FROM outbox")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(sent, 0, "a refused request did nothing");
    // The same request from our own pages goes through.
    let own = app.browser();
    assert_eq!(
        own.call("otp/request", &[("phone", PHONE)]).await.status,
        200
    );
}

#[tokio::test]
async fn the_outbox_delivers_each_code_once() {
    let db = common::TestDb::sqlite();
    let app = spawn_with(config(&db.url)).await;
    let b = app.browser();
    assert_eq!(b.call("otp/request", &[("phone", PHONE)]).await.status, 200);
    let now = server::time::now_ms();
    assert_eq!(app.outbox.deliver_due(now, 10).await.unwrap(), 1);
    assert_eq!(app.outbox.deliver_due(now, 10).await.unwrap(), 0);
    let status: String = sqlx::query("SELECT status FROM outbox")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(status, "sent");

    // A code that could not go out within its 5 minutes is dropped, not sent late.
    assert_eq!(
        b.call("otp/request", &[("phone", "13912340000")])
            .await
            .status,
        200
    );
    app.exec("UPDATE outbox SET created_at = created_at - 360000, due_at = due_at - 360000 WHERE status = 'pending'").await;
    assert_eq!(app.outbox.deliver_due(now, 10).await.unwrap(), 0);
    let failed: i64 = sqlx::query("SELECT COUNT(*) FROM outbox WHERE status = 'failed'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(failed, 1);

    // Expired rows are purged; the audit log is not.
    app.exec("UPDATE sessions SET expires_at = 1").await;
    app.exec("UPDATE otp_challenges SET expires_at = 1").await;
    assert!(
        app.accounts
            .purge_expired(server::time::now_ms())
            .await
            .unwrap()
            >= 2
    );
    for table in ["sessions", "otp_challenges"] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}
