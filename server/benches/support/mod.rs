//! What the load runs share: the release server in its own process, percentiles.
#![allow(dead_code)]

use server::bookings::slots::{add_window, ensure_slots, Window};
use server::crypto::{new_token, token_hash, Secrets};
use server::time::{now_ms, shanghai_date};
use sqlx::Row;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

pub fn binary() -> PathBuf {
    let bin = root().join("target/release/bianmin");
    assert!(
        bin.exists(),
        "{} missing; run `cargo leptos build --release` first",
        bin.display()
    );
    bin
}

/// A fresh SQLite file for one run.
pub fn fresh_database(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("bianmin_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}/bianmin.db", dir.display())
}

pub struct Server(Child);

impl Server {
    /// `kill -9`: no shutdown of any kind, as in a crash or a power cut of the process.
    pub fn kill9(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `target/release/bianmin` on `port` with `env`, and waits until it is healthy.
pub async fn start_server(port: u16, database_url: &str, env: &[(&str, &str)]) -> Server {
    let mut cmd = Command::new(binary());
    cmd.current_dir(root())
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        // Throughput from one loopback address; the flood bench sets its own.
        .env("BIANMIN_PUBLIC_PER_IP_SECOND", "1000000")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let server = Server(cmd.spawn().expect("start bianmin"));
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
        {
            if r.status().is_success() {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server did not become healthy");
}

pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// The data key of bench servers.
pub const KEY: &str = "YmVuY2gta2V5LWJlbmNoLWtleS1iZW5jaC1rZXktMzI=";

/// Connects to a bench database (migrated and seeded, the bench key) and opens
/// every day of the next `days` at 沁园: 30-minute slots of 500 places.
pub async fn open_every_day(url: &str, days: i64) -> server::storage::Db {
    let mut config = server::config::Config::from_env().unwrap();
    config.database_url = url.to_string();
    config.identity.data_key = Some(KEY.into());
    let db = server::startup::open_database(&config).await.unwrap();
    for weekday in 1..=7 {
        add_window(
            &db,
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
    ensure_slots(&db, "qinyuan", &shanghai_date(now_ms()), days)
        .await
        .unwrap();
    db
}

/// Opens every day of the next two weeks and signs in `n` citizens; returns
/// their session tokens and the slot ids.
pub async fn prepare(url: &str, n: usize) -> (Vec<String>, Vec<i64>) {
    let db = open_every_day(url, 15).await;
    let slots: Vec<i64> =
        sqlx::query("SELECT id FROM slots WHERE starts_at > $1 ORDER BY starts_at")
            .bind(now_ms() + 2 * 3_600_000)
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get(0).unwrap())
            .collect();
    let secrets = Secrets::from_base64(KEY).unwrap();
    let now = now_ms();
    let mut tokens = Vec::with_capacity(n);
    let mut tx = db.pool().begin().await.unwrap();
    for i in 0..n {
        let phone = format!("136{i:08}");
        let token = new_token();
        sqlx::query(
            "INSERT INTO sessions (token_hash, kind, phone_key, phone_enc, created_at, last_seen_at, expires_at)
             VALUES ($1, 'citizen', $2, $3, $4, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(secrets.lookup_key("phone", &phone))
        .bind(secrets.encrypt(&phone))
        .bind(now)
        .bind(now + 86_400_000)
        .execute(&mut *tx)
        .await
        .unwrap();
        tokens.push(token);
    }
    tx.commit().await.unwrap();
    (tokens, slots)
}
