//! Backups of the SQLite database while the portal takes bookings, and putting
//! one back: every booking confirmed before the backup started is in it, the
//! copy is consistent (each slot's count matches its bookings) and whole
//! (`PRAGMA integrity_check`). Restore refuses while a server holds the
//! database, a backup that does not open with the data key in use, and a file
//! that is not a backup; PostgreSQL URLs are pointed to pg_dump/pg_restore.

mod common;

use common::{bookings_instance, config, phone, spawn_app, TestDb, TEST_DATA_KEY};
use server::backup::{backup, hold_server_lock, key_path, restore};
use server::bookings::slots::{add_window, ensure_slots, Window};
use server::bookings::Bookings;
use server::storage::{sqlite_path, Db};
use server::time::{now_ms, shanghai_date};
use sqlx::Row;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const OTHER_KEY: &str = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMzI=";

/// Every half hour of the next two weeks at qinyuan, 500 places each; the ids
/// of the slots still open for booking.
async fn open_slots(db: &Db) -> Vec<i64> {
    for weekday in 1..=7 {
        add_window(
            db,
            &Window {
                center_code: "qinyuan".into(),
                weekday,
                start_min: 0,
                end_min: 1440,
                slot_minutes: 30,
                capacity: 500,
                window_kind: String::new(),
            },
        )
        .await
        .unwrap();
    }
    ensure_slots(db, "qinyuan", &shanghai_date(now_ms()), 14)
        .await
        .unwrap();
    sqlx::query("SELECT id FROM slots WHERE starts_at > $1 ORDER BY starts_at")
        .bind(now_ms() + 2 * 3_600_000)
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect()
}

async fn book(b: &Bookings, slots: &[i64], n: usize) -> String {
    b.book(slots[n % slots.len()], 201, &phone(n), "张三", "", now_ms())
        .await
        .unwrap_or_else(|e| panic!("booking {n}: {e}"))
        .code
}

fn file_of(url: &str) -> PathBuf {
    sqlite_path(url).unwrap()
}

