//! `bianmin demo`: the portal on a database of its own, with sample 延时
//! windows at a few centers and a demo admin, so a newcomer can book,
//! reschedule and work the desk at once. Every page then says 演示数据.
//! Never on by default, and never on the real database: the demo refuses to
//! start when its database is the one the portal runs on.

use crate::accounts::{Accounts, Caller};
use crate::bookings::slots::{add_window, Window};
use crate::config::Config;
use crate::storage::{sqlite_path, Db};
use app::backoffice::NewStaffUser;
use sqlx::Row;

/// Where the demo keeps its data unless `BIANMIN_DEMO_DATABASE_URL` says otherwise.
pub const DEFAULT_DEMO_DATABASE_URL: &str = "sqlite://data/demo.db";

/// The demo's city admin; a new password is printed at every start.
pub const DEMO_ADMIN: &str = "demo_admin";

/// Sample after-hours windows (not the city's real hours, which the seed does
/// not give; admins set those in 延时窗口).
pub const DEMO_WINDOWS: [DemoWindow; 6] = [
    // 沁园街道: lunchtime on workdays, and Saturday morning.
    DemoWindow::new("qinyuan", &[1, 2, 3, 4, 5], (12, 0), (14, 0), 30, 2),
    DemoWindow::new("qinyuan", &[6], (9, 0), (12, 0), 30, 3),
    // 济水街道: two evenings a week.
    DemoWindow::new("jishui", &[2, 4], (17, 30), (19, 30), 30, 2),
    DemoWindow::new("jishui", &[6], (9, 0), (11, 0), 30, 2),
    // 克井镇: Saturday and Sunday mornings, one place per slot (shows 约满 and 候补 soon).
    DemoWindow::new("kejing", &[6], (9, 0), (11, 30), 30, 1),
    DemoWindow::new("kejing", &[7], (9, 0), (11, 30), 30, 1),
];

/// Weekly windows of one center on the given ISO weekdays, `from`–`to` (hour, minute).
pub struct DemoWindow {
    pub center: &'static str,
    pub weekdays: &'static [i64],
    pub from: (i64, i64),
    pub to: (i64, i64),
    pub slot_minutes: i64,
    pub capacity: i64,
}

impl DemoWindow {
    const fn new(
        center: &'static str,
        weekdays: &'static [i64],
        from: (i64, i64),
        to: (i64, i64),
        slot_minutes: i64,
        capacity: i64,
    ) -> DemoWindow {
        DemoWindow {
            center,
            weekdays,
            from,
            to,
            slot_minutes,
            capacity,
        }
    }
}

/// The configuration the demo runs with: `config` moved to the demo database
/// (`demo_url`, or the default), with the banner on. Refuses a demo database
/// that is the real one.
pub fn demo_config(mut config: Config, demo_url: Option<String>) -> anyhow::Result<Config> {
    let demo = demo_url.unwrap_or_else(|| DEFAULT_DEMO_DATABASE_URL.to_string());
    if same_database(&config.database_url, &demo) {
        anyhow::bail!(
            "the demo database must not be the portal's own ({demo}); set BIANMIN_DEMO_DATABASE_URL to another"
        );
    }
    config.database_url = demo;
    config.demo = true;
    Ok(config)
}

/// Whether two database URLs name the same database (SQLite by file path).
fn same_database(a: &str, b: &str) -> bool {
    match (sqlite_path(a), sqlite_path(b)) {
        (Some(a), Some(b)) => {
            let clean = |p: std::path::PathBuf| {
                std::path::absolute(&p)
                    .unwrap_or(p)
                    .components()
                    .filter(|c| !matches!(c, std::path::Component::CurDir))
                    .collect::<std::path::PathBuf>()
            };
            clean(a) == clean(b)
        }
        _ => a.trim_end_matches('/') == b.trim_end_matches('/'),
    }
}

