//! Backups of the embedded SQLite database, and putting one back.
//!
//! `bianmin admin backup PATH` copies the live database with `VACUUM INTO` on
//! the app's own pool: one read transaction, so the copy is the database as it
//! was at one instant, taken while the portal keeps serving (in WAL mode
//! writers go on beside a reader). It is written under a temporary name beside
//! PATH (mode 0600: it holds personal data) and renamed when complete, so PATH
//! is either absent or a whole backup. The data key file beside the database
//! (`<db>.key`) is copied beside the backup (`PATH` with extension `.key`,
//! mode 0600): phones and names are stored encrypted, and a backup without its
//! key can never be read.
//!
//! `bianmin admin restore PATH` puts a backup back, refusing while a server
//! runs on the database: every server holds a shared `flock` on `<db>.lock`
//! for its life ([`hold_server_lock`]), and restore needs it exclusively. The
//! backup is copied to a temporary file beside the database, checked
//! (`PRAGMA integrity_check`, migrations this binary knows, and that its
//! encrypted values open with the data key that will be in use), the target's
//! stale `-wal`/`-shm` files are removed and the copy is renamed over it.
//!
//! PostgreSQL has its own tools (`pg_dump`/`pg_restore`); these commands
//! refuse a `postgres:` URL and say so.

use crate::config::Config;
use crate::crypto::{create_owner_only, Secrets};
use crate::storage::{sqlite_path, Backend, Db};
use anyhow::{bail, Context};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const PG_BACKUP_HINT: &str = "this database is PostgreSQL: back it up with its own tool, e.g.\n  pg_dump -Fc -f bianmin.dump \"$DATABASE_URL\"\n(BIANMIN_DATA_KEY must be kept with the dump: the phones in it are encrypted with it)";

pub const PG_RESTORE_HINT: &str = "this database is PostgreSQL: restore a pg_dump with its own tool, e.g.\n  pg_restore --clean --if-exists -d \"$DATABASE_URL\" bianmin.dump\n(with every instance stopped, and the BIANMIN_DATA_KEY the dump was made under)";

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    /// Where the data key file was copied, if the database has one beside it.
    pub key: Option<PathBuf>,
    pub elapsed: Duration,
}

/// What a restore put back.
#[derive(Debug)]
pub struct RestoreReport {
    pub database: PathBuf,
    pub bytes: u64,
    /// The key file copied from beside the backup (there was none in place).
    pub key_installed: Option<PathBuf>,
    /// Whether an encrypted value was opened with the key now in use.
    pub key_verified: bool,
    pub elapsed: Duration,
}

/// The key file of a database or a backup: same name, extension `.key`.
pub fn key_path(db: &Path) -> PathBuf {
    db.with_extension("key")
}

/// The lock file servers and restore agree on: same name, extension `.lock`.
pub fn lock_path(db: &Path) -> PathBuf {
    db.with_extension("lock")
}

/// Taken by the server for its whole life (keep the file open): a shared lock
/// on `<db>.lock`, so several processes may serve, but `admin restore` (which
/// needs it exclusively) refuses while any does, and a server does not start
/// while a restore runs. None for PostgreSQL and in-memory databases.
///
/// `let _server_lock = crate::backup::hold_server_lock(&config.database_url)?;`
pub fn hold_server_lock(database_url: &str) -> anyhow::Result<Option<File>> {
    let Some(db) = sqlite_path(database_url) else {
        return Ok(None);
    };
    let lock = lock_path(&db);
    match try_lock(&lock, Lock::Shared)? {
        Some(file) => Ok(Some(file)),
        None => bail!(
            "a restore is running on {} (it holds {}); start the server when it has finished",
            db.display(),
            lock.display()
        ),
    }
}

#[derive(Clone, Copy)]
enum Lock {
    Shared,
    Exclusive,
}