fn write_key(path: &Path, key: &str) {
    std::fs::write(path, format!("{key}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// What a restored database holds: its booking codes, checked whole and consistent.
async fn restored_codes(url: &str) -> BTreeSet<String> {
    let db = Db::connect(url).await.unwrap();
    let check: Vec<String> = sqlx::query("PRAGMA integrity_check")
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect();
    assert_eq!(check, ["ok"], "{url}");
    // A booking and its slot's count change in one transaction: a consistent
    // copy never has one without the other.
    let torn: i64 = sqlx::query(
        "SELECT COUNT(*) FROM slots s WHERE s.booked <>
           (SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id AND b.status = 'active')",
    )
    .fetch_one(db.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert_eq!(torn, 0, "slot counts match their bookings in {url}");
    let codes = sqlx::query("SELECT code FROM bookings")
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect();
    db.pool().close().await;
    codes
}

#[tokio::test]
async fn a_backup_taken_during_booking_load_restores_every_confirmed_booking() {
    let tdb = TestDb::sqlite();
    let app = spawn_app(&tdb.url).await;
    let live = file_of(&tdb.url);
    let dir = live.parent().unwrap().to_path_buf();
    // The key file the server would have made beside the database.
    write_key(&key_path(&live), TEST_DATA_KEY);
    let slots = Arc::new(open_slots(&app.db).await);
    let bookings = app.bookings.clone();

    let confirmed = Arc::new(Mutex::new(Vec::new()));
    for n in 0..100 {
        let code = book(&bookings, &slots, n).await;
        confirmed.lock().unwrap().push(code);
    }

    // Four citizens' worth of booking traffic, on the app's own pool.
    let stop = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..4)
        .map(|t| {
            let (bookings, slots, confirmed, stop) = (
                bookings.clone(),
                slots.clone(),
                confirmed.clone(),
                stop.clone(),
            );
            tokio::spawn(async move {
                let mut n = 1_000 + t;
                while !stop.load(Ordering::Relaxed) {
                    let code = book(&bookings, &slots, n).await;
                    confirmed.lock().unwrap().push(code);
                    n += 4;
                }
            })
        })
        .collect();
    while confirmed.lock().unwrap().len() < 150 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }

    let before: BTreeSet<String> = confirmed.lock().unwrap().iter().cloned().collect();
    let out = dir.join("backups").join("nightly.db");
    let report = backup(&app.db, &out).await.unwrap();
    let after_library = confirmed.lock().unwrap().len();
    assert_eq!(report.path, out);
    assert!(report.bytes > 0);
    let copied_key = report.key.clone().expect("the key file is copied");
    assert_eq!(copied_key, dir.join("backups").join("nightly.key"));
    assert_eq!(
        std::fs::read_to_string(&copied_key).unwrap().trim(),
        TEST_DATA_KEY
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&copied_key), 0o600);
        assert_eq!(mode(&out), 0o600, "a backup holds personal data");
    }
    assert!(
        backup(&app.db, &out).await.is_err(),
        "a backup never overwrites"
    );

    // The real command, on the same live database, still under load.
    let before_cli: BTreeSet<String> = confirmed.lock().unwrap().iter().cloned().collect();
    let cli_out = dir.join("backups").join("cli.db");
    let output = {
        let (url, cli_out) = (tdb.url.clone(), cli_out.clone());
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_bianmin"))
                .args(["admin", "backup"])
                .arg(&cli_out)
                .env("DATABASE_URL", url)
                .env("BIANMIN_DATA_KEY", TEST_DATA_KEY)
                .env("RUST_LOG", "warn")
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("backed up"), "{stdout}");
    assert!(
        stdout.contains("BIANMIN_DATA_KEY"),
        "says the key must be kept: {stdout}"
    );

    stop.store(true, Ordering::Relaxed);
    for t in load {
        t.await.unwrap();
    }
    let all: BTreeSet<String> = confirmed.lock().unwrap().iter().cloned().collect();
    assert!(
        all.len() > after_library,
        "bookings went on while the backups ran"
    );

    // Into a fresh place with no key: the backup's key file is installed.
    let fresh = TestDb::sqlite();
    let mut target = config(&fresh.url);
    target.identity.data_key = None;
    let r = restore(&target, &out).await.unwrap();
    assert!(r.key_verified);
    let installed = r.key_installed.expect("the backup's key is put in place");
    assert_eq!(installed, key_path(&file_of(&fresh.url)));
    #[cfg(unix)]
    assert_eq!(mode(&installed), 0o600);
    let restored = restored_codes(&fresh.url).await;
    let missing: Vec<_> = before.difference(&restored).collect();
    assert!(
        missing.is_empty(),
        "confirmed before the backup, missing: {missing:?}"
    );
    assert!(restored.is_subset(&all), "nothing but real bookings");
    eprintln!(
        "confirmed before the backup {}, in it {}, when it returned {after_library}, in all {}",
        before.len(),
        restored.len(),
        all.len()
    );

    // The command's backup, under BIANMIN_DATA_KEY.
    let fresh_cli = TestDb::sqlite();
    let r = restore(&config(&fresh_cli.url), &cli_out).await.unwrap();
    assert!(r.key_verified);
    assert!(r.key_installed.is_none(), "the key is BIANMIN_DATA_KEY");
    let restored = restored_codes(&fresh_cli.url).await;
    let missing: Vec<_> = before_cli.difference(&restored).collect();
    assert!(
        missing.is_empty(),
        "confirmed before the command's backup, missing: {missing:?}"
    );
    assert!(restored.is_subset(&all));

    // The restored database serves: the app starts on it and finds a booking.
    let code = before.iter().next().unwrap().clone();
    let again = spawn_app(&fresh.url).await;
    assert!(again.bookings.by_code(&code).await.unwrap().is_some());
}

/// A database with one booking, backed up with its key file; returns the
/// backup's path.
async fn a_backup(dir: &Path) -> PathBuf {
    let tdb = TestDb::sqlite();
    let b = bookings_instance(&tdb.url).await;
    write_key(&key_path(&file_of(&tdb.url)), TEST_DATA_KEY);
    let slots = open_slots(b.db()).await;
    book(&b, &slots, 1).await;
    let out = dir.join("one.db");
    backup(b.db(), &out).await.unwrap();
    b.db().pool().close().await;
    out
}

async fn booking_count(url: &str) -> i64 {
    let db = Db::connect(url).await.unwrap();
    let n = sqlx::query("SELECT COUNT(*) FROM bookings")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    db.pool().close().await;
    n
}

