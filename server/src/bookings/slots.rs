//! Schedules and the calendar, and the slots cut from them. Slots are
//! materialised for the coming days (idempotently: a slot that exists is
//! left alone, with its bookings), so capacity lives in one row per slot.

use crate::calendar::DayKind;
use crate::storage::Db;
use crate::time::{add_days, shanghai_day_start};
use sqlx::Row;

/// A weekly after-hours window of one center.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub center_code: String,
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    pub start_min: i64,
    pub end_min: i64,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub window_kind: String,
}

pub async fn add_window(db: &Db, w: &Window) -> anyhow::Result<i64> {
    let row = sqlx::query(
        "INSERT INTO schedule_windows (center_code, weekday, start_min, end_min, slot_minutes, capacity, window_kind)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&w.center_code)
    .bind(w.weekday)
    .bind(w.start_min)
    .bind(w.end_min)
    .bind(w.slot_minutes)
    .bind(w.capacity)
    .bind(&w.window_kind)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get(0)?)
}

/// Imports the city calendar from CSV lines `YYYY-MM-DD,holiday|workday,名称`
/// (a header line and blank lines are skipped). Returns the days stored.
/// One line of the holiday/调休 calendar: `date,holiday|workday,name`.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarLine {
    pub day: String,
    pub kind: String,
    pub name: String,
}

/// Parses the calendar CSV; the error names the first bad line. A leading
/// byte-order mark (Excel's "CSV UTF-8") is ignored.
pub fn parse_calendar(csv: &str) -> anyhow::Result<Vec<CalendarLine>> {
    let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
    let mut days = Vec::new();
    for (n, line) in csv.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (n == 0 && line.starts_with("date")) {
            continue;
        }
        let mut cols = line.splitn(3, ',');
        let (day, kind) = (
            cols.next().unwrap_or("").trim(),
            cols.next().unwrap_or("").trim(),
        );
        let name = cols.next().unwrap_or("").trim();
        anyhow::ensure!(
            shanghai_day_start(day).is_some(),
            "line {}: not a date: {}",
            n + 1,
            day.chars().take(20).collect::<String>()
        );
        anyhow::ensure!(
            DayKind::parse(kind).is_some(),
            "line {}: kind must be holiday or workday",
            n + 1
        );
        days.push(CalendarLine {
            day: day.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
        });
    }
    Ok(days)
}

/// Writes parsed calendar lines (later lines win) on `conn`, in the caller's transaction.
pub async fn store_calendar(
    conn: &mut sqlx::AnyConnection,
    days: &[CalendarLine],
) -> anyhow::Result<()> {
    for d in days {
        sqlx::query(
            "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)
             ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
        )
        .bind(&d.day)
        .bind(&d.kind)
        .bind(&d.name)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Parses and stores a calendar CSV in one transaction; how many days it held.
pub async fn import_calendar(db: &Db, csv: &str) -> anyhow::Result<usize> {
    let days = parse_calendar(csv)?;
    let mut tx = db.pool().begin().await?;
    store_calendar(&mut tx, &days).await?;
    tx.commit().await?;
    Ok(days.len())
}

/// Which weekday's windows apply on `day` at `center`: None on a holiday or a
/// closure; Monday's on a 调休 working day (the 工作日 schedule). What a
/// calendar line means is `crate::calendar`'s, as for working-day deadlines.
pub async fn schedule_day(db: &Db, center: &str, day: &str) -> anyhow::Result<Option<i64>> {
    let closed = sqlx::query("SELECT 1 FROM center_closures WHERE center_code = $1 AND day = $2")
        .bind(center)
        .bind(day)
        .fetch_optional(db.pool())
        .await?
        .is_some();
    if closed {
        return Ok(None);
    }
    let kind: Option<String> = sqlx::query("SELECT kind FROM calendar_days WHERE day = $1")
        .bind(day)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    Ok(crate::calendar::schedule_weekday(
        day,
        kind.as_deref().and_then(DayKind::parse),
    ))
}

/// Makes sure the slots of `center` exist for `days` days from `from`, and
/// reopens a withdrawn slot a rule covers again. Returns how many were
/// created or reopened.
pub async fn ensure_slots(db: &Db, center: &str, from: &str, days: i64) -> anyhow::Result<u64> {
    let mut created = 0;
    for d in 0..days {
        let day = add_days(from, d).ok_or_else(|| anyhow::anyhow!("bad date {from}"))?;
        let Some(weekday) = schedule_day(db, center, &day).await? else {
            continue;
        };
        let midnight = shanghai_day_start(&day).ok_or_else(|| anyhow::anyhow!("bad date {day}"))?;
        let windows = sqlx::query(
            "SELECT start_min, end_min, slot_minutes, capacity, window_kind FROM schedule_windows
             WHERE center_code = $1 AND weekday = $2 ORDER BY start_min",
        )
        .bind(center)
        .bind(weekday)
        .fetch_all(db.pool())
        .await?;
        for w in &windows {
            let (start, end, len): (i64, i64, i64) = (w.try_get(0)?, w.try_get(1)?, w.try_get(2)?);
            let capacity: i64 = w.try_get(3)?;
            let kind: String = w.try_get(4)?;
            let mut s = start;
            while s + len <= end {
                created += sqlx::query(
                    "INSERT INTO slots (center_code, day, start_min, end_min, starts_at, window_kind, capacity)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (center_code, day, start_min, window_kind)
                     DO UPDATE SET withdrawn = 0 WHERE slots.withdrawn = 1",
                )
                .bind(center)
                .bind(&day)
                .bind(s)
                .bind(s + len)
                .bind(midnight + s * 60_000)
                .bind(&kind)
                .bind(capacity)
                .execute(db.pool())
                .await?
                .rows_affected();
                s += len;
            }
        }
    }
    Ok(created)
}

/// A slot as the booking pages list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotRow {
    pub id: i64,
    pub day: String,
    pub start_min: i64,
    pub end_min: i64,
    pub capacity: i64,
    pub booked: i64,
    pub window_kind: String,
}

pub async fn slots_of(db: &Db, center: &str, day: &str) -> anyhow::Result<Vec<SlotRow>> {
    let rows = sqlx::query(
        "SELECT id, day, start_min, end_min, capacity, booked, window_kind FROM slots
         WHERE center_code = $1 AND day = $2 ORDER BY start_min, window_kind",
    )
    .bind(center)
    .bind(day)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SlotRow {
                id: r.try_get("id")?,
                day: r.try_get("day")?,
                start_min: r.try_get("start_min")?,
                end_min: r.try_get("end_min")?,
                capacity: r.try_get("capacity")?,
                booked: r.try_get("booked")?,
                window_kind: r.try_get("window_kind")?,
            })
        })
        .collect()
}
