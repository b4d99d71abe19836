//! The service hall over real HTTP on SQLite and PostgreSQL: a center's
//! windows (who may change them, scope between centers, audit), posters and
//! stickers whose codes hold the configured public address and never
//! change, short links that count each scan per poster and week (also many
//! at once), and the back office's weekly figures against hand-counted scans.

mod common;

use common::{backends, spawn_app, spawn_with, TestApp};
use server::hall::links::Links;
use server::time::{day_start_ms, day_text, now_ms, parse_day, shanghai_day, week_start};

const PW: &str = "Bianmin#2026";

fn window<'a>(number: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", "qinyuan"),
        ("window[number]", number),
        ("window[name]", name),
        ("window[kind]", "general"),
        ("window[staff]", ""),
    ]
}

/// The short link code in a poster's QR address.
fn code_of(url: &str) -> String {
    url.rsplit_once("/q/").expect("a /q/ address").1.to_string()
}

async fn windows(app: &TestApp) -> serde_json::Value {
    let admin = app.staff_browser("qy_admin", PW).await;
    let r = admin.query("staff/windows", &[("code", "qinyuan")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["windows"].clone()
}

#[tokio::test]
async fn center_admins_keep_their_own_windows() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let on_duty = app.staff("qy_clerk", "window", "qinyuan", PW).await;
        let js_clerk = app.staff("js_clerk", "window", "jishui", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        let admin = app.staff_browser("qy_admin", PW).await;

        // Bad input: a 422 naming the field, nothing saved.
        for (form, field) in [
            (window("", "综合受理窗口"), "number"),
            (window("3号", "综合受理窗口"), "number"),
            (window("3", ""), "name"),
        ] {
            let r = admin.call("staff/windows/save", &form).await;
            assert_eq!(r.status, 422, "{}", r.body);
            assert_eq!(r.json()["Validation"]["field"], field);
        }
        let mut bad_kind = window("3", "综合受理窗口 3");
        bad_kind[3] = ("window[kind]", "vip");
        assert_eq!(
            admin.call("staff/windows/save", &bad_kind).await.status,
            422
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM service_windows").await, 0);

        // Someone of another center cannot be named on duty here.
        let other = js_clerk.to_string();
        let mut f = window("3", "综合受理窗口 3");
        f[4] = ("window[staff]", &other);
        let r = admin.call("staff/windows/save", &f).await;
        assert_eq!(r.json()["Validation"]["field"], "staff", "{}", r.body);

        let mine = on_duty.to_string();
        let mut f = window("3", "综合受理窗口 3");
        f[4] = ("window[staff]", &mine);
        assert_eq!(admin.call("staff/windows/save", &f).await.status, 200);
        assert_eq!(
            admin
                .call("staff/windows/save", &window("10", "综合受理窗口 10"))
                .await
                .status,
            200
        );
        assert_eq!(
            admin
                .call("staff/windows/save", &window("A2", "帮办代办窗口"))
                .await
                .status,
            200
        );
        // One number per center.
        let r = admin
            .call("staff/windows/save", &window("3", "另一个窗口"))
            .await;
        assert_eq!(r.json()["Validation"]["field"], "number", "{}", r.body);

        let list = windows(&app).await;
        let numbers: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["number"].as_str().unwrap())
            .collect();
        assert_eq!(numbers, ["3", "10", "A2"], "counted as people count");
        assert_eq!(list[0]["staff_name"], "测试人员");
        let id3 = list[0]["id"].as_i64().unwrap().to_string();

        // A clerk reads but cannot change; another center's admin can do neither.
        let clerk = app.staff_browser("qy_clerk", PW).await;
        assert_eq!(
            clerk
                .query("staff/windows", &[("code", "qinyuan")])
                .await
                .status,
            200
        );
        assert_eq!(
            clerk
                .call("staff/windows/save", &window("5", "综合受理窗口 5"))
                .await
                .status,
            403
        );
        let js = app.staff_browser("js_admin", PW).await;
        assert_eq!(
            js.query("staff/windows", &[("code", "qinyuan")])
                .await
                .status,
            403
        );
        assert_eq!(
            js.call("staff/windows/retire", &[("code", "qinyuan"), ("id", &id3)])
                .await
                .status,
            403
        );
        // Through its own center, another center's window is "not found".
        assert_eq!(
            js.call("staff/windows/retire", &[("code", "jishui"), ("id", &id3)])
                .await
                .status,
            404
        );
        assert_eq!(
            admin
                .call("staff/windows/retire", &[("code", "qinyuan"), ("id", &id3)])
                .await
                .status,
            200
        );
        assert_eq!(windows(&app).await.as_array().unwrap().len(), 2);
        // The number is free again once its window is retired.
        assert_eq!(
            admin
                .call("staff/windows/save", &window("3", "综合受理窗口 3"))
                .await
                .status,
            200
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE target_kind = 'service_window'")
                .await,
            5,
            "four created, one retired"
        );
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn posters_hold_the_public_address_and_every_scan_is_counted() {
    for db in backends().await {
        let app = spawn_with(server::config::Config {
            public_url: Some("https://portal.example.cn".into()),
            ..common::config(&db.url)
        })
        .await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let admin = app.staff_browser("qy_admin", PW).await;
        admin
            .call("staff/windows/save", &window("1", "综合受理窗口 1"))
            .await;
        admin
            .call("staff/windows/save", &window("2", "综合受理窗口 2"))
            .await;
        let citizen = app.browser();

        // Each poster: the public address, a readable code, the same code every time.
        let mut codes = Vec::new();
        for (kind, page) in [
            ("booking", "/book/qinyuan"),
            ("complaint", "/complain?center=qinyuan"),
            ("help", "/help?center=qinyuan"),
            ("track", "/track"),
        ] {
            let p = citizen
                .query("posters/center", &[("code", "qinyuan"), ("kind", kind)])
                .await;
            assert_eq!(p.status, 200, "{}", p.body);
            let p = p.json();
            let url = p["qr"]["url"].as_str().unwrap().to_string();
            assert!(url.starts_with("https://portal.example.cn/q/"), "{url}");
            assert_eq!(p["qr"]["text"], url.trim_start_matches("https://"));
            assert!(p["qr"]["svg"].as_str().unwrap().starts_with("<?xml"));
            assert_eq!(
                p["warning"],
                serde_json::Value::Null,
                "a configured public address"
            );
            assert_eq!(p["local"], false);
            let again = citizen
                .query("posters/center", &[("code", "qinyuan"), ("kind", kind)])
                .await;
            assert_eq!(
                again.json()["qr"]["url"],
                url.as_str(),
                "printed codes never change"
            );
            let code = code_of(&url);
            assert_eq!(code.len(), 5);
            let r = citizen.page(&format!("/q/{code}")).await;
            assert_eq!(r.status, 302);
            let sep = if page.contains('?') { '&' } else { '?' };
            assert_eq!(
                r.location.as_deref(),
                Some(format!("{page}{sep}src={code}").as_str())
            );
            assert_eq!(r.cache_control.as_deref(), Some("no-store"));
            codes.push(code);
        }
        // Another center's poster has its own code; a center that does not exist has none.
        let other = citizen
            .query("posters/center", &[("code", "jishui")])
            .await
            .json();
        assert_ne!(code_of(other["qr"]["url"].as_str().unwrap()), codes[0]);
        assert_eq!(
            citizen
                .query("posters/center", &[("code", "nowhere")])
                .await
                .status,
            404
        );
        assert_eq!(
            citizen
                .query("posters/center", &[("code", "qinyuan"), ("kind", "window")])
                .await
                .status,
            404
        );

        // An item's guide, hung at 沁园.
        let item = citizen
            .query("posters/item", &[("seq", "201"), ("center", "qinyuan")])
            .await
            .json();
        let item_code = code_of(item["qr"]["url"].as_str().unwrap());
        assert_eq!(
            citizen
                .page(&format!("/q/{item_code}"))
                .await
                .location
                .as_deref(),
            Some(format!("/items/201?src={item_code}").as_str())
        );
        assert_eq!(
            citizen
                .query("posters/item", &[("seq", "99999")])
                .await
                .status,
            404
        );

        // One sticker per window, each to its window's rating page.
        let sheet = citizen
            .query("posters/stickers", &[("code", "qinyuan")])
            .await
            .json();
        let stickers = sheet["stickers"].as_array().unwrap();
        assert_eq!(stickers.len(), 2);
        let ids: Vec<i64> = windows(&app)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_i64().unwrap())
            .collect();
        for (s, id) in stickers.iter().zip(&ids) {
            let code = code_of(s["qr"]["url"].as_str().unwrap());
            let to = citizen.page(&format!("/q/{code}")).await.location.unwrap();
            assert_eq!(to, format!("/rate/window/{id}?src={code}"));
        }

        // Typed by hand: any case, a dash; a made-up code is a page that says so.
        let typed = format!("{}-{}", &codes[0][..2], codes[0][2..].to_lowercase());
        assert_eq!(citizen.page(&format!("/q/{typed}")).await.status, 302);
        let r = citizen.page("/q/ZZZZZ").await;
        assert_eq!(r.status, 404);
        assert!(r.body.contains("没有这个二维码地址"));
        assert_eq!(citizen.page("/q/..%2Fetc").await.status, 404);
        // The code's image for other print work.
        let svg = app.get(&format!("/q/{}/qr.svg", codes[0])).await;
        assert_eq!(svg.status(), 200);
        assert_eq!(svg.headers()["content-type"], "image/svg+xml");

        // Twenty phones scan one poster at the same moment: twenty scans.
        let mut scans = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (client, url) = (app.client.clone(), app.url(&format!("/q/{}", codes[1])));
            scans.spawn(async move { client.get(url).send().await.unwrap().status().as_u16() });
        }
        for status in scans.join_all().await {
            assert_eq!(status, 302);
        }
        let this_week = day_text(week_start(shanghai_day(now_ms())));
        let counted = app
            .count(&format!(
                "SELECT scans FROM link_scans WHERE code = '{}' AND week = '{this_week}'",
                codes[1]
            ))
            .await;
        assert_eq!(counted, 1 + 20, "the scan above and these twenty");
        // Nothing about who scanned is kept: the table has three columns.
        let cols = if db.url.starts_with("postgres") {
            app.count(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'link_scans'",
            )
            .await
        } else {
            app.count("SELECT COUNT(*) FROM pragma_table_info('link_scans')")
                .await
        };
        assert_eq!(cols, 3);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_poster_list_counts_scans_week_by_week() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        let admin = app.staff_browser("qy_admin", PW).await;

        // Opened at 127.0.0.1 with no public address configured: the page says so.
        let p = app
            .browser()
            .query("posters/center", &[("code", "qinyuan")])
            .await
            .json();
        assert_eq!(p["local"], true);
        assert!(p["warning"]
            .as_str()
            .unwrap()
            .contains("BIANMIN_PUBLIC_URL"));
        let booking = code_of(p["qr"]["url"].as_str().unwrap());
        let help = code_of(
            app.browser()
                .query("posters/center", &[("code", "qinyuan"), ("kind", "help")])
                .await
                .json()["qr"]["url"]
                .as_str()
                .unwrap(),
        );

        // Hand-counted: booking 3 this week, 2 the week before, 1 eight weeks
        // ago (outside the list); help 4 the week before; both on a Sunday
        // evening and the Monday after, which are different weeks.
        let links = Links::new(app.db.clone());
        let monday = week_start(shanghai_day(now_ms()));
        let at = |days: i64, hour: i64| {
            day_start_ms(server::time::day_after(monday, days).unwrap()).unwrap() + hour * 3_600_000
        };
        for t in [at(0, 9), at(0, 10), at(0, 11)] {
            links.scan(&booking, t).await.unwrap().unwrap();
        }
        for t in [at(-7, 9), at(-1, 23)] {
            links.scan(&booking, t).await.unwrap().unwrap();
        }
        links.scan(&booking, at(-56, 12)).await.unwrap().unwrap();
        for _ in 0..4 {
            links.scan(&help, at(-3, 15)).await.unwrap().unwrap();
        }
        let v = admin.query("staff/posters", &[("code", "qinyuan")]).await;
        assert_eq!(v.status, 200, "{}", v.body);
        let v = v.json();
        let weeks: Vec<String> = v["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect();
        assert_eq!(weeks.len(), 8);
        assert_eq!(weeks[0], day_text(monday));
        assert_eq!(
            parse_day(&weeks[1]).map(day_text),
            server::time::add_days(&weeks[0], -7)
        );
        let row = |code: &str| {
            v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == code)
                .cloned()
                .expect(code)
        };
        let b = row(&booking);
        assert_eq!(b["scans"][0], 3);
        assert_eq!(b["scans"][1], 2);
        assert_eq!(b["total"], 5, "eight weeks ago is not in the list");
        assert_eq!(b["poster_href"], "/centers/qinyuan/poster");
        let h = row(&help);
        assert_eq!(
            (h["scans"][1].as_i64(), h["total"].as_i64()),
            (Some(4), Some(4))
        );
        // Every center page has its poster listed, scanned or not.
        assert_eq!(v["rows"].as_array().unwrap().len(), 4);

        // Another center's admin sees only their own.
        let js = app.staff_browser("js_admin", PW).await;
        assert_eq!(
            js.query("staff/posters", &[("code", "qinyuan")])
                .await
                .status,
            403
        );
        assert_eq!(
            app.browser()
                .query("staff/posters", &[("code", "qinyuan")])
                .await
                .status,
            401
        );
        db.cleanup().await;
    }
}
