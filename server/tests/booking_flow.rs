//! 延时预约 over real HTTP on SQLite and PostgreSQL: a citizen picks a day and
//! a slot, checks the answers, books, gets a code, a QR code, the materials
//! and an .ics file, and cancels; nobody else can see or touch the booking.

mod common;

use common::{backends, citizen_sign_in, spawn_app, TestApp};
use server::bookings::slots::{add_window, Window};
use server::time::{add_days, iso_weekday, now_ms, shanghai_date};
use sqlx::Row;

async fn open_wednesday_evenings(app: &TestApp) {
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
}

fn next_wednesday() -> String {
    let mut d = add_days(&shanghai_date(now_ms()), 1).unwrap();
    while iso_weekday(&d) != Some(3) {
        d = add_days(&d, 1).unwrap();
    }
    d
}

#[tokio::test]
async fn book_confirm_ics_and_cancel() {
    for db in backends().await {
        // A cut-off other than the default, which texts must state as configured.
        let app = common::spawn_with(server::config::Config {
            booking: server::config::BookingConfig {
                cutoff: std::time::Duration::from_secs(90 * 60),
                ..Default::default()
            },
            ..common::config(&db.url)
        })
        .await;
        open_wednesday_evenings(&app).await;
        let b = app.browser();
        citizen_sign_in(&app, &b, "13812341234").await;

        let form = b
            .query("book/form", &[("center", "qinyuan"), ("seq", "201")])
            .await
            .json();
        let wed = next_wednesday();
        let days = form["days"].as_array().unwrap();
        assert!(days.iter().any(|d| d["day"] == wed.as_str()), "{form}");
        assert!(days
            .iter()
            .all(|d| iso_weekday(d["day"].as_str().unwrap()) == Some(3)));
        let form = b
            .query(
                "book/form",
                &[("center", "qinyuan"), ("seq", "201"), ("day", &wed)],
            )
            .await
            .json();
        let slots = form["slots"].as_array().unwrap();
        assert_eq!(slots.len(), 3);
        assert_eq!(slots[0]["time"], "17:30-18:00");
        assert_eq!(slots[0]["places_left"], 2);
        let slot = slots[0]["id"].as_i64().unwrap().to_string();

        let check = b
            .query("book/check", &[("slot", &slot), ("seq", "201")])
            .await
            .json();
        assert_eq!(check["phone_masked"], "138****1234");
        assert_eq!(check["item"]["seq"], 201);
        // The check page shows the signed-in phone: never kept by a cache.
        let page = b
            .page(&format!("/book/qinyuan/check?slot={slot}&seq=201"))
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("138****1234"));
        assert_eq!(page.cache_control.as_deref(), Some("no-store"));

        // A bad name is refused next to the field.
        let r = b.book(&slot, "201", "1").await;
        assert_eq!(r.json()["Validation"]["field"], "name");
        let r = b
            .call(
                "book",
                &[
                    ("slot", &slot),
                    ("seq", "201"),
                    ("name", "张三"),
                    ("notes", "带老人"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let code: String = sqlx::query("SELECT code FROM bookings")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();

        let view = b.query("booking", &[("code", &code)]).await.json();
        assert_eq!(view["status"], "active");
        assert_eq!(view["name_masked"], "张*");
        assert_eq!(view["phone_masked"], "138****1234");
        assert!(view["qr_svg"].as_str().unwrap().contains("<svg"));
        assert!(
            !view["materials"].as_array().unwrap().is_empty(),
            "the item's checklist"
        );
        assert_eq!(view["cancellable"], true);
        let page = b.page(&format!("/bookings/{code}")).await;
        assert_eq!(
            page.status,
            200,
            "{}",
            &page.body[page.body.find("<main").unwrap_or(0)..][..600.min(page.body.len())]
        );
        assert!(page.body.contains(&code) && page.body.contains("请带齐以下材料"));
        assert!(!page.body.contains("13812341234"), "the phone is masked");
        // Part of the app: client.js hydrates the page's islands.
        assert!(page.body.contains(r#"<script src="/client.js" defer"#));

        let ics = b.page(&format!("/bookings/{code}/ics")).await;
        assert_eq!(ics.status, 200);
        assert!(ics.body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.body.contains(&format!("UID:{code}@bianmin.jiyuan")));
        assert!(
            ics.body
                .replace("\r\n ", "")
                .contains("开始前90分钟之前可在"),
            "{}",
            ics.body
        );
        assert!(ics.body.contains(&format!(
            "DTSTART;TZID=Asia/Shanghai:{}T173000",
            wed.replace('-', "")
        )));

        let mine = b.query("my/bookings", &[]).await.json();
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["code"], code.as_str());

        // Another phone, or nobody, cannot see or cancel it.
        let other = app.browser();
        assert_eq!(
            other.page(&format!("/bookings/{code}/ics")).await.status,
            401
        );
        citizen_sign_in(&app, &other, "13912345678").await;
        assert_eq!(other.query("booking", &[("code", &code)]).await.status, 404);
        assert_eq!(
            other.page(&format!("/bookings/{code}/ics")).await.status,
            404
        );
        assert_eq!(
            other
                .call("booking/cancel", &[("code", &code)])
                .await
                .status,
            404
        );

        // Cancel: the place goes back to the slot.
        let r = b.call("booking/cancel", &[("code", &code)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let booked: i64 = sqlx::query("SELECT booked FROM slots WHERE id = $1")
            .bind(slot.parse::<i64>().unwrap())
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(booked, 0);
        let view = b.query("booking", &[("code", &code)]).await.json();
        assert_eq!(view["status"], "cancelled");
        assert_eq!(view["cancellable"], false);
        assert_eq!(
            b.call("booking/cancel", &[("code", &code)]).await.status,
            409
        );

        // The pages render whole on the server; the picker is an island the
        // wasm takes over later (and without which the form still posts).
        let start = b.page("/book/qinyuan?seq=201").await;
        assert_eq!(start.status, 200);
        assert!(start.body.contains("预约沁园街道便民服务中心"));
        assert!(start.body.contains("<leptos-island") && start.body.contains("<form"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_full_slot_says_so_and_booking_needs_a_verified_phone() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        open_wednesday_evenings(&app).await;
        let wed = next_wednesday();
        let form = app
            .browser()
            .query("book/form", &[("center", "qinyuan"), ("day", &wed)])
            .await
            .json();
        let slot = form["slots"][0]["id"].as_i64().unwrap().to_string();
        let anon = app.browser();
        let r = anon.book(&slot, "201", "张三").await;
        assert_eq!(r.status, 401, "no booking without a verified phone");
        for (n, phone) in ["13800000001", "13800000002", "13800000003"]
            .iter()
            .enumerate()
        {
            let b = app.browser();
            citizen_sign_in(&app, &b, phone).await;
            let r = b.book(&slot, "201", "张三").await;
            if n < 2 {
                assert_eq!(r.status, 200, "{}", r.body);
            } else {
                assert_eq!(r.status, 409);
                assert!(r.body.contains("已约满"), "{}", r.body);
            }
        }
        // An item the center does not handle is refused next to the item.
        app.exec("INSERT INTO center_items (center_code, seq, at_center, at_stations, alternative_center, updated_at, updated_by) VALUES ('qinyuan', 130, 0, 0, 'jishui', 0, 't')").await;
        app.exec("UPDATE content_version SET version = version + 1 WHERE id = 1")
            .await;
        app.app_portal.refresh_if_changed().await.unwrap();
        // Asked for that item, the start page sends the citizen to the
        // nearest center that handles it, as 沁园's admin set it.
        let centers = app
            .browser()
            .query("book/centers", &[("seq", "130")])
            .await
            .json();
        let list = centers["centers"].as_array().unwrap();
        assert_eq!(list.len(), 16);
        let qinyuan = list
            .iter()
            .find(|c| c["center"]["code"] == "qinyuan")
            .unwrap();
        assert_eq!(qinyuan["handles"], false);
        assert_eq!(qinyuan["alternative"]["code"], "jishui");
        let days = app
            .browser()
            .query("book/form", &[("center", "qinyuan")])
            .await
            .json();
        let per_day: i64 = days["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["places_left"].as_i64().unwrap())
            .sum();
        assert_eq!(qinyuan["places_left"].as_i64(), Some(per_day), "{days}");
        assert!(per_day > 0);
        assert!(list
            .iter()
            .filter(|c| c["center"]["code"] != "qinyuan")
            .all(|c| c["handles"] == true));
        let page = app.browser().page("/book?seq=130").await;
        assert!(
            page.body.contains("本中心暂不可办此事项")
                && page.body.contains("href=\"/book/jishui?seq=130\""),
            "{}",
            page.body
        );
        let b = app.browser();
        citizen_sign_in(&app, &b, "13800000009").await;
        let r = b.book(&slot, "130", "张三").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("本中心暂不可办理此事项"), "{}", r.body);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn schedule_changes_never_drop_a_booking() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let pw = "Bianmin#2026";
        app.staff("qy_admin", "center_admin", "qinyuan", pw).await;
        app.staff("js_admin", "center_admin", "jishui", pw).await;
        let admin = app.browser();
        assert_eq!(
            admin
                .call("staff/login", &[("username", "qy_admin"), ("password", pw)])
                .await
                .status,
            200
        );
        let other = app.browser();
        assert_eq!(
            other
                .call("staff/login", &[("username", "js_admin"), ("password", pw)])
                .await
                .status,
            200
        );
        let window = |start: &'static str| {
            vec![
                ("code", "qinyuan"),
                ("window[weekdays][2]", "3"),
                ("window[start]", start),
                ("window[end]", "19:00"),
                ("window[slot_minutes]", "30"),
                ("window[capacity]", "3"),
                ("window[window_kind]", ""),
            ]
        };
        let r = admin.call("staff/schedule/add", &window("19:30")).await;
        assert_eq!(r.json()["Validation"]["field"], "end", "{}", r.body);
        assert_eq!(
            other
                .call("staff/schedule/add", &window("17:30"))
                .await
                .status,
            403,
            "济水's admin cannot change 沁园"
        );
        assert_eq!(
            admin
                .call("staff/schedule/add", &window("17:30"))
                .await
                .status,
            200
        );
        let view = admin.query("staff/schedule", &[]).await.json();
        let windows = view["windows"].as_array().unwrap();
        assert_eq!(windows.len(), 1);
        assert_eq!(windows[0]["time"], "17:30-19:00");

        // A citizen books the first Wednesday slot.
        let wed = next_wednesday();
        let citizen = app.browser();
        citizen_sign_in(&app, &citizen, "13812341234").await;
        let form = citizen
            .query("book/form", &[("center", "qinyuan"), ("day", &wed)])
            .await
            .json();
        let slot = form["slots"][0]["id"].as_i64().unwrap().to_string();
        assert_eq!(citizen.book(&slot, "201", "张三").await.status, 200);

        // The window goes: the booking stays, staff see it, the citizen is told.
        let id = windows[0]["id"].as_i64().unwrap().to_string();
        let r = admin
            .call("staff/schedule/delete", &[("code", "qinyuan"), ("id", &id)])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let view = admin.query("staff/schedule", &[]).await.json();
        assert_eq!(view["windows"].as_array().unwrap().len(), 0);
        assert_eq!(view["orphans"].as_array().unwrap().len(), 1, "{view}");
        assert_eq!(view["orphans"][0]["booked"], 1);
        let active: i64 = sqlx::query("SELECT COUNT(*) FROM bookings WHERE status = 'active'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(active, 1);
        let told: i64 =
            sqlx::query("SELECT COUNT(*) FROM outbox WHERE kind = 'schedule_change' AND dedupe_key LIKE 'schedule_change:%'")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert_eq!(told, 1);
        // Only slots still to come: run on a Wednesday evening, today's
        // slots of that window have started and stay as history.
        let empty: i64 =
            sqlx::query("SELECT COUNT(*) FROM slots WHERE booked = 0 AND starts_at > $1")
                .bind(now_ms())
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert_eq!(empty, 0, "unbooked slots of the removed window are gone");
        // The kept slot is for its booking only: citizens no longer see it.
        let form = admin
            .query("book/form", &[("center", "qinyuan"), ("day", &wed)])
            .await
            .json();
        assert_eq!(form["days"].as_array().unwrap().len(), 0, "{form}");
        let actions: Vec<String> =
            sqlx::query("SELECT action FROM audit_log WHERE action LIKE 'schedule%' ORDER BY id")
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get(0).unwrap())
                .collect();
        assert_eq!(actions, ["schedule_add", "schedule_delete"]);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_desk_checks_in_marks_no_shows_and_adds_walk_ins() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let today = shanghai_date(now_ms());
        let weekday = iso_weekday(&today).unwrap();
        add_window(
            &app.db,
            &Window {
                center_code: "qinyuan".into(),
                weekday,
                start_min: 0,
                end_min: 1440,
                slot_minutes: 60,
                capacity: 1,
                window_kind: String::new(),
            },
        )
        .await
        .unwrap();
        server::bookings::slots::ensure_slots(&app.db, "qinyuan", &today, 1)
            .await
            .unwrap();
        let slots = server::bookings::slots::slots_of(&app.db, "qinyuan", &today)
            .await
            .unwrap();
        let (first, second) = (&slots[0], &slots[1]);
        let start = |id: i64| {
            let db = app.db.clone();
            async move {
                sqlx::query("SELECT starts_at FROM slots WHERE id = $1")
                    .bind(id)
                    .fetch_one(db.pool())
                    .await
                    .unwrap()
                    .try_get::<i64, _>(0)
                    .unwrap()
            }
        };
        // Booked the day before (the service takes the clock as an argument).
        let phone = |p: &str| app::identity::Phone::parse(p).unwrap();
        let a = app
            .bookings
            .book(
                first.id,
                201,
                &phone("13800000001"),
                "张三",
                "",
                start(first.id).await - 86_400_000,
            )
            .await
            .unwrap();
        let b = app
            .bookings
            .book(
                second.id,
                201,
                &phone("13800000002"),
                "李四",
                "",
                start(second.id).await - 86_400_000,
            )
            .await
            .unwrap();

        let pw = "Bianmin#2026";
        app.staff("qy_window", "window", "qinyuan", pw).await;
        app.staff("js_window", "window", "jishui", pw).await;
        let desk = app.browser();
        assert_eq!(
            desk.call(
                "staff/login",
                &[("username", "qy_window"), ("password", pw)]
            )
            .await
            .status,
            200
        );
        let other = app.browser();
        assert_eq!(
            other
                .call(
                    "staff/login",
                    &[("username", "js_window"), ("password", pw)]
                )
                .await
                .status,
            200
        );

        let view = desk.query("staff/desk", &[]).await.json();
        assert_eq!(view["code"], "qinyuan");
        assert_eq!(view["slots"].as_array().unwrap().len(), 24);
        assert_eq!(view["slots"][0]["bookings"][0]["name_masked"], "张*");
        assert!(!view.to_string().contains("张三"), "names are masked");
        assert_eq!(
            other
                .query("staff/desk", &[("code", "qinyuan")])
                .await
                .status,
            403
        );
        assert_eq!(app.browser().query("staff/desk", &[]).await.status, 401);

        // A check-in and its audit record commit together: with the audit
        // log unwritable the check-in fails and changes nothing.
        app.exec("ALTER TABLE audit_log RENAME TO audit_log_away")
            .await;
        let r = desk
            .call(
                "staff/desk/check-in",
                &[("code", "qinyuan"), ("booking", &b.code)],
            )
            .await;
        app.exec("ALTER TABLE audit_log_away RENAME TO audit_log")
            .await;
        assert_eq!(r.status, 500, "{}", r.body);
        let status: String = sqlx::query("SELECT status FROM bookings WHERE code = $1")
            .bind(&b.code)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(status, "active", "checked in without an audit record");

        // Check in by code (as typed, in lower case with a space).
        assert_eq!(
            other
                .call(
                    "staff/desk/check-in",
                    &[("code", "qinyuan"), ("booking", &b.code)]
                )
                .await
                .status,
            403
        );
        let r = desk
            .call(
                "staff/desk/check-in",
                &[
                    ("code", "qinyuan"),
                    ("booking", &format!(" {}", b.code.to_lowercase())),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let again = desk
            .call(
                "staff/desk/check-in",
                &[("code", "qinyuan"), ("booking", &b.code)],
            )
            .await;
        assert!(again.body.contains("已签到"), "{}", again.body);
        let unknown = desk
            .call(
                "staff/desk/check-in",
                &[("code", "qinyuan"), ("booking", "XXXXXXXX")],
            )
            .await;
        assert_eq!(unknown.json()["Validation"]["field"], "booking");

        // 未到 only after the grace period: the 00:00 slot is long past (unless it is just after midnight).
        if now_ms() > start(first.id).await + 16 * 60_000 {
            let r = desk
                .call(
                    "staff/desk/no-show",
                    &[("code", "qinyuan"), ("booking", &a.code)],
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
        }

        // 绿色通道 into a full slot.
        let r = desk
            .call(
                "staff/desk/walk-in",
                &[
                    ("code", "qinyuan"),
                    ("walk_in[slot]", &second.id.to_string()),
                    ("walk_in[seq]", "201"),
                    ("walk_in[name]", "王五"),
                    ("walk_in[phone]", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let view = desk.query("staff/desk", &[]).await.json();
        assert_eq!(view["slots"][1]["booked"], 1);
        assert_eq!(view["slots"][1]["walk_ins"], 1);
        let counts = &view["counts"];
        assert_eq!(counts["booked"], 2);
        assert_eq!(counts["checked_in"], 1);
        assert_eq!(counts["walk_ins"], 1);
        let actions: Vec<String> = sqlx::query("SELECT action FROM audit_log WHERE actor_username = 'qy_window' AND action <> 'login' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get(0).unwrap())
            .collect();
        assert!(
            actions.contains(&"check_in".to_string()) && actions.contains(&"walk_in".to_string()),
            "{actions:?}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn holidays_and_closures_close_days_but_keep_bookings() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        open_wednesday_evenings(&app).await;
        let pw = "Bianmin#2026";
        app.staff("city", "city_admin", "", pw).await;
        app.staff("qy_admin", "center_admin", "qinyuan", pw).await;
        let city = app.browser();
        assert_eq!(
            city.call("staff/login", &[("username", "city"), ("password", pw)])
                .await
                .status,
            200
        );
        let qy = app.browser();
        assert_eq!(
            qy.call("staff/login", &[("username", "qy_admin"), ("password", pw)])
                .await
                .status,
            200
        );

        // A citizen books the coming Wednesday; the week after stays empty.
        let wed = next_wednesday();
        let later = add_days(&wed, 7).unwrap();
        let citizen = app.browser();
        citizen_sign_in(&app, &citizen, "13812341234").await;
        let form = citizen
            .query("book/form", &[("center", "qinyuan"), ("day", &wed)])
            .await
            .json();
        let slot = form["slots"][0]["id"].as_i64().unwrap().to_string();
        assert_eq!(citizen.book(&slot, "201", "张三").await.status, 200);

        // Only city admins import the calendar; bad lines are refused next to the field.
        let csv = format!("{wed},holiday,测试假日\n");
        assert_eq!(
            qy.call("staff/calendar/import", &[("csv", &csv)])
                .await
                .status,
            403
        );
        let bad = city
            .call("staff/calendar/import", &[("csv", "2026-13-01,holiday,x")])
            .await;
        assert_eq!(bad.json()["Validation"]["field"], "csv");
        assert_eq!(
            city.call("staff/calendar/import", &[("csv", &csv)])
                .await
                .status,
            200
        );
        let days = city.query("staff/calendar", &[]).await.json();
        assert_eq!(days[0]["day"], wed.as_str());

        // The holiday keeps only the booked slot; the booking stands and staff see it.
        let left: Vec<i64> =
            sqlx::query("SELECT booked FROM slots WHERE center_code = 'qinyuan' AND day = $1")
                .bind(&wed)
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get(0).unwrap())
                .collect();
        assert_eq!(left, vec![1]);
        let view = qy.query("staff/schedule", &[]).await.json();
        assert_eq!(view["orphans"].as_array().unwrap().len(), 1, "{view}");

        // A center's own closure works the same way, for its own center only.
        assert_eq!(
            qy.call(
                "staff/schedule/closure",
                &[("code", "jishui"), ("day", &later), ("reason", "")]
            )
            .await
            .status,
            403
        );
        let r = qy
            .call(
                "staff/schedule/closure",
                &[("code", "qinyuan"), ("day", &later), ("reason", "设备检修")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let n: i64 =
            sqlx::query("SELECT COUNT(*) FROM slots WHERE center_code = 'qinyuan' AND day = $1")
                .bind(&later)
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert_eq!(n, 0);
        let view = qy.query("staff/schedule", &[]).await.json();
        assert_eq!(view["closures"][0][1], "设备检修");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_window_of_one_kind_takes_only_its_departments_items() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        add_window(
            &app.db,
            &Window {
                center_code: "qinyuan".into(),
                weekday: 3,
                start_min: 12 * 60,
                end_min: 13 * 60,
                slot_minutes: 60,
                capacity: 3,
                window_kind: "公安".into(),
            },
        )
        .await
        .unwrap();
        let wed = next_wednesday();
        let b = app.browser();
        // 201 (申领居民身份证) is 市公安局's; 1 (职工参保登记) is 市医疗保障局's.
        let police = b
            .query(
                "book/form",
                &[("center", "qinyuan"), ("seq", "201"), ("day", &wed)],
            )
            .await
            .json();
        assert_eq!(police["slots"].as_array().unwrap().len(), 1, "{police}");
        assert_eq!(police["slots"][0]["window_kind"], "公安");
        let health = b
            .query("book/form", &[("center", "qinyuan"), ("seq", "1")])
            .await
            .json();
        assert_eq!(health["days"].as_array().unwrap().len(), 0, "{health}");

        let slot = police["slots"][0]["id"].as_i64().unwrap().to_string();
        citizen_sign_in(&app, &b, "13800000077").await;
        let r = b
            .query("book/check", &[("slot", &slot), ("seq", "1")])
            .await;
        assert_eq!(r.status, 422);
        let r = b.book(&slot, "1", "张三").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("该时段只办理公安业务"), "{}", r.body);
        let r = b.book(&slot, "201", "张三").await;
        assert_eq!(r.status, 200, "{}", r.body);
        db.cleanup().await;
    }
}
