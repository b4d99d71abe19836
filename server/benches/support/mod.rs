//! What the load runs share: the release server in its own process, percentiles.
#![allow(dead_code)]

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
