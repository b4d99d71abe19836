//! The citizen's side of 帮办代办 (implements `HelpPort`): ask for help, follow
//! the request, cancel it, rate it; see and withdraw consents given to
//! helpers. A request opens for the phone it was filed for, or for a browser
//! that proved its number and the phone's last four digits.

use super::requests::{self, HelpRecord, HelpRequests};
use crate::accounts::grant::{check_last4, Proof, TrackGrant};
use crate::accounts::{internal, rate_limit, Accounts};
use crate::complaints::Actor;
use crate::crypto::constant_time_eq;
use crate::portal::Portal;
use crate::time::{now_ms, shanghai_datetime};
use app::complaints::{rating_label, TimelineEntry, RATINGS};
use app::error::AppError;
use app::help::port::HelpPort;
use app::help::*;
use app::identity::port::{AccountPort, Cookies};
use http::request::Parts;
use sqlx::Row;
use std::sync::Arc;

const GRANT: TrackGrant = TrackGrant {
    cookie: "bianmin_help",
    purpose: "help-grant",
};

pub struct HelpService {
    requests: Arc<HelpRequests>,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
}

fn not_now() -> AppError {
    AppError::Conflict("这份申请当前状态下不能这样操作，请刷新页面后再看".into())
}

/// The consent line shown with a filing: "由帮办员 X 代您提交（授权编号 Z）".
pub async fn on_behalf_line(
    conn: &mut sqlx::AnyConnection,
    filed_by: Option<i64>,
    consent: Option<i64>,
    citizen: Option<&str>,
) -> Result<Option<String>, AppError> {
    let (Some(staff), Some(consent)) = (filed_by, consent) else {
        return Ok(None);
    };
    let name: String = sqlx::query("SELECT display_name FROM staff_users WHERE id = $1")
        .bind(staff)
        .fetch_one(conn)
        .await
        .map_err(internal)?
        .try_get(0)
        .map_err(internal)?;
    Ok(Some(match citizen {
        Some(who) => format!("帮办员{name}代群众{who}提交，授权编号{consent}"),
        None => format!("由帮办员{name}经您授权代您提交（授权编号{consent}）"),
    }))
}

impl HelpService {
    pub fn new(
        requests: Arc<HelpRequests>,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
    ) -> HelpService {
        HelpService {
            requests,
            accounts,
            portal,
        }
    }

    /// The request `no`, if the caller may see it: its phone signed in, or
    /// the number proved. Anyone else gets Forbidden, whether it exists or not.
    async fn open_for(&self, parts: &Parts, no: &str) -> Result<HelpRecord, AppError> {
        let no = normalize_help_no(no).ok_or(AppError::Forbidden)?;
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let Some(row) = requests::by_no(&mut conn, &no).await? else {
            return Err(AppError::Forbidden);
        };
        if GRANT.granted(&self.accounts, self.requests.secrets(), parts, &no) {
            return Ok(row);
        }
        if let Some((mine, _)) = self.accounts.citizen_phone(parts).await? {
            if constant_time_eq(&row.phone_key, &mine) {
                return Ok(row);
            }
        }
        Err(AppError::Forbidden)
    }
}

#[async_trait::async_trait]
impl HelpPort for HelpService {
    async fn form(
        &self,
        parts: &Parts,
        seq: Option<i32>,
        center: Option<String>,
        situation: Option<String>,
    ) -> Result<HelpForm, AppError> {
        let model = self.portal.model();
        let mut form = self.requests.form(&model, seq, center, situation).await?;
        let my = self.accounts.my_page(parts).await?;
        form.phone_masked = my.me.map(|m| m.phone_masked);
        form.pending = my.pending;
        Ok(form)
    }

    async fn suggest(&self, situation: &str) -> Result<Vec<Suggestion>, AppError> {
        let s: String = situation.trim().chars().take(MAX_SITUATION_CHARS).collect();
        if s.is_empty() {
            return Ok(vec![]);
        }
        Ok(self
            .portal
            .model()
            .search(&s, 5)
            .items
            .iter()
            .map(requests::suggestion)
            .collect())
    }