/// Opens (creating) `path` and takes an advisory lock without waiting:
/// None when another open file holds a conflicting one. The lock lasts as long
/// as the returned file is open, and ends with the process however it ends.
fn try_lock(path: &Path, kind: Lock) -> anyhow::Result<Option<File>> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts
        .open(path)
        .with_context(|| format!("opening the lock file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let op = libc::LOCK_NB
            | match kind {
                Lock::Shared => libc::LOCK_SH,
                Lock::Exclusive => libc::LOCK_EX,
            };
        loop {
            // SAFETY: flock only reads the descriptor, which `file` keeps open.
            if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
                return Ok(Some(file));
            }
            let err = std::io::Error::last_os_error();
            match err.raw_os_error() {
                Some(libc::EWOULDBLOCK) => return Ok(None),
                Some(libc::EINTR) => continue,
                _ => {
                    return Err(err).with_context(|| format!("locking {}", path.display()));
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = kind;
        tracing::warn!("no advisory locks on this platform: make sure no server is running");
        Ok(Some(file))
    }
}

/// The `sqlite:` file a URL names, or why these commands cannot work on it.
pub fn sqlite_file(database_url: &str, hint: &str) -> anyhow::Result<PathBuf> {
    if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        bail!("{hint}");
    }
    sqlite_path(database_url).ok_or_else(|| {
        anyhow::anyhow!("DATABASE_URL names no SQLite file: nothing to back up or restore")
    })
}

/// Copies the live database `db` (SQLite) to `dest`, consistently, while the
/// application keeps using it; and its key file to `dest` with extension
/// `.key`. Refuses to overwrite anything.
pub async fn backup(db: &Db, dest: &Path) -> anyhow::Result<BackupReport> {
    if db.backend() == Backend::Postgres {
        bail!("{PG_BACKUP_HINT}");
    }
    let started = Instant::now();
    let source: String = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    if source.is_empty() {
        bail!("an in-memory database has nothing to back up");
    }
    let source = PathBuf::from(source);
    if dest.extension().is_some_and(|e| e == "key" || e == "lock") {
        bail!(
            "{}: a backup's name must not end in .key or .lock: its key file goes there",
            dest.display()
        );
    }
    if dest.exists() {
        bail!(
            "{} exists already; a backup never overwrites",
            dest.display()
        );
    }
    let dir = match dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = dest
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{} names no file", dest.display()))?;
    let source_key = key_path(&source);
    let dest_key = key_path(dest);
    let key = match std::fs::read_to_string(&source_key) {
        Ok(k) => {
            if dest_key.exists() {
                bail!(
                    "{} exists already; a backup never overwrites",
                    dest_key.display()
                );
            }
            Some(k)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", source_key.display())),
    };

    // VACUUM INTO accepts an existing empty file: created here, owner-only.
    let tmp = dir.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    drop(create_owner_only(&tmp).with_context(|| format!("creating {}", tmp.display()))?);
    let written = async {
        sqlx::query("VACUUM INTO $1")
            .bind(tmp.to_string_lossy().into_owned())
            .execute(db.pool())
            .await
            .context("copying the database (VACUUM INTO)")?;
        File::open(&tmp)?.sync_all()?;
        if dest.exists() {
            bail!(
                "{} appeared meanwhile; a backup never overwrites",
                dest.display()
            );
        }
        std::fs::rename(&tmp, dest)
            .with_context(|| format!("renaming {} to {}", tmp.display(), dest.display()))?;
        Ok(())
    }
    .await;
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let key = match key {
        Some(k) => {
            write_key(&dest_key, &k)?;
            Some(dest_key)
        }
        None => None,
    };
    sync_dir(&dir);
    Ok(BackupReport {
        path: dest.to_path_buf(),
        bytes: std::fs::metadata(dest)?.len(),
        key,
        elapsed: started.elapsed(),
    })
}

/// Puts the backup at `backup` in place of the SQLite database `config` names.
/// Refuses while a server runs on it, for a backup that fails its integrity
/// check or comes from a newer version, and when its encrypted values would
/// not open with the data key in use afterwards (BIANMIN_DATA_KEY, else the
/// key file in place, else the backup's key file, which is then installed).
pub async fn restore(config: &Config, backup: &Path) -> anyhow::Result<RestoreReport> {
    let target = sqlite_file(&config.database_url, PG_RESTORE_HINT)?;
    let started = Instant::now();
    if !backup.is_file() {
        bail!("no backup at {}", backup.display());
    }
    if same_file(backup, &target) {
        bail!("{} is the database itself", backup.display());
    }
    if wal_of(backup).metadata().is_ok_and(|m| m.len() > 0) {
        bail!(
            "{} has a write-ahead log beside it: it is a live database, not a backup made by `bianmin admin backup`",
            backup.display()
        );
    }
    let lock = lock_path(&target);
    let Some(_held) = try_lock(&lock, Lock::Exclusive)? else {
        bail!(
            "a server is running on {} (it holds {}): stop every instance, then restore",
            target.display(),
            lock.display()
        );
    };

    // The key the restored data will be read with, and the backup's own.
    let backup_key = read_key(&key_path(backup))?;
    let target_key_file = key_path(&target);
    let current_key = match &config.identity.data_key {
        Some(k) => Some((
            Secrets::from_base64(k).context("BIANMIN_DATA_KEY")?,
            "BIANMIN_DATA_KEY".to_string(),
        )),
        None => read_key(&target_key_file)?.map(|s| (s, target_key_file.display().to_string())),
    };
    if let (Some((current, from)), Some(theirs)) = (&current_key, &backup_key) {
        if fingerprint(current) != fingerprint(theirs) {
            bail!(
                "the backup was made under another data key than {from}: its phones and names could not be read. \
                 Its key is {}; if that is the key to use from now on, put it in place of {from} first",
                key_path(backup).display()
            );
        }
    }

    let dir = match target.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = target
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{} names no file", target.display()))?;
    let tmp = dir.join(format!(
        ".{}.restore-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    let checked = async {
        std::fs::copy(backup, &tmp)
            .with_context(|| format!("copying {} to {}", backup.display(), tmp.display()))?;
        File::open(&tmp)?.sync_all()?;
        let key = current_key.as_ref().map(|(k, _)| k).or(backup_key.as_ref());
        check_backup(&tmp, key).await
    }
    .await;
    let key_verified = match checked {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.context(format!("{} was not restored", backup.display())));
        }
    };
    // The old database's log must not be replayed into the restored one.
    for stale in [
        wal_of(&target),
        suffixed(&target, "-shm"),
        suffixed(&target, "-journal"),
    ] {
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e).with_context(|| format!("removing {}", stale.display()));
            }
        }
    }
    std::fs::rename(&tmp, &target)
        .with_context(|| format!("renaming {} to {}", tmp.display(), target.display()))?;
    let mut key_installed = None;
    if config.identity.data_key.is_none() && current_key.is_none() {
        if let Ok(k) = std::fs::read_to_string(key_path(backup)) {
            write_key(&target_key_file, &k)?;
            key_installed = Some(target_key_file);
        }
    }
    sync_dir(&dir);
    Ok(RestoreReport {
        bytes: std::fs::metadata(&target)?.len(),
        database: target,
        key_installed,
        key_verified,
        elapsed: started.elapsed(),
    })
}

