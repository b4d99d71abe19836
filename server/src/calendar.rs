//! Working days over the city's holiday/调休 calendar: the one working-day
//! function of the project.
//!
//! City admins import the calendar (table `calendar_days`: a day, `holiday`
//! or `workday`, a name) for 延时预约; the same lines decide complaint
//! deadlines. A day is a working day from Monday to Friday unless a line
//! makes it a holiday, and a `workday` line makes a weekend day a working day
//! (a 调休 Saturday or Sunday). [`DayKind`] and [`schedule_weekday`] are what
//! a line means; the slot schedule (`bookings::slots::schedule_day`) reads
//! them from here too.
//!
//! Searches are bounded: past [`SEARCH_LIMIT_DAYS`] days an absurd calendar
//! (every day a holiday) gives no working day rather than a hang.

use crate::bookings::slots::CalendarLine;
use crate::storage::Db;
use crate::time::{day_end_ms, day_text, parse_day, shanghai_day};
use jiff::civil::{Date, Weekday};
use sqlx::Row;
use std::collections::HashMap;

/// How many days after the starting day a working-day search looks at.
pub const SEARCH_LIMIT_DAYS: u32 = 366 * 3;

/// What a calendar line says about its day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// A public holiday (or a day off moved by 调休): no work, no slots.
    Holiday,
    /// A working day on what would be a weekend (调休上班).
    Workday,
}

impl DayKind {
    /// `holiday` or `workday`, exactly as the calendar CSV spells them.
    pub fn parse(kind: &str) -> Option<DayKind> {
        match kind {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }
}

/// Which ISO weekday's schedule (1 = Monday … 7 = Sunday) applies on a
/// `YYYY-MM-DD` day that has calendar line `kind`: none on a holiday,
/// Monday's (the 工作日 schedule) on a 调休 working day, and otherwise the
/// day's own (None if `day` is not a date).
pub fn schedule_weekday(day: &str, kind: Option<DayKind>) -> Option<i64> {
    match kind {
        Some(DayKind::Holiday) => None,
        Some(DayKind::Workday) => Some(1),
        None => crate::time::iso_weekday(day),
    }
}

/// The holiday/调休 overrides of the city calendar; Monday to Friday are
/// working days wherever it says nothing. Pure and cheap to query: load it
/// once per request or job, not once per day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    overrides: HashMap<Date, DayKind>,
}

impl WorkCalendar {
    /// A calendar without holidays: Monday to Friday.
    pub fn new() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// The calendar of these lines, later lines winning as on import. Lines
    /// that are not a day and a kind `parse_calendar` accepts are ignored.
    pub fn from_lines(lines: &[CalendarLine]) -> WorkCalendar {
        let mut cal = WorkCalendar::new();
        for line in lines {
            cal.insert(&line.day, &line.kind);
        }
        cal
    }

    fn insert(&mut self, day: &str, kind: &str) {
        if let (Some(day), Some(kind)) = (parse_day(day), DayKind::parse(kind.trim())) {
            self.overrides.insert(day, kind);
        }
    }

    /// The calendar the city admins imported.
    pub async fn load(db: &Db) -> anyhow::Result<WorkCalendar> {
        let rows = sqlx::query("SELECT day, kind FROM calendar_days")
            .fetch_all(db.pool())
            .await?;
        WorkCalendar::from_rows(&rows)
    }

    /// [`WorkCalendar::load`] on `conn`, e.g. inside the caller's transaction.
    pub async fn load_conn(conn: &mut sqlx::AnyConnection) -> anyhow::Result<WorkCalendar> {
        let rows = sqlx::query("SELECT day, kind FROM calendar_days")
            .fetch_all(&mut *conn)
            .await?;
        WorkCalendar::from_rows(&rows)
    }

    fn from_rows(rows: &[sqlx::any::AnyRow]) -> anyhow::Result<WorkCalendar> {
        let mut cal = WorkCalendar::new();
        for row in rows {
            let (day, kind): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            cal.insert(&day, &kind);
        }
        Ok(cal)
    }

    /// The lines, sorted by day, as `parse_calendar` would give them back
    /// (without names).
    pub fn lines(&self) -> Vec<(String, DayKind)> {
        let mut days: Vec<_> = self.overrides.iter().map(|(d, k)| (*d, *k)).collect();
        days.sort_by_key(|(d, _)| *d);
        days.into_iter().map(|(d, k)| (day_text(d), k)).collect()
    }

