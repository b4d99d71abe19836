//! 帮办代办 over real HTTP on SQLite and PostgreSQL: a citizen asks for help
//! and follows every step (illegal steps refused, one SMS per step), the
//! papers' hand-offs, scope between centers, the audited reveal of the full
//! number, round-robin assignment under two concurrent admins, overdue
//! unassigned requests, and filing in a citizen's name under a consent (code
//! rules, scope, expiry, withdrawal), including a 延时 booking.

mod common;

use common::{backends, citizen_sign_in, spawn_app, Browser, TestApp, TEST_DATA_KEY};
use server::bookings::slots::{add_window, Window};
use server::time::now_ms;
use sqlx::Row;

const PW: &str = "Bianmin#2026";

async fn staff(app: &TestApp, user: &str) -> Browser {
    app.staff_browser(user, PW).await
}

fn secrets() -> server::crypto::Secrets {
    server::crypto::Secrets::from_base64(TEST_DATA_KEY).unwrap()
}

/// The request number from the tracking cookie a filing sets.
fn number_of(r: &common::Reply) -> String {
    let v = r
        .set_cookies
        .iter()
        .find(|c| c.contains("bianmin_help="))
        .and_then(|c| c.split('=').nth(1))
        .map(|v| v.split('.').next().unwrap().to_string())
        .expect("a tracking grant cookie");
    format!("BB-{}-{}", &v[2..6], &v[6..10])
}

fn request<'a>(mode: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("request[seq]", "201"),
        ("request[mode]", mode),
        ("request[center]", "qinyuan"),
        ("request[when_suits]", "any"),
        ("request[notes]", "下午在家"),
    ];
    f.extend_from_slice(extra);
    f
}

async fn act(b: &Browser, no: &str, action: &str, extra: &[(&str, &str)]) -> common::Reply {
    let mut form = vec![("tracking_no", no), ("action", action)];
    form.extend_from_slice(extra);
    b.call("staff/help/act", &form).await
}

