//! Fixed-window counters in the database, so every instance shares them. One
//! statement increments (or restarts) the window and returns the count: no
//! read-then-write race between instances.

use crate::storage::Db;
use sqlx::Row;

/// Counts one hit on `key` in a window of `window_ms`; returns the hits so far
/// in the current window, this one included.
pub async fn hit(db: &Db, key: &str, window_ms: i64, now_ms: i64) -> anyhow::Result<i64> {
    let row = sqlx::query(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END
         RETURNING hits",
    )
    .bind(key)
    .bind(now_ms)
    .bind(now_ms - window_ms)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}
