//! The waitlist and rescheduling on the real databases: a freed place is held
//! for the first one waiting, passes on when the hold runs out or they give
//! up, goes back to the pool when nobody waits; simultaneous cancellations
//! give each freed place to a different person, on SQLite and on PostgreSQL
//! with two application instances; a reschedule takes the new place before
//! giving up the old one, and a refused one changes nothing.

mod common;

use app::error::AppError;
use common::{
    backends, bookings_instance as instance, citizen_sign_in, next_weekday, phone, spawn_app,
};
use server::back_office::desk;
use server::bookings::slots::{add_window, ensure_slots, slots_of, Window};
use server::bookings::Bookings;
use server::time::now_ms;
use sqlx::Row;
use std::sync::Arc;

async fn one_slot(b: &Bookings, center: &str, capacity: i64) -> (String, i64, i64) {
    let day = next_weekday(2);
    add_window(
        b.db(),
        &Window {
            center_code: center.into(),
            weekday: 2,
            start_min: 12 * 60,
            end_min: 13 * 60,
            slot_minutes: 30,
            capacity,
            window_kind: String::new(),
        },
    )
    .await
    .unwrap();
    ensure_slots(b.db(), center, &day, 1).await.unwrap();
    let slots = slots_of(b.db(), center, &day).await.unwrap();
    (day, slots[0].id, slots[1].id)
}

async fn scalar(b: &Bookings, sql: &str, id: i64) -> i64 {
    common::scalar(b.db(), sql, id).await
}

async fn key_of(b: &Bookings, code: &str) -> String {
    b.by_code(code).await.unwrap().expect(code).phone_key
}

async fn wait_key(b: &Bookings, id: i64) -> String {
    common::text(b.db(), "SELECT phone_key FROM waitlist WHERE id = $1", id).await
}

async fn status(b: &Bookings, id: i64) -> String {
    common::text(b.db(), "SELECT status FROM waitlist WHERE id = $1", id).await
}

