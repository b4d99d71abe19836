//! Configuration from the environment. Everything has a working default.

use std::net::SocketAddr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://data/bianmin.db` (default) or `postgres://…`.
    pub database_url: String,
    /// Where to listen (`LEPTOS_SITE_ADDR`).
    pub site_addr: SocketAddr,
    /// Built site: `pkg/` with the wasm, JS and CSS, and the public assets (`LEPTOS_SITE_ROOT`).
    pub site_root: String,
    /// How often each instance checks whether shared content changed.
    pub refresh_interval: Duration,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/bianmin.db";

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            site_addr: var("LEPTOS_SITE_ADDR")
                .unwrap_or_else(|| "127.0.0.1:3000".into())
                .parse()
                .map_err(|e| anyhow::anyhow!("LEPTOS_SITE_ADDR: {e}"))?,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            refresh_interval: Duration::from_secs(
                var("BIANMIN_REFRESH_SECS")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(5),
            ),
        })
    }
}
