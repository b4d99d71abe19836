//! The working-day calendar (`server::calendar`): property tests against a
//! plain day-by-day count over the same lines (across year ends, Golden Week
//! and 调休 weekends, on any input without a panic), and, on both databases,
//! that a calendar imported for 延时预约 is the one deadlines are counted on.

mod common;

use common::{backends, bookings_instance};
use proptest::prelude::*;
use server::bookings::slots::{import_calendar, parse_calendar, schedule_day, CalendarLine};
use server::calendar::{DayKind, WorkCalendar, SEARCH_LIMIT_DAYS};
use server::time::{add_days, iso_weekday, shanghai_date, shanghai_day_start};
use std::collections::HashMap;

const DAY_MS: i64 = 86_400_000;

fn line(day: &str, kind: &str) -> CalendarLine {
    CalendarLine {
        day: day.into(),
        kind: kind.into(),
        name: "测试".into(),
    }
}

/// Sample data, shaped like the State Council's notice for 2026 but NOT the
/// official calendar: New Year (2026-01-01..02 off, Sunday 01-04 worked),
/// Golden Week (National Day and Mid-Autumn, 2026-10-01..07 off) with 调休
/// on Sunday 2026-09-20 and Saturday 2026-10-10, and New Year 2027.
fn sample_2026() -> Vec<CalendarLine> {
    let mut lines = vec![
        line("2026-01-01", "holiday"),
        line("2026-01-02", "holiday"),
        line("2026-01-04", "workday"),
        line("2026-09-20", "workday"),
        line("2026-10-10", "workday"),
        line("2027-01-01", "holiday"),
    ];
    for d in 1..=7 {
        lines.push(line(&format!("2026-10-0{d}"), "holiday"));
    }
    lines
}

// ---- the reference: the lines, read one day at a time ----

struct Reference(HashMap<String, bool>);

impl Reference {
    /// Later lines win; only lines the importer would accept count.
    fn new(lines: &[CalendarLine]) -> Reference {
        let mut days = HashMap::new();
        for l in lines {
            let working = match l.kind.trim() {
                "holiday" => false,
                "workday" => true,
                _ => continue,
            };
            if shanghai_day_start(&l.day).is_some() {
                days.insert(l.day.trim().to_string(), working);
            }
        }
        Reference(days)
    }

    fn working(&self, day: &str) -> bool {
        match self.0.get(day) {
            Some(w) => *w,
            None => iso_weekday(day).is_some_and(|w| w <= 5),
        }
    }

    /// Working days in `(from, to]`.
    fn count(&self, from: &str, to: &str) -> u32 {
        let mut n = 0;
        let mut d = from.to_string();
        while d.as_str() < to {
            d = add_days(&d, 1).unwrap();
            n += u32::from(self.working(&d));
        }
        n
    }
}

// ---- inputs ----

/// A day near a year end (12-20 … 01-12), in the Golden Week season of
/// 2026, or anywhere in 1970..=9999.
fn day() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (1971i32..=2099, -12i64..=11)
            .prop_map(|(y, o)| add_days(&format!("{y}-01-01"), o).unwrap()),
        3 => (-20i64..=30).prop_map(|o| add_days("2026-10-01", o).unwrap()),
        1 => (0i64..=2_932_896).prop_map(|o| add_days("1970-01-01", o).unwrap()),
    ]
}

/// Lines about the days around `start`: random holidays and workdays, a
/// New Year's holiday, a 调休 Saturday, and sometimes the 2026 sample.
fn calendar_near(start: String) -> impl Strategy<Value = (String, Vec<CalendarLine>)> {
    let kinds = prop::sample::select(vec!["holiday", "workday"]);
    (
        prop::collection::vec((-10i64..60, kinds), 0..25),
        any::<bool>(),
        any::<bool>(),
        0i64..14,
    )
        .prop_map(move |(random, with_sample, new_year, saturday_after)| {
            let mut lines = if with_sample {
                sample_2026()
            } else {
                Vec::new()
            };
            if new_year {
                if let Some(next_year) = start
                    .get(0..4)
                    .and_then(|y| y.parse::<i32>().ok())
                    .map(|y| format!("{:04}-01-01", y + 1))
                    .filter(|d| shanghai_day_start(d).is_some())
                {
                    lines.push(line(&next_year, "holiday"));
                }
            }
            // The first Saturday some days after start, made a 调休 workday.
            let mut d = add_days(&start, saturday_after);
            while let Some(day) = d.as_deref().filter(|d| iso_weekday(d) != Some(6)) {
                d = add_days(day, 1);
            }
            if let Some(saturday) = d {
                lines.push(line(&saturday, "workday"));
            }
            for (offset, kind) in random {
                if let Some(day) = add_days(&start, offset) {
                    lines.push(line(&day, kind));
                }
            }
            (start.clone(), lines)
        })
}