    /// What the calendar says about a day, if anything.
    pub fn kind(&self, day: Date) -> Option<DayKind> {
        self.overrides.get(&day).copied()
    }

    /// [`schedule_weekday`] of a `YYYY-MM-DD` day under this calendar.
    pub fn schedule_weekday(&self, day: &str) -> Option<i64> {
        schedule_weekday(day, parse_day(day).and_then(|d| self.kind(d)))
    }

    /// Whether `day` is a working day.
    pub fn is_working(&self, day: Date) -> bool {
        match self.kind(day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// Whether a `YYYY-MM-DD` day is a working day (false for text that is not
    /// a day).
    pub fn is_working_day(&self, day: &str) -> bool {
        parse_day(day).is_some_and(|d| self.is_working(d))
    }

    /// The `n`-th working day strictly after `day`; for `n = 0`, `day` itself
    /// if it is a working day, else the next one. None if it is not within
    /// [`SEARCH_LIMIT_DAYS`] days of `day` (or of the calendar's range).
    pub fn nth_working_day(&self, day: Date, n: u32) -> Option<Date> {
        if n == 0 && self.is_working(day) {
            return Some(day);
        }
        let mut left = n.max(1);
        let mut d = day;
        for _ in 0..SEARCH_LIMIT_DAYS {
            d = d.tomorrow().ok()?;
            if self.is_working(d) {
                left -= 1;
                if left == 0 {
                    return Some(d);
                }
            }
        }
        None
    }

    /// [`WorkCalendar::nth_working_day`] on `YYYY-MM-DD` text; None too if
    /// `day` is not a day or the answer lies past 9999-12-31.
    pub fn add_working_days(&self, day: &str, n: u32) -> Option<String> {
        let found = self.nth_working_day(parse_day(day)?, n)?;
        crate::time::day_start_ms(found).map(|_| day_text(found))
    }

    /// When a case filed at `filed_utc_ms` with `n` working days to go is due:
    /// the end (the next day's first instant, in Asia/Shanghai) of the `n`-th
    /// working day after the Shanghai day of filing. Filed on Friday evening
    /// with one working day, it is due at the end of Monday.
    ///
    /// Should the calendar have no such day within [`SEARCH_LIMIT_DAYS`], the
    /// deadline is the end of the last day searched: far, but not never.
    pub fn deadline_ms(&self, filed_utc_ms: i64, n: u32) -> i64 {
        let filed = shanghai_day(filed_utc_ms);
        let due = self.nth_working_day(filed, n).unwrap_or_else(|| {
            filed
                .checked_add(jiff::Span::new().days(i64::from(SEARCH_LIMIT_DAYS)))
                .unwrap_or(Date::MAX)
        });
        day_end_ms(due)
    }

    /// Whether a case due at `due_ms` is due soon at `now_ms`: not yet
    /// overdue, and due by the end of the next working day after today (at
    /// most one working day left besides the rest of today).
    pub fn is_due_soon(&self, now_ms: i64, due_ms: i64) -> bool {
        now_ms < due_ms && due_ms <= self.deadline_ms(now_ms, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::shanghai_day_start;

    const HOUR: i64 = 3_600_000;

    fn line(day: &str, kind: &str, name: &str) -> CalendarLine {
        CalendarLine {
            day: day.into(),
            kind: kind.into(),
            name: name.into(),
        }
    }

    /// Sample data, shaped like the State Council's notice for 2026 but not
    /// the official calendar: New Year, National Day and Mid-Autumn
    /// (Golden Week 2026-10-01..07) with 调休 on Sunday 2026-09-20 and
    /// Saturday 2026-10-10.
    fn sample() -> WorkCalendar {
        let mut lines = vec![
            line("2026-01-01", "holiday", "元旦"),
            line("2026-01-02", "holiday", "元旦"),
            line("2026-01-04", "workday", "元旦调休"),
            line("2026-09-20", "workday", "国庆调休"),
            line("2026-10-10", "workday", "国庆调休"),
            line("2027-01-01", "holiday", "元旦"),
        ];
        for d in 1..=7 {
            lines.push(line(&format!("2026-10-0{d}"), "holiday", "国庆节、中秋节"));
        }
        WorkCalendar::from_lines(&lines)
    }

    fn at(day: &str, hour: i64) -> i64 {
        shanghai_day_start(day).unwrap() + hour * HOUR
    }

    #[test]
    fn weekdays_holidays_and_adjusted_weekends() {
        let cal = sample();
        assert!(cal.is_working_day("2026-11-27"), "a Friday");
        assert!(!cal.is_working_day("2026-11-28"), "a Saturday");
        assert!(!cal.is_working_day("2026-10-05"), "Golden Week Monday");
        assert!(cal.is_working_day("2026-10-10"), "调休 Saturday");
        assert!(cal.is_working_day("2026-09-20"), "调休 Sunday");
        assert!(cal.is_working_day(" 2026-09-21 "), "whitespace aside");
        assert!(!cal.is_working_day("2026-9-21"));
        assert!(!cal.is_working_day("2026-02-30"));
        assert!(!cal.is_working_day(""));
        assert!(WorkCalendar::new().is_working_day("2026-10-05"));
    }

    #[test]
    fn later_lines_win_and_bad_lines_are_ignored() {
        let cal = WorkCalendar::from_lines(&[
            line("2026-05-04", "workday", "x"),
            line("2026-05-04", "holiday", "劳动节"),
            line("2026-05-09", "Workday", "x"),
            line("2026-02-30", "holiday", "x"),
            line("soon", "holiday", "x"),
        ]);
        assert_eq!(
            cal.lines(),
            vec![("2026-05-04".to_string(), DayKind::Holiday)]
        );
        assert!(!cal.is_working_day("2026-05-04"));
        assert!(!cal.is_working_day("2026-05-09"), "kind is case-sensitive");
    }

    #[test]
    fn adding_working_days() {
        let cal = sample();
        let add = |d: &str, n| cal.add_working_days(d, n);
        // Friday + 1 is Monday.
        assert_eq!(add("2026-11-27", 1).as_deref(), Some("2026-11-30"));
        assert_eq!(add("2026-11-28", 1).as_deref(), Some("2026-11-30"));
        assert_eq!(add("2026-11-27", 5).as_deref(), Some("2026-12-04"));
        // n = 0: the day itself, or the next working day.
        assert_eq!(add("2026-11-27", 0).as_deref(), Some("2026-11-27"));
        assert_eq!(add("2026-11-28", 0).as_deref(), Some("2026-11-30"));
        assert_eq!(add("2026-10-01", 0).as_deref(), Some("2026-10-08"));
        // Golden Week is skipped; the 调休 Saturday counts.
        assert_eq!(add("2026-09-30", 1).as_deref(), Some("2026-10-08"));
        assert_eq!(add("2026-09-30", 2).as_deref(), Some("2026-10-09"));
        assert_eq!(add("2026-09-30", 3).as_deref(), Some("2026-10-10"));
        assert_eq!(add("2026-09-30", 5).as_deref(), Some("2026-10-13"));
        // The 调休 Sunday before it.
        assert_eq!(add("2026-09-18", 1).as_deref(), Some("2026-09-20"));
        assert_eq!(add("2026-09-18", 2).as_deref(), Some("2026-09-21"));
        // Across the year end: New Year's Day 2027 is a Friday holiday.
        assert_eq!(add("2026-12-31", 1).as_deref(), Some("2027-01-04"));
        assert_eq!(add("2026-12-30", 2).as_deref(), Some("2027-01-04"));
        // ... and 2026's: 01-01 and 01-02 off, Sunday 01-04 worked.
        assert_eq!(add("2025-12-31", 1).as_deref(), Some("2026-01-04"));
        assert_eq!(add("2025-12-31", 2).as_deref(), Some("2026-01-05"));
        // Not a day, or past the last day.
        assert_eq!(add("2026-02-30", 1), None);
        assert_eq!(add("9999-12-31", 1), None);
        assert_eq!(add("9999-12-30", 1).as_deref(), Some("9999-12-31"));
    }

    #[test]
    fn deadlines_end_with_the_working_day() {
        let cal = sample();
        // Filed Friday 20:00 with one working day: due at the end of Monday.
        let friday = at("2026-11-27", 20);
        assert_eq!(cal.deadline_ms(friday, 1), at("2026-12-01", 0));
        assert_eq!(cal.deadline_ms(friday, 0), at("2026-11-28", 0));
        assert_eq!(cal.deadline_ms(friday, 5), at("2026-12-05", 0));
        // Filed on 09-30: the holiday is skipped.
        assert_eq!(cal.deadline_ms(at("2026-09-30", 9), 1), at("2026-10-09", 0));
        assert_eq!(cal.deadline_ms(at("2026-09-30", 9), 5), at("2026-10-14", 0));
        // 23:30 UTC on 09-30 is already 10-01 07:30 in Shanghai.
        let late = at("2026-10-01", 7) + HOUR / 2;
        assert_eq!(cal.deadline_ms(late, 1), at("2026-10-09", 0));
        assert_eq!(cal.deadline_ms(late, 0), at("2026-10-09", 0));
    }

    #[test]
    fn an_absurd_calendar_answers_without_hanging() {
        let mut lines = Vec::new();
        let mut d = crate::time::parse_day("2026-01-01").unwrap();
        for _ in 0..(SEARCH_LIMIT_DAYS + 10) {
            lines.push(line(&day_text(d), "holiday", "假"));
            d = d.tomorrow().unwrap();
        }
        let cal = WorkCalendar::from_lines(&lines);
        assert_eq!(cal.add_working_days("2026-01-01", 1), None);
        assert_eq!(cal.add_working_days("2026-01-01", 0), None);
        assert_eq!(cal.add_working_days("2026-01-01", u32::MAX), None);
        let filed = at("2026-01-01", 10);
        let far = cal.deadline_ms(filed, 1);
        assert_eq!(far, at("2029-01-04", 0), "the end of the last day searched");
        assert_eq!(cal.deadline_ms(filed, u32::MAX), far);
        // An ordinary calendar gives up on absurd counts, too.
        assert_eq!(sample().add_working_days("2026-01-01", u32::MAX), None);
        // And any instant has a deadline.
        for ms in [i64::MIN, -1, 0, i64::MAX] {
            let _ = sample().deadline_ms(ms, 3);
            let _ = sample().is_due_soon(ms, ms);
        }
        // Past the last day, the end of 9999-12-31.
        assert_eq!(
            WorkCalendar::new().deadline_ms(i64::MAX, 1),
            at("9999-12-31", 24)
        );
    }

    #[test]
    fn due_soon_means_at_most_the_next_working_day() {
        let cal = sample();
        // On Friday 10:00: due Monday's end is soon, Tuesday's is not.
        let now = at("2026-11-27", 10);
        assert!(cal.is_due_soon(now, at("2026-11-27", 17)));
        assert!(cal.is_due_soon(now, at("2026-12-01", 0)));
        assert!(!cal.is_due_soon(now, at("2026-12-01", 0) + 1));
        assert!(!cal.is_due_soon(now, now), "overdue is not due soon");
        assert!(!cal.is_due_soon(now, now - 1));
        // On 09-30 the next working day is after Golden Week.
        assert!(cal.is_due_soon(at("2026-09-30", 10), at("2026-10-08", 12)));
        assert!(!cal.is_due_soon(at("2026-09-30", 10), at("2026-10-09", 12)));
    }

    #[test]
    fn the_schedule_meaning_of_a_line() {
        let cal = sample();
        assert_eq!(cal.schedule_weekday("2026-10-05"), None, "holiday");
        assert_eq!(cal.schedule_weekday("2026-10-10"), Some(1), "调休 Saturday");
        assert_eq!(cal.schedule_weekday("2026-10-17"), Some(6), "a Saturday");
        assert_eq!(cal.schedule_weekday("2026-10-14"), Some(3));
        assert_eq!(cal.schedule_weekday("2026-10-32"), None);
        assert_eq!(schedule_weekday("x", Some(DayKind::Workday)), Some(1));
        assert_eq!(DayKind::parse("holiday"), Some(DayKind::Holiday));
        assert_eq!(
            DayKind::parse(DayKind::Workday.as_str()),
            Some(DayKind::Workday)
        );
        assert_eq!(DayKind::parse("休息"), None);
    }
}
