//! Consents: a citizen lets a helper file in their name. Proven by a
//! one-time code sent to the citizen's phone and read back to the helper (the
//! sign-in codes' rules: 5 minutes, 5 tries, 1 a minute and 10 a day per
//! phone), or by a signed paper form's number and the helper's declaration.
//! A consent has a scope (kinds of filing, optionally one item) and an
//! expiry; the citizen may withdraw it, which stops further filings.

use crate::accounts::{
    internal, Caller, OTP_MAX_TRIES, OTP_PER_PHONE_DAY, OTP_RESEND_MS, OTP_TTL_MS,
};
use crate::portal::ReadModel;
use crate::time::shanghai_datetime;
use app::error::AppError;
use app::help::*;
use sqlx::{AnyConnection, Row};

#[derive(Clone, Debug)]
pub struct ConsentRow {
    pub id: i64,
    pub phone_key: String,
    pub phone_enc: String,
    pub method: String,
    pub paper_form_no: Option<String>,
    pub kinds: Vec<String>,
    pub seq: Option<i32>,
    pub helper_id: i64,
    pub center_code: String,
    pub hours: i64,
    pub created_at: i64,
    pub proven_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
}

pub const FIELDS: &str = "id, phone_key, phone_enc, method, paper_form_no, scope_kinds, scope_seq,
    helper_id, center_code, hours, created_at, proven_at, expires_at, withdrawn_at";

pub fn row(r: &sqlx::any::AnyRow) -> Result<ConsentRow, sqlx::Error> {
    let kinds: String = r.try_get("scope_kinds")?;
    Ok(ConsentRow {
        id: r.try_get("id")?,
        phone_key: r.try_get("phone_key")?,
        phone_enc: r.try_get("phone_enc")?,
        method: r.try_get("method")?,
        paper_form_no: r.try_get("paper_form_no")?,
        kinds: kinds
            .split(',')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect(),
        seq: r.try_get::<Option<i64>, _>("scope_seq")?.map(|s| s as i32),
        helper_id: r.try_get("helper_id")?,
        center_code: r.try_get("center_code")?,
        hours: r.try_get("hours")?,
        created_at: r.try_get("created_at")?,
        proven_at: r.try_get("proven_at")?,
        expires_at: r.try_get("expires_at")?,
        withdrawn_at: r.try_get("withdrawn_at")?,
    })
}

pub const CONSENT_CODE_TTL_MS: i64 = OTP_TTL_MS;
pub const CONSENT_CODE_TRIES: i64 = OTP_MAX_TRIES;
pub const CONSENT_RESEND_MS: i64 = OTP_RESEND_MS;
pub const CONSENT_CODES_PER_DAY: i64 = OTP_PER_PHONE_DAY;

impl ConsentRow {
    /// pending (waiting for the code), active, expired or withdrawn.
    pub fn status(&self, now: i64) -> &'static str {
        if self.withdrawn_at.is_some() {
            "withdrawn"
        } else if self.proven_at.is_none() {
            "pending"
        } else if self.expires_at.is_none_or(|e| e <= now) {
            "expired"
        } else {
            "active"
        }
    }

    pub fn status_label(&self, now: i64) -> &'static str {
        match self.status(now) {
            "pending" => "等待群众念验证码",
            "active" => "有效",
            "expired" => "已过期",
            _ => "已撤回",
        }
    }

    /// "帮办代办申请、延时服务预约（仅限：事项名）".
    pub fn scope_text(&self, model: &ReadModel) -> String {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| filing_kind_label(k)).collect();
        let mut text = kinds.join("、");
        if let Some(item) = self.seq.and_then(|s| model.item(s)) {
            text.push_str(&format!("（仅限：{}）", item.business_item));
        }
        text
    }

    /// Whether `caller` may file `kind` (about `seq`) under it at `now`; the
    /// error says why not, next to the consent.
    pub fn check_use(
        &self,
        caller: &Caller,
        kind: &str,
        seq: Option<i32>,
        now: i64,
    ) -> Result<(), AppError> {
        if self.helper_id != caller.id {
            return Err(AppError::Forbidden);
        }
        let refuse = |m: &str| Err(AppError::validation("consent", m));
        match self.status(now) {
            "pending" => return refuse("授权还没有验证：请群众念出短信验证码"),
            "expired" => return refuse("授权已过期，请重新征得群众同意"),
            "withdrawn" => return refuse("群众已撤回授权，不能再以其名义办理"),
            _ => {}
        }
        if !self.kinds.iter().any(|k| k == kind) {
            return refuse(&format!("授权范围不含{}", filing_kind_label(kind)));
        }
        if let Some(only) = self.seq {
            if seq != Some(only) {
                return refuse("授权只限于一个事项，所选事项不在授权范围内");
            }
        }
        Ok(())
    }
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<ConsentRow>, AppError> {
    sqlx::query(&format!("SELECT {FIELDS} FROM consents WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(internal)?
        .map(|r| row(&r))
        .transpose()
        .map_err(internal)
}

/// A phone's consents, newest first.
pub async fn for_phone(conn: &mut AnyConnection, key: &str) -> Result<Vec<ConsentRow>, AppError> {
    sqlx::query(&format!(
        "SELECT {FIELDS} FROM consents WHERE phone_key = $1 ORDER BY created_at DESC, id DESC LIMIT 30"
    ))
    .bind(key)
    .fetch_all(conn)
    .await
    .map_err(internal)?
    .iter()
    .map(row)
    .collect::<Result<_, _>>()
    .map_err(internal)
}

pub async fn helper_name(conn: &mut AnyConnection, id: i64) -> Result<String, AppError> {
    sqlx::query("SELECT display_name FROM staff_users WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
        .map_err(internal)?
        .try_get(0)
        .map_err(internal)
}

/// What was filed under a consent, oldest first: (kind label, number, time).
pub async fn filings(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Vec<(String, String, String)>, AppError> {
    let mut out: Vec<(i64, String, String)> = Vec::new();
    for (sql, kind) in [
        (
            "SELECT tracking_no, created_at FROM help_requests WHERE consent_id = $1",
            "help",
        ),
        (
            "SELECT code, created_at FROM bookings WHERE consent_id = $1",
            "booking",
        ),
        (
            "SELECT tracking_no, created_at FROM complaints WHERE consent_id = $1",
            "complaint",
        ),
    ] {
        for r in sqlx::query(sql)
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?
        {
            out.push((
                r.try_get(1).map_err(internal)?,
                filing_kind_label(kind).to_string(),
                r.try_get(0).map_err(internal)?,
            ));
        }
    }
    out.sort();
    Ok(out
        .into_iter()
        .map(|(at, kind, no)| (kind, no, shanghai_datetime(at)))
        .collect())
}