#[tokio::test]
async fn restore_refuses_while_a_server_holds_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = a_backup(dir.path()).await;
    let target = TestDb::sqlite();
    // The target exists (seeded, no bookings).
    let live = bookings_instance(&target.url).await;
    live.db().pool().close().await;

    // Two servers may share the lock; a restore may not.
    let first = hold_server_lock(&target.url).unwrap().expect("a lock file");
    let second = hold_server_lock(&target.url).unwrap().expect("shared");
    let err = restore(&config(&target.url), &out)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("server is running"), "{err}");
    assert_eq!(booking_count(&target.url).await, 0, "left as it was");
    drop(first);
    let err = restore(&config(&target.url), &out)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("server is running"), "{err}");
    drop(second);

    std::fs::write(format!("{}-wal", file_of(&target.url).display()), b"stale").unwrap();
    restore(&config(&target.url), &out).await.unwrap();
    assert!(
        !Path::new(&format!("{}-wal", file_of(&target.url).display())).exists(),
        "the old log is gone"
    );
    assert_eq!(booking_count(&target.url).await, 1);
    assert!(hold_server_lock(&target.url).unwrap().is_some());
    assert!(
        hold_server_lock("sqlite::memory:").unwrap().is_none(),
        "nothing to lock"
    );
}

#[tokio::test]
async fn restore_refuses_a_backup_the_data_key_cannot_open() {
    let dir = tempfile::tempdir().unwrap();
    let out = a_backup(dir.path()).await;
    let backup_key = key_path(&out);

    // Another key file in place: refused, nothing written.
    let target = TestDb::sqlite();
    let db_file = file_of(&target.url);
    std::fs::create_dir_all(db_file.parent().unwrap()).unwrap();
    write_key(&key_path(&db_file), OTHER_KEY);
    let mut cfg = config(&target.url);
    cfg.identity.data_key = None;
    let err = restore(&cfg, &out).await.unwrap_err().to_string();
    assert!(err.contains("another data key"), "{err}");
    assert!(!db_file.exists());

    // Another BIANMIN_DATA_KEY, the backup's key file gone: its data does not open.
    std::fs::remove_file(&backup_key).unwrap();
    let mut cfg = config(&target.url);
    cfg.identity.data_key = Some(OTHER_KEY.into());
    let err = format!("{:#}", restore(&cfg, &out).await.unwrap_err());
    assert!(err.contains("another key"), "{err}");
    assert!(!db_file.exists());

    // No key anywhere: refused, pointing to the key file to bring back.
    std::fs::remove_file(key_path(&db_file)).unwrap();
    let mut cfg = config(&target.url);
    cfg.identity.data_key = None;
    let err = format!("{:#}", restore(&cfg, &out).await.unwrap_err());
    assert!(err.contains("no data key"), "{err}");
    assert!(!db_file.exists());

    // The right key: restored.
    write_key(&key_path(&db_file), TEST_DATA_KEY);
    let r = restore(&cfg, &out).await.unwrap();
    assert!(r.key_verified && r.key_installed.is_none());
    assert_eq!(booking_count(&target.url).await, 1);

    // Not a database at all: refused, the database left as it was.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    let err = format!("{:#}", restore(&cfg, &junk).await.unwrap_err());
    assert!(err.contains("was not restored"), "{err}");
    assert_eq!(booking_count(&target.url).await, 1);
    let leftovers: Vec<_> = std::fs::read_dir(db_file.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".restore-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

#[tokio::test]
async fn postgres_urls_are_pointed_to_pg_dump_and_pg_restore() {
    let pg = config("postgres://bianmin@127.0.0.1:1/bianmin");
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let err = server::cli::admin(pg.clone(), &args(&["backup", "/tmp/x.db"]))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("pg_dump -Fc"), "{err}");
    let err = server::cli::admin(pg.clone(), &args(&["restore", "/tmp/x.db"]))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("pg_restore --clean --if-exists -d"), "{err}");
    let err = restore(&pg, Path::new("/tmp/x.db"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("pg_restore"), "{err}");
    let usage = server::cli::admin(pg, &args(&["backup"]))
        .await
        .unwrap_err()
        .to_string();
    assert!(usage.contains("admin backup PATH"), "{usage}");
}
