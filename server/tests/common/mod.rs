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
    pub accounts: std::sync::Arc<server::accounts::Accounts>,
    pub outbox: std::sync::Arc<server::notify::Outbox>,
    pub db: server::storage::Db,
    pub bookings: std::sync::Arc<server::bookings::Bookings>,
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

    /// A browser-like client with its own cookie jar.
    pub fn browser(&self) -> Browser {
        Browser {
            base: format!("http://{}", self.addr),
            host: None,
            client_ip: None,
            client: self.client.clone(),
            cookies: Default::default(),
        }
    }

    /// Creates a staff account the way the admin command does.
    pub async fn staff(&self, username: &str, role: &str, center: &str, password: &str) -> i64 {
        let new = app::staff::NewStaffUser {
            username: username.into(),
            display_name: "测试人员".into(),
            role: role.into(),
            center: center.into(),
            password: password.into(),
        };
        self.accounts
            .create_staff(&server::accounts::Caller::cli(), &new)
            .await
            .expect("create staff")
    }

    /// The one number a query answers (a COUNT(*), say).
    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(self.db.pool())
            .await
            .expect(sql)
            .try_get(0)
            .unwrap()
    }

    /// A browser signed in to the back office as `username`.
    pub async fn staff_browser(&self, username: &str, password: &str) -> Browser {
        let b = self.browser();
        let r = b
            .call(
                "staff/login",
                &[("username", username), ("password", password)],
            )
            .await;
        assert_eq!(r.status, 200, "{username}: {}", r.body);
        b
    }

    /// Runs one SQL statement (test set-up: move a clock back, and so on).
    pub async fn exec(&self, sql: &str) -> u64 {
        sqlx::query(sql)
            .execute(self.db.pool())
            .await
            .expect(sql)
            .rows_affected()
    }
}

/// Cookies and same-origin headers, as a browser on our pages sends them.
pub struct Browser {
    pub base: String,
    /// A public host name to present instead of 127.0.0.1 (cookie policy tests).
    pub host: Option<String>,
    /// The client address a proxy would report (`X-Real-IP`; only read when
    /// the app was spawned with `client_ip_header`).
    pub client_ip: Option<String>,
    client: reqwest::Client,
    pub cookies: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub set_cookies: Vec<String>,
    pub location: Option<String>,
    pub cache_control: Option<String>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn origin(&self) -> String {
        match &self.host {
            Some(h) => format!("https://{h}"),
            None => self.base.clone(),
        }
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Reply {
        let mut rb = rb.header("cookie", self.cookie_header());
        if let Some(h) = &self.host {
            rb = rb.header("host", h).header("x-forwarded-proto", "https");
        }
        if let Some(ip) = &self.client_ip {
            rb = rb.header("x-real-ip", ip);
        }
        let r = rb.send().await.expect("request");
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        let cache_control = r
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string());
        let set_cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        {
            let mut jar = self.cookies.lock().unwrap();
            for c in &set_cookies {
                let pair = c.split(';').next().unwrap();
                let (k, v) = pair.split_once('=').unwrap();
                if v.is_empty() || c.contains("Max-Age=0") {
                    jar.remove(k);
                } else {
                    jar.insert(k.to_string(), v.to_string());
                }
            }
        }
        Reply {
            status,
            body: r.text().await.unwrap(),
            set_cookies,
            location,
            cache_control,
        }
    }

    /// Calls a server function as the hydrated app does (form-encoded, JSON back).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Reply {
        let rb = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", self.origin())
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
            .form(form);
        self.send(rb).await
    }

    /// Books `slot` for item `seq` as the hydrated app does, without notes.
    pub async fn book(&self, slot: &str, seq: &str, name: &str) -> Reply {
        self.call(
            "book",
            &[("slot", slot), ("seq", seq), ("name", name), ("notes", "")],
        )
        .await
    }

    /// A GET server function (`/api/{endpoint}?{query}`).
    pub async fn query(&self, endpoint: &str, query: &[(&str, &str)]) -> Reply {
        let rb = self
            .client
            .get(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .query(query);
        self.send(rb).await
    }

    /// A page, as a browser loads it.
    pub async fn page(&self, path: &str) -> Reply {
        let rb = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html");
        self.send(rb).await
    }

    /// A plain HTML form post (JavaScript off): the server answers with a redirect.
    pub async fn form_post(&self, endpoint: &str, form: &[(&str, &str)], referer: &str) -> Reply {
        let rb = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", self.origin())
            .header("sec-fetch-site", "same-origin")
            .header("accept", "text/html")
            .header("referer", format!("{}{referer}", self.base))
            .form(form);
        self.send(rb).await
    }
}

/// A fixed data key for tests (PostgreSQL requires one).
pub const TEST_DATA_KEY: &str = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=";