/// Adds the sample windows (once: a center that has windows keeps them) and
/// gives the demo admin a fresh password, which it returns.
pub async fn seed(db: &Db, accounts: &Accounts) -> anyhow::Result<String> {
    let mut centers: Vec<&str> = DEMO_WINDOWS.iter().map(|w| w.center).collect();
    centers.dedup();
    for center in centers {
        let existing: i64 =
            sqlx::query("SELECT COUNT(*) FROM schedule_windows WHERE center_code = $1")
                .bind(center)
                .fetch_one(db.pool())
                .await?
                .try_get(0)?;
        if existing > 0 {
            continue;
        }
        for w in DEMO_WINDOWS.iter().filter(|w| w.center == center) {
            for day in w.weekdays {
                add(db, w, *day).await?;
            }
        }
    }
    let password = fresh_password();
    let hash = crate::accounts::hash_blocking(&password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let updated = sqlx::query("UPDATE staff_users SET password_hash = $1 WHERE username = $2")
        .bind(&hash)
        .bind(DEMO_ADMIN)
        .execute(db.pool())
        .await?
        .rows_affected();
    if updated == 0 {
        let new = NewStaffUser {
            username: DEMO_ADMIN.into(),
            display_name: "演示管理员".into(),
            role: "city_admin".into(),
            center: String::new(),
            password: password.clone(),
        };
        accounts
            .create_staff(&Caller::cli(), &new)
            .await
            .map_err(|e| anyhow::anyhow!("demo admin: {e}"))?;
    }
    Ok(password)
}

async fn add(db: &Db, w: &DemoWindow, weekday: i64) -> anyhow::Result<i64> {
    add_window(
        db,
        &Window {
            center_code: w.center.into(),
            weekday,
            start_min: w.from.0 * 60 + w.from.1,
            end_min: w.to.0 * 60 + w.to.1,
            slot_minutes: w.slot_minutes,
            capacity: w.capacity,
            window_kind: String::new(),
        },
    )
    .await
}

/// A password the staff rules accept: lower, upper, digit and a symbol.
fn fresh_password() -> String {
    let token = crate::crypto::new_token();
    format!("Demo-{}-7k", token.get(..12).unwrap_or("x"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_never_runs_on_the_real_database() {
        let real = Config {
            database_url: "sqlite://data/bianmin.db".into(),
            ..crate::config::Config::from_env().unwrap()
        };
        for same in [
            "sqlite://data/bianmin.db",
            "sqlite:data/bianmin.db",
            "sqlite://./data/bianmin.db",
            "sqlite://data/bianmin.db?mode=rwc",
        ] {
            assert!(
                demo_config(real.clone(), Some(same.into())).is_err(),
                "{same}"
            );
        }
        let demo = demo_config(real.clone(), None).unwrap();
        assert_eq!(demo.database_url, DEFAULT_DEMO_DATABASE_URL);
        assert!(demo.demo);
        assert!(!real.demo);
        let pg = Config {
            database_url: "postgres://127.0.0.1/bianmin".into(),
            ..real
        };
        assert!(demo_config(pg.clone(), Some("postgres://127.0.0.1/bianmin/".into())).is_err());
        assert!(demo_config(pg, Some("postgres://127.0.0.1/bianmin_demo".into())).is_ok());
    }

    #[test]
    fn demo_passwords_pass_the_staff_rules_and_differ() {
        let (a, b) = (fresh_password(), fresh_password());
        assert_eq!(app::identity::check_password(&a), Ok(()));
        assert_ne!(a, b);
    }

    #[test]
    fn sample_windows_fit_their_slots() {
        for w in &DEMO_WINDOWS {
            let (from, to) = (w.from.0 * 60 + w.from.1, w.to.0 * 60 + w.to.1);
            assert!(
                to > from && (to - from) % w.slot_minutes == 0,
                "{}",
                w.center
            );
            assert!(w.weekdays.iter().all(|d| (1..=7).contains(d)));
        }
    }
}
