//! Identity: citizens prove a phone with a one-time code; staff sign in with a
//! password. Sessions, codes and counters live in the database so any number
//! of instances can share them.

pub mod grant;
pub mod rate_limit;
pub mod request;

use crate::audit::{self, Action};
use crate::config::IdentityConfig;
use crate::crypto::{self, Secrets};
use crate::notify::{self, OutboxMessage};
use crate::storage::Db;
use crate::time::{now_ms, shanghai_date};
use app::error::AppError;
use app::identity::account::*;
use app::identity::port::{AccountPort, Cookies};
use app::identity::{
    check_password, mask_id, mask_name, mask_phone, parse_person_name, Phone, ResidentId,
};
use http::request::Parts;
use request::{RequestInfo, CITIZEN_COOKIE, OTP_COOKIE, STAFF_COOKIE, VIEW_COOKIE};
use sqlx::Row;
use std::sync::Arc;

/// One-time codes: valid 5 minutes, 5 tries, 1 a minute and 10 a day per phone.
pub const OTP_TTL_MS: i64 = 5 * 60_000;
pub const OTP_MAX_TRIES: i64 = 5;
/// One code a minute per phone; the code page counts down to the next.
pub const OTP_RESEND_MS: i64 = 60_000;
pub const OTP_PER_PHONE_DAY: i64 = 10;
/// Staff logins: 5 failures from one client address pause logins to that
/// account from that address for 30 minutes (the 等保 "5 failures" rule,
/// applied where the guesses come from).
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const LOCKOUT_MS: i64 = 30 * 60_000;
/// Failures from anywhere within [`LOCKOUT_MS`] that lock the account for
/// everyone for [`LOCKOUT_MS`]: at least 4 addresses guessing at once.
pub const MAX_FAILED_ACCOUNT: i64 = 20;
/// Sessions are touched at most this often, to spare the database a write per request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The signed-in staff member behind a request, as services check it.
#[derive(Clone, Debug)]
pub struct Caller {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub center_code: Option<String>,
    pub client_addr: String,
    /// The center a city admin chose to look at (the switcher in the staff
    /// header, a cookie); None: the whole city. Only ever set for city admins.
    pub viewing: Option<String>,
}

impl Caller {
    pub fn role_code(&self) -> &'static str {
        self.role.code()
    }

    /// Whether this caller may administer `center` (city admins: every center).
    pub fn administers(&self, center: &str) -> bool {
        match self.role {
            Role::CityAdmin => true,
            Role::CenterAdmin => self.center_code.as_deref() == Some(center),
            _ => false,
        }
    }

    /// The center a back-office page is about: `code` if given, else the
    /// caller's own (a city admin without one: the first). NotFound for no
    /// such center; Forbidden unless the caller works there (a city admin: any).
    pub fn center_in_view(
        &self,
        model: &crate::portal::ReadModel,
        code: Option<&str>,
    ) -> Result<String, AppError> {
        let code = match code.filter(|c| !c.is_empty()) {
            Some(c) => c.to_string(),
            None => self
                .center_code
                .clone()
                .or_else(|| self.viewing_center(model))
                .or_else(|| model.centers.first().map(|c| c.code.clone()))
                .ok_or(AppError::NotFound)?,
        };
        if model.center(&code).is_none() {
            return Err(AppError::NotFound);
        }
        if self.role != Role::CityAdmin && self.center_code.as_deref() != Some(code.as_str()) {
            return Err(AppError::Forbidden);
        }
        Ok(code)
    }

    /// `code`, if the caller may change what belongs to that center.
    pub fn center_administered(
        &self,
        model: &crate::portal::ReadModel,
        code: &str,
    ) -> Result<String, AppError> {
        let code = self.center_in_view(model, Some(code))?;
        if self.administers(&code) {
            Ok(code)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The center a city admin has chosen to look at, if it still exists.
    pub fn viewing_center(&self, model: &crate::portal::ReadModel) -> Option<String> {
        self.viewing
            .clone()
            .filter(|c| self.role == Role::CityAdmin && model.center(c).is_some())
    }

    /// Centers a city admin may switch between: (code, name); nobody else switches.
    pub fn center_choices(&self, model: &crate::portal::ReadModel) -> Vec<(String, String)> {
        if self.role == Role::CityAdmin {
            model
                .centers
                .iter()
                .map(|c| (c.code.clone(), c.center_name.clone()))
                .collect()
        } else {
            vec![]
        }
    }

    /// The command line, for records it writes.
    pub fn cli() -> Caller {
        Caller {
            id: 0,
            username: "cli".into(),
            display_name: "命令行".into(),
            role: Role::CityAdmin,
            center_code: None,
            client_addr: "local".into(),
            viewing: None,
        }
    }
}

pub struct Accounts {
    db: Db,
    secrets: Arc<Secrets>,
    config: IdentityConfig,
}

/// argon2id on a blocking thread: it takes tens of milliseconds of CPU.
pub async fn hash_blocking(password: &str) -> Result<String, AppError> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || crypto::hash_password(&pw))
        .await
        .map_err(internal)?
        .map_err(internal)
}

