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
    let days = (utc_ms + SHANGHAI_OFFSET_MS).div_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
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
}