/// Checks a copy of a backup before it replaces anything: a whole SQLite
/// database, a Bianmin one no newer than this binary, whose encrypted values
/// open with `key`. True when an encrypted value was found and opened.
async fn check_backup(path: &Path, key: Option<&Secrets>) -> anyhow::Result<bool> {
    let mut conn = sqlx::SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .create_if_missing(false),
    )
    .await
    .context("opening the backup")?;
    let result = async {
        let rows = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await
            .context("not an SQLite database")?;
        let problems: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok())
            .filter(|m| m != "ok")
            .collect();
        if !problems.is_empty() || rows.is_empty() {
            bail!(
                "the backup fails its integrity check: {}",
                problems.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
            );
        }
        let applied: Vec<i64> =
            sqlx::query("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&mut conn)
                .await
                .context("not a Bianmin database (no migrations table)")?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
        let known: Vec<i64> = sqlx::migrate!("migrations/sqlite")
            .iter()
            .map(|m| m.version)
            .collect();
        if let Some(v) = applied.iter().find(|v| !known.contains(v)) {
            bail!("the backup has migration {v}, unknown to this version of bianmin: restore it with the version that made it");
        }
        let mut sample = None;
        for sql in [
            "SELECT phone_enc FROM bookings LIMIT 1",
            "SELECT phone_enc FROM citizens LIMIT 1",
            "SELECT recipient_enc FROM outbox LIMIT 1",
        ] {
            // A table an older backup lacks is no sample.
            if let Ok(Some(row)) = sqlx::query(sql).fetch_optional(&mut conn).await {
                sample = row.try_get::<String, _>(0).ok();
                if sample.is_some() {
                    break;
                }
            }
        }
        match (sample, key) {
            (None, _) => Ok(false),
            (Some(_), None) => bail!(
                "the backup holds encrypted data and there is no data key for it: put the key file kept with the backup beside it ({}), or set BIANMIN_DATA_KEY",
                key_path(path).display()
            ),
            (Some(s), Some(k)) => match k.decrypt(&s) {
                Ok(_) => Ok(true),
                Err(_) => bail!("the backup's encrypted data does not open with the data key that would be in use: it was made under another key"),
            },
        }
    }
    .await;
    let _ = conn.close().await;
    result
}

fn read_key(path: &Path) -> anyhow::Result<Option<Secrets>> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(
            Secrets::from_base64(&s).with_context(|| format!("reading {}", path.display()))?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Compares keys without handling their bytes: equal keys, equal hashes.
fn fingerprint(s: &Secrets) -> String {
    s.lookup_key("backup-key-check", "bianmin")
}

fn write_key(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = create_owner_only(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(contents.as_bytes())
        .and_then(|_| f.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn wal_of(path: &Path) -> PathBuf {
    suffixed(path, "-wal")
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Makes a rename durable (best effort; not possible on every platform).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
