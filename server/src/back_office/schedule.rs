//! A center's 延时 schedule: weekly windows added and removed by its admin.
//! Removing a window never drops a booking: booked slots stay, are listed
//! for staff to contact the citizens, and the citizens are notified.

use crate::accounts::{internal, Caller};
use crate::audit::{self, Action};
use crate::bookings::service::{day_label, time_label, BOOKING_DAYS};
use crate::bookings::slots::{ensure_slots, schedule_day};
use crate::crypto::Secrets;
use crate::notify::{self, OutboxMessage};
use crate::storage::Db;
use crate::time::{now_ms, shanghai_date};
use app::error::AppError;
use app::staff::{OrphanSlot, WindowForm, WindowRow, WINDOW_KINDS};
use sqlx::Row;

const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// `HH:MM` → minutes after midnight.
fn minutes(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 1440).then_some(h * 60 + m)
}

pub async fn windows(db: &Db, center: &str) -> Result<Vec<WindowRow>, AppError> {
    let rows = sqlx::query(
        "SELECT id, weekday, start_min, end_min, slot_minutes, capacity, window_kind FROM schedule_windows
         WHERE center_code = $1 ORDER BY weekday, start_min",
    )
    .bind(center)
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            let weekday: i64 = r.try_get("weekday").map_err(internal)?;
            Ok(WindowRow {
                id: r.try_get("id").map_err(internal)?,
                weekday,
                weekday_label: WEEKDAYS[(weekday - 1).clamp(0, 6) as usize].to_string(),
                time: time_label(
                    r.try_get("start_min").map_err(internal)?,
                    r.try_get("end_min").map_err(internal)?,
                ),
                slot_minutes: r.try_get("slot_minutes").map_err(internal)?,
                capacity: r.try_get("capacity").map_err(internal)?,
                window_kind: r.try_get("window_kind").map_err(internal)?,
            })
        })
        .collect()
}

/// Future slots holding active bookings that no window covers any more: (slot id, label, booked).
pub async fn orphans(db: &Db, center: &str) -> Result<Vec<(i64, OrphanSlot)>, AppError> {
    uncovered(db, center, 1).await
}

/// Future slots with at least `min_booked` places taken that no window covers.
async fn uncovered(
    db: &Db,
    center: &str,
    min_booked: i64,
) -> Result<Vec<(i64, OrphanSlot)>, AppError> {
    let slots = sqlx::query(
        "SELECT id, day, start_min, end_min, window_kind, booked FROM slots
         WHERE center_code = $1 AND starts_at > $2 AND booked >= $3 ORDER BY starts_at",
    )
    .bind(center)
    .bind(now_ms())
    .bind(min_booked)
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    let windows = sqlx::query(
        "SELECT weekday, start_min, end_min, slot_minutes, window_kind FROM schedule_windows WHERE center_code = $1",
    )
    .bind(center)
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    let mut out = vec![];
    for s in &slots {
        let day: String = s.try_get("day").map_err(internal)?;
        let (start, end): (i64, i64) = (
            s.try_get("start_min").map_err(internal)?,
            s.try_get("end_min").map_err(internal)?,
        );
        let kind: String = s.try_get("window_kind").map_err(internal)?;
        let weekday = schedule_day(db, center, &day).await.map_err(internal)?;
        let covered = weekday.is_some_and(|wd| {
            windows.iter().any(|w| {
                let get = |c: &str| w.try_get::<i64, _>(c).unwrap_or(-1);
                get("weekday") == wd
                    && get("start_min") <= start
                    && end <= get("end_min")
                    && (start - get("start_min")) % get("slot_minutes").max(1) == 0
                    && w.try_get::<String, _>("window_kind")
                        .is_ok_and(|k| k == kind)
            })
        });
        if !covered {
            out.push((
                s.try_get("id").map_err(internal)?,
                OrphanSlot {
                    when: format!("{} {}", day_label(&day), time_label(start, end)),
                    booked: s.try_get("booked").map_err(internal)?,
                },
            ));
        }
    }
    Ok(out)
}