/// One answer for every failed login: unknown user, wrong password, paused
/// address, locked account. An attacker learns nothing; a staff
/// member who is sure of the password knows to ask an admin.
fn wrong_password() -> AppError {
    AppError::validation(
        "password",
        "用户名或密码不正确（连续输错5次将暂停登录30分钟，如需帮助请联系管理员）",
    )
}

/// Logs an internal cause and returns the user-safe error.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    let cause = format!("{e:#}");
    if crate::storage::is_unavailable(&cause) {
        tracing::error!(error = %cause, "database unavailable");
        return AppError::Unavailable;
    }
    tracing::error!(error = %cause, "internal error");
    AppError::Internal
}

impl Accounts {
    pub fn new(db: Db, secrets: Arc<Secrets>, config: IdentityConfig) -> Accounts {
        Accounts {
            db,
            secrets,
            config,
        }
    }

    pub fn request(&self, parts: &Parts) -> RequestInfo {
        RequestInfo::from_parts(parts, &self.config)
    }

    /// The staff member signed in on this request, or `Unauthenticated`.
    pub async fn caller(&self, parts: &Parts) -> Result<Caller, AppError> {
        let req = self.request(parts);
        self.staff_session(&req)
            .await?
            .ok_or(AppError::Unauthenticated)
    }

