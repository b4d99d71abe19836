//! Storage on SQLite (default, a file under `data/`) or PostgreSQL, through
//! sqlx's `Any` driver: one set of queries, `$n` placeholders both understand.
//! Differences between the two stay in this module.

use crate::seed::SeedCenter;
use anyhow::Context;
use app::catalog::{CatalogItem, Center, GuideContent};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// A guide version row.
#[derive(Clone, Debug)]
pub struct GuideRow {
    pub seq: i32,
    pub version: i32,
    pub content: GuideContent,
    pub sample: bool,
    pub published_at: i64,
}

/// A center's departure from the catalog for one item (`center_items`).
#[derive(Clone, Debug)]
pub struct CenterItemOverride {
    pub center_code: String,
    pub seq: i32,
    pub at_center: bool,
    pub at_stations: bool,
    pub alternative: Option<String>,
}

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:");
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let synchronous = sqlite_synchronous()?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            // A citizen waits this long for a connection before being told the
            // database is unavailable (503).
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; busy_timeout makes
                        // a writer wait for the lock instead of failing.
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA busy_timeout = 5000",
                            "PRAGMA foreign_keys = ON",
                        ] {
                            conn.execute(pragma).await?;
                        }
                        conn.execute(format!("PRAGMA synchronous = {synchronous}").as_str())
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .context("connecting to the database")?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Loads the shipped catalog, centers and sample guides where they are
    /// missing. Never overwrites: what admins changed stays. Idempotent.
    pub async fn seed(
        &self,
        items: &[CatalogItem],
        centers: &[SeedCenter],
        guides: &[(i32, GuideContent)],
        now_ms: i64,
    ) -> anyhow::Result<u64> {
        let mut tx = self.pool.begin().await?;
        let mut inserted = 0;
        for i in items {
            inserted += sqlx::query(
                "INSERT INTO catalog_items (seq, main_item, sub_item, business_item, item_type, level, department, provincial_catalog)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (seq) DO NOTHING",
            )
            .bind(i64::from(i.seq))
            .bind(&i.main_item)
            .bind(&i.sub_item)
            .bind(&i.business_item)
            .bind(&i.item_type)
            .bind(&i.level)
            .bind(&i.department)
            .bind(i64::from(i.provincial_catalog))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        for (n, c) in centers.iter().enumerate() {
            inserted += sqlx::query(
                "INSERT INTO centers (code, name, kind, center_name, sort_order)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
            )
            .bind(&c.code)
            .bind(&c.name)
            .bind(&c.kind)
            .bind(&c.center_name)
            .bind(n as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        for (seq, content) in guides {
            inserted += sqlx::query(
                "INSERT INTO guide_versions (seq, version, content, sample, published_at, published_by)
                 VALUES ($1, 1, $2, $3, $4, 'seed') ON CONFLICT (seq, version) DO NOTHING",
            )
            .bind(i64::from(*seq))
            .bind(serde_json::to_string(content)?)
            .bind(1i64)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if inserted > 0 {
            sqlx::query("UPDATE content_version SET version = version + 1 WHERE id = 1")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }

    pub async fn content_version(&self) -> anyhow::Result<i64> {
        Ok(
            sqlx::query("SELECT version FROM content_version WHERE id = 1")
                .fetch_one(&self.pool)
                .await?
                .try_get::<i64, _>(0)?,
        )
    }

    pub async fn items(&self) -> anyhow::Result<Vec<CatalogItem>> {
        let rows = sqlx::query(
            "SELECT seq, main_item, sub_item, business_item, item_type, level, department, provincial_catalog
             FROM catalog_items ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(item_from_row).collect()
    }

    pub async fn centers(&self) -> anyhow::Result<Vec<Center>> {
        let rows = sqlx::query(
            "SELECT code, name, kind, center_name, address, phone, hours, map_url
             FROM centers ORDER BY sort_order, code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Center {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    kind: r.try_get("kind")?,
                    center_name: r.try_get("center_name")?,
                    address: r.try_get("address")?,
                    phone: r.try_get("phone")?,
                    hours: r.try_get("hours")?,
                    map_url: r.try_get("map_url")?,
                })
            })
            .collect()
    }

    pub async fn center_items(&self) -> anyhow::Result<Vec<CenterItemOverride>> {
        let rows = sqlx::query(
            "SELECT center_code, seq, at_center, at_stations, alternative_center FROM center_items",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CenterItemOverride {
                    center_code: r.try_get("center_code")?,
                    seq: r.try_get::<i64, _>("seq")? as i32,
                    at_center: r.try_get::<i64, _>("at_center")? != 0,
                    at_stations: r.try_get::<i64, _>("at_stations")? != 0,
                    alternative: r.try_get("alternative_center")?,
                })
            })
            .collect()
    }

    /// The latest published version of every guide.
    pub async fn latest_guides(&self) -> anyhow::Result<Vec<GuideRow>> {
        let rows = sqlx::query(
            "SELECT g.seq, g.version, g.content, g.sample, g.published_at FROM guide_versions g
             WHERE g.version = (SELECT MAX(v.version) FROM guide_versions v WHERE v.seq = g.seq)
             ORDER BY g.seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let content: String = r.try_get("content")?;
                Ok(GuideRow {
                    seq: r.try_get::<i64, _>("seq")? as i32,
                    version: r.try_get::<i64, _>("version")? as i32,
                    content: serde_json::from_str(&content).context("guide content")?,
                    sample: r.try_get::<i64, _>("sample")? != 0,
                    published_at: r.try_get("published_at")?,
                })
            })
            .collect()
    }
}

