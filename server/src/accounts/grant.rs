//! Opening a tracked record (a complaint, a help request) by its number and
//! the phone's last four digits, within wrong-guess limits every tracking page
//! shares; then a signed cookie that opens it in this browser for a day.

use super::{internal, rate_limit, Accounts};
use crate::crypto::{constant_time_eq, Secrets};
use crate::storage::Db;
use crate::time::now_ms;
use app::complaints::normalize_last4;
use app::error::AppError;
use http::request::Parts;
use sqlx::Row;

/// Failed lookups: per tracking number, and per client address.
pub const PER_NUMBER: (i64, i64) = (5, 15 * 60_000);
pub const PER_CLIENT: (i64, i64) = (20, 60 * 60_000);

/// What a number's record holds to check the digits against.
pub enum Proof<'a> {
    NoSuchNumber,
    /// Filed without a phone: the number alone opens it.
    Anonymous,
    /// The phone's ciphertext.
    Phone(&'a str),
}

fn wrong_guess() -> AppError {
    // The same words whether the number exists or not.
    AppError::validation("last4", "编号或手机号后4位不正确，请核对后再试")
}

fn too_many_guesses() -> AppError {
    AppError::RateLimited("查询错误次数太多，请15分钟后再试；如需帮助请到服务中心窗口".into())
}

/// Checks `last4` for the number `no` from the client `client` (its rate
/// key). Past 5 wrong guesses at one number in 15 minutes, or 20 from one
/// client in an hour, every lookup answers 429, right or wrong; a wrong
/// digit and a number that does not exist answer alike.
pub async fn check_last4(
    db: &Db,
    secrets: &Secrets,
    client: &str,
    no: &str,
    proof: Proof<'_>,
    last4: &str,
) -> Result<(), AppError> {
    let now = now_ms();
    let client = format!("track:ip:{client}");
    let number = format!("track:no:{no}");
    if peek(db, &number, PER_NUMBER.1, now).await? >= PER_NUMBER.0
        || peek(db, &client, PER_CLIENT.1, now).await? >= PER_CLIENT.0
    {
        return Err(too_many_guesses());
    }
    let digits = normalize_last4(last4);
    let ok = match proof {
        Proof::NoSuchNumber => false,
        Proof::Anonymous => true,
        Proof::Phone(enc) => {
            let phone = secrets.decrypt(enc).map_err(internal)?;
            let tail = phone.get(phone.len().saturating_sub(4)..).unwrap_or("");
            digits.as_deref().is_some_and(|d| constant_time_eq(d, tail))
        }
    };
    if ok {
        return Ok(());
    }
    for (key, window) in [(&number, PER_NUMBER.1), (&client, PER_CLIENT.1)] {
        rate_limit::hit(db, key, window, now)
            .await
            .map_err(internal)?;
    }
    if digits.is_none() {
        return Err(AppError::validation("last4", "请输入手机号后4位数字"));
    }
    Err(wrong_guess())
}

pub const GRANT_SECS: i64 = 24 * 3600;

pub struct TrackGrant {
    /// The cookie's name.
    pub cookie: &'static str,
    /// What the MAC is keyed for, so one kind's cookie never opens another.
    pub purpose: &'static str,
}

impl TrackGrant {
    fn value(&self, secrets: &Secrets, no: &str, exp: i64) -> String {
        let compact = no.replace('-', "");
        let mac = secrets.lookup_key(self.purpose, &format!("{compact}.{exp}"));
        format!("{compact}.{exp}.{}", &mac[..32])
    }

    /// The `Set-Cookie` that opens `no` for a day.
    pub fn set(&self, accounts: &Accounts, secrets: &Secrets, parts: &Parts, no: &str) -> String {
        let exp = now_ms() / 1000 + GRANT_SECS;
        accounts
            .request(parts)
            .set_cookie(self.cookie, &self.value(secrets, no, exp), GRANT_SECS)
    }

    /// Whether this browser proved `no` (the signed cookie, unexpired).
    pub fn granted(&self, accounts: &Accounts, secrets: &Secrets, parts: &Parts, no: &str) -> bool {
        let Some(value) = accounts.request(parts).cookie(self.cookie) else {
            return false;
        };
        let Some(exp) = value.split('.').nth(1).and_then(|e| e.parse::<i64>().ok()) else {
            return false;
        };
        exp > now_ms() / 1000 && constant_time_eq(&value, &self.value(secrets, no, exp))
    }
}

/// The count so far in a fixed window, without counting.
async fn peek(
    db: &crate::storage::Db,
    key: &str,
    window_ms: i64,
    now: i64,
) -> Result<i64, AppError> {
    let row = sqlx::query("SELECT window_start, hits FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await
        .map_err(internal)?;
    Ok(match row {
        Some(r) if r.try_get::<i64, _>(0).map_err(internal)? > now - window_ms => {
            r.try_get(1).map_err(internal)?
        }
        _ => 0,
    })
}
