//! `bianmin demo`: the portal on a database of its own, with sample 延时
//! windows at a few centers and a demo admin, so a newcomer can book,
//! reschedule and work the desk at once. Every page then says 演示数据.
//! Never on by default, and never on the real database: the demo refuses to
//! start when its database is the one the portal runs on.

use crate::accounts::{Accounts, Caller};
use crate::bookings::slots::{add_window, Window};
use crate::config::Config;
use crate::storage::{sqlite_path, Db};
use app::staff::NewStaffUser;
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

/// Whether two database URLs plainly name the same database (SQLite by its
/// resolved file path). A first guard only: URLs can name one PostgreSQL
/// database many ways, so [`seed`] also refuses any database with staff of
/// its own.
fn same_database(a: &str, b: &str) -> bool {
    match (sqlite_path(a), sqlite_path(b)) {
        (Some(a), Some(b)) => resolved(&a) == resolved(&b),
        _ => a.trim_end_matches('/') == b.trim_end_matches('/'),
    }
}

/// The file's absolute path with `.`, `..` and links resolved (through its
/// folder when the file does not exist yet).
fn resolved(path: &std::path::Path) -> std::path::PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    let folder = folder.map_or_else(|| std::path::PathBuf::from("."), |p| p.to_path_buf());
    let folder = std::fs::canonicalize(&folder).unwrap_or_else(|_| {
        // Not there yet: resolve `.` and `..` by their names.
        let whole = std::path::absolute(&folder).unwrap_or(folder);
        let mut out = std::path::PathBuf::new();
        for part in whole.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    });
    folder.join(path.file_name().unwrap_or_default())
}

/// Adds the sample windows (once: a center that has windows keeps them) and
/// gives the demo admin a fresh password, which it returns.
pub async fn seed(db: &Db, accounts: &Accounts) -> anyhow::Result<String> {
    // A database with staff accounts of its own is somebody's real portal.
    let others: i64 = sqlx::query("SELECT COUNT(*) FROM staff_users WHERE username <> $1")
        .bind(DEMO_ADMIN)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    if others > 0 {
        anyhow::bail!(
            "this database has {others} staff accounts of its own: the demo runs only on a database of its own (BIANMIN_DEMO_DATABASE_URL)"
        );
    }
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
    // As an admin's reset does: unlocked, enabled, every old session ended.
    let mut tx = db.pool().begin().await?;
    let existing = sqlx::query(
        "UPDATE staff_users SET password_hash = $1, failed_logins = 0, locked_until = 0, disabled = 0
         WHERE username = $2 RETURNING id",
    )
    .bind(&hash)
    .bind(DEMO_ADMIN)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = &existing {
        let id: i64 = row.try_get(0)?;
        accounts
            .end_staff_sessions(&mut tx, id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    tx.commit().await?;
    if existing.is_none() {
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

/// Tells the operator how to sign in: the password goes to a file only its
/// owner can read, beside the demo database, and to the screen only when
/// standard output is a terminal (a captured stdout is a log). The database
/// is named without what its URL may carry (a PostgreSQL password).
pub fn announce(config: &Config, password: &str) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    let sqlite = sqlite_path(&config.database_url);
    let folder = sqlite
        .as_ref()
        .and_then(|p| p.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| std::path::PathBuf::from("data"), |p| p.to_path_buf());
    std::fs::create_dir_all(&folder)?;
    let file = folder.join("demo-admin-password.txt");
    let _ = std::fs::remove_file(&file);
    writeln!(crate::crypto::create_owner_only(&file)?, "{password}")?;
    let database = sqlite.map_or_else(|| "PostgreSQL".to_string(), |p| p.display().to_string());
    let shown = if std::io::stdout().is_terminal() {
        password.to_string()
    } else {
        format!("in {}", file.display())
    };
    println!(
        "演示数据 on {database}: sample 延时 windows at 沁园街道, 济水街道 and 克井镇. Back office: /staff/login as {DEMO_ADMIN}, password {shown}"
    );
    Ok(())
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
        // The same file through `..` is the same database.
        assert!(demo_config(
            Config {
                database_url: "sqlite://data/bianmin.db".into(),
                ..pg.clone()
            },
            Some("sqlite://data/../data/bianmin.db".into())
        )
        .is_err());
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
