//! 延时预约 capacity on the real databases: slots follow the schedule and the
//! holiday calendar, and under a thousand simultaneous requests a slot never
//! takes more bookings than its capacity — on SQLite, and on PostgreSQL with
//! two application instances (two connection pools) sharing it.

mod common;

use common::{backends, bookings_instance as instance, next_weekday as next, phone};
use server::bookings::slots::{add_window, ensure_slots, import_calendar, slots_of, Window};
use server::time::{add_days, iso_weekday, now_ms, shanghai_date};
use sqlx::Row;
use std::sync::Arc;

#[tokio::test]
async fn slots_follow_the_schedule_and_the_calendar() {
    for tdb in backends().await {
        let b = instance(&tdb.url).await;
        let db = b.db();
        for weekday in 1..=5 {
            add_window(
                db,
                &Window {
                    center_code: "qinyuan".into(),
                    weekday,
                    start_min: 12 * 60,
                    end_min: 14 * 60 + 30,
                    slot_minutes: 30,
                    capacity: 10,
                    window_kind: String::new(),
                },
            )
            .await
            .unwrap();
        }
        add_window(
            db,
            &Window {
                center_code: "qinyuan".into(),
                weekday: 6,
                start_min: 9 * 60,
                end_min: 12 * 60,
                slot_minutes: 60,
                capacity: 4,
                window_kind: "无差别综合受理".into(),
            },
        )
        .await
        .unwrap();
        let (monday, saturday, sunday) = (next(1), next(6), next(7));
        let csv = format!("date,kind,name\n{monday},holiday,测试假日\n{sunday},workday,测试调休\n");
        assert_eq!(import_calendar(db, &csv).await.unwrap(), 2);
        assert!(
            import_calendar(db, "2026-02-30,holiday,x").await.is_err(),
            "bad dates are refused"
        );
        let today = shanghai_date(now_ms());
        let created = ensure_slots(db, "qinyuan", &today, 14).await.unwrap();
        assert!(created > 0);
        assert_eq!(
            ensure_slots(db, "qinyuan", &today, 14).await.unwrap(),
            0,
            "idempotent"
        );

        assert!(
            slots_of(db, "qinyuan", &monday).await.unwrap().is_empty(),
            "no slots on a holiday"
        );
        let sat = slots_of(db, "qinyuan", &saturday).await.unwrap();
        assert_eq!(sat.len(), 3);
        assert!(sat
            .iter()
            .all(|s| s.capacity == 4 && s.window_kind == "无差别综合受理"));
        let sun = slots_of(db, "qinyuan", &sunday).await.unwrap();
        assert_eq!(
            sun.len(),
            5,
            "a 调休 Sunday gets the weekday windows: 12:00-14:30 in 30-minute slots"
        );
        assert_eq!((sun[0].start_min, sun[4].end_min), (720, 870));
        tdb.cleanup().await;
    }
}

#[tokio::test]
async fn a_thousand_simultaneous_bookings_fill_a_slot_exactly() {
    for tdb in backends().await {
        // Two instances: on PostgreSQL two pools share the database; SQLite is one file.
        let first = Arc::new(instance(&tdb.url).await);
        let second = Arc::new(instance(&tdb.url).await);
        let db = first.db();
        let day = next(3);
        add_window(
            db,
            &Window {
                center_code: "jishui".into(),
                weekday: 3,
                start_min: 17 * 60 + 30,
                end_min: 19 * 60,
                slot_minutes: 30,
                capacity: 10,
                window_kind: String::new(),
            },
        )
        .await
        .unwrap();
        ensure_slots(db, "jishui", &day, 1).await.unwrap();
        let slot = slots_of(db, "jishui", &day).await.unwrap()[0].clone();
        assert_eq!(slot.capacity, 10);

        let now = now_ms();
        let tasks: Vec<_> = (0..1000)
            .map(|n| {
                let b = if n % 2 == 0 {
                    first.clone()
                } else {
                    second.clone()
                };
                tokio::spawn(async move { b.book(slot.id, 201, &phone(n), "张三", "", now).await })
            })
            .collect();
        let (mut ok, mut full, mut other) = (0, 0, vec![]);
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(app::error::AppError::Conflict(m)) if m.contains("已约满") => full += 1,
                Err(e) => other.push(e),
            }
        }
        assert_eq!(ok, 10, "{}", tdb.url);
        assert_eq!(full, 990);
        assert!(other.is_empty(), "{other:?}");
        let stored: i64 = sqlx::query("SELECT COUNT(*) FROM bookings WHERE slot_id = $1")
            .bind(slot.id)
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(stored, 10);
        let booked: i64 = sqlx::query("SELECT booked FROM slots WHERE id = $1")
            .bind(slot.id)
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(booked, 10);
        // The database itself refuses an overfilled slot.
        let overfill = sqlx::query("UPDATE slots SET booked = capacity + 1 WHERE id = $1")
            .bind(slot.id)
            .execute(db.pool())
            .await;
        assert!(overfill.is_err(), "CHECK (booked <= capacity)");
        tdb.cleanup().await;
    }
}

