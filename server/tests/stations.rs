//! Village stations (村/社区便民服务站) over real HTTP on SQLite and
//! PostgreSQL: a center admin adds, changes and retires its stations, each
//! change audited; bad input answers 422 next to its field and changes
//! nothing; other centers' admins, helpers and the signed-out are refused;
//! citizens see the stations in service on the center's page.

mod common;

use common::{backends, spawn_app, Browser, TestApp};

const PW: &str = "Bianmin#2026";

async fn staff(app: &TestApp, user: &str) -> Browser {
    app.staff_browser(user, PW).await
}

fn station<'a>(name: &'a str, village: &'a str, phone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", "qinyuan"),
        ("station[name]", name),
        ("station[village]", village),
        ("station[address]", "示例地址（测试数据）"),
        ("station[phone]", phone),
        ("station[duty_hours]", "周一至周五 8:30-12:00"),
    ]
}

async fn listed(b: &Browser, code: &str) -> serde_json::Value {
    let r = b.query("staff/stations", &[("code", code)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.count(sql).await
}

#[tokio::test]
async fn a_center_admin_keeps_the_stations_list() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("qy_helper", "helper", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        app.staff("city", "city_admin", "", PW).await;
        let admin = staff(&app, "qy_admin").await;

        // No station is invented: the list starts empty.
        let v = listed(&admin, "qinyuan").await;
        assert_eq!(v["stations"].as_array().unwrap().len(), 0);
        assert_eq!(v["may_edit"], true);

        let r = admin
            .call(
                "staff/stations/save",
                &station("示例村便民服务站", "示例村", "0391-0000000"),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = listed(&admin, "qinyuan").await;
        let s = &v["stations"][0];
        assert_eq!(s["name"], "示例村便民服务站");
        assert_eq!(s["village"], "示例村");
        let id = s["id"].as_i64().unwrap().to_string();

        // Bad input: 422 at its field, nothing changed.
        for (form, field) in [
            (station("", "示例村", ""), "name"),
            (station("另一站", " ", ""), "village"),
            (station("另一站", "另一村", "请打电话"), "phone"),
            (station("示例村便民服务站", "示例村", ""), "name"),
        ] {
            let r = admin.call("staff/stations/save", &form).await;
            assert_eq!(r.status, 422, "{field}: {}", r.body);
            assert_eq!(r.json()["Validation"]["field"], field);
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM stations").await, 1);

        // Citizens see it on the center's page at once; other centers don't.
        let citizen = app.browser();
        let page = citizen.query("center", &[("code", "qinyuan")]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.json()["stations"][0]["name"], "示例村便民服务站");
        let other_center = citizen.query("center", &[("code", "jishui")]).await;
        assert_eq!(other_center.json()["stations"].as_array().unwrap().len(), 0);

        // A change keeps the id; the audit log has both steps.
        let mut change = station("示例村便民服务站", "示例村", "0391-1111111");
        change.push(("id", &id));
        let r = admin.call("staff/stations/save", &change).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            listed(&admin, "qinyuan").await["stations"][0]["phone"],
            "0391-1111111"
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE target_kind = 'station' AND action IN ('station_create', 'station_update')"
            )
            .await,
            2
        );

        // Others: a helper of the center reads but cannot change; another
        // center's admin cannot even read; the signed-out are asked to sign in.
        let helper = staff(&app, "qy_helper").await;
        let v = listed(&helper, "qinyuan").await;
        assert_eq!(v["may_edit"], false);
        assert_eq!(v["stations"].as_array().unwrap().len(), 1);
        let r = helper
            .call("staff/stations/save", &station("帮办员加的站", "某村", ""))
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        let other = staff(&app, "js_admin").await;
        let r = other.query("staff/stations", &[("code", "qinyuan")]).await;
        assert_eq!(r.status, 403, "{}", r.body);
        let r = other
            .call("staff/stations/retire", &[("code", "qinyuan"), ("id", &id)])
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        // Its own center code with 沁园's station id: not found, nothing changed.
        let r = other
            .call("staff/stations/retire", &[("code", "jishui"), ("id", &id)])
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
        let r = app
            .browser()
            .query("staff/stations", &[("code", "qinyuan")])
            .await;
        assert_eq!(r.status, 401, "{}", r.body);
        // A city admin may change any center's.
        let city = staff(&app, "city").await;
        assert_eq!(listed(&city, "qinyuan").await["may_edit"], true);

        // Retired: off the list, its name free again, the record kept.
        let r = admin
            .call("staff/stations/retire", &[("code", "qinyuan"), ("id", &id)])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            listed(&admin, "qinyuan").await["stations"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let page = citizen.query("center", &[("code", "qinyuan")]).await;
        assert_eq!(page.json()["stations"].as_array().unwrap().len(), 0);
        let r = admin
            .call("staff/stations/retire", &[("code", "qinyuan"), ("id", &id)])
            .await;
        assert_eq!(r.status, 404, "retiring twice: {}", r.body);
        let r = admin
            .call(
                "staff/stations/save",
                &station("示例村便民服务站", "示例村", ""),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM stations").await, 2);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'station_retire'"
            )
            .await,
            1
        );
    }
}
