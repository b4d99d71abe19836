//! 好差评 of a window visit over real HTTP on SQLite and PostgreSQL: a proven
//! phone rates once per window per day (also when it tries twice at once),
//! bad ratings must name what to improve, a retired window takes no new
//! ratings, and the phone is kept only encrypted.

mod common;

use common::{backends, citizen_sign_in, spawn_app, Browser, TestApp};
use server::time::now_ms;

const PW: &str = "Bianmin#2026";

async fn window(app: &TestApp, number: &str) -> String {
    let admin = app.staff_browser("qy_admin", PW).await;
    let r = admin
        .call(
            "staff/windows/save",
            &[
                ("code", "qinyuan"),
                ("window[number]", number),
                ("window[name]", "综合受理窗口"),
                ("window[kind]", "general"),
                ("window[staff]", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list = admin
        .query("staff/windows", &[("code", "qinyuan")])
        .await
        .json();
    list["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["number"] == number)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string()
}

async fn rate(b: &Browser, id: &str, level: &str, reasons: &[&str]) -> common::Reply {
    let mut form = vec![
        ("kind", "window"),
        ("id", id),
        ("rating[level]", level),
        ("rating[comment]", "等了很久"),
    ];
    for r in reasons {
        form.push(("rating[reasons][]", r));
    }
    b.call("rate/save", &form).await
}

#[tokio::test]
async fn one_rating_per_phone_per_window_per_day() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let w1 = window(&app, "1").await;
        let w2 = window(&app, "2").await;
        let citizen = app.browser();

        // The page opens for anyone; rating needs a proven phone.
        let page = citizen
            .query("rate/page", &[("kind", "window"), ("id", &w1)])
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.json()["phone_masked"], serde_json::Value::Null);
        assert_eq!(page.json()["detail"], "沁园街道便民服务中心 · 综合受理窗口");
        assert_eq!(rate(&citizen, &w1, "5", &[]).await.status, 401);
        citizen_sign_in(&app, &citizen, "13900000021").await;

        // A bad rating must say what to improve; nothing is saved until it does.
        let r = rate(&citizen, &w1, "2", &[]).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.json()["Validation"]["field"], "reasons");
        assert_eq!(rate(&citizen, &w1, "7", &[]).await.status, 422);
        assert_eq!(rate(&citizen, &w1, "5", &["speed"]).await.status, 422);
        assert_eq!(app.count("SELECT COUNT(*) FROM ratings").await, 0);

        // Two tries at once from the same phone: exactly one rating.
        let (a, b) = tokio::join!(
            rate(&citizen, &w1, "2", &["efficiency", "attitude"]),
            rate(&citizen, &w1, "2", &["efficiency"])
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM ratings").await, 1);
        let page = citizen
            .query("rate/page", &[("kind", "window"), ("id", &w1)])
            .await
            .json();
        assert_eq!(page["rated"], "不满意");
        // Another window the same day, and another phone the same window: fine.
        assert_eq!(rate(&citizen, &w2, "5", &[]).await.status, 200);
        let other = app.browser();
        citizen_sign_in(&app, &other, "13900000022").await;
        assert_eq!(rate(&other, &w1, "4", &["attitude"]).await.status, 200);
        // The next day is another visit (yesterday's rating moved back a day).
        app.exec("UPDATE ratings SET handling = handling || '-yesterday' WHERE level = 2")
            .await;
        assert_eq!(rate(&citizen, &w1, "3", &[]).await.status, 200);

        let stored = app
            .count("SELECT COUNT(*) FROM ratings WHERE subject_kind = 'window' AND center_code = 'qinyuan' AND phone_enc LIKE 'v1:%' AND phone_enc NOT LIKE '%13900000021%'")
            .await;
        assert_eq!(stored, 4, "every phone encrypted");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM ratings WHERE reasons = 'efficiency,attitude' OR reasons = 'efficiency'").await,
            1
        );

        // A retired window: the sticker still opens, no new ratings.
        let admin = app.staff_browser("qy_admin", PW).await;
        admin
            .call("staff/windows/retire", &[("code", "qinyuan"), ("id", &w2)])
            .await;
        let page = other
            .query("rate/page", &[("kind", "window"), ("id", &w2)])
            .await
            .json();
        assert!(page["closed"].as_str().unwrap().contains("已停用"));
        assert_eq!(rate(&other, &w2, "5", &[]).await.status, 409);
        assert_eq!(
            other
                .query("rate/page", &[("kind", "window"), ("id", "999999")])
                .await
                .status,
            404
        );

        // Without JavaScript the page and the post work the same way.
        let html = other.page(&format!("/rate/window/{w1}")).await;
        assert_eq!(html.status, 200);
        assert!(html.body.contains("您已经评价过了"), "{}", html.body);
        assert_eq!(html.cache_control.as_deref(), Some("no-store"));
        db.cleanup().await;
    }
}