pub async fn add(
    db: &Db,
    caller: &Caller,
    center: &str,
    form: &WindowForm,
) -> Result<(), AppError> {
    let mut days: Vec<i64> = form
        .weekdays
        .iter()
        .filter_map(|d| d.parse::<i64>().ok())
        .filter(|d| (1..=7).contains(d))
        .collect();
    days.sort();
    days.dedup();
    if days.is_empty() {
        return Err(AppError::validation("weekdays", "请至少选择一天"));
    }
    let start = minutes(&form.start)
        .ok_or_else(|| AppError::validation("start", "请按“12:00”的格式填写开始时间"))?;
    let end = minutes(&form.end)
        .ok_or_else(|| AppError::validation("end", "请按“14:30”的格式填写结束时间"))?;
    let len: i64 = form
        .slot_minutes
        .trim()
        .parse()
        .ok()
        .filter(|m| (5..=240).contains(m))
        .ok_or_else(|| AppError::validation("slot_minutes", "每个时段5-240分钟"))?;
    if end <= start || end - start < len {
        return Err(AppError::validation(
            "end",
            "结束时间应晚于开始时间，且至少容纳一个时段",
        ));
    }
    let capacity: i64 = form
        .capacity
        .trim()
        .parse()
        .ok()
        .filter(|c| (1..=500).contains(c))
        .ok_or_else(|| AppError::validation("capacity", "每个时段可接待1-500人"))?;
    let kind = form.window_kind.trim();
    if !kind.is_empty() && !WINDOW_KINDS.contains(&kind) {
        return Err(AppError::validation("window_kind", "请选择窗口类型"));
    }
    let mut tx = db.pool().begin().await.map_err(internal)?;
    for d in &days {
        sqlx::query(
            "INSERT INTO schedule_windows (center_code, weekday, start_min, end_min, slot_minutes, capacity, window_kind)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(center)
        .bind(d)
        .bind(start)
        .bind(end)
        .bind(len)
        .bind(capacity)
        .bind(kind)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    audit::record(
        &mut tx,
        caller,
        Action {
            action: "schedule_add",
            target_kind: "center",
            target_id: center.to_string(),
            center: Some(center),
            detail: format!(
                "{} {}，每{len}分钟，每时段{capacity}人{}",
                days.iter()
                    .map(|d| WEEKDAYS[(*d - 1) as usize])
                    .collect::<Vec<_>>()
                    .join("、"),
                time_label(start, end),
                if kind.is_empty() {
                    String::new()
                } else {
                    format!("，{kind}")
                }
            ),
        },
        now_ms(),
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    ensure_slots(db, center, &shanghai_date(now_ms()), BOOKING_DAYS + 1)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Removes a window and the empty future slots nobody booked; booked slots
/// stay and their citizens are told (staff see them listed to call).
pub async fn delete(
    db: &Db,
    secrets: &Secrets,
    caller: &Caller,
    center: &str,
    id: i64,
) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.pool().begin().await.map_err(internal)?;
    let gone = sqlx::query("DELETE FROM schedule_windows WHERE id = $1 AND center_code = $2")
        .bind(id)
        .bind(center)
        .execute(&mut *tx)
        .await
        .map_err(internal)?
        .rows_affected();
    if gone == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "DELETE FROM slots WHERE center_code = $1 AND starts_at > $2 AND booked = 0 AND walk_ins = 0
         AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = slots.id)
         AND NOT EXISTS (SELECT 1 FROM waitlist w WHERE w.slot_id = slots.id)",
    )
    .bind(center)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    audit::record(
        &mut tx,
        caller,
        Action {
            action: "schedule_delete",
            target_kind: "center",
            target_id: center.to_string(),
            center: Some(center),
            detail: format!("时段规则 {id}"),
        },
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    refresh(db, secrets, center).await
}

/// After the schedule or the calendar changed: drops future slots nobody
/// booked, cuts (or reopens) the slots the rules now give, withdraws the ones
/// kept for their bookings, and texts everyone whose booking no rule covers
/// any more (once per booking).
pub async fn refresh(db: &Db, secrets: &Secrets, center: &str) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "DELETE FROM slots WHERE center_code = $1 AND starts_at > $2 AND booked = 0 AND walk_ins = 0
         AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = slots.id)
         AND NOT EXISTS (SELECT 1 FROM waitlist w WHERE w.slot_id = slots.id)",
    )
    .bind(center)
    .bind(now)
    .execute(db.pool())
    .await
    .map_err(internal)?;
    ensure_slots(db, center, &shanghai_date(now), BOOKING_DAYS + 1)
        .await
        .map_err(internal)?;
    // Slots no rule covers take no new booking or waitlist place; those
    // waiting for them stop waiting (their 我的 says 未候补到).
    for (slot, _) in uncovered(db, center, 0).await? {
        sqlx::query("UPDATE slots SET withdrawn = 1 WHERE id = $1 AND withdrawn = 0")
            .bind(slot)
            .execute(db.pool())
            .await
            .map_err(internal)?;
        sqlx::query(
            "UPDATE waitlist SET status = 'closed' WHERE slot_id = $1 AND status = 'waiting'",
        )
        .bind(slot)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    }
    // Tell everyone whose booking no window covers now (once per booking).
    for (slot, o) in orphans(db, center).await? {
        let rows = sqlx::query(
            "SELECT b.id, b.code, b.phone_enc FROM bookings b
             WHERE b.slot_id = $1 AND b.status = 'active'",
        )
        .bind(slot)
        .fetch_all(db.pool())
        .await
        .map_err(internal)?;
        for r in rows {
            let code: String = r.try_get("code").map_err(internal)?;
            let phone = secrets
                .decrypt(&r.try_get::<String, _>("phone_enc").map_err(internal)?)
                .map_err(internal)?;
            let msg = OutboxMessage {
                kind: "schedule_change".into(),
                recipient: phone,
                body: format!(
                    "【济源便民服务】您预约的{}延时服务时段已调整，预约码{code}仍然有效，工作人员将与您联系确认。",
                    o.when
                ),
            };
            notify::enqueue_once(db, secrets, &msg, &format!("schedule_change:{code}"), now)
                .await
                .map_err(internal)?;
        }
    }
    Ok(())
}

