//! The notification outbox. Messages are written to the `outbox` table in the
//! same transaction as what caused them (so a rolled-back action sends
//! nothing), then a worker claims due rows and hands them to a [`Sender`].
//! Claims are short leases on one row at a time: two instances never send one
//! row at the same time, and a crashed instance strands at most the row it was
//! sending, for at most [`LEASE_MS`] (delivery is at least once, never
//! concurrent). Every send carries the row's idempotency key, so a gateway
//! that deduplicates delivers a row re-sent after a crash only once.

use crate::crypto::Secrets;
use crate::storage::{Backend, Db};
use anyhow::Context;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// A retryable failure waits 30 s, doubling per attempt, at most 1 h.
const BACKOFF_BASE_MS: i64 = 30_000;
const BACKOFF_MAX_MS: i64 = 3_600_000;
/// After this many attempts a message is given up ('failed').
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claim holds: a crashed instance's row waits at most this long
/// for another instance. Longer than one send can take ([`HTTP_TIMEOUT`]).
pub const LEASE_MS: i64 = 15_000;
/// A round stops sending and hands its remaining rows back while one more
/// send still ends inside the lease, so no other instance can reclaim a row
/// still being sent.
const ROUND_BUDGET: Duration = Duration::from_secs(3);
/// Rows claimed per round by the background worker: one, so a crash strands
/// one message, not a batch.
const WORKER_BATCH: i64 = 1;
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// A message to send. `recipient` is the full number: it lives in memory
/// only and is stored encrypted.
#[derive(Clone)]
pub struct OutboxMessage {
    pub kind: String,
    pub recipient: String,
    pub body: String,
}

impl std::fmt::Debug for OutboxMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxMessage")
            .field("kind", &self.kind)
            .field("recipient", &mask_phone(&self.recipient))
            .field("body", &self.body)
            .finish()
    }
}

/// `138****1234` for an 11-digit mobile number; anything else is all stars,
/// since we cannot tell which part of it identifies someone.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() == 11 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[7..].iter().collect();
        format!("{head}****{tail}")
    } else {
        "*".repeat(chars.len())
    }
}

/// Writes a message into the outbox on `conn`. Pass `&mut tx` (or `&mut *tx`)
/// to write in the same transaction as what caused it; a concrete connection
/// type rather than a generic executor so that `&mut tx` coerces.
pub async fn enqueue(
    conn: &mut AnyConnection,
    secrets: &Secrets,
    msg: &OutboxMessage,
    now_ms: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (kind, recipient_enc, recipient_masked, body_enc, created_at, due_at, status)
         VALUES ($1, $2, $3, $4, $5, $5, 'pending')",
    )
    .bind(&msg.kind)
    .bind(secrets.encrypt(&msg.recipient))
    .bind(mask_phone(&msg.recipient))
    .bind(secrets.encrypt(&msg.body))
    .bind(now_ms)
    .execute(conn)
    .await
    .context("writing to the outbox")?;
    Ok(())
}

/// [`enqueue`] on its own connection, for messages not tied to a transaction.
/// Enqueues `msg` unless a message with the same `key` was ever enqueued
/// (unique index): reminders and notices go out once, whichever instance
/// notices first. Returns whether it was enqueued.
pub async fn enqueue_once(
    db: &Db,
    secrets: &Secrets,
    msg: &OutboxMessage,
    key: &str,
    now_ms: i64,
) -> anyhow::Result<bool> {
    let masked = mask_phone(&msg.recipient);
    let n = sqlx::query(
        "INSERT INTO outbox (kind, recipient_enc, recipient_masked, body_enc, created_at, due_at, status, dedupe_key)
         VALUES ($1, $2, $3, $4, $5, $5, 'pending', $6) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&msg.kind)
    .bind(secrets.encrypt(&msg.recipient))
    .bind(&masked)
    .bind(secrets.encrypt(&msg.body))
    .bind(now_ms)
    .bind(key)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn enqueue_now(
    db: &Db,
    secrets: &Secrets,
    msg: &OutboxMessage,
    now_ms: i64,
) -> anyhow::Result<()> {
    let mut conn = db.pool().acquire().await?;
    enqueue(&mut conn, secrets, msg, now_ms).await
}

/// Why a send failed. Messages never contain the full number.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (gateway down, overloaded, network).
    #[error("retryable: {0}")]
    Retryable(String),
    /// Trying again will not help (the gateway refused the request).
    #[error("permanent: {0}")]
    Permanent(String),
}