async fn act(b: &Browser, id: &str, action: &str, note: &str, due: Option<&str>) -> common::Reply {
    let mut form = vec![("id", id), ("action", action), ("note", note)];
    if let Some(d) = due {
        form.push(("due", d));
    }
    b.call("staff/reviews/act", &form).await
}

async fn sms(app: &TestApp, kind: &str) -> Vec<String> {
    use sqlx::Row;
    let s = server::crypto::Secrets::from_base64(common::TEST_DATA_KEY).unwrap();
    sqlx::query("SELECT body_enc FROM outbox WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| s.decrypt(&r.try_get::<String, _>(0).unwrap()).unwrap())
        .collect()
}

/// The newest case's id.
async fn newest_case(app: &TestApp) -> String {
    app.count("SELECT MAX(id) FROM rectifications")
        .await
        .to_string()
}

#[tokio::test]
async fn every_bad_review_is_called_back_rectified_or_appealed() {
    use server::calendar::WorkCalendar;
    use server::time::{add_days, shanghai_date};
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("qy_window", "window", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        app.staff("city", "city_admin", "", PW).await;
        // The next three days are a holiday, the one after a 调休 working day:
        // deadlines count working days on this calendar.
        let today = shanghai_date(now_ms());
        for (n, kind) in [
            (1, "holiday"),
            (2, "holiday"),
            (3, "holiday"),
            (4, "workday"),
        ] {
            app.exec(&format!(
                "INSERT INTO calendar_days (day, kind, name) VALUES ('{}', '{kind}', '测试假期')",
                add_days(&today, n).unwrap()
            ))
            .await;
        }
        let w = window(&app, "1").await;
        let rater = app.browser();
        citizen_sign_in(&app, &rater, "13900000031").await;

        // A good rating opens no case; a bad one opens one, due in 1 working day.
        assert_eq!(rate(&rater, &w, "4", &[]).await.status, 200);
        assert_eq!(app.count("SELECT COUNT(*) FROM rectifications").await, 0);
        app.exec("UPDATE ratings SET handling = handling || '-earlier'")
            .await;
        let before = now_ms();
        assert_eq!(rate(&rater, &w, "1", &["attitude"]).await.status, 200);
        let case = newest_case(&app).await;
        let cal = WorkCalendar::load(&app.db).await.unwrap();
        let due = app
            .count("SELECT callback_due_at FROM rectifications")
            .await;
        assert!(
            due == cal.deadline_ms(before, 1) || due == cal.deadline_ms(now_ms(), 1),
            "one working day on the calendar"
        );
        assert!(
            due > server::time::shanghai_day_start(&add_days(&today, 4).unwrap()).unwrap(),
            "past the holiday"
        );

        // The window's own staff see it; another center does not.
        let staff = app.staff_browser("qy_window", PW).await;
        let q = staff.query("staff/reviews", &[]).await.json();
        assert_eq!(q["awaiting_callback"], 1);
        assert_eq!(q["callback_overdue"], 0);
        assert_eq!(q["rows"][0]["level"], "非常不满意");
        // The aspect in the words the rater saw for 非常不满意.
        assert_eq!(q["rows"][0]["reasons"][0], "服务态度：态度冷淡、不耐烦");
        let js = app.staff_browser("js_admin", PW).await;
        assert_eq!(
            js.query("staff/reviews/case", &[("id", &case)])
                .await
                .status,
            404
        );
        assert_eq!(act(&js, &case, "callback", "x", None).await.status, 404);
        assert_eq!(
            js.query("staff/reviews", &[("code", "qinyuan")])
                .await
                .status,
            403
        );

        // Out of order or empty: refused, nothing changes.
        assert_eq!(
            act(&staff, &case, "rectify", "已整改", None).await.status,
            409
        );
        let r = act(&staff, &case, "callback", "  ", None).await;
        assert_eq!(r.json()["Validation"]["field"], "note", "{}", r.body);
        assert_eq!(
            act(
                &staff,
                &case,
                "callback",
                "电话联系评价人，核实窗口人员态度生硬属实",
                None
            )
            .await
            .status,
            200
        );
        assert_eq!(
            act(&staff, &case, "callback", "再来一次", None)
                .await
                .status,
            409
        );
        let c = staff
            .query("staff/reviews/case", &[("id", &case)])
            .await
            .json();
        assert_eq!(c["status"], "called_back");
        assert_eq!(c["phone_masked"], "139****0031");
        assert_eq!(c["steps"][1]["who"], "测试人员");
        assert_eq!(
            c["default_plan_due"],
            shanghai_date(cal.deadline_ms(now_ms(), 5) - 1)
        );

        // A plan with a deadline already past is refused; the default is 5 working days.
        let r = act(
            &staff,
            &case,
            "plan",
            "组织窗口人员服务礼仪培训",
            Some("2020-01-01"),
        )
        .await;
        assert_eq!(r.json()["Validation"]["field"], "due", "{}", r.body);
        assert_eq!(
            act(&staff, &case, "plan", "组织窗口人员服务礼仪培训", None)
                .await
                .status,
            200
        );
        let plan_due = app.count("SELECT plan_due_at FROM rectifications").await;
        assert_eq!(plan_due, cal.deadline_ms(now_ms(), 5));
        let c = staff
            .query("staff/reviews/case", &[("id", &case)])
            .await
            .json();
        let plan_step = c["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["what"].as_str().unwrap().starts_with("制定整改计划"))
            .cloned()
            .expect("the plan on the case");
        assert_eq!(plan_step["who"], "测试人员");
        assert_eq!(plan_step["note"], "组织窗口人员服务礼仪培训");
        let told = sms(&app, "review_plan").await;
        assert_eq!(told.len(), 1);
        assert!(
            told[0].contains("组织窗口人员服务礼仪培训") && told[0].contains("1 号窗口"),
            "{}",
            told[0]
        );

        // Past its deadline it shows as overdue in 电子监察.
        app.exec("UPDATE rectifications SET plan_due_at = 1000")
            .await;
        let q = staff
            .query("staff/reviews", &[("filter", "overdue")])
            .await
            .json();
        assert_eq!(q["plan_overdue"], 1);
        assert_eq!(q["rows"].as_array().unwrap().len(), 1);
        assert_eq!(q["rows"][0]["overdue"], true);
        assert_eq!(
            act(&staff, &case, "rectify", "已完成培训并调整窗口人员", None)
                .await
                .status,
            200
        );
        let told = sms(&app, "review_rectified").await;
        assert_eq!(told.len(), 1, "the rater is told once");
        assert!(told[0].contains("已完成培训并调整窗口人员"));
        assert_eq!(
            act(&staff, &case, "rectify", "again", None).await.status,
            409
        );

        // 申诉复核: only the center's admin appeals, only a city admin decides.
        let other = app.browser();
        citizen_sign_in(&app, &other, "13900000032").await;
        assert_eq!(rate(&other, &w, "2", &["efficiency"]).await.status, 200);
        let second = newest_case(&app).await;
        assert_eq!(
            act(&staff, &second, "appeal", "当天无此人办件记录", None)
                .await
                .status,
            409
        );
        let admin = app.staff_browser("qy_admin", PW).await;
        assert_eq!(
            act(&admin, &second, "appeal", "当天无此人办件记录", None)
                .await
                .status,
            200
        );
        assert_eq!(
            act(&admin, &second, "overturn", "自己说了算", None)
                .await
                .status,
            409
        );
        let city = app.staff_browser("city", PW).await;
        assert_eq!(
            act(
                &city,
                &second,
                "overturn",
                "经调取录像，评价人当天未到窗口",
                None
            )
            .await
            .status,
            200
        );
        let c = city
            .query("staff/reviews/case", &[("id", &second)])
            .await
            .json();
        assert_eq!(c["status"], "overturned");
        let whats: Vec<&str> = c["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["what"].as_str().unwrap())
            .collect();
        assert!(
            whats.contains(&"提出申诉复核") && whats.contains(&"复核结论：申诉成立"),
            "{whats:?}"
        );

        // Upheld: the review stands and the case is back where it was.
        app.exec("UPDATE ratings SET handling = handling || '-earlier' WHERE id = (SELECT MAX(id) FROM ratings)").await;
        assert_eq!(rate(&other, &w, "2", &["skill"]).await.status, 200);
        let third = newest_case(&app).await;
        assert_eq!(
            act(&admin, &third, "appeal", "评价人未说明情况", None)
                .await
                .status,
            200
        );
        assert_eq!(
            act(&city, &third, "uphold", "评价属实，请按期回访", None)
                .await
                .status,
            200
        );
        let c = admin
            .query("staff/reviews/case", &[("id", &third)])
            .await
            .json();
        assert_eq!(c["status"], "open");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE target_kind = 'rectification'")
                .await,
            7
        );
        db.cleanup().await;
    }
}

/// Inserts a window rating as the app stores it (phone omitted), `days_ago`
/// before today; returns its id.
async fn seed_rating(
    app: &TestApp,
    center: &str,
    window: &str,
    staff: Option<i64>,
    level: i64,
    days_ago: i64,
    n: i64,
) -> i64 {
    use server::time::{add_days, shanghai_date};
    let day = add_days(&shanghai_date(now_ms()), -days_ago).unwrap();
    let at = server::time::shanghai_day_start(&day).unwrap() + 10 * 3_600_000;
    app.count(&format!(
        "INSERT INTO ratings (subject_kind, subject_id, handling, center_code, staff_user_id, level, reasons, comment, rated_day, created_at)
         VALUES ('window', '{window}', 'seed-{n}', '{center}', {}, {level}, 'overall', '', '{day}', {at}) RETURNING id",
        staff.map(|s| s.to_string()).unwrap_or_else(|| "NULL".into())
    ))
    .await
}

#[tokio::test]
async fn statistics_match_hand_counted_ratings_and_the_csv_matches_the_table() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let on_duty = app.staff("qy_window", "window", "qinyuan", PW).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("city", "city_admin", "", PW).await;
        let w1 = window(&app, "1").await;
        let w2 = window(&app, "2").await;
        // Hand-counted fixture, all within the last 8 weeks but one:
        // 沁园 window 1: 5,5,4,3,2 (staff on duty), window 2: 1,1 (nobody named);
        // 济水 window 9: 4; one 非常满意 at 沁园 70 days ago (outside).
        let mut n = 0;
        let mut seed = |c: &'static str, w: String, s: Option<i64>, l: i64, d: i64| {
            n += 1;
            (c, w, s, l, d, n)
        };
        let fixture = [
            seed("qinyuan", w1.clone(), Some(on_duty), 5, 0),
            seed("qinyuan", w1.clone(), Some(on_duty), 5, 8),
            seed("qinyuan", w1.clone(), Some(on_duty), 4, 1),
            seed("qinyuan", w1.clone(), Some(on_duty), 3, 15),
            seed("qinyuan", w1.clone(), Some(on_duty), 2, 2),
            seed("qinyuan", w2.clone(), None, 1, 3),
            seed("qinyuan", w2.clone(), None, 1, 4),
            seed("jishui", "9".into(), None, 4, 0),
            seed("qinyuan", w1.clone(), Some(on_duty), 5, 70),
        ];
        let mut ids = Vec::new();
        for (c, w, s, l, d, n) in &fixture {
            ids.push(seed_rating(&app, c, w, *s, *l, *d, *n).await);
        }
        // The 2: rectified 30 hours after it was given; one 1: overturned on appeal.
        let rated_at = |id: i64| format!("(SELECT created_at FROM ratings WHERE id = {id})");
        app.exec(&format!(
            "INSERT INTO rectifications (rating_id, center_code, status, callback_due_at, rectified_at, created_at, updated_at)
             VALUES ({0}, 'qinyuan', 'rectified', 0, {1} + 108000000, 0, 0)",
            ids[4],
            rated_at(ids[4])
        ))
        .await;
        app.exec(&format!(
            "INSERT INTO rectifications (rating_id, center_code, status, callback_due_at, created_at, updated_at)
             VALUES ({}, 'qinyuan', 'overturned', 0, 0, 0)",
            ids[5]
        ))
        .await;

        let city = app.staff_browser("city", PW).await;
        let v = city.query("staff/stats", &[]).await;
        assert_eq!(v.status, 200, "{}", v.body);
        let v = v.json();
        assert_eq!(v["by"], "center");
        assert_eq!(
            v["rows"].as_array().unwrap().len(),
            16,
            "every center compared"
        );
        let row = |v: &serde_json::Value, label: &str| {
            v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["label"] == label)
                .cloned()
                .expect(label)
        };
        let qy = row(&v, "沁园街道便民服务中心");
        assert_eq!(qy["levels"], serde_json::json!([2, 1, 1, 1, 2]));
        assert_eq!(qy["total"], 7);
        assert_eq!(qy["satisfaction"], 571, "4 of 7");
        assert_eq!(qy["bad"], 2, "three bad, one overturned");
        assert_eq!(qy["rectified"], 1);
        assert_eq!(qy["rectification"], 500);
        assert_eq!(qy["mean_hours"], 30);
        assert_eq!(row(&v, "济水街道便民服务中心")["total"], 1);
        assert_eq!(row(&v, "北海街道便民服务中心")["total"], 0);
        assert_eq!(v["sum"]["total"], 8);
        // The bars are the table's figures.
        let bars = v["bars_svg"].as_str().unwrap();
        assert!(
            bars.contains(">7</text>") && bars.contains(">1</text>"),
            "{bars}"
        );
        // The trend covers 8 weeks; this week has 2 ratings (沁园 5, 济水 4).
        let trend = v["trend"].as_array().unwrap();
        assert_eq!(trend.len(), 8);
        let trend_total: i64 = trend.iter().map(|t| t[1].as_i64().unwrap()).sum();
        assert_eq!(trend_total, 8);

        // The CSV: exactly the rows shown, and its sums are the 合计 line.
        let csv = city.page("/staff/stats.csv").await;
        assert_eq!(csv.status, 200);
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 1 + 16 + 1, "header, 16 centers, 合计");
        assert!(lines[0].starts_with("中心,非常满意,满意,基本满意,不满意,非常不满意,合计,满意率"));
        let qy_line = lines
            .iter()
            .find(|l| l.starts_with("沁园街道便民服务中心,"))
            .unwrap();
        assert_eq!(
            *qy_line,
            "沁园街道便民服务中心,2,1,1,1,2,7,57.1%,2,1,50.0%,30"
        );
        let column = |i: usize| -> i64 {
            lines[1..17]
                .iter()
                .map(|l| l.split(',').nth(i).unwrap().parse::<i64>().unwrap())
                .sum()
        };
        let sum_line: Vec<&str> = lines[17].split(',').collect();
        assert_eq!(sum_line[0], "合计");
        for (i, sum) in sum_line.iter().enumerate().take(7).skip(1) {
            assert_eq!(column(i).to_string(), *sum, "column {i}");
        }

        // A center's admin: their center only, by window or staff member.
        let admin = app.staff_browser("qy_admin", PW).await;
        let v = admin.query("staff/stats", &[("by", "center")]).await.json();
        assert_eq!(v["by"], "window", "no city comparison for a center");
        let labels: Vec<&str> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["1 号窗口 综合受理窗口", "2 号窗口 综合受理窗口"]);
        assert_eq!(v["rows"][0]["total"], 5);
        let v = admin
            .query("staff/stats", &[("by", "staff"), ("period", "month")])
            .await
            .json();
        let staff_row = row(&v, "测试人员");
        assert_eq!(
            staff_row["total"], 6,
            "six months reach the rating of 70 days ago"
        );
        assert_eq!(row(&v, "未指定值班人员")["total"], 2);
        assert_eq!(v["trend"].as_array().unwrap().len(), 6);
        assert_eq!(
            admin
                .query("staff/stats", &[("code", "jishui")])
                .await
                .status,
            403
        );
        assert_eq!(app.browser().page("/staff/stats.csv").await.status, 401);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_workbench_counts_bad_reviews_in_scope() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("qy_window", "window", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        app.staff("city", "city_admin", "", PW).await;
        let w = window(&app, "1").await;
        let rater = app.browser();
        citizen_sign_in(&app, &rater, "13900000041").await;
        assert_eq!(rate(&rater, &w, "1", &["efficiency"]).await.status, 200);

        let today = |b: Browser| async move { b.query("staff/today", &[]).await.json() };
        let qy = today(app.staff_browser("qy_window", PW).await).await;
        assert_eq!(qy["scope_label"], "沁园街道便民服务中心");
        assert_eq!(
            (
                qy["reviews_awaiting"].as_i64(),
                qy["reviews_overdue"].as_i64()
            ),
            (Some(1), Some(0))
        );
        let js = today(app.staff_browser("js_admin", PW).await).await;
        assert_eq!(
            js["reviews_awaiting"], 0,
            "another center's review is not theirs"
        );
        app.exec("UPDATE rectifications SET callback_due_at = 1000")
            .await;
        let city = today(app.staff_browser("city", PW).await).await;
        assert_eq!(city["scope_label"], "全市");
        assert_eq!(
            (
                city["reviews_awaiting"].as_i64(),
                city["reviews_overdue"].as_i64()
            ),
            (Some(1), Some(1))
        );
        assert_eq!(app.browser().query("staff/today", &[]).await.status, 401);
        // The back office has its own header: no citizen menu or 长辈模式 there.
        let home = app
            .staff_browser("qy_window", PW)
            .await
            .page("/staff")
            .await;
        assert!(
            home.body.contains("工作人员后台") && home.body.contains("今日概况"),
            "{}",
            home.body
        );
        assert!(!home.body.contains("主导航") && !home.body.contains("长辈模式"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_unrated_finished_case_is_reminded_once_after_three_days() {
    use server::ratings::invites::remind_unrated;
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let s = server::crypto::Secrets::from_base64(common::TEST_DATA_KEY).unwrap();
        let day = 86_400_000;
        let now = now_ms();
        // Help requests done 4 days ago (unrated, and rated), 1 day ago, 20 days ago.
        for (i, (done_ago, rating)) in [(4, None), (4, Some(5)), (1, None), (20, None)]
            .iter()
            .enumerate()
        {
            let phone = format!("1390000{:04}", 7000 + i);
            sqlx::query(
                "INSERT INTO help_requests (tracking_no, mode, seq, situation, center_code, when_suits,
                     phone_key, phone_enc, status, rating, assign_due_at, created_at, updated_at)
                 VALUES ($1, 'guide', 201, '', 'qinyuan', 'any', $2, $3, 'done', $4, 0, 0, $5)",
            )
            .bind(format!("BB-TEST-{i:04}"))
            .bind(s.lookup_key("phone", &phone))
            .bind(s.encrypt(&phone))
            .bind(*rating)
            .bind(now - done_ago * day)
            .execute(app.db.pool())
            .await
            .unwrap();
        }
        // Complaints closed 5 days ago: one with a phone, one anonymous.
        for (i, phone) in [Some("13900007100"), None].iter().enumerate() {
            sqlx::query(
                "INSERT INTO complaints (tracking_no, category, center_code, what, phone_key, phone_enc,
                     handling_center, status, accept_due_at, answer_due_at, created_at, updated_at, closed_at)
                 VALUES ($1, 'window', 'qinyuan', '等太久', $2, $3, 'qinyuan', 'closed', 0, 0, 0, $4, $4)",
            )
            .bind(format!("SX-TEST{i:04}"))
            .bind(phone.map(|p| s.lookup_key("phone", p)))
            .bind(phone.map(|p| s.encrypt(p)))
            .bind(now - 5 * day)
            .execute(app.db.pool())
            .await
            .unwrap();
        }
        assert_eq!(
            remind_unrated(&app.db, &s, now).await.unwrap(),
            2,
            "one help request, one complaint"
        );
        // Run again, and days later: never a third message.
        assert_eq!(remind_unrated(&app.db, &s, now).await.unwrap(), 0);
        assert_eq!(
            remind_unrated(&app.db, &s, now + 2 * day).await.unwrap(),
            1,
            "the one done yesterday, now due"
        );
        assert_eq!(remind_unrated(&app.db, &s, now + 3 * day).await.unwrap(), 0);
        let bodies = sms(&app, "rate_reminder").await;
        assert_eq!(bodies.len(), 3);
        assert!(bodies
            .iter()
            .any(|b| b.contains("BB-TEST-0000") && b.contains("还没有评价")));
        assert!(bodies.iter().any(|b| b.contains("SX-TEST0000")));
        assert!(
            !bodies.iter().any(|b| b.contains("BB-TEST-0001")),
            "rated: no reminder"
        );
        db.cleanup().await;
    }
}

