//! Test support: the real application on port 0 over a real database,
//! a throwaway SQLite file or a throwaway PostgreSQL database.
#![allow(dead_code)]

use server::config::Config;
use server::startup::{build, Application};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A database for one test. PostgreSQL databases are dropped afterwards by `cleanup`.
pub struct TestDb {
    pub url: String,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(unique("bianmin_test"));
        std::fs::create_dir_all(&dir).unwrap();
        TestDb {
            url: format!("sqlite://{}/bianmin.db", dir.display()),
            pg_admin: None,
        }
    }

    /// A fresh PostgreSQL database, or None (loudly) when none is reachable
    /// and the run does not require one (CI sets BIANMIN_REQUIRE_POSTGRES=1).
    pub async fn postgres() -> Option<TestDb> {
        use sqlx::Connection;
        let admin = std::env::var("BIANMIN_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let required = std::env::var("BIANMIN_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let mut conn = match sqlx::PgConnection::connect(&admin).await {
            Ok(c) => c,
            Err(e) => {
                if required {
                    panic!("PostgreSQL required but unreachable at {admin}: {e}");
                }
                eprintln!(
                    "\n!!! SKIPPED PostgreSQL half of this test: {admin} unreachable ({e}) !!!\n"
                );
                return None;
            }
        };
        let name = unique("bianmin_t");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Some(TestDb {
            url: format!("{base}/{name}"),
            pg_admin: Some((admin.clone(), name)),
        })
    }

    pub async fn cleanup(self) {
        use sqlx::Connection;
        if let Some((admin, name)) = self.pg_admin {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

/// Both backends, PostgreSQL only where reachable.
pub async fn backends() -> Vec<TestDb> {
    let mut v = vec![TestDb::sqlite()];
    if let Some(pg) = TestDb::postgres().await {
        v.push(pg);
    }
    v
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub app_portal: std::sync::Arc<server::portal::Portal>,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }
}

pub fn config(database_url: &str) -> Config {
    Config {
        database_url: database_url.to_string(),
        site_addr: "127.0.0.1:0".parse().unwrap(),
        site_root: "target/site".into(),
        refresh_interval: Duration::from_secs(3600),
    }
}

/// Builds the real application on the given database and serves it on port 0.
pub async fn spawn_app(database_url: &str) -> TestApp {
    let Application { router, portal } = build(&config(database_url)).await.expect("build app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    TestApp {
        addr,
        app_portal: portal,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}