    async fn submit(
        &self,
        parts: &Parts,
        mut form: NewHelpRequest,
    ) -> Result<(String, Cookies), AppError> {
        let model = self.portal.model();
        self.requests.check(&model, &mut form).await?;
        let Some((key, phone)) = self.accounts.citizen_phone(parts).await? else {
            return Err(AppError::validation(
                "phone",
                "请先验证手机号：帮办员需要打电话与您联系",
            ));
        };
        let now = now_ms();
        let hits = rate_limit::hit(self.requests.db(), &format!("help:{key}"), 10 * 60_000, now)
            .await
            .map_err(internal)?;
        if hits > 5 {
            return Err(AppError::RateLimited(
                "提交太频繁，请10分钟后再试；着急的话请直接到服务中心窗口".into(),
            ));
        }
        let due = self.requests.assign_due(now).await?;
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        let row = self
            .requests
            .insert(&mut tx, &form, (&key, &phone), None, due, now)
            .await?;
        tx.commit().await.map_err(internal)?;
        tracing::info!(help = row.id, mode = %form.mode, center = %form.center, "help request filed");
        let cookie = GRANT.set(
            &self.accounts,
            self.requests.secrets(),
            parts,
            &row.tracking_no,
        );
        Ok((row.tracking_no, vec![cookie]))
    }

    async fn lookup(
        &self,
        parts: &Parts,
        tracking_no: &str,
        last4: &str,
    ) -> Result<(String, Cookies), AppError> {
        let Some(no) = normalize_help_no(tracking_no) else {
            return Err(AppError::validation(
                "tracking_no",
                "编号格式不对：BB-开头，后面8位字母数字，如 BB-7K4Q-P2M9",
            ));
        };
        let db = self.requests.db();
        let mut conn = db.pool().acquire().await.map_err(internal)?;
        let row = requests::by_no(&mut conn, &no).await?;
        drop(conn);
        let proof = match &row {
            None => Proof::NoSuchNumber,
            Some(r) => Proof::Phone(&r.phone_enc),
        };
        // The complaints' counters: one budget of guesses for every tracking page.
        let client = self.accounts.request(parts).rate_key();
        check_last4(db, self.requests.secrets(), &client, &no, proof, last4).await?;
        let cookie = GRANT.set(&self.accounts, self.requests.secrets(), parts, &no);
        Ok((no, vec![cookie]))
    }

    async fn track(&self, parts: &Parts, tracking_no: &str) -> Result<HelpTrack, AppError> {
        let row = self.open_for(parts, tracking_no).await?;
        let model = self.portal.model();
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let events = sqlx::query(
            "SELECT at, kind, actor_label, body FROM help_events
             WHERE request_id = $1 AND public = 1 ORDER BY at, id",
        )
        .bind(row.id)
        .fetch_all(&mut *conn)
        .await
        .map_err(internal)?;
        let mut timeline = Vec::new();
        for r in &events {
            let kind: String = r.try_get("kind").map_err(internal)?;
            timeline.push(TimelineEntry {
                at: shanghai_datetime(r.try_get("at").map_err(internal)?),
                label: requests::event_label(&kind).to_string(),
                by: r.try_get("actor_label").map_err(internal)?,
                text: r.try_get("body").map_err(internal)?,
            });
        }
        let helper = match row.assignee_id {
            Some(id) if is_open(&row.status) || row.status == "done" => {
                Some(requests::helper_contact(&mut conn, &model, id).await?)
            }
            _ => None,
        };
        let place = requests::place(&mut conn, &model, &row).await?;
        let on_behalf = on_behalf_line(&mut conn, row.filed_by, row.consent_id, None).await?;
        drop(conn);
        Ok(HelpTrack {
            tracking_no: row.tracking_no.clone(),
            mode: row.mode.clone(),
            mode_label: mode_label(&row.mode).to_string(),
            about: requests::about(&model, &row),
            place,
            when_label: requests::when_label(&row.when_suits).to_string(),
            status: row.status.clone(),
            status_label: status_label(&row.status).to_string(),
            next_step: requests::next_step(&row),
            filed_at: shanghai_datetime(row.created_at),
            helper,
            holder: row.holder.clone(),
            handoffs: self.requests.handoffs(row.id).await?,
            timeline,
            can_cancel: matches!(row.status.as_str(), "submitted" | "assigned" | "contacted"),
            can_rate: row.status == "done" && row.rating.is_none(),
            rating: row.rating,
            on_behalf,
        })
    }