/// Rates a booking (its code as typed: any case).
async fn rate_booking(b: &Browser, code: &str, level: &str) -> common::Reply {
    b.call(
        "rate/save",
        &[
            ("kind", "booking"),
            ("id", code),
            ("rating[level]", level),
            ("rating[reasons][]", "efficiency"),
        ],
    )
    .await
}

#[tokio::test]
async fn an_appointment_is_rated_once_by_its_booker_after_check_in() {
    use server::bookings::slots::{add_window, Window};
    use server::time::{add_days, iso_weekday, shanghai_date};
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
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
        let mut wed = add_days(&shanghai_date(now_ms()), 1).unwrap();
        while iso_weekday(&wed) != Some(3) {
            wed = add_days(&wed, 1).unwrap();
        }
        let booker = app.browser();
        citizen_sign_in(&app, &booker, "13900000051").await;
        let form = booker
            .query(
                "book/form",
                &[("center", "qinyuan"), ("seq", "201"), ("day", &wed)],
            )
            .await
            .json();
        let slot = form["slots"][0]["id"].as_i64().unwrap().to_string();
        assert_eq!(booker.book(&slot, "201", "张三").await.status, 200);
        let code: String = {
            use sqlx::Row;
            sqlx::query("SELECT code FROM bookings")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap()
        };

        // Before check-in: nothing to rate yet.
        let page = booker
            .query("rate/page", &[("kind", "booking"), ("id", &code)])
            .await
            .json();
        assert!(page["closed"].as_str().unwrap().contains("签到"), "{page}");
        assert_eq!(rate_booking(&booker, &code, "5").await.status, 409);
        app.exec("UPDATE bookings SET status = 'checked_in', checked_in_at = 1")
            .await;

        // Someone else: not found, page or post; nobody signed in sees no details.
        let stranger = app.browser();
        let anon = stranger
            .query("rate/page", &[("kind", "booking"), ("id", &code)])
            .await
            .json();
        assert_eq!(anon["detail"], "");
        let made_up = stranger
            .query("rate/page", &[("kind", "booking"), ("id", "ZZZZZZZZ")])
            .await;
        assert_eq!(
            (made_up.status, made_up.json()["title"].clone()),
            (200, anon["title"].clone()),
            "codes cannot be probed"
        );
        citizen_sign_in(&app, &stranger, "13900000052").await;
        assert_eq!(
            stranger
                .query("rate/page", &[("kind", "booking"), ("id", &code)])
                .await
                .status,
            404
        );
        assert_eq!(rate_booking(&stranger, &code, "5").await.status, 404);

        // The booker, once; a bad rating opens a case named after the booking.
        // The job invites the booker once; the booking page offers the rating.
        let s = server::crypto::Secrets::from_base64(common::TEST_DATA_KEY).unwrap();
        let t = now_ms();
        app.exec(&format!(
            "UPDATE bookings SET checked_in_at = {}",
            t - 3_600_000
        ))
        .await;
        assert_eq!(
            server::ratings::invites::remind_unrated(&app.db, &s, t)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            server::ratings::invites::remind_unrated(&app.db, &s, t)
                .await
                .unwrap(),
            0
        );
        assert!(sms(&app, "rate_invite").await[0].contains(&code));
        assert!(booker
            .page(&format!("/bookings/{code}"))
            .await
            .body
            .contains("评价这次办事"));
        let page = booker
            .query("rate/page", &[("kind", "booking"), ("id", &code)])
            .await
            .json();
        assert!(page["detail"]
            .as_str()
            .unwrap()
            .starts_with("沁园街道便民服务中心"));
        assert_eq!(page["closed"], serde_json::Value::Null);
        assert_eq!(
            rate_booking(&booker, &code.to_lowercase(), "2")
                .await
                .status,
            200
        );
        // Rated: no reminder three days on.
        let later = t + 4 * 86_400_000;
        assert_eq!(
            server::ratings::invites::remind_unrated(&app.db, &s, later)
                .await
                .unwrap(),
            0
        );
        assert_eq!(rate_booking(&booker, &code, "5").await.status, 409);
        let admin = app.staff_browser("qy_admin", PW).await;
        let q = admin.query("staff/reviews", &[]).await.json();
        assert_eq!(q["rows"][0]["subject"], format!("延时预约 {code}"));
        let v = admin.query("staff/stats", &[]).await.json();
        assert_eq!(v["sum"]["total"], 1);
        assert_eq!(v["rows"][0]["label"], "窗口以外（预约、帮办、投诉）");
        assert_eq!(
            booker
                .query("rate/page", &[("kind", "nothing"), ("id", "1")])
                .await
                .status,
            404
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_guide_is_rated_once_a_day_and_its_bad_reviews_are_the_citys() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("city", "city_admin", "", PW).await;
        let rater = app.browser();
        citizen_sign_in(&app, &rater, "13900000061").await;
        let rate_item = |level: &'static str| {
            let b = &rater;
            async move {
                let form = [
                    ("kind", "item"),
                    ("id", "201"),
                    ("rating[level]", level),
                    ("rating[reasons][]", "skill"),
                ];
                b.call("rate/save", &form).await
            }
        };
        let page = rater
            .query("rate/page", &[("kind", "item"), ("id", "201")])
            .await
            .json();
        assert_eq!(page["title"], "评价办事指南");
        assert_eq!(
            rater
                .query("rate/page", &[("kind", "item"), ("id", "99999")])
                .await
                .status,
            404
        );
        assert_eq!(rate_item("2").await.status, 200);
        assert_eq!(rate_item("5").await.status, 409, "once a day");
        // The case is the city's: not in any center's queue.
        let admin = app.staff_browser("qy_admin", PW).await;
        assert_eq!(
            admin.query("staff/reviews", &[]).await.json()["awaiting_callback"],
            0
        );
        assert_eq!(
            admin
                .query("staff/reviews", &[("code", "city")])
                .await
                .status,
            404
        );
        let city = app.staff_browser("city", PW).await;
        let q = city
            .query("staff/reviews", &[("code", "city")])
            .await
            .json();
        assert_eq!(q["awaiting_callback"], 1);
        assert_eq!(q["rows"][0]["subject"], "办事指南 201");
        let id = q["rows"][0]["id"].as_i64().unwrap().to_string();
        let r = city
            .call(
                "staff/reviews/act",
                &[
                    ("id", &id),
                    ("action", "callback"),
                    ("note", "评价人说材料清单看不懂"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            admin
                .query("staff/reviews/case", &[("id", &id)])
                .await
                .status,
            404
        );
        // Statistics by guide, for the city; a center's figures leave guides out.
        let v = city.query("staff/stats", &[("by", "item")]).await.json();
        assert_eq!(
            v["rows"][0]["label"].as_str().unwrap().split(' ').next(),
            Some("201")
        );
        assert_eq!(v["rows"][0]["bad"], 1);
        assert_eq!(
            city.query("staff/stats", &[]).await.json()["sum"]["total"],
            0
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_bad_rating_of_help_or_a_complaint_opens_a_case_too() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let s = server::crypto::Secrets::from_base64(common::TEST_DATA_KEY).unwrap();
        let phone = "13900000071";
        let citizen = app.browser();
        citizen_sign_in(&app, &citizen, phone).await;
        sqlx::query(
            "INSERT INTO help_requests (tracking_no, mode, seq, situation, center_code, when_suits,
                 phone_key, phone_enc, status, assign_due_at, created_at, updated_at)
             VALUES ('BB-RATE-2345', 'guide', 201, '', 'qinyuan', 'any', $1, $2, 'done', 0, 0, 0)",
        )
        .bind(s.lookup_key("phone", phone))
        .bind(s.encrypt(phone))
        .execute(app.db.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO complaints (tracking_no, category, center_code, what, phone_key, phone_enc,
                 handling_center, status, accept_due_at, answer_due_at, created_at, updated_at, closed_at)
             VALUES ('SX-RATE-2345', 'window', 'qinyuan', '等太久', $1, $2, 'qinyuan', 'closed', 0, 0, 0, 0, 0)",
        )
        .bind(s.lookup_key("phone", phone))
        .bind(s.encrypt(phone))
        .execute(app.db.pool())
        .await
        .unwrap();
        // An aspect that is not one of the four: 422 naming the field, nothing kept.
        let r = citizen
            .call(
                "help/rate",
                &[
                    ("tracking_no", "BB-RATE-2345"),
                    ("rating", "1"),
                    ("reasons[]", "price"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["Validation"]["field"], "reasons");
        assert_eq!(app.count("SELECT COUNT(*) FROM ratings").await, 0);
        let r = citizen
            .call(
                "help/rate",
                &[
                    ("tracking_no", "BB-RATE-2345"),
                    ("rating", "1"),
                    ("reasons[]", "efficiency"),
                    ("reasons[]", "attitude"),
                    ("comment", "没人联系我"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = citizen
            .call(
                "track/rate",
                &[
                    ("tracking_no", "SX-RATE-2345"),
                    ("rating", "4"),
                    ("comment", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // Both counted; only the bad one is a case.
        assert_eq!(app.count("SELECT COUNT(*) FROM ratings").await, 2);
        let admin = app.staff_browser("qy_admin", PW).await;
        let q = admin.query("staff/reviews", &[]).await.json();
        assert_eq!(q["awaiting_callback"], 1);
        assert_eq!(q["rows"][0]["subject"], "帮办申请 BB-RATE-2345");
        assert_eq!(q["rows"][0]["level"], "非常不满意");
        // The aspects ticked on the help request's own form, in the rater's words.
        assert_eq!(
            q["rows"][0]["reasons"],
            serde_json::json!(["服务效率：等得太久或多跑了路", "服务态度：态度冷淡、不耐烦"])
        );
        let v = admin.query("staff/stats", &[]).await.json();
        assert_eq!(v["sum"]["total"], 2);
        db.cleanup().await;
    }
}
