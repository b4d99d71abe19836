//! 有诉即办 over real HTTP on SQLite and PostgreSQL: filing (signed in or
//! anonymous), the tracking page and its guess limits, the state machine
//! with every illegal step refused, escalation after 部分解决, ratings,
//! transfer and merge, photos, deadlines over the holiday calendar, and the
//! overdue job claimed once across two instances.

mod common;

use common::{backends, citizen_sign_in, spawn_app, Browser, TestApp, TEST_DATA_KEY};
use server::calendar::WorkCalendar;
use server::complaints::Complaints;
use server::time::{add_days, now_ms, shanghai_date};
use sqlx::Row;
use std::sync::Arc;

const PW: &str = "Bianmin#2026";

async fn staff(app: &TestApp, user: &str) -> Browser {
    app.staff_browser(user, PW).await
}

/// Files a window complaint at 沁园 from `b`; returns the tracking number.
async fn file(b: &Browser, anonymous: bool) -> String {
    let mut form = vec![
        ("category", "window"),
        ("center", "qinyuan"),
        ("subject", "3号窗口"),
        ("what", "窗口工作人员中午提前下班，等了一个小时没人办理"),
        ("wants", "希望按公示时间办公"),
    ];
    if anonymous {
        form.push(("anonymous", "on"));
    }
    let r = b.call("complain", &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let no = r
        .set_cookies
        .iter()
        .find(|c| c.contains("bianmin_track="))
        .and_then(|c| c.split('=').nth(1))
        .map(|v| v.split('.').next().unwrap().to_string())
        .expect("a tracking grant cookie");
    format!("SX-{}-{}", &no[2..6], &no[6..10])
}

async fn track(b: &Browser, no: &str) -> (u16, serde_json::Value) {
    let r = b.query("track", &[("tracking_no", no)]).await;
    (r.status, r.json())
}

async fn act(b: &Browser, no: &str, action: &str, extra: &[(&str, &str)]) -> common::Reply {
    let mut form = vec![("tracking_no", no), ("action", action)];
    form.extend_from_slice(extra);
    b.call("staff/complaint/act", &form).await
}

async fn outbox_texts(app: &TestApp, kind: &str) -> Vec<String> {
    let secrets = server::crypto::Secrets::from_base64(TEST_DATA_KEY).unwrap();
    sqlx::query("SELECT body_enc FROM outbox WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            secrets
                .decrypt(&r.try_get::<String, _>(0).unwrap())
                .unwrap()
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.count(sql).await
}

#[tokio::test]
async fn file_track_answer_escalate_close_and_rate() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("qy_window", "window", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        app.staff("city", "city_admin", "", PW).await;
        let citizen = app.browser();

        // Signed out and not anonymous: the phone must be proved first.
        let r = citizen
            .call(
                "complain",
                &[
                    ("category", "center"),
                    ("center", "qinyuan"),
                    ("what", "大厅没有叫号"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["Validation"]["field"], "anonymous");
        citizen_sign_in(&app, &citizen, "13812345678").await;
        // A window complaint must say which window; nothing is stored.
        let r = citizen
            .call(
                "complain",
                &[
                    ("category", "window"),
                    ("center", "qinyuan"),
                    ("what", "等了很久没人办"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.json()["Validation"]["field"], "subject");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints").await, 0);

        let no = file(&citizen, false).await;
        assert!(app::complaints::normalize_tracking(&no).as_deref() == Some(no.as_str()));
        let sms = outbox_texts(&app, "complaint_received").await;
        assert_eq!(sms.len(), 1);
        assert!(
            sms[0].contains(&no) && sms[0].contains("前受理"),
            "{}",
            sms[0]
        );
        let (s, t) = track(&citizen, &no).await;
        assert_eq!(s, 200, "{t}");
        assert_eq!(t["status"], "received");
        assert_eq!(t["anonymous"], false);
        assert!(t["accept_by"].as_str().unwrap().contains('月'));
        // 我的 lists it.
        let mine = citizen.query("my/complaints", &[]).await.json();
        assert_eq!(mine[0]["tracking_no"], no.as_str());

        // A stranger: not without the number and the right digits, and a
        // wrong guess reads exactly like a number that does not exist.
        let stranger = app.browser();
        assert_eq!(track(&stranger, &no).await.0, 403);
        let wrong = stranger
            .call("track/lookup", &[("tracking_no", &no), ("last4", "0000")])
            .await;
        let missing = stranger
            .call(
                "track/lookup",
                &[("tracking_no", "SX-2222-2222"), ("last4", "5678")],
            )
            .await;
        assert_eq!((wrong.status, missing.status), (422, 422));
        assert_eq!(wrong.body, missing.body);
        let ok = stranger
            .call(
                "track/lookup",
                &[("tracking_no", &no.to_lowercase()), ("last4", "5678")],
            )
            .await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        let (s, t) = track(&stranger, &no).await;
        assert_eq!(s, 200);
        // The timeline never names the phone or a staff member.
        assert!(!t.to_string().contains("13812345678"));

        // Staff: another center's admin cannot see it; the window clerk can
        // accept but not close; nobody answers before acceptance.
        let js = staff(&app, "js_admin").await;
        let r = js.query("staff/complaint", &[("tracking_no", &no)]).await;
        assert_eq!(r.status, 404);
        assert_eq!(act(&js, &no, "accept", &[]).await.status, 404);
        let clerk = staff(&app, "qy_window").await;
        let r = act(&clerk, &no, "answer", &[("text", "已处理")]).await;
        assert_eq!(r.status, 409, "answer before acceptance: {}", r.body);
        // Closing is an admin's step: the clerk's role does not allow it.
        assert_eq!(
            act(&clerk, &no, "close", &[("text", "结")]).await.status,
            403
        );
        let r = act(&clerk, &no, "accept", &[]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(act(&clerk, &no, "accept", &[]).await.status, 409, "twice");
        let r = act(&clerk, &no, "note", &[("text", "内部：当天值班人员请假")]).await;
        assert_eq!(r.status, 200);
        let r = act(&clerk, &no, "answer", &[("text", "")]).await;
        assert_eq!(r.status, 422, "an empty answer");
        let r = act(
            &clerk,
            &no,
            "answer",
            &[("text", "已调整午间值班，保证窗口有人")],
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(outbox_texts(&app, "complaint_answer").await.len(), 1);
        let (_, t) = track(&citizen, &no).await;
        assert_eq!(t["status"], "answered");
        assert_eq!(t["can_feedback"], true);
        let tl = t["timeline"].to_string();
        assert!(
            !tl.contains("值班人员请假"),
            "internal notes stay internal: {tl}"
        );
        assert!(!tl.contains("测试人员"), "no staff names: {tl}");
        assert!(
            tl.contains("沁园街道便民服务中心") || tl.contains("窗口人员"),
            "{tl}"
        );
        // Rating before it is closed is refused.
        let r = citizen
            .call("track/rate", &[("tracking_no", &no), ("rating", "5")])
            .await;
        assert_eq!(r.status, 409);

        // 部分解决: up one level, to the city, with new deadlines.
        let r = citizen
            .call(
                "track/feedback",
                &[("tracking_no", &no), ("resolution", "partly")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = citizen
            .call(
                "track/feedback",
                &[("tracking_no", &no), ("resolution", "partly")],
            )
            .await;
        assert_eq!(r.status, 409, "feedback once per answer");
        let (_, t) = track(&citizen, &no).await;
        assert_eq!(t["status"], "received");
        let qy = staff(&app, "qy_admin").await;
        assert_eq!(
            act(&qy, &no, "accept", &[]).await.status,
            404,
            "no longer the center's"
        );
        let city = staff(&app, "city").await;
        let q = city
            .query("staff/complaints", &[("scope", "city"), ("queue", "new")])
            .await
            .json();
        assert_eq!(q["rows"][0]["tracking_no"], no.as_str(), "{q}");
        assert_eq!(q["rows"][0]["level_label"], "市级");
        let d = city
            .query("staff/complaint", &[("tracking_no", &no)])
            .await
            .json();
        assert_eq!(d["reopened"], true);
        assert_eq!(d["phone_masked"], "138****5678");
        assert!(
            d["events"].to_string().contains("值班人员请假"),
            "staff see notes"
        );
        assert_eq!(act(&city, &no, "accept", &[]).await.status, 200);
        let r = act(
            &city,
            &no,
            "close",
            &[("text", "已约谈中心负责人，整改窗口值班制度")],
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // Closed: every step is refused now.
        for step in ["accept", "answer", "reply", "note", "close", "transfer"] {
            let r = act(&city, &no, step, &[("text", "x"), ("target", "jishui")]).await;
            assert_eq!(r.status, 409, "{step} on a closed case");
        }
        let r = citizen
            .call(
                "track/feedback",
                &[("tracking_no", &no), ("resolution", "resolved")],
            )
            .await;
        assert_eq!(r.status, 409);
        let r = citizen
            .call("track/rate", &[("tracking_no", &no), ("rating", "9")])
            .await;
        assert_eq!(r.status, 422);
        let r = citizen
            .call(
                "track/rate",
                &[
                    ("tracking_no", &no),
                    ("rating", "4"),
                    ("comment", "处理及时"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = citizen
            .call("track/rate", &[("tracking_no", &no), ("rating", "5")])
            .await;
        assert_eq!(r.status, 409, "one rating per handling");
        let (_, t) = track(&citizen, &no).await;
        assert_eq!(
            (t["status"].as_str(), t["rating"].as_i64()),
            (Some("closed"), Some(4))
        );
        // Every staff step is audited.
        let audited = count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE target_kind = 'complaint'",
        )
        .await;
        assert_eq!(
            audited, 5,
            "accept, note, answer, accept, close; refused steps change nothing"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn anonymous_cases_open_by_number_and_guesses_are_limited() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let citizen = app.browser();
        let no = file(&citizen, true).await;
        let (s, t) = track(&citizen, &no).await;
        assert_eq!((s, t["anonymous"].as_bool()), (200, Some(true)));
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM complaints WHERE phone_enc IS NULL"
            )
            .await,
            1
        );
        // Anonymous: the number alone opens it.
        let other = app.browser();
        let r = other.call("track/lookup", &[("tracking_no", &no)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(track(&other, &no).await.0, 200);

        // A signed-in case: 5 wrong digits lock the number for everyone for
        // 15 minutes, even with the right digits after.
        let owner = app.browser();
        citizen_sign_in(&app, &owner, "13912340001").await;
        let signed = file(&owner, false).await;
        let guesser = app.browser();
        for _ in 0..5 {
            let r = guesser
                .call(
                    "track/lookup",
                    &[("tracking_no", &signed), ("last4", "1111")],
                )
                .await;
            assert_eq!(r.status, 422);
        }
        let r = guesser
            .call(
                "track/lookup",
                &[("tracking_no", &signed), ("last4", "0001")],
            )
            .await;
        assert_eq!(r.status, 429, "{}", r.body);
        // The same answer for a number that does not exist, once limited.
        let mut last = 0;
        for i in 0..30 {
            let fake = format!("SX-3333-{:04}", 2222 + i % 7);
            last = guesser
                .call("track/lookup", &[("tracking_no", &fake), ("last4", "1234")])
                .await
                .status;
        }
        assert_eq!(last, 429, "an address is limited across numbers");
        // The owner, signed in, still sees their case.
        assert_eq!(track(&owner, &signed).await.0, 200);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn transfer_and_merge() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        let a = app.browser();
        citizen_sign_in(&app, &a, "13812340002").await;
        let first = file(&a, false).await;
        let second = file(&a, false).await;
        let qy = staff(&app, "qy_admin").await;
        let r = act(
            &qy,
            &first,
            "transfer",
            &[("target", "nowhere"), ("text", "属地")],
        )
        .await;
        assert_eq!(r.status, 422);
        let r = act(
            &qy,
            &first,
            "transfer",
            &[("target", "jishui"), ("text", "")],
        )
        .await;
        assert_eq!(r.status, 422, "a transfer needs a reason");
        let r = act(
            &qy,
            &first,
            "transfer",
            &[("target", "jishui"), ("text", "属济水街道办理")],
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let js = staff(&app, "js_admin").await;
        let q = js.query("staff/complaints", &[]).await.json();
        assert_eq!(q["rows"].as_array().unwrap().len(), 1, "{q}");
        assert_eq!(q["rows"][0]["tracking_no"], first.as_str());
        // The old center can look but no longer act.
        let d = qy
            .query("staff/complaint", &[("tracking_no", &first)])
            .await
            .json();
        assert_eq!(d["actions"].as_array().unwrap().len(), 0);
        // Merge only within one's own open cases.
        let r = act(&qy, &second, "merge", &[("target", &first)]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let third = file(&a, false).await;
        let r = act(&qy, &third, "merge", &[("target", &third)]).await;
        assert_eq!(r.status, 422, "not into itself");
        let r = act(&qy, &third, "merge", &[("target", &second)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let (_, t) = track(&a, &third).await;
        assert_eq!(t["status"], "merged");
        assert_eq!(outbox_texts(&app, "complaint_transfer").await.len(), 1);
        assert_eq!(outbox_texts(&app, "complaint_merge").await.len(), 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn deadlines_skip_the_holidays_of_the_imported_calendar() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let today = shanghai_date(now_ms());
        // The next three days are holidays, the one after a 调休 working day.
        let mut csv = String::from("date,kind,name\n");
        for d in 1..=3 {
            csv.push_str(&format!(
                "{},holiday,测试假期\n",
                add_days(&today, d).unwrap()
            ));
        }
        csv.push_str(&format!(
            "{},workday,测试调休\n",
            add_days(&today, 4).unwrap()
        ));
        server::bookings::slots::import_calendar(&app.db, &csv)
            .await
            .unwrap();
        let b = app.browser();
        let no = file(&b, true).await;
        let row = sqlx::query("SELECT created_at, accept_due_at, answer_due_at FROM complaints WHERE tracking_no = $1")
            .bind(&no)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        let (filed, accept, answer): (i64, i64, i64) = (
            row.try_get(0).unwrap(),
            row.try_get(1).unwrap(),
            row.try_get(2).unwrap(),
        );
        let cal = WorkCalendar::load(&app.db).await.unwrap();
        assert_eq!(accept, cal.deadline_ms(filed, 1));
        assert_eq!(answer, cal.deadline_ms(filed, 5));
        // Accepting within 1 working day reaches past the holidays: to the
        // end of day 4 at the earliest (the 调休 day), never inside them.
        let accept_day = shanghai_date(accept - 1);
        assert!(accept_day >= add_days(&today, 4).unwrap(), "{accept_day}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_overdue_job_tells_the_center_once_across_two_instances() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let b = app.browser();
        let no = file(&b, true).await;
        app.exec(&format!(
            "UPDATE complaints SET accept_due_at = 1000 WHERE tracking_no = '{no}'"
        ))
        .await;
        let secrets = Arc::new(server::crypto::Secrets::from_base64(TEST_DATA_KEY).unwrap());
        let one = Complaints::new(app.db.clone(), secrets.clone());
        let other_db = server::storage::Db::connect(&db.url).await.unwrap();
        let two = Complaints::new(other_db, secrets);
        let now = now_ms();
        let (a, b2) = tokio::join!(
            server::complaints::jobs::mark_overdue(&one, now),
            server::complaints::jobs::mark_overdue(&two, now)
        );
        assert_eq!(a.unwrap() + b2.unwrap(), 1, "claimed once");
        assert_eq!(
            server::complaints::jobs::mark_overdue(&one, now)
                .await
                .unwrap(),
            0
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM staff_notices").await, 1);
        let notices = server::complaints::jobs::notices(&app.db, Some("qinyuan"), 10)
            .await
            .unwrap();
        assert!(notices[0].1.contains(&no), "{notices:?}");
        // The queue shows it overdue.
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let qy = staff(&app, "qy_admin").await;
        let q = qy
            .query("staff/complaints", &[("queue", "overdue")])
            .await
            .json();
        assert_eq!(q["rows"][0]["overdue"], true, "{q}");
        assert_eq!(q["counts"][0]["overdue"], 1);
        assert!(
            q["notices"].to_string().contains(&no),
            "the notice on the queue: {q}"
        );
        db.cleanup().await;
    }
}

/// A multipart body with one file field `photo`.
fn multipart(bytes: &[u8], name: &str) -> (String, Vec<u8>) {
    let boundary = "----bianmintestboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, b: &Browser, no: &str, bytes: &[u8], name: &str) -> String {
    let (ctype, body) = multipart(bytes, name);
    let cookie = b
        .cookies
        .lock()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let r = app
        .client
        .post(app.url(&format!("/track/{no}/photos")))
        .header("content-type", ctype)
        .header("cookie", cookie)
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "a redirect back to the page");
    r.headers()["location"].to_str().unwrap().to_string()
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn photos_are_checked_stored_once_and_shown_only_to_who_may_see() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let b = app.browser();
        let no = file(&b, true).await;
        // A PNG named .jpg is a PNG: judged by its bytes.
        let loc = upload(&app, &b, &no, &png(40, 30), "photo.jpg").await;
        assert!(loc.contains("photo=ok"), "{loc}");
        // A GIF, or text, named .jpg is refused.
        let loc = upload(&app, &b, &no, b"GIF89a\x01\x00\x01\x00", "x.jpg").await;
        assert!(loc.contains("photo_error=type"), "{loc}");
        // Over 5 MB: refused, whatever it is.
        let loc = upload(&app, &b, &no, &vec![0u8; 6 * 1024 * 1024], "big.jpg").await;
        assert!(loc.contains("photo_error=size"), "{loc}");
        upload(&app, &b, &no, &png(41, 30), "2.png").await;
        upload(&app, &b, &no, &png(42, 30), "3.png").await;
        let loc = upload(&app, &b, &no, &png(43, 30), "4.png").await;
        assert!(loc.contains("photo_error=count"), "{loc}");
        let (_, t) = track(&b, &no).await;
        let photos = t["photos"].as_array().unwrap().clone();
        assert_eq!(photos.len(), 3);
        assert_eq!(t["can_add_photo"], false);
        let sha = photos[0].as_str().unwrap();
        let path = format!("/track/{no}/photos/{sha}");
        let mine = b.page(&path).await;
        assert_eq!(mine.status, 200);
        assert_eq!(mine.cache_control.as_deref(), Some("no-store"));
        let stranger = app.browser();
        assert_eq!(stranger.page(&path).await.status, 404);
        // Someone without the case cannot upload to it.
        let loc = upload(&app, &stranger, &no, &png(44, 30), "5.png").await;
        assert!(loc.contains("photo_error=access"), "{loc}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM photos").await, 3);
        db.cleanup().await;
    }
}
