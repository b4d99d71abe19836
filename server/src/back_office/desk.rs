//! The counter's day: a center's bookings by slot (names masked), check-in
//! by code, 未到 after a grace period, 绿色通道 walk-ins beyond capacity, and
//! the day's counts. Every change is audited.

use crate::accounts::{internal, Caller};
use crate::audit::{self, Action};
use crate::bookings::service::time_label;
use crate::crypto::Secrets;
use crate::storage::Db;
use crate::time::{now_ms, shanghai_date};
use app::booking::status_label;
use app::error::AppError;
use app::identity::{mask_name, parse_person_name, Phone};
use app::staff::{DayBooking, DayCounts, DaySlot, WalkInForm};
use sqlx::Row;

/// A booking may be marked 未到 this long after its slot starts.
pub const NO_SHOW_GRACE_MS: i64 = 15 * 60_000;

pub async fn slots(
    db: &Db,
    secrets: &Secrets,
    center: &str,
    day: &str,
    item_name: impl Fn(i32) -> String,
) -> Result<Vec<DaySlot>, AppError> {
    let slot_rows = sqlx::query(
        "SELECT id, start_min, end_min, window_kind, capacity, booked, walk_ins FROM slots
         WHERE center_code = $1 AND day = $2 ORDER BY start_min, window_kind",
    )
    .bind(center)
    .bind(day)
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    let booking_rows = sqlx::query(
        "SELECT b.slot_id, b.code, b.name_enc, b.seq, b.status, b.walk_in, b.starts_at FROM bookings b
         JOIN slots s ON s.id = b.slot_id WHERE s.center_code = $1 AND s.day = $2 ORDER BY b.id",
    )
    .bind(center)
    .bind(day)
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    let waiting = crate::bookings::waitlist::waiting_on(db, center, day).await?;
    let now = now_ms();
    let mut out = vec![];
    for s in &slot_rows {
        let id: i64 = s.try_get("id").map_err(internal)?;
        let mut bookings = vec![];
        for b in booking_rows
            .iter()
            .filter(|b| b.try_get::<i64, _>("slot_id").is_ok_and(|x| x == id))
        {
            let status: String = b.try_get("status").map_err(internal)?;
            let name = secrets
                .decrypt(&b.try_get::<String, _>("name_enc").map_err(internal)?)
                .map_err(internal)?;
            let starts_at: i64 = b.try_get("starts_at").map_err(internal)?;
            bookings.push(DayBooking {
                code: b.try_get("code").map_err(internal)?,
                name_masked: mask_name(&name),
                item: item_name(b.try_get::<i64, _>("seq").map_err(internal)? as i32),
                status_label: status_label(&status).to_string(),
                can_no_show: status == "active" && starts_at + NO_SHOW_GRACE_MS < now,
                status,
                walk_in: b.try_get::<i64, _>("walk_in").map_err(internal)? != 0,
            });
        }
        out.push(DaySlot {
            id,
            time: time_label(
                s.try_get("start_min").map_err(internal)?,
                s.try_get("end_min").map_err(internal)?,
            ),
            window_kind: s.try_get("window_kind").map_err(internal)?,
            capacity: s.try_get("capacity").map_err(internal)?,
            booked: s.try_get("booked").map_err(internal)?,
            walk_ins: s.try_get("walk_ins").map_err(internal)?,
            waiting: waiting
                .iter()
                .find(|(slot, _)| *slot == id)
                .map_or(0, |(_, n)| *n),
            bookings,
        });
    }
    Ok(out)
}

pub async fn counts(db: &Db, center: &str, day: &str) -> Result<DayCounts, AppError> {
    let rows = sqlx::query(
        "SELECT b.status, b.walk_in, COUNT(*) AS n FROM bookings b JOIN slots s ON s.id = b.slot_id
         WHERE s.center_code = $1 AND s.day = $2 GROUP BY b.status, b.walk_in",
    )
    .bind(center)
    .bind(day)
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    // Served from the waitlist: held places taken, counted on the day the
    // booking is for now (it may have moved), unless it was cancelled.
    let waitlist_served: i64 = sqlx::query(
        "SELECT COUNT(*) FROM waitlist w JOIN bookings b ON b.id = w.booking_id JOIN slots s ON s.id = b.slot_id
         WHERE s.center_code = $1 AND s.day = $2 AND b.status <> 'cancelled'",
    )
    .bind(center)
    .bind(day)
    .fetch_one(db.pool())
    .await
    .map_err(internal)?
    .try_get(0)
    .map_err(internal)?;
    let mut c = DayCounts {
        waitlist_served,
        ..Default::default()
    };
    for r in &rows {
        let status: String = r.try_get("status").map_err(internal)?;
        let walk_in = r.try_get::<i64, _>("walk_in").map_err(internal)? != 0;
        let n: i64 = r.try_get("n").map_err(internal)?;
        if walk_in {
            c.walk_ins += n;
            continue;
        }
        match status.as_str() {
            "cancelled" => c.cancelled += n,
            "checked_in" => {
                c.booked += n;
                c.checked_in += n
            }
            "no_show" => {
                c.booked += n;
                c.no_show += n
            }
            _ => c.booked += n,
        }
    }
    Ok(c)
}

