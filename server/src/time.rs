//! Times are stored as UTC milliseconds (i64) and shown in Asia/Shanghai.
//!
//! The calendar and the time zone come from the `jiff` crate, with its
//! compiled-in copy of the time zone database (no host zoneinfo needed).
//! Asia/Shanghai is UTC+8 throughout the days the project deals with; the
//! database also knows its summer time of 1986–1991, so a local day is not
//! assumed to be 24 hours long.
//!
//! Days are passed around as `YYYY-MM-DD` text (that is how they are stored
//! and compared); [`parse_day`] and [`day_text`] convert to and from
//! [`jiff::civil::Date`] for code that does arithmetic on them.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};
use std::sync::LazyLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Asia/Shanghai from the bundled database (a fixed UTC+8 if it were
/// somehow missing, which is what the zone has been since 1991).
static SHANGHAI: LazyLock<TimeZone> = LazyLock::new(|| {
    jiff::tz::db()
        .get("Asia/Shanghai")
        .unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(8)))
});

/// The first and last years a day may have (see [`shanghai_day_start`]).
const FIRST_YEAR: i16 = 1970;
const LAST_YEAR: i16 = 9999;

/// The Asia/Shanghai time zone.
pub fn shanghai() -> &'static TimeZone {
    &SHANGHAI
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The instant `utc_ms`, held to the range jiff represents (years -9999 to
/// 9999, a few hours short of each end).
fn clamped(utc_ms: i64) -> Timestamp {
    Timestamp::from_millisecond(utc_ms).unwrap_or(if utc_ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// The Asia/Shanghai wall-clock date and time of a UTC millisecond timestamp.
///
/// Total: jiff's timestamps stop some hours before the end of 9999-12-31 in
/// Shanghai, so past them the clock runs on from the last one (the offset has
/// no transitions there), and absurd instants answer the first or last
/// representable moment.
pub fn shanghai_civil(utc_ms: i64) -> DateTime {
    let ts = clamped(utc_ms);
    let beyond = SignedDuration::from_millis(utc_ms.saturating_sub(ts.as_millisecond()));
    SHANGHAI
        .to_datetime(ts)
        .checked_add(beyond)
        .unwrap_or(if utc_ms < 0 {
            DateTime::MIN
        } else {
            DateTime::MAX
        })
}

/// The Asia/Shanghai calendar day of a UTC millisecond timestamp.
pub fn shanghai_day(utc_ms: i64) -> Date {
    shanghai_civil(utc_ms).date()
}

/// `YYYY-MM-DD` for a day.
pub fn day_text(day: Date) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// `YYYY-MM-DD` in Asia/Shanghai for a UTC millisecond timestamp.
pub fn shanghai_date(utc_ms: i64) -> String {
    day_text(shanghai_day(utc_ms))
}

/// `YYYY-MM-DD HH:MM` in Asia/Shanghai.
pub fn shanghai_datetime(utc_ms: i64) -> String {
    let at = shanghai_civil(utc_ms);
    format!(
        "{} {:02}:{:02}",
        day_text(at.date()),
        at.hour(),
        at.minute()
    )
}

/// `20261202T123000`: the Asia/Shanghai local time in the iCalendar (RFC
/// 5545) DATE-TIME form, for a `TZID=Asia/Shanghai` property.
pub fn shanghai_ical(utc_ms: i64) -> String {
    let at = shanghai_civil(utc_ms);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// `20261127T083000Z`: the UTC time in the iCalendar DATE-TIME form.
pub fn utc_ical(utc_ms: i64) -> String {
    let at = TimeZone::UTC.to_datetime(clamped(utc_ms));
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// A `YYYY-MM-DD` day, exactly so spelled (surrounding whitespace aside) and
/// in the years 1970..=9999: days are stored and compared as text, so
/// `2026-1-5` or `2026-+1-05` must not pass, nor a day like 02-30.
pub fn parse_day(text: &str) -> Option<Date> {
    let text = text.trim();
    let b = text.as_bytes();
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
    let y: i16 = text[0..4].parse().ok()?;
    let m: i8 = text[5..7].parse().ok()?;
    let d: i8 = text[8..10].parse().ok()?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&y) {
        return None;
    }
    Date::new(y, m, d).ok()
}

/// Whether a day lies in the years [`parse_day`] accepts.
fn in_range(day: Date) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&day.year())
}

/// The UTC millisecond at which `day` starts in Asia/Shanghai (its first
/// instant, were midnight ever skipped); None outside 1970..=9999.
pub fn day_start_ms(day: Date) -> Option<i64> {
    if !in_range(day) {
        return None;
    }
    SHANGHAI
        .to_timestamp(day.to_datetime(Time::midnight()))
        .ok()
        .map(Timestamp::as_millisecond)
}

/// The UTC millisecond at which `day` ends in Asia/Shanghai: the first
/// instant of the next day. Total: a day jiff cannot place answers the
/// earliest instant it has (before) or `i64::MAX` (after).
pub fn day_end_ms(day: Date) -> i64 {
    let start = |d: Date| {
        SHANGHAI
            .to_timestamp(d.to_datetime(Time::midnight()))
            .ok()
            .map(Timestamp::as_millisecond)
    };
    match day.tomorrow() {
        Ok(next) => start(next),
        // 9999-12-31 has no next day in jiff; Shanghai keeps UTC+8 there.
        Err(_) => start(day).map(|s| s + 24 * 3_600_000),
    }
    .unwrap_or(if day.year() < FIRST_YEAR {
        Timestamp::MIN.as_millisecond()
    } else {
        i64::MAX
    })
}

/// The UTC millisecond at which a `YYYY-MM-DD` day starts in Asia/Shanghai;
/// None unless [`parse_day`] accepts the text.
pub fn shanghai_day_start(date: &str) -> Option<i64> {
    day_start_ms(parse_day(date)?)
}

/// The day `n` days after `day` (before, for negative `n`), if it lies in
/// the years 1970..=9999.
pub fn day_after(day: Date, n: i64) -> Option<Date> {
    let span = Span::new().try_days(n).ok()?;
    day.checked_add(span).ok().filter(|d| in_range(*d))
}

/// The `YYYY-MM-DD` date `n` days after `date` (None if `date` is not a date
/// or the result is not one [`shanghai_day_start`] accepts).
pub fn add_days(date: &str, n: i64) -> Option<String> {
    day_after(parse_day(date)?, n).map(day_text)
}

/// The Monday that starts `day`'s week.
pub fn week_start(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day_after(day, -back).unwrap_or(day)
}

/// ISO weekday of a `YYYY-MM-DD` date: 1 = Monday … 7 = Sunday.
pub fn iso_weekday(date: &str) -> Option<i64> {
    parse_day(date).map(|d| i64::from(d.weekday().to_monday_one_offset()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    #[test]
    fn shanghai_dates() {
        assert_eq!(shanghai_date(0), "1970-01-01");
        // 2026-11-26 16:00 UTC is already 11-27 in Shanghai.
        assert_eq!(shanghai_date(1_795_708_800_000), "2026-11-27");
        assert_eq!(shanghai_date(1_795_708_799_999), "2026-11-26");
        // 2000-02-29 00:00 UTC is 08:00 in Shanghai.
        assert_eq!(shanghai_date(951_782_400_000 - 8 * HOUR), "2000-02-29");
        assert_eq!(shanghai_datetime(951_782_400_000), "2000-02-29 08:00");
    }

    #[test]
    fn shanghai_days_and_times() {
        let start = shanghai_day_start("2026-11-27").unwrap();
        assert_eq!(start, 1_795_708_800_000);
        assert_eq!(shanghai_datetime(start), "2026-11-27 00:00");
        assert_eq!(
            shanghai_datetime(start + 13 * HOUR + 5 * 60_000),
            "2026-11-27 13:05"
        );
        assert_eq!(shanghai_day_start("2026-02-30"), None);
        assert_eq!(shanghai_day_start("2025-02-29"), None);
        assert_eq!(
            shanghai_day_start("2024-02-29")
                .map(shanghai_date)
                .as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(shanghai_day_start("x"), None);
        assert_eq!(shanghai_day_start("1969-12-31"), None);
        assert_eq!(shanghai_day_start("2026-13-01"), None);
        assert_eq!(shanghai_day_start("2026-00-01"), None);
        assert_eq!(shanghai_day_start("2026-01-00"), None);
        assert_eq!(shanghai_day_start("2026-1-05"), None);
        assert_eq!(shanghai_day_start("２０２６-01-05"), None);
        assert_eq!(shanghai_day_start(" 2026-01-05\n"), Some(1_767_542_400_000));
        assert_eq!(iso_weekday("2026-11-27"), Some(5), "a Friday");
        assert_eq!(iso_weekday("2026-11-29"), Some(7));
        assert_eq!(iso_weekday("1970-01-01"), Some(4), "a Thursday");
        let week = |d: &str| day_text(week_start(parse_day(d).unwrap()));
        assert_eq!(week("2026-11-27"), "2026-11-23");
        assert_eq!(week("2026-11-23"), "2026-11-23");
        assert_eq!(week("2026-11-29"), "2026-11-23");
        assert_eq!(week("2027-01-01"), "2026-12-28", "across the year");
        assert_eq!(add_days("2026-12-31", 1).as_deref(), Some("2027-01-01"));
        assert_eq!(add_days("2024-02-28", 1).as_deref(), Some("2024-02-29"));
        assert_eq!(add_days("2026-03-01", -1).as_deref(), Some("2026-02-28"));
        assert_eq!(add_days("1970-01-01", -1), None);
        assert_eq!(add_days("9999-12-31", 1), None);
        assert_eq!(add_days("2026-01-05", i64::MAX), None);
        assert_eq!(add_days("2026-01-05", i64::MIN), None);
    }

    #[test]
    fn the_last_day_is_whole() {
        // jiff's timestamps end at 9999-12-30T22:00Z; the day runs on to 16:00Z.
        let start = shanghai_day_start("9999-12-31").unwrap();
        assert_eq!(shanghai_datetime(start), "9999-12-31 00:00");
        assert_eq!(shanghai_datetime(start + 24 * HOUR - 1), "9999-12-31 23:59");
        assert_eq!(shanghai_date(start + 24 * HOUR), "9999-12-31");
        assert_eq!(shanghai_date(i64::MAX), "9999-12-31");
        assert!(shanghai_datetime(i64::MIN).starts_with(&shanghai_date(i64::MIN)));
    }

    #[test]
    fn summer_time_of_1986_to_1991_is_known() {
        // Clocks went forward at 02:00 on 1988-04-17 and back on 1988-09-11.
        let spring = shanghai_day_start("1988-04-17").unwrap();
        let summer = shanghai_day_start("1988-04-18").unwrap();
        let autumn = shanghai_day_start("1988-09-11").unwrap();
        let after = shanghai_day_start("1988-09-12").unwrap();
        assert_eq!(summer - spring, 23 * HOUR);
        assert_eq!(after - autumn, 25 * HOUR);
        assert_eq!(shanghai_datetime(summer), "1988-04-18 00:00");
        assert_eq!(shanghai_datetime(summer - 1), "1988-04-17 23:59");
        // Summer midnight is 15:00 UTC, winter midnight 16:00 UTC.
        assert_eq!((summer + 9 * HOUR).rem_euclid(24 * HOUR), 0);
        assert_eq!((after + 8 * HOUR).rem_euclid(24 * HOUR), 0);
    }

    #[test]
    fn ical_forms() {
        // 2026-12-02 12:00:30 in Shanghai is 04:00:30 UTC.
        let at = shanghai_day_start("2026-12-02").unwrap() + 12 * HOUR + 30_000;
        assert_eq!(shanghai_ical(at), "20261202T120030");
        assert_eq!(utc_ical(at), "20261202T040030Z");
        // Shanghai's early morning is still the day before in UTC.
        let early = shanghai_day_start("2027-01-01").unwrap() + HOUR;
        assert_eq!(shanghai_ical(early), "20270101T010000");
        assert_eq!(utc_ical(early), "20261231T170000Z");
    }

    #[test]
    fn days_convert_both_ways() {
        let day = parse_day("2026-10-01").unwrap();
        assert_eq!(day_text(day), "2026-10-01");
        assert_eq!(shanghai_day(day_start_ms(day).unwrap()), day);
        assert_eq!(
            day_after(day, 7).map(day_text).as_deref(),
            Some("2026-10-08")
        );
        assert_eq!(day_start_ms(jiff::civil::date(1969, 12, 31)), None);
        assert_eq!(day_end_ms(day), shanghai_day_start("2026-10-02").unwrap());
        let last = parse_day("9999-12-31").unwrap();
        assert_eq!(day_end_ms(last), day_start_ms(last).unwrap() + 24 * HOUR);
        assert_eq!(shanghai_datetime(day_end_ms(last) - 1), "9999-12-31 23:59");
        assert!(day_end_ms(Date::MIN) < 0);
        assert_eq!(shanghai().iana_name(), Some("Asia/Shanghai"));
    }
}