#[async_trait::async_trait]
pub trait Sender: Send + Sync {
    /// `key` is the same for every attempt at one message (`bianmin-outbox-{id}`).
    async fn send(&self, key: &str, to: &str, body: &str) -> Result<(), SendError>;
    fn name(&self) -> &'static str;
}

/// Development and test default: writes the message to the log (number
/// masked). The body is logged on purpose: that is how developers and the
/// end2end tests read one-time codes. The outbox span adds id and kind.
#[derive(Debug, Default)]
pub struct LogSender;

#[async_trait::async_trait]
impl Sender for LogSender {
    async fn send(&self, _key: &str, to: &str, body: &str) -> Result<(), SendError> {
        tracing::info!(to = %mask_phone(to), body, "sms (log sender)");
        Ok(())
    }

    fn name(&self) -> &'static str {
        "log"
    }
}

/// An HTTP SMS gateway: `POST url` with `{"id", "to", "body"}`, a bearer
/// token, and the message's key also as the `Idempotency-Key` header.
pub struct HttpSender {
    url: String,
    token: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for HttpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpSender(..)")
    }
}

impl HttpSender {
    pub fn new(url: String, token: String) -> anyhow::Result<HttpSender> {
        let client = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            // A redirect would turn the POST into a GET; treat it as a misconfiguration.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("building the SMS HTTP client")?;
        Ok(HttpSender { url, token, client })
    }
}

#[async_trait::async_trait]
impl Sender for HttpSender {
    async fn send(&self, key: &str, to: &str, body: &str) -> Result<(), SendError> {
        let resp = self
            .client
            .post(&self.url)
            .bearer_auth(&self.token)
            .header("Idempotency-Key", key)
            .json(&serde_json::json!({ "id": key, "to": to, "body": body }))
            .send()
            .await
            .map_err(|e| {
                // Without the URL: it is configuration and may carry credentials.
                let what = if e.is_timeout() {
                    "timed out"
                } else if e.is_connect() {
                    "cannot connect"
                } else {
                    "request failed"
                };
                SendError::Retryable(format!("SMS gateway {what}: {}", e.without_url()))
            })?;
        let status = resp.status();
        // The response body is not kept: a gateway may echo the number back.
        if status.is_success() {
            Ok(())
        } else if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            Err(SendError::Retryable(format!(
                "SMS gateway answered {status}"
            )))
        } else {
            Err(SendError::Permanent(format!(
                "SMS gateway rejected the message: {status}"
            )))
        }
    }

    fn name(&self) -> &'static str {
        "http"
    }
}

/// The HTTP gateway when a URL is configured (then a token is required),
/// otherwise the log.
pub fn sender_from_config(
    sms_url: Option<String>,
    sms_token: Option<String>,
) -> anyhow::Result<Arc<dyn Sender>> {
    let nonempty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    match (nonempty(sms_url), nonempty(sms_token)) {
        (Some(url), Some(token)) => Ok(Arc::new(HttpSender::new(url, token)?)),
        (Some(_), None) => {
            anyhow::bail!("BIANMIN_SMS_TOKEN is required when BIANMIN_SMS_URL is set")
        }
        (None, _) => Ok(Arc::new(LogSender)),
    }
}

/// Delivers what the outbox holds.
pub struct Outbox {
    db: Db,
    secrets: Arc<Secrets>,
    sender: Arc<dyn Sender>,
    instance: String,
}

/// What one round did: `claimed` tells the worker whether more may be waiting.
struct Round {
    claimed: usize,
    delivered: usize,
}

struct Claimed {
    id: i64,
    kind: String,
    created_at: i64,
    recipient_enc: String,
    body_enc: String,
    attempts: i64,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("sender", &self.sender.name())
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

/// One-time codes live 5 minutes; one not sent by then is dropped.
const OTP_SEND_WITHIN_MS: i64 = 5 * 60_000;

/// What the gateway may deduplicate on: one per outbox row, across attempts
/// and instances.
pub fn idempotency_key(id: i64) -> String {
    format!("bianmin-outbox-{id}")
}

fn backoff_ms(previous_attempts: i64) -> i64 {
    (BACKOFF_BASE_MS << previous_attempts.clamp(0, 20)).min(BACKOFF_MAX_MS)
}

impl Outbox {
    pub fn new(db: Db, secrets: Arc<Secrets>, sender: Arc<dyn Sender>, instance: String) -> Outbox {
        Outbox {
            db,
            secrets,
            sender,
            instance,
        }
    }