fn conflict(r: Result<impl std::fmt::Debug, AppError>, needle: &str) {
    match r {
        Err(AppError::Conflict(m)) => assert!(m.contains(needle), "{m} should say {needle}"),
        other => panic!("expected a conflict saying {needle}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_freed_place_is_held_for_the_first_waiting_then_passed_on() {
    for tdb in backends().await {
        let b = instance(&tdb.url).await;
        let (day, slot, _) = one_slot(&b, "qinyuan", 1).await;
        let now = now_ms();
        let booked = "SELECT booked FROM slots WHERE id = $1";

        conflict(
            b.join_waitlist(slot, 201, &phone(1), "张三", "", now).await,
            "还有名额",
        );
        let a = b.book(slot, 201, &phone(1), "张三", "", now).await.unwrap();
        conflict(
            b.join_waitlist(slot, 201, &phone(1), "张三", "", now).await,
            "已预约",
        );
        let (w2, p2) = b
            .join_waitlist(slot, 201, &phone(2), "李四", "", now)
            .await
            .unwrap();
        let (w3, p3) = b
            .join_waitlist(slot, 201, &phone(3), "王五", "", now)
            .await
            .unwrap();
        assert_eq!((p2, p3), (1, 2));
        conflict(
            b.join_waitlist(slot, 201, &phone(2), "李四", "", now).await,
            "候补队列中",
        );

        // The place A frees is held for the first one waiting, who is texted.
        b.cancel(&a.code, &key_of(&b, &a.code).await, now)
            .await
            .unwrap();
        assert_eq!(status(&b, w2).await, "offered");
        assert_eq!(status(&b, w3).await, "waiting");
        assert_eq!(
            scalar(&b, booked, slot).await,
            1,
            "the held place stays taken"
        );
        let offers: i64 = scalar(
            &b,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'waitlist_offer' AND recipient_masked = '139****0002' AND id > $1",
            0,
        )
        .await;
        assert_eq!(offers, 1);
        conflict(
            b.book(slot, 201, &phone(9), "赵六", "", now).await,
            "已约满",
        );
        let expires = scalar(
            &b,
            "SELECT offer_expires_at FROM waitlist WHERE id = $1",
            w2,
        )
        .await;
        assert_eq!(expires, now + b.hold_ms);

        // Only the one offered can take it, and only once.
        conflict(
            b.accept_offer(w3, &wait_key(&b, w3).await, now).await,
            "还没有为您保留",
        );
        assert!(matches!(
            b.accept_offer(w2, &wait_key(&b, w3).await, now).await,
            Err(AppError::NotFound)
        ));
        let got = b
            .accept_offer(w2, &wait_key(&b, w2).await, now)
            .await
            .unwrap();
        assert_eq!(status(&b, w2).await, "booked");
        assert_eq!(scalar(&b, booked, slot).await, 1);
        conflict(
            b.accept_offer(w2, &wait_key(&b, w2).await, now).await,
            "已确认",
        );
        let counts = desk::counts(b.db(), "qinyuan", &day).await.unwrap();
        assert_eq!(counts.waitlist_served, 1);
        assert_eq!(counts.booked, 1);
        assert_eq!(counts.cancelled, 1);

        // B gives it up: C is offered it, lets the hold run out, and with
        // nobody left waiting the place goes back to the pool.
        b.cancel(&got.code, &key_of(&b, &got.code).await, now)
            .await
            .unwrap();
        let counts = desk::counts(b.db(), "qinyuan", &day).await.unwrap();
        assert_eq!(
            counts.waitlist_served, 0,
            "a cancelled booking served nobody"
        );
        assert_eq!(status(&b, w3).await, "offered");
        assert_eq!(b.expire_offers(now + b.hold_ms - 1).await.unwrap(), 0);
        assert_eq!(b.expire_offers(now + b.hold_ms).await.unwrap(), 1);
        assert_eq!(status(&b, w3).await, "expired");
        conflict(
            b.accept_offer(w3, &wait_key(&b, w3).await, now + b.hold_ms)
                .await,
            "保留时间已过",
        );
        assert_eq!(scalar(&b, booked, slot).await, 0, "back to the pool");
        let told: i64 = scalar(
            &b,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'waitlist_expired' AND id > $1",
            0,
        )
        .await;
        assert_eq!(told, 1);

        // Someone offered a place who gives it up passes it to the next.
        let d = b.book(slot, 201, &phone(4), "孙七", "", now).await.unwrap();
        let (w5, _) = b
            .join_waitlist(slot, 201, &phone(5), "周八", "", now)
            .await
            .unwrap();
        let (w6, _) = b
            .join_waitlist(slot, 201, &phone(6), "吴九", "", now)
            .await
            .unwrap();
        let (w7, _) = b
            .join_waitlist(slot, 201, &phone(7), "郑十", "", now)
            .await
            .unwrap();
        b.cancel(&d.code, &key_of(&b, &d.code).await, now)
            .await
            .unwrap();
        assert_eq!(status(&b, w5).await, "offered");
        b.leave_waitlist(w5, &wait_key(&b, w5).await, now)
            .await
            .unwrap();
        assert_eq!(status(&b, w5).await, "left");
        assert_eq!(status(&b, w6).await, "offered");
        b.leave_waitlist(w7, &wait_key(&b, w7).await, now)
            .await
            .unwrap();
        assert_eq!(status(&b, w7).await, "left");
        conflict(
            b.leave_waitlist(w7, &wait_key(&b, w7).await, now).await,
            "已结束",
        );
        assert!(matches!(
            b.leave_waitlist(w7, &wait_key(&b, w6).await, now).await,
            Err(AppError::NotFound)
        ));
        assert_eq!(scalar(&b, booked, slot).await, 1);

        // Near the slot the hold ends at the cut-off, and once booking has
        // closed those still waiting are told by their status.
        let starts = scalar(&b, "SELECT starts_at FROM slots WHERE id = $1", slot).await;
        let (w8, _) = b
            .join_waitlist(slot, 201, &phone(8), "钱一", "", now)
            .await
            .unwrap();
        let late = starts - b.cutoff_ms - 10 * 60_000;
        let w6_key = wait_key(&b, w6).await;
        let taken = b.accept_offer(w6, &w6_key, now).await.unwrap();
        b.cancel(&taken.code, &w6_key, late).await.unwrap();
        assert_eq!(status(&b, w8).await, "offered");
        let expires = scalar(
            &b,
            "SELECT offer_expires_at FROM waitlist WHERE id = $1",
            w8,
        )
        .await;
        assert_eq!(expires, starts - b.cutoff_ms, "no hold past the cut-off");
        let (w9, _) = b
            .join_waitlist(slot, 201, &phone(10), "孔二", "", now)
            .await
            .unwrap();
        b.expire_offers(starts - b.cutoff_ms).await.unwrap();
        assert_eq!(status(&b, w8).await, "expired");
        assert_eq!(
            status(&b, w9).await,
            "closed",
            "the slot closed while waiting"
        );
        assert_eq!(scalar(&b, booked, slot).await, 0);
        tdb.cleanup().await;
    }
}

#[tokio::test]
async fn simultaneous_cancellations_give_each_place_to_a_different_person() {
    for tdb in backends().await {
        let first = Arc::new(instance(&tdb.url).await);
        let second = Arc::new(instance(&tdb.url).await);
        let (_, slot, _) = one_slot(&first, "jishui", 10).await;
        let now = now_ms();
        let mut codes = vec![];
        for n in 0..10 {
            codes.push(
                first
                    .book(slot, 201, &phone(n), "张三", "", now)
                    .await
                    .unwrap()
                    .code,
            );
        }
        let mut waiting = vec![];
        for n in 100..130 {
            waiting.push(
                first
                    .join_waitlist(slot, 201, &phone(n), "李四", "", now)
                    .await
                    .unwrap()
                    .0,
            );
        }
        // Ten cancellations at once, on two instances.
        let mut tasks = vec![];
        for (i, code) in codes.iter().enumerate() {
            let b = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            let key = key_of(&b, code).await;
            let code = code.clone();
            tasks.push(tokio::spawn(
                async move { b.cancel(&code, &key, now).await },
            ));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let mut offered = vec![];
        for id in &waiting {
            if status(&first, *id).await == "offered" {
                offered.push(*id);
            }
        }
        assert_eq!(
            offered,
            waiting[..10].to_vec(),
            "the first ten, in order, once each"
        );
        assert_eq!(
            scalar(&first, "SELECT booked FROM slots WHERE id = $1", slot).await,
            10
        );

        // All ten take their place while twenty others try to book directly.
        let mut tasks = vec![];
        for (i, id) in offered.iter().enumerate() {
            let b = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            let key = wait_key(&b, *id).await;
            let id = *id;
            tasks.push(tokio::spawn(async move {
                b.accept_offer(id, &key, now).await.map(|_| ())
            }));
        }
        for n in 200..220 {
            let b = if n % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            tasks.push(tokio::spawn(async move {
                b.book(slot, 201, &phone(n), "王五", "", now)
                    .await
                    .map(|_| ())
            }));
        }
        let (mut ok, mut full) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(AppError::Conflict(m)) if m.contains("已约满") => full += 1,
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!((ok, full), (10, 20), "{}", tdb.url);
        let active = scalar(
            &first,
            "SELECT COUNT(*) FROM bookings WHERE slot_id = $1 AND status = 'active'",
            slot,
        )
        .await;
        assert_eq!(active, 10);
        assert_eq!(
            scalar(&first, "SELECT booked FROM slots WHERE id = $1", slot).await,
            10
        );
        tdb.cleanup().await;
    }
}

#[tokio::test]
async fn a_reschedule_takes_the_new_place_first_and_a_refused_one_changes_nothing() {
    for tdb in backends().await {
        let b = instance(&tdb.url).await;
        let (_, first, second) = one_slot(&b, "tiantan", 1).await;
        let now = now_ms();
        let booked = "SELECT booked FROM slots WHERE id = $1";
        let mine = b
            .book(first, 201, &phone(1), "张三", "", now)
            .await
            .unwrap();
        let key = key_of(&b, &mine.code).await;
        let other = b
            .book(second, 201, &phone(2), "李四", "", now)
            .await
            .unwrap();

        // The other slot is full: refused, and the booking is where it was.
        conflict(b.reschedule(&mine.code, &key, second, now).await, "已约满");
        let at = "SELECT slot_id FROM bookings WHERE id = $1";
        assert_eq!(scalar(&b, at, mine.id).await, first);
        assert_eq!(
            (
                scalar(&b, booked, first).await,
                scalar(&b, booked, second).await
            ),
            (1, 1)
        );

        // Someone waits for the first slot; the other booking is cancelled.
        let (w, _) = b
            .join_waitlist(first, 201, &phone(3), "王五", "", now)
            .await
            .unwrap();
        b.cancel(&other.code, &key_of(&b, &other.code).await, now)
            .await
            .unwrap();
        // Moving: the new place is taken, the old one goes to the one waiting.
        b.reschedule(&mine.code.to_lowercase(), &key, second, now)
            .await
            .unwrap();
        assert_eq!(scalar(&b, at, mine.id).await, second);
        assert_eq!(status(&b, w).await, "offered");
        assert_eq!(
            (
                scalar(&b, booked, first).await,
                scalar(&b, booked, second).await
            ),
            (1, 1)
        );
        let starts: i64 = scalar(&b, "SELECT starts_at FROM bookings WHERE id = $1", mine.id).await;
        assert_eq!(
            starts,
            scalar(&b, "SELECT starts_at FROM slots WHERE id = $1", second).await
        );

        // Not someone else's booking, not the same slot, not another center, not after the cut-off.
        assert!(matches!(
            b.reschedule(&mine.code, &wait_key(&b, w).await, first, now)
                .await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            b.reschedule(&mine.code, &key, second, now).await,
            Err(AppError::Validation { .. })
        ));
        let (_, elsewhere, _) = one_slot(&b, "qinyuan", 5).await;
        assert!(matches!(
            b.reschedule(&mine.code, &key, elsewhere, now).await,
            Err(AppError::Validation { .. })
        ));
        let starts = scalar(&b, "SELECT starts_at FROM slots WHERE id = $1", second).await;
        conflict(
            b.reschedule(&mine.code, &key, first, starts - b.cutoff_ms)
                .await,
            "截止",
        );
        assert_eq!(scalar(&b, at, mine.id).await, second);

        // Reminded for the new time, under a key of its own.
        b.send_reminders(starts - 90 * 60_000).await.unwrap();
        let keyed: i64 = sqlx::query("SELECT COUNT(*) FROM outbox WHERE dedupe_key = $1")
            .bind(format!("reminder:2h:{}:m1", mine.code))
            .fetch_one(b.db().pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(keyed, 1);
        tdb.cleanup().await;
    }
}

#[tokio::test]
async fn waitlist_and_reschedule_over_http_with_and_without_javascript() {
    for tdb in backends().await {
        let app = spawn_app(&tdb.url).await;
        let (_, slot, later) = one_slot(&app.bookings, "qinyuan", 1).await;
        let (slot, later) = (slot.to_string(), later.to_string());
        let holder = app.browser();
        citizen_sign_in(&app, &holder, "13811110001").await;
        let r = holder.book(&slot, "201", "张三").await;
        assert_eq!(r.status, 200, "{}", r.body);
        let code: String = sqlx::query("SELECT code FROM bookings ORDER BY id DESC LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();

        // A full slot's check-answers page offers the waitlist.
        let waiter = app.browser();
        citizen_sign_in(&app, &waiter, "13811110002").await;
        let page = waiter
            .page(&format!("/book/qinyuan/check?slot={slot}&seq=201"))
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("加入候补"), "{}", page.body);
        let r = waiter.book(&slot, "201", "李四").await;
        assert_eq!(r.status, 409);
        assert!(
            r.body.contains("已约满") && r.body.contains("候补"),
            "{}",
            r.body
        );
        // Without JavaScript: a bad name comes back to the form, then it joins.
        let referer = format!("/book/qinyuan/check?slot={slot}&seq=201");
        let r = waiter
            .form_post(
                "book/waitlist",
                &[
                    ("slot", &slot),
                    ("seq", "201"),
                    ("name", "x"),
                    ("notes", ""),
                ],
                &referer,
            )
            .await;
        assert_eq!(r.status, 302);
        let back = r.location.expect("redirected back");
        assert!(
            back.contains("/book/qinyuan/check?") && back.contains("__err="),
            "{back}"
        );
        let with_error = waiter.page(back.trim_start_matches(&waiter.base)).await;
        assert!(
            with_error.body.contains("请填写真实姓名"),
            "the error shows next to the name"
        );
        assert_eq!(
            sqlx::query("SELECT COUNT(*) FROM waitlist")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap(),
            0
        );
        let r = waiter
            .form_post(
                "book/waitlist",
                &[
                    ("slot", &slot),
                    ("seq", "201"),
                    ("name", "李四"),
                    ("notes", ""),
                ],
                &referer,
            )
            .await;
        assert_eq!(r.status, 302);
        assert_eq!(r.location.as_deref(), Some("/my?waitlist=1#filed-title"));
        let my = waiter.page("/my?waitlist=1").await;
        assert!(
            my.body.contains("您排在第1位") && my.body.contains("候补中"),
            "{}",
            my.body
        );
        assert!(!app
            .browser()
            .call(
                "book/waitlist",
                &[
                    ("slot", &slot),
                    ("seq", "201"),
                    ("name", "王五"),
                    ("notes", "")
                ]
            )
            .await
            .status
            .eq(&200));

        // 我的 offers the move and the cancellation directly.
        let my = holder.page("/my").await;
        assert!(
            my.body
                .contains(&format!("href=\"/bookings/{code}/reschedule\""))
                && my.body.contains(&format!("取消预约 {code}")),
            "{}",
            my.body
        );
        // The holder moves to the later slot in one step; the place is offered.
        let page = holder.page(&format!("/bookings/{code}/reschedule")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("改约到其他时段"));
        let r = waiter
            .call("booking/reschedule", &[("code", &code), ("slot", &later)])
            .await;
        assert_eq!(r.status, 404, "only the phone that booked it");
        let r = holder
            .form_post(
                "booking/reschedule",
                &[("code", &code), ("slot", &later)],
                &format!("/bookings/{code}/reschedule"),
            )
            .await;
        assert_eq!(r.status, 302, "{}", r.body);
        assert_eq!(
            r.location,
            Some(format!("/bookings/{code}?done=rescheduled"))
        );
        let page = holder
            .page(&format!("/bookings/{code}?done=rescheduled"))
            .await;
        assert!(page.body.contains("已改约到新的时段") && page.body.contains("12:30-13:00"));

        // The waiter sees the held place in 我的 and takes it.
        let my = waiter.page("/my").await;
        assert!(my.body.contains("名额为您保留到"), "{}", my.body);
        let id: String = sqlx::query("SELECT id FROM waitlist WHERE status = 'offered'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
            .to_string();
        assert_eq!(
            holder.call("waitlist/accept", &[("id", &id)]).await.status,
            404
        );
        let r = waiter
            .form_post("waitlist/accept", &[("id", &id)], "/my")
            .await;
        assert_eq!(r.status, 302);
        let location = r.location.unwrap();
        assert!(location.ends_with("?done=waitlisted"), "{location}");
        let page = waiter.page(&location).await;
        assert!(page.body.contains("候补成功"), "{}", page.body);
        tdb.cleanup().await;
    }
}

#[tokio::test]
async fn a_phone_at_its_limit_cannot_queue_and_a_withdrawn_slot_takes_nobody_new() {
    for tdb in backends().await {
        let b = instance(&tdb.url).await;
        let secrets = server::crypto::Secrets::from_base64(common::TEST_DATA_KEY).unwrap();
        let (_, slot, other) = one_slot(&b, "beihai", 1).await;
        let now = now_ms();
        let booked = "SELECT booked FROM slots WHERE id = $1";
        b.book(slot, 201, &phone(1), "张三", "", now).await.unwrap();

        // Three future bookings already: joining a queue would only block a place.
        let (_, third, _) = one_slot(&b, "tiantan", 5).await;
        let (_, fourth, fifth) = one_slot(&b, "jishui", 5).await;
        for s in [third, fourth, fifth] {
            b.book(s, 201, &phone(2), "李四", "", now).await.unwrap();
        }
        conflict(
            b.join_waitlist(slot, 201, &phone(2), "李四", "", now).await,
            "最多同时预约3个",
        );

        // The center stops running these hours: the slot holding a booking
        // and the one with only a cancelled booking are kept but withdrawn.
        let (w, _) = b
            .join_waitlist(slot, 201, &phone(3), "王五", "", now)
            .await
            .unwrap();
        let gone = b
            .book(other, 201, &phone(4), "赵六", "", now)
            .await
            .unwrap();
        b.cancel(&gone.code, &key_of(&b, &gone.code).await, now)
            .await
            .unwrap();
        sqlx::query("DELETE FROM schedule_windows WHERE center_code = 'beihai'")
            .execute(b.db().pool())
            .await
            .unwrap();
        server::back_office::schedule::refresh(b.db(), &secrets, "beihai")
            .await
            .unwrap();
        let withdrawn = "SELECT withdrawn FROM slots WHERE id = $1";
        assert_eq!(
            (
                scalar(&b, withdrawn, slot).await,
                scalar(&b, withdrawn, other).await
            ),
            (1, 1)
        );
        assert_eq!(
            status(&b, w).await,
            "closed",
            "nobody waits for hours no longer run"
        );
        conflict(
            b.book(other, 201, &phone(5), "孙七", "", now).await,
            "不再接受预约",
        );
        conflict(
            b.join_waitlist(slot, 201, &phone(5), "孙七", "", now).await,
            "不再接受预约",
        );
        // Its booking stands; cancelled, the place goes nowhere.
        let a = sqlx::query(
            "SELECT code, phone_key FROM bookings WHERE slot_id = $1 AND status = 'active'",
        )
        .bind(slot)
        .fetch_one(b.db().pool())
        .await
        .unwrap();
        b.cancel(
            &a.try_get::<String, _>(0).unwrap(),
            &a.try_get::<String, _>(1).unwrap(),
            now,
        )
        .await
        .unwrap();
        assert_eq!(scalar(&b, booked, slot).await, 0);

        // The hours come back: the same slots open again.
        one_slot(&b, "beihai", 1).await;
        server::back_office::schedule::refresh(b.db(), &secrets, "beihai")
            .await
            .unwrap();
        assert_eq!(
            (
                scalar(&b, withdrawn, slot).await,
                scalar(&b, withdrawn, other).await
            ),
            (0, 0)
        );
        b.book(other, 201, &phone(5), "孙七", "", now)
            .await
            .unwrap();
        tdb.cleanup().await;
    }
}
