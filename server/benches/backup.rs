//! How long `bianmin admin backup` and `admin restore` take on a database with
//! 100,000 bookings (SQLite, a fresh file in the temp folder), and the size of
//! the file. The bookings are inserted directly, in batches, with encrypted
//! phones and names as the app stores them; the database is then backed up
//! with `VACUUM INTO` on the app's pool and the backup restored into a fresh
//! place, integrity check and key check included.
//!
//! `cargo bench -p bianmin --bench backup`
//! Environment: BENCH_BOOKINGS (default 100000).

mod support;

use server::backup::{backup, restore};
use server::bookings::new_code;
use server::crypto::Secrets;
use server::storage::Db;
use server::time::now_ms;
use sqlx::Row;
use std::time::Instant;

use support::KEY;

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_BOOKINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bianmin.db").display());
    let mut config = server::config::Config::from_env().unwrap();
    config.database_url = url.clone();
    config.identity.data_key = Some(KEY.into());
    // Every half hour of the next two weeks, 500 places each: 336,000 places.
    let db = support::open_every_day(&url, 14).await;
    let slots: Vec<(i64, i64)> = sqlx::query("SELECT id, starts_at FROM slots ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get(0).unwrap(), r.try_get(1).unwrap()))
        .collect();
    assert!(slots.len() * 500 >= n, "not enough places for {n} bookings");

    let filling = Instant::now();
    let secrets = Secrets::from_base64(KEY).unwrap();
    let now = now_ms();
    const BATCH: usize = 500;
    let mut tx = db.pool().begin().await.unwrap();
    for first in (0..n).step_by(BATCH) {
        let rows = (first..n.min(first + BATCH)).collect::<Vec<_>>();
        let values = (0..rows.len())
            .map(|k| {
                let p = k * 7;
                format!(
                    "(${}, ${}, 201, ${}, ${}, ${}, '', 'active', ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6,
                    p + 7
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO bookings (code, slot_id, seq, phone_key, phone_enc, name_enc, notes, status, starts_at, created_at) VALUES {values}"
        );
        let mut q = sqlx::query(&sql);
        for i in rows {
            let phone = format!("139{i:08}");
            let (slot, starts_at) = slots[i % slots.len()];
            q = q
                .bind(new_code())
                .bind(slot)
                .bind(secrets.lookup_key("phone", &phone))
                .bind(secrets.encrypt(&phone))
                .bind(secrets.encrypt("张三丰"))
                .bind(starts_at)
                .bind(now);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    sqlx::query(
        "UPDATE slots SET booked = (SELECT COUNT(*) FROM bookings b WHERE b.slot_id = slots.id AND b.status = 'active')",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(db.pool())
        .await
        .unwrap();
    let db_bytes = std::fs::metadata(dir.path().join("bianmin.db"))
        .unwrap()
        .len();
    println!(
        "filled: {n} bookings in {:.1} s; database {:.1} MB",
        filling.elapsed().as_secs_f64(),
        mb(db_bytes)
    );

    let out = dir.path().join("backups").join("bianmin-bench.db");
    let b = backup(&db, &out).await.unwrap();
    println!(
        "backup (VACUUM INTO, live pool): {:.2} s, {:.1} MB",
        b.elapsed.as_secs_f64(),
        mb(b.bytes)
    );
    db.pool().close().await;

    let mut target = config.clone();
    target.database_url = format!(
        "sqlite://{}",
        dir.path().join("restored").join("bianmin.db").display()
    );
    let r = restore(&target, &out).await.unwrap();
    println!(
        "restore (copy, integrity_check, key check, rename): {:.2} s, {:.1} MB",
        r.elapsed.as_secs_f64(),
        mb(r.bytes)
    );
    assert!(r.key_verified);
    let restored = Db::connect(&target.database_url).await.unwrap();
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM bookings")
        .fetch_one(restored.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(count, n as i64);
    println!("restored database has all {count} bookings");
    restored.pool().close().await;
}
