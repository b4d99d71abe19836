//! 好差评 of a window visit over real HTTP on SQLite and PostgreSQL: a proven
//! phone rates once per window per day (also when it tries twice at once),
//! bad ratings must name what to improve, a retired window takes no new
//! ratings, and the phone is kept only encrypted.

mod common;

use common::{backends, citizen_sign_in, spawn_app, Browser, TestApp};

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
        ("id", id),
        ("rating[level]", level),
        ("rating[comment]", "等了很久"),
    ];
    for r in reasons {
        form.push(("rating[reasons][]", r));
    }
    b.call("rate/window/save", &form).await
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
        let page = citizen.query("rate/window", &[("id", &w1)]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.json()["phone_masked"], serde_json::Value::Null);
        assert_eq!(page.json()["center_name"], "沁园街道便民服务中心");
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
        let page = citizen.query("rate/window", &[("id", &w1)]).await.json();
        assert_eq!(page["rated_today"], "不满意");
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
        let page = other.query("rate/window", &[("id", &w2)]).await.json();
        assert_eq!(page["retired"], true);
        assert_eq!(rate(&other, &w2, "5", &[]).await.status, 409);
        assert_eq!(
            other.query("rate/window", &[("id", "999999")]).await.status,
            404
        );

        // Without JavaScript the page and the post work the same way.
        let html = other.page(&format!("/rate/window/{w1}")).await;
        assert_eq!(html.status, 200);
        assert!(
            html.body.contains("您今天已经评价过这个窗口"),
            "{}",
            html.body
        );
        assert_eq!(html.cache_control.as_deref(), Some("no-store"));
        db.cleanup().await;
    }
}