    async fn staff_session(&self, req: &RequestInfo) -> Result<Option<Caller>, AppError> {
        let Some(token) = req.cookie(STAFF_COOKIE) else {
            return Ok(None);
        };
        let hash = crypto::token_hash(&token);
        let now = now_ms();
        let idle = self.config.staff_idle.as_millis() as i64;
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.role, u.center_code, s.last_seen_at
             FROM sessions s JOIN staff_users u ON u.id = s.staff_id
             WHERE s.token_hash = $1 AND s.kind = 'staff' AND s.expires_at > $2
               AND s.last_seen_at > $3 AND u.disabled = 0",
        )
        .bind(&hash)
        .bind(now)
        .bind(now - idle)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        let Some(row) = row else { return Ok(None) };
        let last_seen: i64 = row.try_get("last_seen_at").map_err(internal)?;
        if now - last_seen > TOUCH_EVERY_MS {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&hash)
                .execute(self.db.pool())
                .await
                .map_err(internal)?;
        }
        let role: String = row.try_get("role").map_err(internal)?;
        let role = Role::parse(&role).ok_or_else(|| internal("unknown role"))?;
        let viewing = (role == Role::CityAdmin)
            .then(|| req.cookie(VIEW_COOKIE))
            .flatten()
            .filter(|c| c.len() <= 32 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        Ok(Some(Caller {
            id: row.try_get("id").map_err(internal)?,
            username: row.try_get("username").map_err(internal)?,
            display_name: row.try_get("display_name").map_err(internal)?,
            role,
            center_code: row.try_get("center_code").map_err(internal)?,
            client_addr: req.client_addr.clone(),
            viewing,
        }))
    }

    /// Every center as (code, name), in the portal's order.
    async fn centers(&self) -> Result<Vec<(String, String)>, AppError> {
        let rows = sqlx::query("SELECT code, center_name FROM centers ORDER BY sort_order, code")
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?;
        rows.iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("center_name")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal)
    }

    async fn center_name(&self, code: &Option<String>) -> Result<Option<String>, AppError> {
        let Some(code) = code else { return Ok(None) };
        let row = sqlx::query("SELECT center_name FROM centers WHERE code = $1")
            .bind(code)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?;
        Ok(row.and_then(|r| r.try_get("center_name").ok()))
    }

    /// The phone key of the citizen signed in on this request.
    async fn citizen_session(
        &self,
        req: &RequestInfo,
    ) -> Result<Option<(String, String)>, AppError> {
        let Some(token) = req.cookie(CITIZEN_COOKIE) else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT phone_key, phone_enc FROM sessions
             WHERE token_hash = $1 AND kind = 'citizen' AND expires_at > $2",
        )
        .bind(crypto::token_hash(&token))
        .bind(now_ms())
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        row.map(|r| {
            Ok((
                r.try_get("phone_key").map_err(internal)?,
                r.try_get("phone_enc").map_err(internal)?,
            ))
        })
        .transpose()
    }

    async fn pending(&self, req: &RequestInfo) -> Result<Option<PendingLogin>, AppError> {
        let Some(token) = req.cookie(OTP_COOKIE) else {
            return Ok(None);
        };
        let now = now_ms();
        let row = sqlx::query(
            "SELECT phone_enc, created_at, expires_at FROM otp_challenges
             WHERE token_hash = $1 AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3",
        )
        .bind(crypto::token_hash(&token))
        .bind(now)
        .bind(OTP_MAX_TRIES)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        let Some(row) = row else { return Ok(None) };
        let phone = self
            .secrets
            .decrypt(&row.try_get::<String, _>("phone_enc").map_err(internal)?)
            .map_err(internal)?;
        let expires: i64 = row.try_get("expires_at").map_err(internal)?;
        let created: i64 = row.try_get("created_at").map_err(internal)?;
        Ok(Some(PendingLogin {
            phone_masked: mask_phone(&phone),
            minutes_left: ((expires - now) + 59_999) / 60_000,
            resend_in_secs: ((created + OTP_RESEND_MS - now).clamp(0, OTP_RESEND_MS) + 999) / 1000,
        }))
    }

    /// Counts a hit and refuses past `limit`, with `message` for the citizen.
    async fn limit(
        &self,
        key: &str,
        window_ms: i64,
        limit: i64,
        message: &str,
    ) -> Result<(), AppError> {
        let hits = rate_limit::hit(&self.db, key, window_ms, now_ms())
            .await
            .map_err(internal)?;
        if hits > limit {
            Err(AppError::RateLimited(message.to_string()))
        } else {
            Ok(())
        }
    }

    async fn new_session(
        &self,
        conn: &mut sqlx::AnyConnection,
        kind: &str,
        staff_id: Option<i64>,
        phone: Option<(&str, &str)>,
        max_ms: i64,
    ) -> Result<String, AppError> {
        let token = crypto::new_token();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (token_hash, kind, staff_id, phone_key, phone_enc, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(crypto::token_hash(&token))
        .bind(kind)
        .bind(staff_id)
        .bind(phone.map(|p| p.0.to_string()))
        .bind(phone.map(|p| p.1.to_string()))
        .bind(now)
        .bind(now + max_ms)
        .execute(conn)
        .await
        .map_err(internal)?;
        Ok(token)
    }

    /// Ends the session this request presents for `cookie`, if any (no fixation:
    /// every sign-in starts a new session id).
    async fn end_presented(&self, req: &RequestInfo, cookie: &str) -> Result<(), AppError> {
        if let Some(token) = req.cookie(cookie) {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(crypto::token_hash(&token))
                .execute(self.db.pool())
                .await
                .map_err(internal)?;
        }
        Ok(())
    }

    /// The citizen signed in on this request: the phone's lookup key and the phone.
    pub async fn citizen_phone(&self, parts: &Parts) -> Result<Option<(String, Phone)>, AppError> {
        let req = self.request(parts);
        let Some((key, enc)) = self.citizen_session(&req).await? else {
            return Ok(None);
        };
        let phone = self.secrets.decrypt(&enc).map_err(internal)?;
        Ok(Some((key, Phone::parse(&phone).map_err(internal)?)))
    }

    /// Deletes what has expired: sessions, spent challenges, old counters and
    /// delivered messages (the audit log is never purged). Returns rows deleted.
    pub async fn purge_expired(&self, now: i64) -> anyhow::Result<u64> {
        let idle = self.config.staff_idle.as_millis() as i64;
        let day = 86_400_000;
        let mut deleted = 0;
        for (sql, cutoff) in [
            ("DELETE FROM sessions WHERE expires_at < $1", now),
            (
                "DELETE FROM sessions WHERE kind = 'staff' AND last_seen_at < $1",
                now - idle,
            ),
            (
                "DELETE FROM otp_challenges WHERE expires_at < $1",
                now - day,
            ),
            (
                "DELETE FROM rate_limits WHERE window_start < $1",
                now - 2 * day,
            ),
            (
                "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND created_at < $1",
                now - 30 * day,
            ),
        ] {
            deleted += sqlx::query(sql)
                .bind(cutoff)
                .execute(self.db.pool())
                .await?
                .rows_affected();
        }
        Ok(deleted)
    }

    /// Creates a staff account (the admin command and the back office both use it).
    pub async fn create_staff(
        &self,
        by: &Caller,
        new: &app::staff::NewStaffUser,
    ) -> Result<i64, AppError> {
        let role = Role::parse(new.role.trim())
            .ok_or_else(|| AppError::validation("role", "请选择角色"))?;
        let center = Some(new.center.trim().to_string()).filter(|c| !c.is_empty());
        // Scope before anything else: a caller learns nothing about a form it
        // may not submit.
        if !by.role.manages(role) {
            return Err(AppError::Forbidden);
        }
        if by.role == Role::CenterAdmin && center != by.center_code {
            return Err(AppError::Forbidden);
        }
        let username = new.username.trim().to_lowercase();
        if username.len() < 3
            || username.len() > 32
            || !username
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(AppError::validation(
                "username",
                "用户名须为3-32位字母、数字或下划线",
            ));
        }
        let display_name = parse_person_name(&new.display_name)
            .map_err(|m| AppError::validation("display_name", m))?;
        match (role, &center) {
            (Role::CityAdmin, Some(_)) => {
                return Err(AppError::validation("center", "市级管理员不属于任何中心"))
            }
            (Role::CityAdmin, None) => {}
            (_, None) => return Err(AppError::validation("center", "请选择所属中心")),
            (_, Some(c)) => {
                if self.center_name(&Some(c.clone())).await?.is_none() {
                    return Err(AppError::validation("center", "所属中心不存在"));
                }
            }
        }
        check_password(&new.password).map_err(|m| AppError::validation("password", m))?;
        let hash = hash_blocking(&new.password).await?;
        let now = now_ms();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let inserted = sqlx::query(
            "INSERT INTO staff_users (username, display_name, role, center_code, password_hash, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(&username)
        .bind(&display_name)
        .bind(role.code())
        .bind(center.clone())
        .bind(&hash)
        .bind(now)
        .bind(&by.username)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        let Some(row) = inserted else {
            return Err(AppError::validation("username", "用户名已被使用"));
        };
        let id: i64 = row.try_get(0).map_err(internal)?;
        audit::record(
            &mut tx,
            by,
            Action {
                action: "user_create",
                target_kind: "staff_user",
                target_id: username.clone(),
                center: center.as_deref(),
                detail: format!("{}，{}", role.label(), mask_name(&display_name)),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(id)
    }

    /// Ends every session of a staff member (logout everywhere, disabling).
    pub async fn end_staff_sessions(
        &self,
        conn: &mut sqlx::AnyConnection,
        staff_id: i64,
    ) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(staff_id)
            .execute(conn)
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// Checks `password` for staff member `who` as one counted attempt from
    /// the client address `rate_key`. Attempts are counted before the hash is
    /// checked, each by one atomic counter statement, so however many guesses
    /// arrive at once at most 5 per address and 20 per account are checked in
    /// any 30-minute window. Failures pause the address that made them; only
    /// 20 in one window (so from at least 4 addresses) lock the account. Every
    /// refusal costs a hash check, so timing tells nothing either.
    async fn password_attempt(
        &self,
        who: &Caller,
        rate_key: &str,
        password: &str,
    ) -> Result<(), AppError> {
        let now = now_ms();
        let refuse = || async {
            let pw = password.to_string();
            let _ = tokio::task::spawn_blocking(move || crypto::burn_password_check(&pw)).await;
            Err(wrong_password())
        };
        let from_here = format!("pw:{}:{rate_key}", who.id);
        let for_account = format!("pw:{}", who.id);
        let tries_here = rate_limit::hit(&self.db, &from_here, LOCKOUT_MS, now)
            .await
            .map_err(internal)?;
        if tries_here > MAX_FAILED_LOGINS {
            return refuse().await;
        }
        let row = sqlx::query("SELECT password_hash, locked_until FROM staff_users WHERE id = $1")
            .bind(who.id)
            .fetch_one(self.db.pool())
            .await
            .map_err(internal)?;
        if row.try_get::<i64, _>("locked_until").map_err(internal)? > now {
            return refuse().await;
        }
        let tries_all = rate_limit::hit(&self.db, &for_account, LOCKOUT_MS, now)
            .await
            .map_err(internal)?;
        if tries_all > MAX_FAILED_ACCOUNT {
            return refuse().await;
        }
        let hash: String = row.try_get("password_hash").map_err(internal)?;
        let pw = password.to_string();
        let ok = tokio::task::spawn_blocking(move || crypto::verify_password(&pw, &hash))
            .await
            .map_err(internal)?;
        if ok {
            sqlx::query("UPDATE staff_users SET failed_logins = 0 WHERE id = $1")
                .bind(who.id)
                .execute(self.db.pool())
                .await
                .map_err(internal)?;
            sqlx::query("DELETE FROM rate_limits WHERE key = $1 OR key = $2")
                .bind(&from_here)
                .bind(&for_account)
                .execute(self.db.pool())
                .await
                .map_err(internal)?;
            return Ok(());
        }
        if tries_here == MAX_FAILED_LOGINS {
            tracing::info!(
                staff_id = who.id,
                "staff logins paused for one client address after failed attempts"
            );
        }
        // Failed checks, for the users page; the 20th in a window locks the
        // account, recorded in the audit log in the same transaction.
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query("UPDATE staff_users SET failed_logins = failed_logins + 1 WHERE id = $1")
            .bind(who.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        if tries_all == MAX_FAILED_ACCOUNT {
            sqlx::query("UPDATE staff_users SET locked_until = $2 WHERE id = $1")
                .bind(who.id)
                .bind(now + LOCKOUT_MS)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            tracing::warn!(
                staff_id = who.id,
                "staff account locked after failed logins from several addresses"
            );
            audit::record(
                &mut tx,
                who,
                Action {
                    action: "login_locked",
                    target_kind: "staff_user",
                    target_id: who.username.clone(),
                    center: who.center_code.as_deref(),
                    detail: format!(
                        "30分钟内{MAX_FAILED_ACCOUNT}次密码错误（来自多个地址），锁定30分钟"
                    ),
                },
                now,
            )
            .await
            .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)?;
        Err(wrong_password())
    }

    async fn login_inner(
        &self,
        req: &RequestInfo,
        username: &str,
        password: &str,
    ) -> Result<Cookies, AppError> {
        self.limit(
            &format!("login:ip:{}", req.rate_key()),
            15 * 60_000,
            self.config.login_per_ip_15min,
            "登录尝试过于频繁，请15分钟后再试",
        )
        .await?;
        let username = username.trim().to_lowercase();
        if username.is_empty() {
            return Err(AppError::validation("username", "请输入用户名"));
        }
        if password.is_empty() {
            return Err(AppError::validation("password", "请输入密码"));
        }
        let row = sqlx::query(
            "SELECT id, display_name, disabled, role, center_code FROM staff_users WHERE username = $1",
        )
        .bind(&username)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            // Same cost and the same answer as a wrong password: no telling which usernames exist.
            let pw = password.to_string();
            let _ = tokio::task::spawn_blocking(move || crypto::burn_password_check(&pw)).await;
            return Err(wrong_password());
        };
        let role: String = row.try_get("role").map_err(internal)?;
        let who = Caller {
            id: row.try_get("id").map_err(internal)?,
            username: username.clone(),
            display_name: row.try_get("display_name").map_err(internal)?,
            role: Role::parse(&role).ok_or_else(|| internal("unknown role"))?,
            center_code: row.try_get("center_code").map_err(internal)?,
            client_addr: req.client_addr.clone(),
            viewing: None,
        };
        self.password_attempt(&who, &req.rate_key(), password)
            .await?;
        // Said only to whoever knows the password: it tells an attacker nothing.
        if row.try_get::<i64, _>("disabled").map_err(internal)? != 0 {
            return Err(AppError::Validation {
                field: String::new(),
                message: "账号已停用，请联系管理员".into(),
            });
        }
        self.end_presented(req, STAFF_COOKIE).await?;
        let now = now_ms();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let token = self
            .new_session(
                &mut tx,
                "staff",
                Some(who.id),
                None,
                self.config.staff_max.as_millis() as i64,
            )
            .await?;
        audit::record(
            &mut tx,
            &who,
            Action {
                action: "login",
                target_kind: "staff_user",
                target_id: username,
                center: who.center_code.as_deref(),
                detail: String::new(),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        let max_age = self.config.staff_max.as_secs() as i64;
        Ok(vec![req.set_cookie(STAFF_COOKIE, &token, max_age)])
    }
}

#[async_trait::async_trait]
impl AccountPort for Accounts {
    async fn my_page(&self, parts: &Parts) -> Result<MyPage, AppError> {
        let req = self.request(parts);
        let me = match self.citizen_session(&req).await? {
            Some((key, phone_enc)) => {
                let phone = self.secrets.decrypt(&phone_enc).map_err(internal)?;
                let profile =
                    sqlx::query("SELECT name_enc, id_enc FROM citizens WHERE phone_key = $1")
                        .bind(&key)
                        .fetch_optional(self.db.pool())
                        .await
                        .map_err(internal)?;
                let (mut name_masked, mut id_masked) = (None, None);
                if let Some(p) = profile {
                    let dec = |col: &str| -> Result<Option<String>, AppError> {
                        p.try_get::<Option<String>, _>(col)
                            .map_err(internal)?
                            .map(|v| self.secrets.decrypt(&v).map_err(internal))
                            .transpose()
                    };
                    name_masked = dec("name_enc")?.map(|n| mask_name(&n));
                    id_masked = dec("id_enc")?.map(|n| mask_id(&n));
                }
                Some(CitizenMe {
                    phone_masked: mask_phone(&phone),
                    name_masked,
                    id_masked,
                })
            }
            None => None,
        };
        let pending = if me.is_none() {
            self.pending(&req).await?
        } else {
            None
        };
        Ok(MyPage { me, pending })
    }

    async fn request_code(&self, parts: &Parts, phone: &str) -> Result<Cookies, AppError> {
        let req = self.request(parts);
        let phone = Phone::parse(phone).map_err(|m| AppError::validation("phone", m))?;
        let key = self.secrets.lookup_key("phone", phone.as_str());
        let now = now_ms();
        self.limit(
            &format!("otp:ip:{}", req.rate_key()),
            3_600_000,
            self.config.otp_per_ip_hour,
            "本网络获取验证码过于频繁，请稍后再试",
        )
        .await?;
        self.limit(
            &format!("otp:min:{key}"),
            OTP_RESEND_MS,
            1,
            "验证码已发送，请1分钟后再重新获取",
        )
        .await?;
        self.limit(
            &format!("otp:day:{key}:{}", shanghai_date(now)),
            86_400_000,
            OTP_PER_PHONE_DAY,
            "该手机号今天获取验证码的次数已达上限，请明天再试",
        )
        .await?;
        let token = crypto::new_token();
        let token_hash = crypto::token_hash(&token);
        let code = crypto::random_code();
        let phone_enc = self.secrets.encrypt(phone.as_str());
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO otp_challenges (token_hash, phone_key, phone_enc, code_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&token_hash)
        .bind(&key)
        .bind(&phone_enc)
        .bind(self.secrets.code_hash(&token_hash, &code))
        .bind(now)
        .bind(now + OTP_TTL_MS)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        let msg = OutboxMessage {
            kind: "otp".into(),
            recipient: phone.as_str().to_string(),
            body: format!(
                "【济源便民服务】验证码{code}，5分钟内有效。请勿告诉他人，工作人员不会向您索要。"
            ),
        };
        notify::enqueue(&mut tx, &self.secrets, &msg, now)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(vec![req.set_cookie(OTP_COOKIE, &token, OTP_TTL_MS / 1000)])
    }

    async fn resend_code(&self, parts: &Parts) -> Result<Cookies, AppError> {
        let req = self.request(parts);
        let gone = || AppError::validation("phone", "验证码已失效，请重新输入手机号获取");
        let Some(token) = req.cookie(OTP_COOKIE) else {
            return Err(gone());
        };
        // Any challenge of this browser not yet used: an expired code may be
        // resent, a used one may not.
        let row = sqlx::query(
            "SELECT phone_enc FROM otp_challenges WHERE token_hash = $1 AND consumed_at IS NULL",
        )
        .bind(crypto::token_hash(&token))
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        let Some(row) = row else { return Err(gone()) };
        let phone = self
            .secrets
            .decrypt(&row.try_get::<String, _>("phone_enc").map_err(internal)?)
            .map_err(internal)?;
        self.request_code(parts, &phone).await
    }

    async fn verify_code(&self, parts: &Parts, code: &str) -> Result<Cookies, AppError> {
        let req = self.request(parts);
        let expired = || AppError::validation("code", "验证码已失效，请重新获取");
        let Some(token) = req.cookie(OTP_COOKIE) else {
            return Err(expired());
        };
        let code = code.trim();
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(AppError::validation("code", "请输入6位数字验证码"));
        }
        let token_hash = crypto::token_hash(&token);
        let now = now_ms();
        // Counting the try and reading the challenge is one statement: five tries, however many requests race.
        let row = sqlx::query(
            "UPDATE otp_challenges SET attempts = attempts + 1
             WHERE token_hash = $1 AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3
             RETURNING attempts, code_hash, phone_key, phone_enc",
        )
        .bind(&token_hash)
        .bind(now)
        .bind(OTP_MAX_TRIES)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            return Err(expired());
        };
        let attempts: i64 = row.try_get("attempts").map_err(internal)?;
        let stored: String = row.try_get("code_hash").map_err(internal)?;
        if !crypto::constant_time_eq(&stored, &self.secrets.code_hash(&token_hash, code)) {
            let left = OTP_MAX_TRIES - attempts;
            return Err(if left > 0 {
                AppError::validation("code", &format!("验证码不正确，还可尝试{left}次"))
            } else {
                AppError::validation("code", "验证码错误次数过多，请重新获取")
            });
        }
        let key: String = row.try_get("phone_key").map_err(internal)?;
        let phone_enc: String = row.try_get("phone_enc").map_err(internal)?;
        self.end_presented(&req, CITIZEN_COOKIE).await?;
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let used = sqlx::query("UPDATE otp_challenges SET consumed_at = $2 WHERE token_hash = $1 AND consumed_at IS NULL")
            .bind(&token_hash)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal)?
            .rows_affected();
        if used != 1 {
            return Err(expired());
        }
        sqlx::query(
            "INSERT INTO citizens (phone_key, phone_enc, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (phone_key) DO NOTHING",
        )
        .bind(&key)
        .bind(&phone_enc)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        let max = self.config.citizen_max.as_millis() as i64;
        let session = self
            .new_session(&mut tx, "citizen", None, Some((&key, &phone_enc)), max)
            .await?;
        tx.commit().await.map_err(internal)?;
        Ok(vec![
            req.set_cookie(CITIZEN_COOKIE, &session, max / 1000),
            req.clear_cookie(OTP_COOKIE),
        ])
    }

    async fn citizen_logout(&self, parts: &Parts) -> Result<Cookies, AppError> {
        let req = self.request(parts);
        self.end_presented(&req, CITIZEN_COOKIE).await?;
        Ok(vec![req.clear_cookie(CITIZEN_COOKIE)])
    }

    async fn save_profile(
        &self,
        parts: &Parts,
        name: &str,
        id_number: &str,
    ) -> Result<(), AppError> {
        let req = self.request(parts);
        let (key, _) = self
            .citizen_session(&req)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        // Each is optional: an empty field clears what was saved.
        let name = match name.trim() {
            "" => None,
            n => Some(parse_person_name(n).map_err(|m| AppError::validation("name", m))?),
        };
        let id = match id_number.trim() {
            "" => None,
            n => Some(ResidentId::parse(n).map_err(|m| AppError::validation("id_number", m))?),
        };
        sqlx::query(
            "UPDATE citizens SET name_enc = $2, id_enc = $3, updated_at = $4 WHERE phone_key = $1",
        )
        .bind(&key)
        .bind(name.map(|n| self.secrets.encrypt(&n)))
        .bind(id.map(|i| self.secrets.encrypt(i.as_str())))
        .bind(now_ms())
        .execute(self.db.pool())
        .await
        .map_err(internal)?;
        Ok(())
    }

    async fn staff(&self, parts: &Parts) -> Result<Option<StaffMe>, AppError> {
        let req = self.request(parts);
        let Some(c) = self.staff_session(&req).await? else {
            return Ok(None);
        };
        let center_name = self.center_name(&c.center_code).await?;
        let centers = if c.role == Role::CityAdmin {
            self.centers().await?
        } else {
            vec![]
        };
        // A chosen center that no longer exists is the whole city.
        let viewing = c.viewing.filter(|v| centers.iter().any(|(k, _)| k == v));
        Ok(Some(StaffMe {
            id: c.id,
            username: c.username,
            display_name: c.display_name,
            role: c.role,
            center_code: c.center_code,
            center_name,
            viewing,
            centers,
        }))
    }

    async fn view_center(&self, parts: &Parts, code: &str) -> Result<Cookies, AppError> {
        let caller = self.caller(parts).await?;
        if caller.role != Role::CityAdmin {
            return Err(AppError::Forbidden);
        }
        let req = self.request(parts);
        if code.is_empty() {
            return Ok(vec![req.clear_cookie(VIEW_COOKIE)]);
        }
        if !self.centers().await?.iter().any(|(k, _)| k == code) {
            return Err(AppError::NotFound);
        }
        // A working day's choice; the next day starts again from the whole city.
        Ok(vec![req.set_cookie(VIEW_COOKIE, code, 12 * 3600)])
    }

    async fn staff_login(
        &self,
        parts: &Parts,
        username: &str,
        password: &str,
    ) -> Result<Cookies, AppError> {
        let req = self.request(parts);
        self.login_inner(&req, username, password).await
    }

    async fn staff_logout(&self, parts: &Parts, everywhere: bool) -> Result<Cookies, AppError> {
        let req = self.request(parts);
        if everywhere {
            if let Some(caller) = self.staff_session(&req).await? {
                let mut tx = self.db.pool().begin().await.map_err(internal)?;
                self.end_staff_sessions(&mut tx, caller.id).await?;
                audit::record(
                    &mut tx,
                    &caller,
                    Action {
                        action: "logout_everywhere",
                        target_kind: "staff_user",
                        target_id: caller.username.clone(),
                        center: caller.center_code.as_deref(),
                        detail: String::new(),
                    },
                    now_ms(),
                )
                .await
                .map_err(internal)?;
                tx.commit().await.map_err(internal)?;
            }
        }
        self.end_presented(&req, STAFF_COOKIE).await?;
        Ok(vec![req.clear_cookie(STAFF_COOKIE)])
    }

    async fn change_password(
        &self,
        parts: &Parts,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError> {
        let req = self.request(parts);
        let caller = self
            .staff_session(&req)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        check_password(new).map_err(|m| AppError::validation("new", m))?;
        if new == current {
            return Err(AppError::validation("new", "新密码不能与当前密码相同"));
        }
        if new != confirm {
            return Err(AppError::validation("confirm", "两次输入的新密码不一致"));
        }
        // Counted like a login: a stolen session cannot guess the password freely.
        self.password_attempt(&caller, &req.rate_key(), current)
            .await
            .map_err(|e| match e {
                AppError::Validation { field, .. } if field == "password" => {
                    AppError::validation("current", "当前密码不正确（连续输错5次将暂停30分钟）")
                }
                other => other,
            })?;
        let hash = hash_blocking(new).await?;
        let keep = req
            .cookie(STAFF_COOKIE)
            .map(|t| crypto::token_hash(&t))
            .unwrap_or_default();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query("UPDATE staff_users SET password_hash = $2 WHERE id = $1")
            .bind(caller.id)
            .bind(&hash)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        // Other devices signed in with the old password are signed out.
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND token_hash <> $2")
            .bind(caller.id)
            .bind(&keep)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "password_change",
                target_kind: "staff_user",
                target_id: caller.username.clone(),
                center: caller.center_code.as_deref(),
                detail: String::new(),
            },
            now_ms(),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }
}