pub fn config(database_url: &str) -> Config {
    Config {
        database_url: database_url.to_string(),
        site_addr: "127.0.0.1:0".parse().unwrap(),
        site_root: "target/site".into(),
        refresh_interval: Duration::from_secs(3600),
        identity: server::config::IdentityConfig {
            data_key: Some(TEST_DATA_KEY.into()),
            // Development cookies on 127.0.0.1, as scripts/serve.sh runs it.
            cookie_always_secure: false,
            ..Default::default()
        },
        booking: Default::default(),
        request_timeout: Duration::from_secs(30),
        // Tests fire requests far faster than people; http_limits tests the limit.
        public_per_ip_second: 1_000_000,
        demo: false,
        public_url: None,
    }
}

/// Builds the real application on the given database and serves it on port 0.
pub async fn spawn_app(database_url: &str) -> TestApp {
    spawn_with(config(database_url)).await
}

pub async fn spawn_with(config: Config) -> TestApp {
    let Application {
        router,
        bookings,
        portal,
        accounts,
        outbox,
        db,
        ..
    } = build(&config).await.expect("build app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        server::startup::serve(listener, router, std::future::pending())
            .await
            .unwrap();
    });
    TestApp {
        addr,
        app_portal: portal,
        accounts,
        outbox,
        db,
        bookings,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A handler that never answers fails its test, naming the request.
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap(),
    }
}

/// Signs `b` in as a citizen with `phone`, reading the code from the outbox.
pub async fn citizen_sign_in(app: &TestApp, b: &Browser, phone: &str) {
    use sqlx::Row;
    let r = b.call("otp/request", &[("phone", phone)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let masked = format!("{}****{}", &phone[..3], &phone[7..]);
    let row = sqlx::query(
        "SELECT body_enc FROM outbox WHERE kind = 'otp' AND recipient_masked = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(&masked)
    .fetch_one(app.db.pool())
    .await
    .expect("an otp in the outbox");
    let secrets = server::crypto::Secrets::from_base64(TEST_DATA_KEY).unwrap();
    let body = secrets
        .decrypt(&row.try_get::<String, _>(0).unwrap())
        .unwrap();
    let code: String = body
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(6)
        .collect();
    let r = b.call("otp/verify", &[("code", &code)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// A test citizen's phone: `139` and `n` in eight digits.
pub fn phone(n: usize) -> app::identity::Phone {
    app::identity::Phone::parse(&format!("139{n:08}")).unwrap()
}

/// The next date after today with ISO weekday `wd` (1 = Monday).
pub fn next_weekday(wd: i64) -> String {
    use server::time::{add_days, iso_weekday, now_ms, shanghai_date};
    let mut d = add_days(&shanghai_date(now_ms()), 1).unwrap();
    while iso_weekday(&d) != Some(wd) {
        d = add_days(&d, 1).unwrap();
    }
    d
}

/// The booking service of one application instance on `url` (its own pool).
pub async fn bookings_instance(url: &str) -> server::bookings::Bookings {
    let db = server::startup::open_database(&config(url)).await.unwrap();
    server::bookings::Bookings::new(
        db,
        std::sync::Arc::new(server::crypto::Secrets::from_base64(TEST_DATA_KEY).unwrap()),
    )
}

/// The one integer `sql` selects for `id` (a count, a counter, a time).
pub async fn scalar(db: &server::storage::Db, sql: &str, id: i64) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect(sql)
}

/// The one text `sql` selects for `id` (a status, a key).
pub async fn text(db: &server::storage::Db, sql: &str, id: i64) -> String {
    use sqlx::Row;
    sqlx::query(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect(sql)
}

/// A server function as declared in app/src: endpoint, GET or POST, and its
/// argument names.
pub struct ServerFn {
    pub endpoint: String,
    pub get: bool,
    pub args: Vec<String>,
}

/// Every `#[server(endpoint = "…")]` in app/src, read from the source so a
/// new server function is covered the day it is added.
pub fn server_fns() -> Vec<ServerFn> {
    fn walk(dir: &std::path::Path, out: &mut Vec<ServerFn>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (at, _) in text.match_indices("#[server(endpoint = \"") {
                    let rest = &text[at + "#[server(endpoint = \"".len()..];
                    let endpoint = rest.split('"').next().unwrap().to_string();
                    let attr = rest.lines().next().unwrap();
                    let sig = &rest[rest.find("fn ").unwrap()..];
                    let open = sig.find('(').unwrap();
                    let close = sig.find(") ->").unwrap();
                    let args = sig[open + 1..close]
                        .split(',')
                        .filter_map(|a| a.split(':').next())
                        .map(|a| a.trim().trim_start_matches("mut ").to_string())
                        .filter(|a| !a.is_empty())
                        .collect();
                    out.push(ServerFn {
                        endpoint,
                        get: attr.contains("GetUrl"),
                        args,
                    });
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"),
        &mut out,
    );
    out
}