fn day_and_calendar() -> impl Strategy<Value = (String, Vec<CalendarLine>)> {
    day().prop_flat_map(calendar_near)
}

fn working_days() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..=10, 1 => 0u32..=300]
}

fn junk() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        day(),
        day().prop_map(|d| format!(" {d}\t")),
        Just("2026-02-30".to_string()),
        Just("9999-12-31".to_string()),
        Just("1970-01-01".to_string()),
        "[0-9-]{8,12}",
    ]
}

fn junk_lines() -> impl Strategy<Value = Vec<CalendarLine>> {
    prop::collection::vec(
        (
            junk(),
            prop_oneof![
                Just("holiday".to_string()),
                Just("workday".to_string()),
                any::<String>()
            ],
        )
            .prop_map(|(day, kind)| line(&day, &kind)),
        0..20,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_input_is_answered_without_a_panic(
        lines in junk_lines(),
        day in junk(),
        n in any::<u32>(),
        at in any::<i64>(),
        due in any::<i64>(),
    ) {
        let cal = WorkCalendar::from_lines(&lines);
        let reference = Reference::new(&lines);
        let working = cal.is_working_day(&day);
        prop_assert_eq!(working, shanghai_day_start(&day).is_some() && reference.working(day.trim()));
        if let Some(found) = cal.add_working_days(&day, n) {
            prop_assert!(cal.is_working_day(&found));
            prop_assert!(found.as_str() >= day.trim());
        }
        let deadline = cal.deadline_ms(at, n);
        prop_assert!(deadline > at || at >= deadline_of_the_last_day(), "{} {}", deadline, at);
        let _ = cal.is_due_soon(at, due);
        let _ = cal.schedule_weekday(&day);
    }

    #[test]
    fn the_nth_working_day_is_n_working_days_on(
        (start, lines) in day_and_calendar(),
        n in working_days(),
    ) {
        let cal = WorkCalendar::from_lines(&lines);
        let reference = Reference::new(&lines);
        let found = cal.add_working_days(&start, n);
        if start.as_str() < "9999-01-01" {
            prop_assert!(found.is_some(), "{} + {} working days", start, n);
        }
        if let Some(found) = found {
            prop_assert!(reference.working(&found), "{} is not a working day", found);
            prop_assert!(cal.is_working_day(&found));
            if n == 0 {
                prop_assert!(found >= start);
                // No working day before it, from start on.
                prop_assert_eq!(reference.count(&start, &found), u32::from(found != start));
            } else {
                prop_assert!(found > start);
                prop_assert_eq!(reference.count(&start, &found), n, "{} + {} = {}", start, n, found);
            }
            // The calendar agrees with the reference on every day walked.
            let mut d = start.clone();
            while d <= found {
                prop_assert_eq!(cal.is_working_day(&d), reference.working(&d), "{}", d);
                d = match add_days(&d, 1) {
                    Some(next) => next,
                    None => break,
                };
            }
        }
    }

    #[test]
    fn more_working_days_land_strictly_later(
        (start, lines) in day_and_calendar(),
        n in working_days(),
    ) {
        let cal = WorkCalendar::from_lines(&lines);
        let a = cal.add_working_days(&start, n);
        let b = cal.add_working_days(&start, n + 1);
        if let Some(b) = &b {
            // From a day off, 0 and 1 working days both mean the next working day.
            let later = |a: &String| if n == 0 { a <= b } else { a < b };
            prop_assert!(a.as_ref().is_some_and(later), "{:?} then {}", a, b);
        }
        let filed = shanghai_day_start(&start).unwrap() + DAY_MS / 3;
        prop_assert!(cal.deadline_ms(filed, n) <= cal.deadline_ms(filed, n + 1));
    }

    #[test]
    fn a_deadline_ends_the_nth_working_day_in_shanghai(
        (start, lines) in day_and_calendar(),
        n in working_days(),
        into_the_day in 0i64..DAY_MS,
    ) {
        prop_assume!(start.as_str() < "9999-01-01");
        let cal = WorkCalendar::from_lines(&lines);
        let filed = shanghai_day_start(&start).unwrap() + into_the_day;
        prop_assert_eq!(shanghai_date(filed), start.clone());
        let due_day = cal.add_working_days(&start, n).unwrap();
        let deadline = cal.deadline_ms(filed, n);
        prop_assert_eq!(Some(deadline), shanghai_day_start(&add_days(&due_day, 1).unwrap()));
        prop_assert_eq!(shanghai_date(deadline - 1), due_day);
        prop_assert!(deadline > filed);
        // Due soon: by the end of the next working day, and not yet overdue.
        let next = cal.deadline_ms(filed, 1);
        prop_assert!(cal.is_due_soon(filed, next));
        prop_assert!(!cal.is_due_soon(filed, next + 1));
        prop_assert!(!cal.is_due_soon(filed, filed));
        prop_assert_eq!(cal.is_due_soon(filed, deadline), n <= 1);
    }

    #[test]
    fn golden_week_is_skipped_and_its_adjusted_weekends_worked(
        offset in -15i64..=15,
        n in 1u32..=12,
    ) {
        let cal = WorkCalendar::from_lines(&sample_2026());
        let start = add_days("2026-10-01", offset).unwrap();
        let found = cal.add_working_days(&start, n).unwrap();
        prop_assert!(!("2026-10-01"..="2026-10-07").contains(&found.as_str()), "{}", found);
        // Every day between that a plain week would work, bar the holiday,
        // plus the two 调休 weekend days, is counted.
        let mut counted = 0;
        let mut d = start.clone();
        while d < found {
            d = add_days(&d, 1).unwrap();
            let holiday = ("2026-10-01"..="2026-10-07").contains(&d.as_str());
            let adjusted = d == "2026-09-20" || d == "2026-10-10";
            if adjusted || (!holiday && iso_weekday(&d).unwrap() <= 5) {
                counted += 1;
            }
        }
        prop_assert_eq!(counted, n);
    }
}

/// The end of 9999-12-31 in Shanghai: deadlines saturate there.
fn deadline_of_the_last_day() -> i64 {
    shanghai_day_start("9999-12-31").unwrap() + DAY_MS
}

#[test]
fn an_endless_holiday_gives_up_after_three_years() {
    let mut lines = Vec::new();
    let mut d = "2026-12-28".to_string();
    for _ in 0..SEARCH_LIMIT_DAYS + 30 {
        lines.push(line(&d, "holiday"));
        d = add_days(&d, 1).unwrap();
    }
    let cal = WorkCalendar::from_lines(&lines);
    for n in [0, 1, 5, u32::MAX] {
        assert_eq!(cal.add_working_days("2026-12-28", n), None);
    }
    let filed = shanghai_day_start("2026-12-28").unwrap() + 9 * 3_600_000;
    let far = cal.deadline_ms(filed, 1);
    assert!(far > filed + 3 * 365 * DAY_MS, "far, but finite: {far}");
    assert_eq!(cal.deadline_ms(filed, 1), cal.deadline_ms(filed, 99));
}

#[tokio::test]
async fn the_imported_calendar_is_the_one_deadlines_count_on() {
    let mut csv = String::from("date,kind,name\n");
    for l in sample_2026() {
        csv.push_str(&format!("{},{},{}\n", l.day, l.kind, l.name));
    }
    // Re-imported lines replace earlier ones.
    csv.push_str(
        "2026-01-04,holiday,改为休息\n2026-11-27,holiday,临时\n2026-11-27,workday,又改回\n",
    );
    let expected = WorkCalendar::from_lines(&parse_calendar(&csv).unwrap());
    for tdb in backends().await {
        let b = bookings_instance(&tdb.url).await;
        let db = b.db();
        assert_eq!(WorkCalendar::load(db).await.unwrap(), WorkCalendar::new());
        import_calendar(db, &csv).await.unwrap();
        let loaded = WorkCalendar::load(db).await.unwrap();
        assert_eq!(loaded, expected, "{}", tdb.url);
        assert_eq!(loaded.lines().len(), 14);
        assert!(!loaded.is_working_day("2026-01-04"));
        assert!(loaded.is_working_day("2026-10-10"));
        assert_eq!(
            loaded.kind(server::time::parse_day("2026-11-27").unwrap()),
            Some(DayKind::Workday)
        );
        assert_eq!(
            loaded.add_working_days("2026-09-30", 1).as_deref(),
            Some("2026-10-08")
        );
        // The same inside a transaction.
        let mut tx = db.pool().begin().await.unwrap();
        assert_eq!(WorkCalendar::load_conn(&mut tx).await.unwrap(), expected);
        tx.rollback().await.unwrap();
        // Slots read the lines with the same meaning.
        let mut d = "2026-09-15".to_string();
        while d.as_str() <= "2026-10-20" {
            assert_eq!(
                schedule_day(db, "qinyuan", &d).await.unwrap(),
                loaded.schedule_weekday(&d),
                "{d}"
            );
            // A working day is one with a weekday (Monday's included) schedule.
            assert_eq!(
                loaded.schedule_weekday(&d).is_some_and(|w| w <= 5),
                loaded.is_working_day(&d),
                "{d}"
            );
            d = add_days(&d, 1).unwrap();
        }
        drop(b);
        tdb.cleanup().await;
    }
}