    /// Claims up to `batch` due rows, sends them and records the outcome.
    /// Returns how many were delivered.
    pub async fn deliver_due(&self, now_ms: i64, batch: i64) -> anyhow::Result<usize> {
        Ok(self.round(now_ms, batch).await?.delivered)
    }

    /// Runs rounds every `every`, draining the backlog one row at a time,
    /// until `stop` turns true; the message being sent then is finished.
    pub fn spawn_worker(
        self: Arc<Self>,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            tracing::info!(sender = self.sender.name(), instance = %self.instance, "outbox worker started");
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
                while !*stop.borrow() {
                    match self.round(crate::time::now_ms(), WORKER_BATCH).await {
                        Ok(r) if r.claimed as i64 >= WORKER_BATCH => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %format!("{e:#}"), "outbox delivery failed");
                            break;
                        }
                    }
                }
            }
            tracing::info!("outbox worker stopped");
        })
    }

    async fn round(&self, now_ms: i64, batch: i64) -> anyhow::Result<Round> {
        let started = Instant::now();
        // Unique per round, so a round only ever settles rows it claimed itself.
        let claim = format!(
            "{}/{}",
            self.instance,
            crate::crypto::new_token().get(..8).unwrap_or("")
        );
        let mut rows = self.claim(&claim, now_ms, batch).await?;
        rows.sort_by_key(|r| r.id);
        let claimed = rows.len();
        let mut delivered = 0;
        for (i, row) in rows.iter().enumerate() {
            if started.elapsed() > ROUND_BUDGET {
                let released = self.release(&claim).await?;
                tracing::warn!(
                    released,
                    left = claimed - i,
                    "outbox round ran long; handed the rest back"
                );
                break;
            }
            let span = tracing::info_span!("outbox", id = row.id, kind = %row.kind);
            let plain = self
                .secrets
                .decrypt(&row.recipient_enc)
                .and_then(|to| self.secrets.decrypt(&row.body_enc).map(|body| (to, body)));
            // A one-time code is useless once it has expired: never send it late.
            let stale = row.kind == "otp" && now_ms - row.created_at > OTP_SEND_WITHIN_MS;
            let outcome = match plain {
                Ok(_) if stale => Err(SendError::Permanent(
                    "the code expired before it could be sent".into(),
                )),
                Ok((to, body)) => self
                    .sender
                    .send(&idempotency_key(row.id), &to, &body)
                    .instrument(span.clone())
                    .await
                    // Belt and braces: no sender error may store the number.
                    .map_err(|e| scrub(e, &to)),
                Err(_) => Err(SendError::Permanent(
                    "cannot decrypt the message (wrong key?)".into(),
                )),
            };
            let ok = outcome.is_ok();
            if let Err(e) = self.settle(&claim, row, outcome, now_ms).await {
                // The message may be out already; the row stays claimed until the
                // lease ends and is then sent again (at least once).
                span.in_scope(|| tracing::warn!(error = %format!("{e:#}"), "recording the outbox outcome failed"));
            }
            if ok {
                delivered += 1;
            }
        }
        Ok(Round { claimed, delivered })
    }

    async fn claim(&self, claim: &str, now_ms: i64, batch: i64) -> anyhow::Result<Vec<Claimed>> {
        // PostgreSQL: SKIP LOCKED lets concurrent claimers take disjoint rows
        // without waiting. SQLite has a single writer, so the UPDATE is atomic.
        let lock = match self.db.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET status = 'sending', claimed_by = $1, claimed_until = $2
             WHERE id IN (
                 SELECT id FROM outbox
                 WHERE (status = 'pending' AND due_at <= $3)
                    OR (status = 'sending' AND claimed_until < $3)
                 ORDER BY due_at, id LIMIT $4 {lock})
             RETURNING id, kind, created_at, recipient_enc, body_enc, attempts"
        );
        let rows = sqlx::query(&sql)
            .bind(claim)
            .bind(now_ms + LEASE_MS)
            .bind(now_ms)
            .bind(batch.max(0))
            .fetch_all(self.db.pool())
            .await
            .context("claiming outbox rows")?;
        rows.iter()
            .map(|r| {
                Ok(Claimed {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    created_at: r.try_get("created_at")?,
                    recipient_enc: r.try_get("recipient_enc")?,
                    body_enc: r.try_get("body_enc")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect()
    }

    async fn settle(
        &self,
        claim: &str,
        row: &Claimed,
        outcome: Result<(), SendError>,
        now_ms: i64,
    ) -> anyhow::Result<()> {
        let attempts = row.attempts + 1;
        let (status, due_at, sent_at, error) = match outcome {
            Ok(()) => ("sent", None, Some(now_ms), None),
            Err(SendError::Retryable(e)) if attempts < MAX_ATTEMPTS => {
                tracing::info!(id = row.id, attempts, error = %e, "outbox send will be retried");
                (
                    "pending",
                    Some(now_ms + backoff_ms(row.attempts)),
                    None,
                    Some(e),
                )
            }
            Err(e) => {
                tracing::warn!(id = row.id, attempts, error = %e, "outbox message given up");
                ("failed", None, None, Some(e.to_string()))
            }
        };
        // Guarded by the claim: a round whose lease was taken over changes nothing.
        let done = sqlx::query(
            "UPDATE outbox SET status = $1, attempts = $2, due_at = COALESCE($3, due_at),
                 sent_at = $4, last_error = $5, claimed_by = NULL, claimed_until = NULL
             WHERE id = $6 AND claimed_by = $7 AND status = 'sending'",
        )
        .bind(status)
        .bind(attempts)
        .bind(due_at)
        .bind(sent_at)
        .bind(error)
        .bind(row.id)
        .bind(claim)
        .execute(self.db.pool())
        .await
        .context("recording the outbox outcome")?
        .rows_affected();
        if done == 0 {
            tracing::warn!(
                id = row.id,
                "outbox row was reclaimed before its outcome was recorded"
            );
        }
        Ok(())
    }

    /// Hands this round's unsent rows back, due now.
    async fn release(&self, claim: &str) -> anyhow::Result<u64> {
        Ok(sqlx::query(
            "UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_until = NULL
             WHERE claimed_by = $1 AND status = 'sending'",
        )
        .bind(claim)
        .execute(self.db.pool())
        .await
        .context("releasing outbox rows")?
        .rows_affected())
    }
}

fn scrub(e: SendError, to: &str) -> SendError {
    if to.is_empty() {
        return e;
    }
    let masked = mask_phone(to);
    match e {
        SendError::Retryable(m) => SendError::Retryable(m.replace(to, &masked)),
        SendError::Permanent(m) => SendError::Permanent(m.replace(to, &masked)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;

    const PHONE: &str = "13812341234";
    const NOW: i64 = 1_800_000_000_000;

    static COUNTER: AtomicU32 = AtomicU32::new(0);

    fn unique(prefix: &str) -> String {
        format!(
            "{prefix}_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        )
    }

    /// A migrated database: a SQLite file, or a throwaway PostgreSQL database
    /// (same conventions as the integration tests: BIANMIN_TEST_PG_URL,
    /// BIANMIN_REQUIRE_POSTGRES=1 turns a missing server into a failure).
    struct TestDb {
        db: Db,
        cleanup: Cleanup,
    }

    enum Cleanup {
        Dir(std::path::PathBuf),
        Pg { admin: String, name: String },
    }

    impl TestDb {
        async fn done(self) {
            self.db.pool().close().await;
            match self.cleanup {
                Cleanup::Dir(d) => {
                    let _ = std::fs::remove_dir_all(d);
                }
                Cleanup::Pg { admin, name } => {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut c)
                                .await;
                    }
                }
            }
        }
    }

    async fn backends() -> Vec<TestDb> {
        let dir = std::env::temp_dir().join(unique("bianmin_notify"));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let mut v = vec![TestDb {
            db,
            cleanup: Cleanup::Dir(dir),
        }];
        if let Some(pg) = postgres().await {
            v.push(pg);
        }
        v
    }

    async fn postgres() -> Option<TestDb> {
        use sqlx::Connection;
        let admin = std::env::var("BIANMIN_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let required = std::env::var("BIANMIN_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let mut conn = match sqlx::PgConnection::connect(&admin).await {
            Ok(c) => c,
            Err(e) => {
                assert!(!required, "PostgreSQL required but unreachable: {e}");
                eprintln!("\n!!! SKIPPED PostgreSQL half of this test: unreachable ({e}) !!!\n");
                return None;
            }
        };
        let name = unique("bianmin_notify");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        let db = Db::connect(&format!("{base}/{name}")).await.unwrap();
        db.migrate().await.unwrap();
        Some(TestDb {
            db,
            cleanup: Cleanup::Pg { admin, name },
        })
    }

    #[derive(Clone, Copy)]
    enum Mode {
        Deliver,
        Retry,
        Refuse,
    }

    /// Records every call; answers as told.
    struct Recorder {
        calls: Mutex<Vec<(String, String)>>,
        keys: Mutex<Vec<String>>,
        mode: Mutex<Mode>,
    }

    impl Recorder {
        fn new(mode: Mode) -> Arc<Recorder> {
            Arc::new(Recorder {
                calls: Mutex::new(Vec::new()),
                keys: Mutex::new(Vec::new()),
                mode: Mutex::new(mode),
            })
        }
        fn calls(&self) -> Vec<(String, String)> {
            self.calls.lock().unwrap().clone()
        }
        fn set(&self, mode: Mode) {
            *self.mode.lock().unwrap() = mode;
        }
    }

    #[async_trait::async_trait]
    impl Sender for Recorder {
        async fn send(&self, key: &str, to: &str, body: &str) -> Result<(), SendError> {
            self.keys.lock().unwrap().push(key.to_string());
            self.calls
                .lock()
                .unwrap()
                .push((to.to_string(), body.to_string()));
            // Let a concurrent round run in between.
            tokio::task::yield_now().await;
            let mode = *self.mode.lock().unwrap();
            match mode {
                Mode::Deliver => Ok(()),
                Mode::Retry => Err(SendError::Retryable(format!("gateway down for {to}"))),
                Mode::Refuse => Err(SendError::Permanent(format!("{to} is not a mobile"))),
            }
        }
        fn name(&self) -> &'static str {
            "recorder"
        }
    }

    fn secrets() -> Arc<Secrets> {
        Arc::new(Secrets::from_key([9; 32]))
    }

    fn msg(body: &str) -> OutboxMessage {
        OutboxMessage {
            kind: "notice".into(),
            recipient: PHONE.into(),
            body: body.into(),
        }
    }

    struct RowState {
        status: String,
        attempts: i64,
        due_at: i64,
        sent_at: Option<i64>,
        last_error: Option<String>,
        recipient_enc: String,
        recipient_masked: String,
    }

    async fn rows(db: &Db) -> Vec<RowState> {
        sqlx::query(
            "SELECT status, attempts, due_at, sent_at, last_error, recipient_enc, recipient_masked
             FROM outbox ORDER BY id",
        )
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| RowState {
            status: r.get("status"),
            attempts: r.get("attempts"),
            due_at: r.get("due_at"),
            sent_at: r.get("sent_at"),
            last_error: r.get("last_error"),
            recipient_enc: r.get("recipient_enc"),
            recipient_masked: r.get("recipient_masked"),
        })
        .collect()
    }

    #[tokio::test]
    async fn delivers_once_and_marks_sent() {
        for t in backends().await {
            let db = &t.db;
            let s = secrets();
            let rec = Recorder::new(Mode::Deliver);
            let outbox = Outbox::new(db.clone(), s.clone(), rec.clone(), "t".into());

            // In a transaction, as callers do; a rolled-back one leaves nothing.
            let mut tx = db.pool().begin().await.unwrap();
            enqueue(&mut tx, &s, &msg("code 123456"), NOW)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let mut tx = db.pool().begin().await.unwrap();
            enqueue(&mut tx, &s, &msg("rolled back"), NOW)
                .await
                .unwrap();
            tx.rollback().await.unwrap();

            assert_eq!(
                outbox.deliver_due(NOW - 1, 10).await.unwrap(),
                0,
                "not due yet"
            );
            assert_eq!(outbox.deliver_due(NOW, 10).await.unwrap(), 1);
            assert_eq!(
                rec.calls(),
                vec![(PHONE.to_string(), "code 123456".to_string())]
            );
            let r = rows(db).await;
            assert_eq!(r.len(), 1);
            assert_eq!(r[0].status, "sent");
            assert_eq!(r[0].sent_at, Some(NOW));
            assert_eq!(r[0].attempts, 1);
            assert_eq!(r[0].recipient_masked, "138****1234");
            assert!(!r[0].recipient_enc.contains(PHONE));
            assert_eq!(s.decrypt(&r[0].recipient_enc).unwrap(), PHONE);

            assert_eq!(
                outbox.deliver_due(NOW + 10 * LEASE_MS, 10).await.unwrap(),
                0
            );
            assert_eq!(rec.calls().len(), 1);

            enqueue_now(db, &s, &msg("later"), NOW + 5).await.unwrap();
            assert_eq!(outbox.deliver_due(NOW + 5, 10).await.unwrap(), 1);
            assert_eq!(rec.calls().len(), 2);
            t.done().await;
        }
    }

    /// An instance killed after claiming a row: another instance sends it
    /// once the short lease ends, under the same idempotency key.
    #[tokio::test]
    async fn a_dead_instances_claim_is_taken_over_within_the_lease() {
        for t in backends().await {
            let db = &t.db;
            let s = secrets();
            let rec = Recorder::new(Mode::Deliver);
            let dead = Outbox::new(db.clone(), s.clone(), rec.clone(), "dead".into());
            let alive = Outbox::new(db.clone(), s.clone(), rec.clone(), "alive".into());
            for i in 0..3 {
                enqueue_now(db, &s, &msg(&format!("m{i}")), NOW)
                    .await
                    .unwrap();
            }
            // The worker's unit: one row; the crash strands only that one.
            let stranded = dead.claim("dead/1", NOW, WORKER_BATCH).await.unwrap();
            assert_eq!(stranded.len(), 1);
            assert_eq!(alive.deliver_due(NOW + 1, 10).await.unwrap(), 2);
            assert_eq!(alive.deliver_due(NOW + LEASE_MS, 10).await.unwrap(), 0);
            assert_eq!(alive.deliver_due(NOW + LEASE_MS + 1, 10).await.unwrap(), 1);
            const { assert!(LEASE_MS <= 30_000, "a stranded code must not wait longer") };
            let keys = rec.keys.lock().unwrap().clone();
            assert_eq!(keys.len(), 3);
            assert!(keys.contains(&idempotency_key(stranded[0].id)));
            assert!(rows(db).await.iter().all(|r| r.status == "sent"));
            t.done().await;
        }
    }

    #[tokio::test]
    async fn retryable_failure_backs_off_then_gives_up() {
        for t in backends().await {
            let db = &t.db;
            let s = secrets();
            let rec = Recorder::new(Mode::Retry);
            let outbox = Outbox::new(db.clone(), s.clone(), rec.clone(), "t".into());
            enqueue_now(db, &s, &msg("hi"), NOW).await.unwrap();

            assert_eq!(outbox.deliver_due(NOW, 10).await.unwrap(), 0);
            let r = rows(db).await;
            assert_eq!(r[0].status, "pending");
            assert_eq!(r[0].attempts, 1);
            assert_eq!(r[0].due_at, NOW + 30_000);
            let err = r[0].last_error.clone().unwrap();
            assert!(
                err.contains("gateway down") && !err.contains(PHONE),
                "{err}"
            );

            // Not before its time.
            assert_eq!(outbox.deliver_due(NOW + 29_999, 10).await.unwrap(), 0);
            assert_eq!(rec.calls().len(), 1);

            let mut at = NOW + 30_000;
            let mut waits = Vec::new();
            loop {
                outbox.deliver_due(at, 10).await.unwrap();
                let r = rows(db).await;
                if r[0].status == "failed" {
                    break;
                }
                assert_eq!(r[0].status, "pending");
                waits.push(r[0].due_at - at);
                at = r[0].due_at;
            }
            assert_eq!(
                waits,
                vec![60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000]
            );
            assert_eq!(rows(db).await[0].attempts, MAX_ATTEMPTS);
            assert_eq!(rec.calls().len() as i64, MAX_ATTEMPTS);
            assert_eq!(
                outbox.deliver_due(at + BACKOFF_MAX_MS, 10).await.unwrap(),
                0
            );
            assert_eq!(rec.calls().len() as i64, MAX_ATTEMPTS);

            // A later success after one retry.
            enqueue_now(db, &s, &msg("second"), NOW).await.unwrap();
            outbox.deliver_due(NOW, 10).await.unwrap();
            rec.set(Mode::Deliver);
            assert_eq!(outbox.deliver_due(NOW + 30_000, 10).await.unwrap(), 1);
            let r = rows(db).await;
            assert_eq!((r[1].status.as_str(), r[1].attempts), ("sent", 2));
            t.done().await;
        }
    }

    #[test]
    fn backoff_is_capped() {
        assert_eq!(backoff_ms(0), 30_000);
        assert_eq!(backoff_ms(6), 1_920_000);
        assert_eq!(backoff_ms(7), BACKOFF_MAX_MS);
        assert_eq!(backoff_ms(1000), BACKOFF_MAX_MS);
    }

    #[tokio::test]
    async fn permanent_failure_marks_failed() {
        for t in backends().await {
            let db = &t.db;
            let s = secrets();
            let rec = Recorder::new(Mode::Refuse);
            let outbox = Outbox::new(db.clone(), s.clone(), rec.clone(), "t".into());
            enqueue_now(db, &s, &msg("hi"), NOW).await.unwrap();
            assert_eq!(outbox.deliver_due(NOW, 10).await.unwrap(), 0);
            let r = rows(db).await;
            assert_eq!((r[0].status.as_str(), r[0].attempts), ("failed", 1));
            let err = r[0].last_error.clone().unwrap();
            assert!(
                err.contains("not a mobile") && !err.contains(PHONE),
                "{err}"
            );
            assert!(err.contains("138****1234"), "{err}");
            assert_eq!(
                outbox.deliver_due(NOW + BACKOFF_MAX_MS, 10).await.unwrap(),
                0
            );
            assert_eq!(rec.calls().len(), 1);

            // A recipient encrypted under another key cannot be sent.
            enqueue_now(db, &Secrets::from_key([1; 32]), &msg("x"), NOW)
                .await
                .unwrap();
            rec.set(Mode::Deliver);
            assert_eq!(outbox.deliver_due(NOW, 10).await.unwrap(), 0);
            assert_eq!(rows(db).await[1].status, "failed");
            assert_eq!(rec.calls().len(), 1);
            t.done().await;
        }
    }

    #[tokio::test]
    async fn crashed_claim_is_taken_over_after_its_lease() {
        for t in backends().await {
            let db = &t.db;
            let s = secrets();
            let rec = Recorder::new(Mode::Deliver);
            let outbox = Outbox::new(db.clone(), s.clone(), rec.clone(), "t".into());
            enqueue_now(db, &s, &msg("hi"), NOW).await.unwrap();
            sqlx::query(
                "UPDATE outbox SET status = 'sending', claimed_by = 'dead', claimed_until = $1",
            )
            .bind(NOW + 1_000)
            .execute(db.pool())
            .await
            .unwrap();
            assert_eq!(outbox.deliver_due(NOW + 1_000, 10).await.unwrap(), 0);
            assert_eq!(outbox.deliver_due(NOW + 1_001, 10).await.unwrap(), 1);
            assert_eq!(rows(db).await[0].status, "sent");
            t.done().await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_rounds_never_send_twice() {
        for t in backends().await {
            let db = &t.db;
            let s = secrets();
            let rec = Recorder::new(Mode::Deliver);
            for i in 0..50 {
                enqueue_now(db, &s, &msg(&format!("m{i}")), NOW + i)
                    .await
                    .unwrap();
            }
            let a = Outbox::new(db.clone(), s.clone(), rec.clone(), "a".into());
            let b = Outbox::new(db.clone(), s.clone(), rec.clone(), "b".into());
            let drain = |o: Outbox| async move {
                let mut n = 0;
                loop {
                    let d = o.deliver_due(NOW + 100, 7).await.unwrap();
                    if d == 0 {
                        return n;
                    }
                    n += d;
                }
            };
            // Spawned, so the two rounds run on two threads at once.
            let (na, nb) = tokio::join!(tokio::spawn(drain(a)), tokio::spawn(drain(b)));
            assert_eq!(na.unwrap() + nb.unwrap(), 50);
            let calls = rec.calls();
            assert_eq!(calls.len(), 50);
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (_, body) in calls {
                *seen.entry(body).or_default() += 1;
            }
            assert_eq!(seen.len(), 50);
            assert!(seen.values().all(|&n| n == 1));
            assert!(rows(db).await.iter().all(|r| r.status == "sent"));
            t.done().await;
        }
    }

    #[test]
    fn debug_masks_the_number() {
        let d = format!("{:?}", msg("code 1"));
        assert!(!d.contains(PHONE), "{d}");
        assert!(d.contains("138****1234"), "{d}");
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("+8613812341234"), "*".repeat(14));
    }

    #[test]
    fn sender_choice() {
        assert_eq!(sender_from_config(None, None).unwrap().name(), "log");
        assert_eq!(
            sender_from_config(Some(" ".into()), None).unwrap().name(),
            "log"
        );
        assert!(sender_from_config(Some("http://x/".into()), None).is_err());
        let s = sender_from_config(Some("http://x/".into()), Some("tok".into())).unwrap();
        assert_eq!(s.name(), "http");
    }

    #[tokio::test]
    async fn log_sender_delivers() {
        assert!(LogSender.send("k", PHONE, "code 1").await.is_ok());
    }

    #[tokio::test]
    async fn http_sender_statuses() {
        use axum::http::{HeaderMap, StatusCode};
        use axum::Json;
        let received: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
        let seen = received.clone();
        let app = axum::Router::new().route(
            "/sms",
            axum::routing::post(
                move |headers: HeaderMap, Json(v): Json<serde_json::Value>| {
                    let seen = seen.clone();
                    async move {
                        if headers.get("authorization").and_then(|h| h.to_str().ok())
                            != Some("Bearer s3cret")
                        {
                            return StatusCode::UNAUTHORIZED;
                        }
                        // The idempotency key comes as a header and in the body.
                        assert_eq!(
                            headers.get("idempotency-key").unwrap(),
                            v["id"].as_str().unwrap()
                        );
                        seen.lock().unwrap().push(v.clone());
                        match v["body"].as_str() {
                            Some("boom") => StatusCode::INTERNAL_SERVER_ERROR,
                            Some("busy") => StatusCode::TOO_MANY_REQUESTS,
                            Some("bad") => StatusCode::BAD_REQUEST,
                            _ => StatusCode::OK,
                        }
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let url = format!("http://{addr}/sms");
        let sender = HttpSender::new(url.clone(), "s3cret".into()).unwrap();

        sender
            .send("bianmin-outbox-7", PHONE, "code 1")
            .await
            .unwrap();
        assert_eq!(
            received.lock().unwrap()[0],
            serde_json::json!({ "id": "bianmin-outbox-7", "to": PHONE, "body": "code 1" })
        );
        for (body, retryable) in [("boom", true), ("busy", true), ("bad", false)] {
            let e = sender.send("k", PHONE, body).await.unwrap_err();
            assert_eq!(
                matches!(e, SendError::Retryable(_)),
                retryable,
                "{body}: {e}"
            );
            assert!(!e.to_string().contains(PHONE));
        }
        let wrong = HttpSender::new(url, "nope".into()).unwrap();
        let e = wrong.send("k", PHONE, "code 1").await.unwrap_err();
        assert!(matches!(e, SendError::Permanent(_)), "{e}");
        assert!(!e.to_string().contains("nope") && !e.to_string().contains("s3cret"));
        assert!(!format!("{wrong:?}").contains("nope"));
        server.abort();

        // Nobody listening: retry later.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gone = format!("http://{}/sms", closed.local_addr().unwrap());
        drop(closed);
        let e = HttpSender::new(gone, "s3cret".into())
            .unwrap()
            .send("k", PHONE, "code 1")
            .await
            .unwrap_err();
        assert!(matches!(e, SendError::Retryable(_)), "{e}");
        assert!(!e.to_string().contains(PHONE));
    }
}