#[tokio::test]
async fn one_phone_one_place_per_slot_and_three_in_all() {
    for tdb in backends().await {
        let b = Arc::new(instance(&tdb.url).await);
        let db = b.db();
        let day = next(2);
        add_window(
            db,
            &Window {
                center_code: "beihai".into(),
                weekday: 2,
                start_min: 12 * 60,
                end_min: 15 * 60,
                slot_minutes: 30,
                capacity: 5,
                window_kind: String::new(),
            },
        )
        .await
        .unwrap();
        ensure_slots(db, "beihai", &day, 1).await.unwrap();
        let slots = slots_of(db, "beihai", &day).await.unwrap();
        assert_eq!(slots.len(), 6);
        let me = phone(7);
        let now = now_ms();
        b.book(slots[0].id, 201, &me, "李四", "", now)
            .await
            .unwrap();
        let again = b
            .book(slots[0].id, 201, &me, "李四", "", now)
            .await
            .unwrap_err();
        assert!(again.to_string().contains("已预约"), "{again}");
        let freed: i64 = sqlx::query("SELECT booked FROM slots WHERE id = $1")
            .bind(slots[0].id)
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(freed, 1, "a refused duplicate gives its place back");

        // The same phone racing for the five other slots: two more at most.
        let tasks: Vec<_> = slots[1..]
            .iter()
            .map(|s| {
                let (b, id, me) = (b.clone(), s.id, me.clone());
                tokio::spawn(async move { b.book(id, 201, &me, "李四", "", now).await })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            if t.await.unwrap().is_ok() {
                ok += 1;
            }
        }
        assert_eq!(ok, 2, "3 future bookings per phone in all");

        // Booking closes an hour before the slot starts.
        let soon = b
            .book(
                slots[5].id,
                201,
                &phone(8),
                "王五",
                "",
                slots_start(db, slots[5].id).await - 30 * 60_000,
            )
            .await;
        assert!(soon.unwrap_err().to_string().contains("停止预约"));
        tdb.cleanup().await;
    }
}

async fn slots_start(db: &server::storage::Db, id: i64) -> i64 {
    sqlx::query("SELECT starts_at FROM slots WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

#[tokio::test]
async fn reminders_go_out_the_day_before_and_two_hours_before_once() {
    for tdb in backends().await {
        let b = instance(&tdb.url).await;
        let db = b.db();
        let day = add_days(&shanghai_date(now_ms()), 3).unwrap();
        let weekday = iso_weekday(&day).unwrap();
        add_window(
            db,
            &Window {
                center_code: "tiantan".into(),
                weekday,
                start_min: 12 * 60,
                end_min: 13 * 60,
                slot_minutes: 60,
                capacity: 5,
                window_kind: String::new(),
            },
        )
        .await
        .unwrap();
        ensure_slots(db, "tiantan", &day, 1).await.unwrap();
        let slot = slots_of(db, "tiantan", &day).await.unwrap()[0].clone();
        let starts = slots_start(db, slot.id).await;
        b.book(slot.id, 201, &phone(1), "张三", "", now_ms())
            .await
            .unwrap();
        let cancelled = b
            .book(slot.id, 201, &phone(2), "李四", "", now_ms())
            .await
            .unwrap();
        let key: String = sqlx::query("SELECT phone_key FROM bookings WHERE code = $1")
            .bind(&cancelled.code)
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        b.cancel(&cancelled.code, &key, now_ms()).await.unwrap();

        let hour = 3_600_000;
        assert_eq!(
            b.send_reminders(starts - 30 * hour).await.unwrap(),
            0,
            "too early"
        );
        assert_eq!(
            b.send_reminders(starts - 23 * hour).await.unwrap(),
            1,
            "the day before"
        );
        assert_eq!(
            b.send_reminders(starts - 22 * hour).await.unwrap(),
            0,
            "once"
        );
        assert_eq!(
            b.send_reminders(starts - 90 * 60_000).await.unwrap(),
            1,
            "2 hours before"
        );
        assert_eq!(
            b.send_reminders(starts - 60 * 60_000).await.unwrap(),
            0,
            "once"
        );
        let reminders: i64 = sqlx::query("SELECT COUNT(*) FROM outbox WHERE kind = 'reminder'")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(reminders, 2, "the cancelled booking gets none");
        tdb.cleanup().await;
    }
}