async fn sms(app: &TestApp, kind: &str) -> Vec<String> {
    let s = secrets();
    sqlx::query("SELECT body_enc FROM outbox WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| s.decrypt(&r.try_get::<String, _>(0).unwrap()).unwrap())
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.count(sql).await
}

async fn detail(b: &Browser, no: &str, shown: bool) -> common::Reply {
    let mut q = vec![("tracking_no", no)];
    if shown {
        q.push(("shown", "true"));
    }
    b.query("staff/help/detail", &q).await
}

/// Inserts `n` unassigned requests at `center` straight into the store
/// (their phones encrypted as the app does), due `due` (ms).
async fn seed_requests(app: &TestApp, center: &str, n: usize, due: i64) {
    let s = secrets();
    for i in 0..n {
        let phone = format!("1390000{:04}", 5000 + i);
        let no = server::help::requests::new_help_no();
        sqlx::query(
            "INSERT INTO help_requests (tracking_no, mode, seq, situation, center_code, when_suits,
                 phone_key, phone_enc, status, assign_due_at, created_at, updated_at)
             VALUES ($1, 'guide', 201, '', $2, 'any', $3, $4, 'submitted', $5, $6, $6)",
        )
        .bind(&no)
        .bind(center)
        .bind(s.lookup_key("phone", &phone))
        .bind(s.encrypt(&phone))
        .bind(due)
        .bind(now_ms() + i as i64)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_citizen_asks_for_proxy_help_and_follows_every_step() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let help1 = app.staff("qy_help1", "helper", "qinyuan", PW).await;
        app.staff("qy_help2", "helper", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        let citizen = app.browser();

        // The phone first: nothing is filed for nobody.
        let r = citizen.call("help", &request("proxy", &[])).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["Validation"]["field"], "phone");
        citizen_sign_in(&app, &citizen, "13900000011").await;

        // The item's materials are offered to tick.
        let form = citizen.query("help/form", &[("seq", "201")]).await;
        assert_eq!(form.status, 200, "{}", form.body);
        let materials = form.json()["materials"].clone();
        assert!(
            materials
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == "居民户口簿"),
            "{materials}"
        );
        // 上门 needs its reason; nothing is stored.
        let r = citizen.call("help", &request("visit", &[])).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["Validation"]["field"], "visit_reason");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 0);

        let r = citizen
            .call(
                "help",
                &request(
                    "proxy",
                    &[
                        ("request[materials][]", "居民户口簿"),
                        ("request[materials][]", "不在清单上的东西"),
                    ],
                ),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let no = number_of(&r);
        assert_eq!(
            app::help::normalize_help_no(&no).as_deref(),
            Some(no.as_str())
        );
        // Only the item's own materials are kept.
        let kept: String = sqlx::query("SELECT materials FROM help_requests")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(kept, "居民户口簿");
        let texts = sms(&app, "help").await;
        assert_eq!(texts.len(), 1);
        assert!(texts[0].contains(&no), "{}", texts[0]);

        let t = citizen.query("help/track", &[("tracking_no", &no)]).await;
        assert_eq!(t.status, 200, "{}", t.body);
        let t = t.json();
        assert_eq!(t["status"], "submitted");
        assert_eq!(t["can_cancel"], true);
        assert!(t["next_step"].as_str().unwrap().contains("1个工作日"));

        // Another center's admin neither sees nor touches it.
        let js = staff(&app, "js_admin").await;
        assert_eq!(detail(&js, &no, false).await.status, 404);
        let r = act(&js, &no, "assign", &[("staff_id", &help1.to_string())]).await;
        assert_eq!(r.status, 404, "{}", r.body);
        let q = js
            .query("staff/help", &[("scope", "qinyuan"), ("queue", "open")])
            .await;
        assert_eq!(q.json()["scope"], "jishui");
        assert_eq!(q.json()["rows"].as_array().unwrap().len(), 0);

        // A helper not assigned to it may not take its steps.
        let h1 = staff(&app, "qy_help1").await;
        let h2 = staff(&app, "qy_help2").await;
        assert_eq!(act(&h2, &no, "contact", &[]).await.status, 403);
        // The helper's work phone is what the citizen is told.
        let r = h1
            .call("staff/help/work-phone", &[("phone", "通电话")])
            .await;
        assert_eq!(r.status, 422);
        let r = h1
            .call("staff/help/work-phone", &[("phone", "0391-6600001")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);

        let admin = staff(&app, "qy_admin").await;
        let d = detail(&admin, &no, false).await.json();
        assert_eq!(d["helpers"].as_array().unwrap().len(), 2, "{d}");
        assert!(d["materials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m[0] == "居民户口簿" && m[1] == true));
        // Steps out of order are refused, and change nothing.
        for step in ["contact", "receive", "done", "result"] {
            let r = act(&admin, &no, step, &[("place", "mail"), ("text", "x")]).await;
            assert_eq!(r.status, 409, "{step}: {}", r.body);
        }
        let r = act(&admin, &no, "assign", &[("staff_id", "999999")]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let r = act(&admin, &no, "assign", &[("staff_id", &help1.to_string())]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let t = citizen
            .query("help/track", &[("tracking_no", &no)])
            .await
            .json();
        assert_eq!(t["status"], "assigned");
        assert_eq!(t["helper"][0], "测试人员");
        assert_eq!(t["helper"][1], "0391-6600001");

        assert_eq!(
            act(&h1, &no, "contact", &[("text", "约好周三上午")])
                .await
                .status,
            200
        );
        assert_eq!(
            act(&h1, &no, "receive", &[("text", "户口簿原件")])
                .await
                .status,
            200
        );
        let t = citizen
            .query("help/track", &[("tracking_no", &no)])
            .await
            .json();
        assert_eq!(t["status"], "in_progress");
        assert_eq!(t["holder"], "便民服务中心");
        assert_eq!(t["can_cancel"], false);
        // A hand-off needs where and to whom.
        let r = act(&h1, &no, "handoff", &[("place", "window")]).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.json()["Validation"]["field"], "name");
        let r = act(
            &h1,
            &no,
            "handoff",
            &[("place", "window"), ("name", "李四")],
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // Mailed results need the tracking note.
        let r = act(&h1, &no, "result", &[("place", "mail")]).await;
        assert_eq!(r.status, 422);
        let r = act(
            &h1,
            &no,
            "result",
            &[("place", "mail"), ("text", "EMS 1234567")],
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(act(&h1, &no, "done", &[]).await.status, 200);
        assert_eq!(
            act(&h1, &no, "cancel", &[("text", "晚了")]).await.status,
            409
        );

        let t = citizen
            .query("help/track", &[("tracking_no", &no)])
            .await
            .json();
        assert_eq!(t["status"], "done");
        assert_eq!(t["holder"], "受理窗口");
        assert_eq!(t["handoffs"].as_array().unwrap().len(), 2);
        assert_eq!(t["can_rate"], true);
        let labels: Vec<&str> = t["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["label"].as_str().unwrap())
            .collect();
        assert_eq!(
            labels,
            [
                "已提交",
                "已安排帮办员",
                "帮办员已联系您",
                "材料已收到，开始办理",
                "材料交接",
                "办好了",
                "已办结"
            ]
        );
        assert!(t["timeline"][5]["text"]
            .as_str()
            .unwrap()
            .contains("EMS 1234567"));

        let r = citizen
            .call("help/rate", &[("tracking_no", &no), ("rating", "5")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = citizen
            .call("help/rate", &[("tracking_no", &no), ("rating", "1")])
            .await;
        assert_eq!(r.status, 409, "rated once");

        // One SMS per step, written once.
        assert_eq!(sms(&app, "help").await.len(), 7);
        for a in [
            "help_assign",
            "help_contact",
            "help_receive",
            "help_handoff",
            "help_result",
            "help_done",
        ] {
            let n = count(
                &app,
                &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{a}'"),
            )
            .await;
            assert_eq!(n, 1, "{a}");
        }
        let mine = citizen.query("my/help", &[]).await.json();
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["on_behalf"], false);

        // Another browser opens it with the number and the last four digits.
        let other = app.browser();
        assert_eq!(
            other
                .query("help/track", &[("tracking_no", &no)])
                .await
                .status,
            403
        );
        let r = other
            .call("track/lookup", &[("tracking_no", &no), ("last4", "0012")])
            .await;
        assert_eq!(r.status, 422);
        let r = other
            .call(
                "track/lookup",
                &[("tracking_no", &no.to_lowercase()), ("last4", "0011")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            other
                .query("help/track", &[("tracking_no", &no)])
                .await
                .status,
            200
        );

        // A citizen may cancel before the papers are handed over.
        let r = citizen.call("help", &request("guide", &[])).await;
        let second = number_of(&r);
        let r = citizen
            .call("help/cancel", &[("tracking_no", &second), ("reason", "")])
            .await;
        assert_eq!(r.status, 422);
        let r = citizen
            .call(
                "help/cancel",
                &[("tracking_no", &second), ("reason", "自己去办了")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = act(
            &admin,
            &second,
            "assign",
            &[("staff_id", &help1.to_string())],
        )
        .await;
        assert_eq!(r.status, 409);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_full_number_is_shown_only_after_an_audited_reveal() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("qy_window", "window", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        let citizen = app.browser();
        citizen_sign_in(&app, &citizen, "13900000031").await;
        let no = number_of(&citizen.call("help", &request("guide", &[])).await);

        let admin = staff(&app, "qy_admin").await;
        let d = detail(&admin, &no, true).await.json();
        assert_eq!(d["phone_masked"], "139****0031");
        assert!(d["phone_full"].is_null(), "no reveal, no number: {d}");
        let window = staff(&app, "qy_window").await;
        assert_eq!(
            window
                .call("staff/help/reveal", &[("tracking_no", &no)])
                .await
                .status,
            403
        );
        let js = staff(&app, "js_admin").await;
        assert_eq!(
            js.call("staff/help/reveal", &[("tracking_no", &no)])
                .await
                .status,
            404
        );
        let r = admin
            .call("staff/help/reveal", &[("tracking_no", &no)])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let d = detail(&admin, &no, true).await.json();
        assert_eq!(d["phone_full"], "13900000031");
        let row = sqlx::query(
            "SELECT actor_username, target_id, detail FROM audit_log WHERE action = 'help_reveal_phone'",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        assert_eq!(row.len(), 1);
        assert_eq!(row[0].try_get::<String, _>(0).unwrap(), "qy_admin");
        assert_eq!(row[0].try_get::<String, _>(1).unwrap(), no);
        assert!(!row[0].try_get::<String, _>(2).unwrap().contains("0031"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn two_admins_auto_assigning_at_once_assign_each_request_once_in_turn() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("qy_admin2", "center_admin", "qinyuan", PW).await;
        let helpers = [
            app.staff("qy_h1", "helper", "qinyuan", PW).await,
            app.staff("qy_h2", "helper", "qinyuan", PW).await,
            app.staff("qy_h3", "helper", "qinyuan", PW).await,
        ];
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        seed_requests(&app, "qinyuan", 30, now_ms() + 86_400_000).await;

        let h = staff(&app, "qy_h1").await;
        let center = [("center", "qinyuan")];
        assert_eq!(h.call("staff/help/auto-assign", &center).await.status, 403);
        let js = staff(&app, "js_admin").await;
        assert_eq!(js.call("staff/help/auto-assign", &center).await.status, 403);

        let a = staff(&app, "qy_admin").await;
        let b = staff(&app, "qy_admin2").await;
        let (ra, rb) = tokio::join!(
            a.call("staff/help/auto-assign", &center),
            b.call("staff/help/auto-assign", &center)
        );
        assert_eq!(ra.status, 200, "{}", ra.body);
        assert_eq!(rb.status, 200, "{}", rb.body);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM help_requests WHERE status = 'assigned'"
            )
            .await,
            30
        );
        // Never twice: one assignment step and one SMS per request.
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM help_events WHERE kind = 'assigned'"
            )
            .await,
            30
        );
        assert_eq!(sms(&app, "help").await.len(), 30);
        let per = |id: i64| format!("SELECT COUNT(*) FROM help_requests WHERE assignee_id = {id}");
        for id in helpers {
            assert_eq!(count(&app, &per(id)).await, 10, "helper {id}");
        }
        // The turn carries on: 4 more go to h1, h2, h3, h1.
        sqlx::query("DELETE FROM help_events")
            .execute(app.db.pool())
            .await
            .unwrap();
        seed_requests_more(&app).await;
        let r = a.call("staff/help/auto-assign", &center).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let counts: Vec<i64> = {
            let mut v = Vec::new();
            for id in helpers {
                v.push(count(&app, &per(id)).await);
            }
            v
        };
        assert_eq!(counts, [12, 11, 11]);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'help_auto_assign'"
            )
            .await,
            3
        );
        db.cleanup().await;
    }
}

async fn seed_requests_more(app: &TestApp) {
    let s = secrets();
    for i in 0..4 {
        let phone = format!("1390000{:04}", 7000 + i);
        sqlx::query(
            "INSERT INTO help_requests (tracking_no, mode, seq, situation, center_code, when_suits,
                 phone_key, phone_enc, status, assign_due_at, created_at, updated_at)
             VALUES ($1, 'guide', 201, '', 'qinyuan', 'any', $2, $3, 'submitted', $4, $4, $4)",
        )
        .bind(server::help::requests::new_help_no())
        .bind(s.lookup_key("phone", &phone))
        .bind(s.encrypt(&phone))
        .bind(now_ms() + i)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn unassigned_past_one_working_day_is_overdue_in_the_watch_view() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("city", "city_admin", "", PW).await;
        seed_requests(&app, "qinyuan", 2, now_ms() - 1).await;
        seed_requests(&app, "jishui", 1, now_ms() + 86_400_000).await;
        let admin = staff(&app, "qy_admin").await;
        let q = admin
            .query("staff/help", &[("queue", "overdue")])
            .await
            .json();
        assert_eq!(q["rows"].as_array().unwrap().len(), 2, "{q}");
        assert_eq!(q["rows"][0]["overdue"], true);
        assert_eq!(q["counts"].as_array().unwrap().len(), 1, "own center only");
        assert_eq!(q["counts"][0]["overdue"], 2);
        let city = staff(&app, "city").await;
        let q = city
            .query("staff/help", &[("scope", "jishui")])
            .await
            .json();
        assert_eq!(q["counts"].as_array().unwrap().len(), 16);
        let js = q["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "jishui")
            .unwrap()
            .clone();
        assert_eq!(
            (js["unassigned"].as_i64(), js["overdue"].as_i64()),
            (Some(1), Some(0))
        );
        db.cleanup().await;
    }
}

/// A helper files a 代办 request under consent `id`.
async fn file_for(b: &Browser, id: &str) -> common::Reply {
    let mut f = request("proxy", &[]);
    f.push(("consent", id));
    b.call("staff/consents/help", &f).await
}

/// The code the consent SMS to `masked` carries.
async fn consent_code(app: &TestApp, masked: &str) -> String {
    let s = secrets();
    let row = sqlx::query(
        "SELECT body_enc FROM outbox WHERE kind = 'consent' AND recipient_masked = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(masked)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    s.decrypt(&row.try_get::<String, _>(0).unwrap())
        .unwrap()
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(6)
        .collect()
}

async fn last_consent(app: &TestApp) -> String {
    count(app, "SELECT MAX(id) FROM consents").await.to_string()
}

#[tokio::test]
async fn a_helper_files_for_a_citizen_only_under_a_live_consent_in_scope() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_h1", "helper", "qinyuan", PW).await;
        app.staff("qy_h2", "helper", "qinyuan", PW).await;
        app.staff("js_h", "helper", "jishui", PW).await;
        app.staff("city", "city_admin", "", PW).await;
        let h1 = staff(&app, "qy_h1").await;
        let start = |method: &'static str, kinds: &'static str| {
            vec![
                ("phone", "13900000041"),
                ("method", method),
                ("kinds[]", kinds),
                ("hours", "24"),
            ]
        };
        let r = h1
            .call(
                "staff/consents/start",
                &[
                    ("phone", "13900000041"),
                    ("method", "code"),
                    ("hours", "24"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["Validation"]["field"], "kinds");
        let r = h1
            .call("staff/consents/start", &start("code", "help"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let id = last_consent(&app).await;
        // Not yet proven: no filing.
        let r = file_for(&h1, &id).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["Validation"]["field"], "consent");
        let code = consent_code(&app, "139****0041").await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let r = h1
            .call("staff/consents/prove", &[("id", &id), ("code", wrong)])
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("还可尝试4次"), "{}", r.body);
        // Another helper can neither prove it nor file under it.
        let h2 = staff(&app, "qy_h2").await;
        assert_eq!(
            h2.call("staff/consents/prove", &[("id", &id), ("code", &code)])
                .await
                .status,
            404
        );
        let r = h1
            .call("staff/consents/prove", &[("id", &id), ("code", &code)])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = h1
            .call("staff/consents/prove", &[("id", &id), ("code", &code)])
            .await;
        assert_eq!(r.status, 422, "a code is used once");
        assert_eq!(file_for(&h2, &id).await.status, 404);
        let js = staff(&app, "js_h").await;
        assert_eq!(js.query("staff/consent", &[("id", &id)]).await.status, 404);

        let r = file_for(&h1, &id).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM help_requests WHERE filed_by IS NOT NULL AND consent_id IS NOT NULL").await,
            1
        );
        let texts = sms(&app, "help").await;
        assert!(texts[0].contains("以您的名义"), "{}", texts[0]);
        // Out of scope: this consent covers help requests only.
        let r = h1
            .call(
                "staff/consents/book",
                &[
                    ("consent", &id),
                    ("slot", "1"),
                    ("seq", "201"),
                    ("name", "张三"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["Validation"]["field"], "consent");

        // The citizen sees the filing, marked, and withdraws the consent.
        let citizen = app.browser();
        citizen_sign_in(&app, &citizen, "13900000041").await;
        let mine = citizen.query("my/help", &[]).await.json();
        assert_eq!(mine[0]["on_behalf"], true);
        let no = mine[0]["tracking_no"].as_str().unwrap().to_string();
        let t = citizen
            .query("help/track", &[("tracking_no", &no)])
            .await
            .json();
        assert!(t["on_behalf"].as_str().unwrap().contains("授权编号"), "{t}");
        let consents = citizen.query("my/consents", &[]).await.json();
        assert_eq!(consents[0]["filings"].as_array().unwrap().len(), 1);
        assert_eq!(consents[0]["can_withdraw"], true);
        let staff_view = h1.query("staff/consent", &[("id", &id)]).await.json();
        assert_eq!(staff_view["filings"].as_array().unwrap().len(), 1);
        let other = app.browser();
        citizen_sign_in(&app, &other, "13900000042").await;
        assert_eq!(
            other
                .call("my/consents/withdraw", &[("id", &id)])
                .await
                .status,
            404
        );
        let r = citizen.call("my/consents/withdraw", &[("id", &id)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = file_for(&h1, &id).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("撤回"), "{}", r.body);

        // A paper consent needs its number and the declaration; expiry stops it.
        let mut paper = start("paper", "help");
        let r = h1.call("staff/consents/start", &paper).await;
        assert_eq!(r.json()["Validation"]["field"], "paper_form_no");
        paper.push(("paper_form_no", "JY-2026-001"));
        let r = h1.call("staff/consents/start", &paper).await;
        assert_eq!(r.json()["Validation"]["field"], "declared");
        paper.push(("declared", "on"));
        assert_eq!(h1.call("staff/consents/start", &paper).await.status, 200);
        let paper_id = last_consent(&app).await;
        app.exec(&format!(
            "UPDATE consents SET expires_at = 1 WHERE id = {paper_id}"
        ))
        .await;
        let r = file_for(&h1, &paper_id).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("过期"), "{}", r.body);

        // The code's rules are the sign-in codes': one a minute per phone.
        let r = h1
            .call("staff/consents/start", &start("code", "booking"))
            .await;
        assert_eq!(r.status, 429, "{}", r.body);

        // A city admin lists every consent with its filings.
        let city = staff(&app, "city").await;
        let all = city.query("staff/consents", &[]).await.json();
        assert_eq!(all["consents"].as_array().unwrap().len(), 2);
        for a in ["consent_start", "consent_prove", "help_filed_for"] {
            let n = count(
                &app,
                &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{a}'"),
            )
            .await;
            assert!(n >= 1, "{a}");
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn five_wrong_codes_end_a_consent_code() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_h1", "helper", "qinyuan", PW).await;
        let h1 = staff(&app, "qy_h1").await;
        let r = h1
            .call(
                "staff/consents/start",
                &[
                    ("phone", "13900000051"),
                    ("method", "code"),
                    ("kinds[]", "help"),
                    ("kinds[]", "booking"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let id = last_consent(&app).await;
        let code = consent_code(&app, "139****0051").await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            assert_eq!(
                h1.call("staff/consents/prove", &[("id", &id), ("code", wrong)])
                    .await
                    .status,
                422
            );
        }
        let r = h1
            .call("staff/consents/prove", &[("id", &id), ("code", &code)])
            .await;
        assert_eq!(r.status, 422, "the right code after five wrong ones");
        let v = h1.query("staff/consent", &[("id", &id)]).await.json();
        assert_eq!(v["status"], "pending");
        assert_eq!(v["kinds"].as_array().unwrap().len(), 2);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_helper_books_a_late_slot_for_a_citizen_who_sees_it_marked() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        add_window(
            &app.db,
            &Window {
                center_code: "qinyuan".into(),
                weekday: 3,
                start_min: 17 * 60 + 30,
                end_min: 19 * 60,
                slot_minutes: 30,
                capacity: 2,
                window_kind: String::new(),
            },
        )
        .await
        .unwrap();
        app.staff("qy_h1", "helper", "qinyuan", PW).await;
        let h1 = staff(&app, "qy_h1").await;
        let r = h1
            .call(
                "staff/consents/start",
                &[
                    ("phone", "13900000061"),
                    ("method", "paper"),
                    ("paper_form_no", "JY-2026-002"),
                    ("declared", "on"),
                    ("kinds[]", "booking"),
                    ("seq", "201"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let id = last_consent(&app).await;
        let wed = common::next_weekday(3);
        let form = app
            .browser()
            .query(
                "book/form",
                &[("center", "qinyuan"), ("seq", "201"), ("day", &wed)],
            )
            .await
            .json();
        let slot = form["slots"][0]["id"].as_i64().unwrap().to_string();
        // The consent covers item 201 only.
        let r = h1
            .call(
                "staff/consents/book",
                &[
                    ("consent", &id),
                    ("slot", &slot),
                    ("seq", "200"),
                    ("name", "张三"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        let r = h1
            .call(
                "staff/consents/book",
                &[
                    ("consent", &id),
                    ("slot", &slot),
                    ("seq", "201"),
                    ("name", "张三"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM bookings WHERE filed_by IS NOT NULL AND consent_id IS NOT NULL").await,
            1
        );
        assert!(sms(&app, "consent")
            .await
            .iter()
            .any(|t| t.contains("预约")));
        let citizen = app.browser();
        citizen_sign_in(&app, &citizen, "13900000061").await;
        let mine = citizen.query("my/bookings", &[]).await.json();
        assert_eq!(mine[0]["on_behalf"], true, "{mine}");
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'booking_filed_for'"
            )
            .await,
            1
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_helper_files_a_complaint_for_a_citizen_who_sees_it_marked() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_h1", "helper", "qinyuan", PW).await;
        let h1 = staff(&app, "qy_h1").await;
        let paper = |kind: &'static str| {
            vec![
                ("phone", "13900000071"),
                ("method", "paper"),
                ("paper_form_no", "JY-2026-003"),
                ("declared", "on"),
                ("kinds[]", kind),
            ]
        };
        assert_eq!(
            h1.call("staff/consents/start", &paper("help")).await.status,
            200
        );
        let help_only = last_consent(&app).await;
        assert_eq!(
            h1.call("staff/consents/start", &paper("complaint"))
                .await
                .status,
            200
        );
        let id = last_consent(&app).await;
        let complaint = |consent: &str| {
            vec![
                ("consent", consent.to_string()),
                ("category", "center".to_string()),
                ("center", "qinyuan".to_string()),
                ("what", "大厅没有老年人座椅，站了一个小时".to_string()),
            ]
        };
        let call = |form: Vec<(&'static str, String)>| {
            let h1 = &h1;
            async move {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                h1.call("staff/consents/complain", &pairs).await
            }
        };
        let r = call(complaint(&help_only)).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["Validation"]["field"], "consent");
        let mut short = complaint(&id);
        short[3].1 = "短".into();
        assert_eq!(call(short).await.status, 422);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints").await, 0);
        let r = call(complaint(&id)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM complaints WHERE filed_by IS NOT NULL AND consent_id IS NOT NULL").await,
            1
        );
        let citizen = app.browser();
        citizen_sign_in(&app, &citizen, "13900000071").await;
        let mine = citizen.query("my/complaints", &[]).await.json();
        assert_eq!(mine[0]["on_behalf"], true, "{mine}");
        let no = mine[0]["tracking_no"].as_str().unwrap().to_string();
        let t = citizen.query("track", &[("tracking_no", &no)]).await.json();
        assert!(t["on_behalf"].as_str().unwrap().contains("授权编号"), "{t}");
        assert!(sms(&app, "consent")
            .await
            .iter()
            .any(|t| t.contains("投诉")));
        let c = h1.query("staff/consent", &[("id", &id)]).await.json();
        assert_eq!(c["filings"][0][0], "投诉");
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'complaint_filed_for'"
            )
            .await,
            1
        );
        db.cleanup().await;
    }
}
