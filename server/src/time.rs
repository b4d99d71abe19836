//! Times are stored as UTC milliseconds and shown in Asia/Shanghai (UTC+8, no DST).

use std::time::{SystemTime, UNIX_EPOCH};

const SHANGHAI_OFFSET_MS: i64 = 8 * 3600 * 1000;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `YYYY-MM-DD` in Asia/Shanghai for a UTC millisecond timestamp.
pub fn shanghai_date(utc_ms: i64) -> String {
    let days = utc_ms
        .saturating_add(SHANGHAI_OFFSET_MS)
        .div_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD HH:MM` in Asia/Shanghai.
pub fn shanghai_datetime(utc_ms: i64) -> String {
    let local = utc_ms.saturating_add(SHANGHAI_OFFSET_MS);
    let minutes = local.div_euclid(60_000).rem_euclid(1440);
    format!(
        "{} {:02}:{:02}",
        shanghai_date(utc_ms),
        minutes / 60,
        minutes % 60
    )
}

/// The UTC millisecond at which a `YYYY-MM-DD` day starts in Asia/Shanghai.
///
/// Only that exact spelling (surrounding whitespace aside): days are stored
/// and compared as text, so `2026-1-5` or `2026-+1-05` must not pass.
pub fn shanghai_day_start(date: &str) -> Option<i64> {
    let date = date.trim();
    let b = date.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    let y: i64 = date[0..4].parse().ok()?;
    let m: u32 = date[5..7].parse().ok()?;
    let d: u32 = date[8..10].parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > 31 || !(1970..=9999).contains(&y) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // Reject dates like 02-30 that roll over.
    if civil_from_days(days) != (y, m, d) {
        return None;
    }
    Some(days * 86_400_000 - SHANGHAI_OFFSET_MS)
}

/// The `YYYY-MM-DD` date `n` days after `date` (None if `date` is not a date
/// or the result is not one [`shanghai_day_start`] accepts).
pub fn add_days(date: &str, n: i64) -> Option<String> {
    let start = shanghai_day_start(date)?;
    let day = shanghai_date(start.checked_add(n.checked_mul(86_400_000)?)?);
    shanghai_day_start(&day).map(|_| day)
}

/// ISO weekday of a `YYYY-MM-DD` date: 1 = Monday … 7 = Sunday.
pub fn iso_weekday(date: &str) -> Option<i64> {
    let days = (shanghai_day_start(date)? + SHANGHAI_OFFSET_MS) / 86_400_000;
    // 1970-01-01 was a Thursday.
    Some((days + 3).rem_euclid(7) + 1)
}

/// A proleptic Gregorian date to days since 1970-01-01 (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_dates() {
        assert_eq!(shanghai_date(0), "1970-01-01");
        // 2026-11-26 16:00 UTC is already 11-27 in Shanghai.
        assert_eq!(shanghai_date(1_795_708_800_000), "2026-11-27");
        assert_eq!(shanghai_date(1_795_708_799_999), "2026-11-26");
        assert_eq!(
            shanghai_date(951_782_400_000 - SHANGHAI_OFFSET_MS),
            "2000-02-29"
        );
    }

    #[test]
    fn shanghai_days_and_times() {
        let start = shanghai_day_start("2026-11-27").unwrap();
        assert_eq!(start, 1_795_708_800_000);
        assert_eq!(shanghai_datetime(start), "2026-11-27 00:00");
        assert_eq!(
            shanghai_datetime(start + 13 * 3_600_000 + 5 * 60_000),
            "2026-11-27 13:05"
        );
        assert_eq!(shanghai_day_start("2026-02-30"), None);
        assert_eq!(
            shanghai_day_start("2024-02-29")
                .map(shanghai_date)
                .as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(shanghai_day_start("x"), None);
        assert_eq!(iso_weekday("2026-11-27"), Some(5), "a Friday");
        assert_eq!(iso_weekday("2026-11-29"), Some(7));
        assert_eq!(add_days("2026-12-31", 1).as_deref(), Some("2027-01-01"));
        assert_eq!(add_days("2024-02-28", 1).as_deref(), Some("2024-02-29"));
    }
}