fn item_from_row(r: &AnyRow) -> anyhow::Result<CatalogItem> {
    Ok(CatalogItem {
        seq: r.try_get::<i64, _>("seq")? as i32,
        main_item: r.try_get("main_item")?,
        sub_item: r.try_get("sub_item")?,
        business_item: r.try_get("business_item")?,
        item_type: r.try_get("item_type")?,
        level: r.try_get("level")?,
        department: r.try_get("department")?,
        provincial_catalog: r.try_get::<i64, _>("provincial_catalog")? != 0,
    })
}

/// The file a `sqlite:` URL names (None for in-memory databases and other backends).
/// Whether an insert or update broke a unique index (on either backend).
/// Runs a conditional UPDATE meant to change exactly one row, and says
/// whether it did. No row changed: the condition (a status, a count) no
/// longer holds, because a concurrent request got there first.
pub async fn changed_one<'q>(
    conn: &mut sqlx::AnyConnection,
    update: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<bool, app::error::AppError> {
    let n = update
        .execute(conn)
        .await
        .map_err(crate::accounts::internal)?
        .rows_affected();
    Ok(n == 1)
}

pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// Whether a storage error means the database cannot be reached or written
/// at the moment (server down, pool exhausted, disk full, I/O failing), as
/// opposed to a fault in what we asked of it: those answer 503 and pass
/// when the database is back. Read from the error's text, whatever wrapped it.
pub fn is_unavailable(cause: &str) -> bool {
    const SIGNS: [&str; 16] = [
        "pool timed out",
        "closed pool",
        "error communicating with database",
        "connection refused",
        "connection reset",
        "database or disk is full",
        "disk i/o error",
        "unable to open database file",
        "database is locked",
        "readonly database",
        "no space left on device",
        "could not extend file",
        "too many clients",
        "terminating connection",
        "the database system is shutting down",
        "the database system is starting up",
    ];
    let cause = cause.to_lowercase();
    SIGNS.iter().any(|s| cause.contains(s))
}

/// `BIANMIN_SQLITE_SYNCHRONOUS`: `FULL` (default) syncs the WAL at every
/// commit, so a booking the citizen was told is confirmed survives a power
/// cut; `NORMAL` syncs only at checkpoints: a crash of the process loses
/// nothing, but a power cut may lose the last commits.
fn sqlite_synchronous() -> anyhow::Result<&'static str> {
    match std::env::var("BIANMIN_SQLITE_SYNCHRONOUS")
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase()
        .as_str()
    {
        "" | "FULL" => Ok("FULL"),
        "NORMAL" => Ok("NORMAL"),
        "EXTRA" => Ok("EXTRA"),
        other => {
            anyhow::bail!("BIANMIN_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA, not {other}")
        }
    }
}

/// Makes sure the SQLite file's folder exists and the file is created on first start.
fn sqlite_url(url: &str) -> anyhow::Result<String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    if !path.is_empty() && path != ":memory:" {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
        }
    }
    Ok(if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A confirmed booking must survive a power cut: every pooled SQLite
    /// connection syncs the WAL at commit (synchronous = FULL, 2) in WAL mode.
    #[tokio::test]
    async fn sqlite_commits_are_synced_to_disk() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("d.db").display());
        let db = Db::connect(&url).await.unwrap();
        for _ in 0..3 {
            let mut conn = db.pool().acquire().await.unwrap();
            let sync: i64 = sqlx::query("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
            assert_eq!(sync, 2);
            let mode: String = sqlx::query("PRAGMA journal_mode")
                .fetch_one(&mut *conn)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
            assert_eq!(mode, "wal");
        }
    }
}