/// Audits a desk action on `conn`: the caller's transaction, so the change
/// and its record commit together.
async fn record(
    conn: &mut sqlx::AnyConnection,
    caller: &Caller,
    action: &str,
    center: &str,
    code: &str,
) -> Result<(), AppError> {
    audit::record(
        conn,
        caller,
        Action {
            action,
            target_kind: "booking",
            target_id: code.to_string(),
            center: Some(center),
            detail: String::new(),
        },
        now_ms(),
    )
    .await
    .map_err(internal)
}

/// Checks in today's active booking `booking` at `center`.
pub async fn check_in(
    db: &Db,
    caller: &Caller,
    center: &str,
    booking: &str,
) -> Result<(), AppError> {
    let code: String = booking
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if code.is_empty() {
        return Err(AppError::validation("booking", "请输入或扫描预约码"));
    }
    let today = shanghai_date(now_ms());
    let mut tx = db.pool().begin().await.map_err(internal)?;
    let done = sqlx::query(
        "UPDATE bookings SET status = 'checked_in', checked_in_at = $3
         WHERE code = $1 AND status = 'active'
           AND slot_id IN (SELECT id FROM slots WHERE center_code = $2 AND day = $4)",
    )
    .bind(&code)
    .bind(center)
    .bind(now_ms())
    .bind(&today)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if done == 1 {
        record(&mut tx, caller, "check_in", center, &code).await?;
        return tx.commit().await.map_err(internal);
    }
    drop(tx);
    let row = sqlx::query(
        "SELECT b.status, s.center_code, s.day FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.code = $1",
    )
    .bind(&code)
    .fetch_optional(db.pool())
    .await
    .map_err(internal)?;
    let message = match row {
        None => "没有这个预约码，请核对".to_string(),
        Some(r) => {
            let (status, c, day): (String, String, String) = (
                r.try_get(0).map_err(internal)?,
                r.try_get(1).map_err(internal)?,
                r.try_get(2).map_err(internal)?,
            );
            if c != center {
                "这个预约不在本中心".to_string()
            } else if day != today {
                format!("这是{day}的预约，不是今天的")
            } else {
                format!("该预约{}，不能签到", status_label(&status))
            }
        }
    };
    Err(AppError::validation("booking", &message))
}

pub async fn no_show(
    db: &Db,
    caller: &Caller,
    center: &str,
    booking: &str,
) -> Result<(), AppError> {
    let code = booking.trim().to_uppercase();
    let mut tx = db.pool().begin().await.map_err(internal)?;
    let done = sqlx::query(
        "UPDATE bookings SET status = 'no_show'
         WHERE code = $1 AND status = 'active' AND starts_at < $3
           AND slot_id IN (SELECT id FROM slots WHERE center_code = $2)",
    )
    .bind(&code)
    .bind(center)
    .bind(now_ms() - NO_SHOW_GRACE_MS)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if done != 1 {
        return Err(AppError::Conflict(
            "开始15分钟后仍未签到的预约才能标记为未到".into(),
        ));
    }
    record(&mut tx, caller, "no_show", center, &code).await?;
    tx.commit().await.map_err(internal)
}

/// A 绿色通道 walk-in: served in `slot` even when it is full, recorded as such.
pub async fn walk_in(
    db: &Db,
    secrets: &Secrets,
    caller: &Caller,
    center: &str,
    form: &WalkInForm,
    handled: impl Fn(i32) -> bool,
) -> Result<(), AppError> {
    let slot: i64 = form
        .slot
        .trim()
        .parse()
        .map_err(|_| AppError::validation("slot", "请选择时段"))?;
    let seq: i32 = form
        .seq
        .trim()
        .parse()
        .ok()
        .filter(|s| handled(*s))
        .ok_or_else(|| AppError::validation("seq", "请选择本中心可办的事项"))?;
    let name = parse_person_name(&form.name).map_err(|m| AppError::validation("name", m))?;
    let phone = match form.phone.trim() {
        "" => None,
        p => Some(Phone::parse(p).map_err(|m| AppError::validation("phone", m))?),
    };
    let now = now_ms();
    let code = crate::bookings::new_code();
    let key = match &phone {
        Some(p) => secrets.lookup_key("phone", p.as_str()),
        // No phone given: a key that matches nobody's.
        None => format!("walk-in:{code}"),
    };
    let mut tx = db.pool().begin().await.map_err(internal)?;
    let row = sqlx::query("UPDATE slots SET walk_ins = walk_ins + 1 WHERE id = $1 AND center_code = $2 RETURNING starts_at")
        .bind(slot)
        .bind(center)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::validation("slot", "请选择本中心的时段"))?;
    let starts_at: i64 = row.try_get(0).map_err(internal)?;
    sqlx::query(
        "INSERT INTO bookings (code, slot_id, seq, phone_key, phone_enc, name_enc, notes, status, walk_in, starts_at, created_at, checked_in_at, filed_by)
         VALUES ($1, $2, $3, $4, $5, $6, '绿色通道', 'checked_in', 1, $7, $8, $8, $9)",
    )
    .bind(&code)
    .bind(slot)
    .bind(i64::from(seq))
    .bind(&key)
    .bind(secrets.encrypt(phone.as_ref().map(|p| p.as_str()).unwrap_or("")))
    .bind(secrets.encrypt(&name))
    .bind(starts_at)
    .bind(now)
    .bind(caller.id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    audit::record(
        &mut tx,
        caller,
        Action {
            action: "walk_in",
            target_kind: "booking",
            target_id: code.clone(),
            center: Some(center),
            detail: format!("绿色通道，{}", mask_name(&name)),
        },
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