pub async fn closures(db: &Db, center: &str) -> Result<Vec<(String, String)>, AppError> {
    let rows = sqlx::query(
        "SELECT day, reason FROM center_closures WHERE center_code = $1 AND day >= $2 ORDER BY day",
    )
    .bind(center)
    .bind(shanghai_date(now_ms()))
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0).map_err(internal)?,
                r.try_get(1).map_err(internal)?,
            ))
        })
        .collect()
}

pub async fn add_closure(
    db: &Db,
    secrets: &Secrets,
    caller: &Caller,
    center: &str,
    day: &str,
    reason: &str,
) -> Result<(), AppError> {
    let day = day.trim();
    if crate::time::shanghai_day_start(day).is_none() || day < shanghai_date(now_ms()).as_str() {
        return Err(AppError::validation("day", "请选择今天或以后的日期"));
    }
    let reason = reason.trim();
    if reason.chars().count() > 50 {
        return Err(AppError::validation("reason", "原因最多50字"));
    }
    let mut tx = db.pool().begin().await.map_err(internal)?;
    sqlx::query(
        "INSERT INTO center_closures (center_code, day, reason) VALUES ($1, $2, $3)
         ON CONFLICT (center_code, day) DO UPDATE SET reason = excluded.reason",
    )
    .bind(center)
    .bind(day)
    .bind(reason)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    audit::record(
        &mut tx,
        caller,
        Action {
            action: "closure_add",
            target_kind: "center",
            target_id: center.to_string(),
            center: Some(center),
            detail: format!("{day} {reason}"),
        },
        now_ms(),
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    refresh(db, secrets, center).await
}