    async fn cancel(&self, parts: &Parts, tracking_no: &str, reason: &str) -> Result<(), AppError> {
        let reason = check_step_text("reason", reason, true)?;
        let row = self.open_for(parts, tracking_no).await?;
        let now = now_ms();
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        // Once the papers are with a helper, cancelling is agreed with them.
        let n = sqlx::query(
            "UPDATE help_requests SET status = 'cancelled', updated_at = $2
             WHERE id = $1 AND status IN ('submitted', 'assigned', 'contacted')",
        )
        .bind(row.id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?
        .rows_affected();
        if n != 1 {
            return Err(not_now());
        }
        requests::add_event(
            &mut tx,
            row.id,
            Actor::CITIZEN,
            "cancelled",
            true,
            &reason,
            now,
        )
        .await?;
        self.requests
            .tell(
                &mut tx,
                &row,
                &format!(
                    "您已取消帮办申请{}。如仍需帮助，可以重新申请。",
                    row.tracking_no
                ),
                now,
            )
            .await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn rate(
        &self,
        parts: &Parts,
        tracking_no: &str,
        rating: i32,
        reasons: &[String],
        comment: &str,
    ) -> Result<(), AppError> {
        if !RATINGS.iter().any(|(v, _)| *v == rating) {
            return Err(AppError::validation("rating", "请选择满意程度"));
        }
        let reasons = app::ratings::check_reasons(i64::from(rating), reasons, false)?;
        let comment = check_step_text("comment", comment, false)?;
        let row = self.open_for(parts, tracking_no).await?;
        let now = now_ms();
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        let n = sqlx::query(
            "UPDATE help_requests SET rating = $2, rating_comment = $3, updated_at = $4
             WHERE id = $1 AND status = 'done' AND rating IS NULL",
        )
        .bind(row.id)
        .bind(i64::from(rating))
        .bind(&comment)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?
        .rows_affected();
        if n != 1 {
            return Err(not_now());
        }
        let body = if comment.is_empty() {
            rating_label(rating).to_string()
        } else {
            format!("{}：{comment}", rating_label(rating))
        };
        requests::add_event(&mut tx, row.id, Actor::CITIZEN, "rated", true, &body, now).await?;
        crate::ratings::record_elsewhere(
            &mut tx,
            "help",
            &row.tracking_no,
            &row.center_code,
            i64::from(rating),
            &reasons,
            &comment,
            Some((&row.phone_key, &row.phone_enc)),
            now,
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn mine(&self, parts: &Parts) -> Result<Vec<MyHelp>, AppError> {
        let Some((key, _)) = self.accounts.citizen_phone(parts).await? else {
            return Ok(vec![]);
        };
        let model = self.portal.model();
        let rows = sqlx::query(&format!(
            "SELECT {} FROM help_requests WHERE phone_key = $1 ORDER BY created_at DESC LIMIT 50",
            requests::FIELDS
        ))
        .bind(&key)
        .fetch_all(self.requests.db().pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                let row = requests::row(r).map_err(internal)?;
                Ok(MyHelp {
                    about: format!(
                        "{} · {}",
                        mode_label(&row.mode),
                        requests::about(&model, &row)
                    ),
                    status_label: status_label(&row.status).to_string(),
                    filed_at: shanghai_datetime(row.created_at),
                    on_behalf: row.filed_by.is_some(),
                    tracking_no: row.tracking_no,
                })
            })
            .collect()
    }

    async fn my_consents(&self, parts: &Parts) -> Result<Vec<MyConsent>, AppError> {
        let Some((key, _)) = self.accounts.citizen_phone(parts).await? else {
            return Ok(vec![]);
        };
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let consents = super::consent::for_phone(&mut conn, &key).await?;
        let now = now_ms();
        let model = self.portal.model();
        let mut out = Vec::new();
        for c in consents.into_iter().filter(|c| c.proven_at.is_some()) {
            let filings = super::consent::filings(&mut conn, c.id).await?;
            out.push(MyConsent {
                id: c.id,
                helper: super::consent::helper_name(&mut conn, c.helper_id).await?,
                scope: c.scope_text(&model),
                status_label: c.status_label(now).to_string(),
                until: c.expires_at.map(shanghai_datetime).unwrap_or_default(),
                can_withdraw: c.status(now) == "active",
                filings: filings.into_iter().map(|(k, n, _)| (k, n)).collect(),
            });
        }
        Ok(out)
    }

    async fn withdraw_consent(&self, parts: &Parts, id: i64) -> Result<(), AppError> {
        let Some((key, _)) = self.accounts.citizen_phone(parts).await? else {
            return Err(AppError::Unauthenticated);
        };
        let now = now_ms();
        let n = sqlx::query(
            "UPDATE consents SET withdrawn_at = $3
             WHERE id = $1 AND phone_key = $2 AND withdrawn_at IS NULL",
        )
        .bind(id)
        .bind(&key)
        .bind(now)
        .execute(self.requests.db().pool())
        .await
        .map_err(internal)?
        .rows_affected();
        if n != 1 {
            return Err(AppError::NotFound);
        }
        tracing::info!(consent = id, "consent withdrawn by the citizen");
        Ok(())
    }
}
