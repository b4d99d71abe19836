//! The citizen side of 有诉即办 (implements `ComplaintPort`): file, open a case
//! by its number, follow it, say whether it was solved, rate it. A case opens
//! for the phone that filed it, or for a browser that proved the number and
//! the phone's last four digits (kept in a signed cookie for a day).

use super::store::{self, ComplaintRow};
use super::{add_event, due_day_label, Actor, Complaints};
use crate::accounts::grant::{check_last4, Proof, TrackGrant};
use crate::accounts::{internal, rate_limit, Accounts};
use crate::crypto::constant_time_eq;
use crate::portal::Portal;
use crate::time::{now_ms, shanghai_datetime};
use app::complaints::port::ComplaintPort;
use app::complaints::*;
use app::error::AppError;
use app::identity::port::{AccountPort, Cookies};
use http::request::Parts;
use sqlx::Row;
use std::sync::Arc;

/// The cookie that opens the last case this browser proved.
const GRANT: TrackGrant = TrackGrant {
    cookie: "bianmin_track",
    purpose: "track-grant",
};

pub struct ComplaintService {
    complaints: Arc<Complaints>,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
}

impl ComplaintService {
    pub fn new(
        complaints: Arc<Complaints>,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
    ) -> ComplaintService {
        ComplaintService {
            complaints,
            accounts,
            portal,
        }
    }

    fn center_name(&self, code: Option<&str>) -> String {
        match code {
            None => "市级".to_string(),
            Some(c) => self
                .portal
                .model()
                .center(c)
                .map(|x| x.center_name.clone())
                .unwrap_or_default(),
        }
    }

    /// What a case is about, in words.
    pub fn about(&self, case: &ComplaintRow) -> String {
        let model = self.portal.model();
        let mut parts = vec![category_label(&case.category).to_string()];
        if let Some(item) = case.seq.and_then(|s| model.item(s)) {
            parts.push(item.business_item.clone());
        }
        if !case.subject.is_empty() {
            parts.push(case.subject.clone());
        }
        if let Some(b) = &case.booking_code {
            parts.push(format!("预约{b}"));
        }
        parts.join(" · ")
    }

    fn grant_cookie(&self, parts: &Parts, no: &str) -> String {
        GRANT.set(&self.accounts, self.complaints.secrets(), parts, no)
    }

    /// Whether this browser proved `no` (the signed cookie, unexpired).
    fn granted(&self, parts: &Parts, no: &str) -> bool {
        GRANT.granted(&self.accounts, self.complaints.secrets(), parts, no)
    }

    /// The case `no`, if the caller may see it: its phone signed in, or the
    /// number proved. Anyone else gets Forbidden, whether it exists or not.
    async fn open_for(&self, parts: &Parts, no: &str) -> Result<ComplaintRow, AppError> {
        let no = normalize_tracking(no).ok_or(AppError::Forbidden)?;
        let mut conn = self
            .complaints
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let case = store::by_no(&mut conn, &no).await?;
        let Some(case) = case else {
            return Err(AppError::Forbidden);
        };
        if self.granted(parts, &no) {
            return Ok(case);
        }
        if let (Some(key), Some((mine, _))) =
            (&case.phone_key, self.accounts.citizen_phone(parts).await?)
        {
            if constant_time_eq(key, &mine) {
                return Ok(case);
            }
        }
        Err(AppError::Forbidden)
    }

    async fn photos(&self, id: i64) -> Result<Vec<String>, AppError> {
        let mut conn = self
            .complaints
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        store::photos(&mut conn, id).await
    }

    /// Whether `parts` may see `no` (for its photos).
    pub async fn may_see(&self, parts: &Parts, no: &str) -> Result<ComplaintRow, AppError> {
        self.open_for(parts, no).await
    }
}

#[async_trait::async_trait]
impl ComplaintPort for ComplaintService {
    async fn form(
        &self,
        parts: &Parts,
        category: Option<String>,
        center: Option<String>,
        seq: Option<i32>,
        booking: Option<String>,
    ) -> Result<ComplainForm, AppError> {
        let model = self.portal.model();
        let center = center.filter(|c| model.centers.iter().any(|x| &x.code == c));
        let item = seq
            .and_then(|s| model.item(s))
            .map(|i| (i.seq, i.business_item.clone()));
        let items = match &center {
            Some(c) => model
                .items_at(c)
                .iter()
                .map(|i| (i.seq, i.business_item.clone()))
                .collect(),
            None => model
                .items
                .iter()
                .map(|i| (i.seq, i.business_item.clone()))
                .collect(),
        };
        let mut conn = self
            .complaints
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let mut terms = Vec::new();
        for (code, label) in CATEGORIES {
            let (accept, answer) = super::terms(&mut conn, code).await?;
            terms.push(CategoryTerms {
                code: code.to_string(),
                label: label.to_string(),
                accept_days: accept as i32,
                answer_days: answer as i32,
            });
        }
        let my = self.accounts.my_page(parts).await?;
        Ok(ComplainForm {
            category: category.filter(|c| CATEGORIES.iter().any(|(k, _)| k == c)),
            center,
            item,
            booking: booking
                .map(|b| {
                    b.trim()
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .take(12)
                        .collect::<String>()
                })
                .filter(|b| !b.is_empty()),
            centers: model
                .centers
                .iter()
                .map(|c| (c.code.clone(), c.center_name.clone()))
                .collect(),
            items,
            terms,
            phone_masked: my.me.map(|m| m.phone_masked),
            pending: my.pending,
        })
    }

    async fn file(
        &self,
        parts: &Parts,
        mut form: NewComplaint,
    ) -> Result<(String, Cookies), AppError> {
        super::check_new(&self.portal.model(), &mut form)?;
        let phone = if form.anonymous {
            None
        } else {
            match self.accounts.citizen_phone(parts).await? {
                Some(p) => Some(p),
                None => {
                    return Err(AppError::validation(
                        "anonymous",
                        "请先验证手机号，或选择匿名投诉",
                    ))
                }
            }
        };
        let booking = form.booking.as_deref().map(|b| {
            b.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(12)
                .collect::<String>()
        });
        // One filing per phone or client address a minute stops a flood of cases.
        let req = self.accounts.request(parts);
        let flood_key = match &phone {
            Some((key, _)) => format!("complain:{key}"),
            None => format!("complain:ip:{}", req.rate_key()),
        };
        let now = now_ms();
        let hits = rate_limit::hit(self.complaints.db(), &flood_key, 10 * 60_000, now)
            .await
            .map_err(internal)?;
        if hits > 5 {
            return Err(AppError::RateLimited(
                "提交太频繁，请10分钟后再试；紧急情况请直接到服务中心窗口".into(),
            ));
        }
        let c = &self.complaints;
        let mut tx = c.db().pool().begin().await.map_err(internal)?;
        let case = c
            .insert_case(&mut tx, &form, booking.as_deref(), phone.as_ref(), now)
            .await?;
        let (id, tracking_no) = (case.id, case.tracking_no);
        tx.commit().await.map_err(internal)?;
        tracing::info!(complaint = id, category = %form.category, center = %form.center, anonymous = phone.is_none(), "complaint filed");
        Ok((
            tracking_no.clone(),
            vec![self.grant_cookie(parts, &tracking_no)],
        ))
    }

    async fn lookup(
        &self,
        parts: &Parts,
        tracking_no: &str,
        last4: &str,
    ) -> Result<(String, Cookies), AppError> {
        let Some(no) = normalize_tracking(tracking_no) else {
            return Err(AppError::validation(
                "tracking_no",
                "编号格式不对：SX-开头，后面8位字母数字，如 SX-7K4Q-P2M9",
            ));
        };
        let db = self.complaints.db();
        let mut conn = db.pool().acquire().await.map_err(internal)?;
        let case = store::by_no(&mut conn, &no).await?;
        drop(conn);
        let proof = match &case {
            None => Proof::NoSuchNumber,
            Some(c) => match &c.phone_enc {
                None => Proof::Anonymous,
                Some(enc) => Proof::Phone(enc),
            },
        };
        let client = self.accounts.request(parts).rate_key();
        check_last4(db, self.complaints.secrets(), &client, &no, proof, last4).await?;
        Ok((no.clone(), vec![self.grant_cookie(parts, &no)]))
    }

    async fn track(&self, parts: &Parts, tracking_no: &str) -> Result<TrackView, AppError> {
        let case = self.open_for(parts, tracking_no).await?;
        let rows = sqlx::query(
            "SELECT at, kind, actor_label, body FROM complaint_events
             WHERE complaint_id = $1 AND public = 1 ORDER BY at, id",
        )
        .bind(case.id)
        .fetch_all(self.complaints.db().pool())
        .await
        .map_err(internal)?;
        let mut timeline = Vec::new();
        for r in &rows {
            let kind: String = r.try_get("kind").map_err(internal)?;
            timeline.push(TimelineEntry {
                at: shanghai_datetime(r.try_get("at").map_err(internal)?),
                label: event_label(&kind).to_string(),
                by: r.try_get("actor_label").map_err(internal)?,
                text: r.try_get("body").map_err(internal)?,
            });
        }
        let photos = self.photos(case.id).await?;
        let on_behalf = {
            let mut conn = self
                .complaints
                .db()
                .pool()
                .acquire()
                .await
                .map_err(internal)?;
            let (staff, consent) = case.filed_for.unzip();
            crate::help::service::on_behalf_line(&mut conn, staff, consent, None).await?
        };
        Ok(TrackView {
            tracking_no: case.tracking_no.clone(),
            category_label: category_label(&case.category).to_string(),
            center_name: self.center_name(Some(&case.center_code)),
            about: self.about(&case),
            what: case.what.clone(),
            wants: case.wants.clone(),
            status: case.status.clone(),
            status_label: status_label(&case.status).to_string(),
            filed_at: shanghai_datetime(case.created_at),
            accept_by: (case.status == "received").then(|| due_day_label(case.accept_due_at)),
            answer_by: matches!(case.status.as_str(), "received" | "accepted")
                .then(|| due_day_label(case.answer_due_at)),
            anonymous: case.phone_enc.is_none(),
            timeline,
            can_add_photo: case.open() && (photos.len() as i64) < MAX_PHOTOS,
            photos,
            can_feedback: case.status == "answered",
            can_rate: case.status == "closed" && case.rating.is_none(),
            resolution: case
                .resolution
                .as_deref()
                .map(|r| resolution_label(r).to_string()),
            rating: case.rating,
            on_behalf,
        })
    }

    async fn feedback(
        &self,
        parts: &Parts,
        tracking_no: &str,
        resolution: &str,
    ) -> Result<(), AppError> {
        if !RESOLUTIONS.iter().any(|(c, _)| *c == resolution) {
            return Err(AppError::validation("resolution", "请选择问题是否解决"));
        }
        let case = self.open_for(parts, tracking_no).await?;
        let c = &self.complaints;
        let now = now_ms();
        let label = resolution_label(resolution);
        // Solved, or nobody above the city: the case closes with the verdict.
        // Otherwise it goes up a level with new deadlines.
        let escalate = resolution != "resolved" && case.handling_center.is_some();
        let (accept_due, answer_due) = c.deadlines_now(&case.category, now).await?;
        let mut tx = c.db().pool().begin().await.map_err(internal)?;
        let done = if escalate {
            sqlx::query(
                "UPDATE complaints SET status = 'received', handling_center = NULL, assignee_id = NULL,
                     reopened = 1, resolution = $2, accept_due_at = $3, answer_due_at = $4,
                     overdue_stage = '', updated_at = $5
                 WHERE id = $1 AND status = 'answered'",
            )
            .bind(case.id)
            .bind(resolution)
            .bind(accept_due)
            .bind(answer_due)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal)?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE complaints SET status = 'closed', resolution = $2, closed_at = $3, updated_at = $3
                 WHERE id = $1 AND status = 'answered'",
            )
            .bind(case.id)
            .bind(resolution)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal)?
            .rows_affected()
        };
        if done != 1 {
            return Err(AppError::Conflict("此投诉当前不需要确认".into()));
        }
        let text = if escalate {
            format!("您反馈：{label}。已转市级管理员复核办理。")
        } else if resolution == "resolved" {
            format!("您反馈：{label}。")
        } else {
            format!("您反馈：{label}。市级复核已是最后一级，您的意见已记录。")
        };
        add_event(
            &mut tx,
            case.id,
            Actor::CITIZEN,
            "feedback",
            true,
            &text,
            now,
        )
        .await?;
        if escalate {
            let after = store::by_no(&mut tx, &case.tracking_no)
                .await?
                .ok_or_else(|| internal("case vanished"))?;
            c.tell_citizen(
                &mut tx,
                &after,
                "complaint_escalated",
                &format!(
                    "您的投诉{}已转市级管理员复核，{}前答复。",
                    case.tracking_no,
                    due_day_label(after.answer_due_at)
                ),
                now,
            )
            .await?;
        }
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
        if !(1..=5).contains(&rating) {
            return Err(AppError::validation("rating", "请选择满意程度"));
        }
        let reasons = app::ratings::check_reasons(i64::from(rating), reasons, false)?;
        let comment = comment.trim();
        if comment.chars().count() > MAX_WANTS_CHARS {
            return Err(AppError::validation("comment", "不能超过500个字"));
        }
        let case = self.open_for(parts, tracking_no).await?;
        let now = now_ms();
        let mut tx = self
            .complaints
            .db()
            .pool()
            .begin()
            .await
            .map_err(internal)?;
        let done = sqlx::query(
            "UPDATE complaints SET rating = $2, rating_comment = $3, updated_at = $4
             WHERE id = $1 AND status = 'closed' AND rating IS NULL",
        )
        .bind(case.id)
        .bind(i64::from(rating))
        .bind(comment)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?
        .rows_affected();
        if done != 1 {
            return Err(AppError::Conflict("此投诉已评价过，或尚未办结".into()));
        }
        add_event(
            &mut tx,
            case.id,
            Actor::CITIZEN,
            "rated",
            true,
            &format!("评价：{}", rating_label(rating)),
            now,
        )
        .await?;
        crate::ratings::record_elsewhere(
            &mut tx,
            "complaint",
            &case.tracking_no,
            case.handling_center.as_deref().unwrap_or(&case.center_code),
            i64::from(rating),
            &reasons,
            comment,
            case.phone_key.as_deref().zip(case.phone_enc.as_deref()),
            now,
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn mine(&self, parts: &Parts) -> Result<Vec<MyComplaint>, AppError> {
        let Some((key, _)) = self.accounts.citizen_phone(parts).await? else {
            return Err(AppError::Unauthenticated);
        };
        let rows = sqlx::query(&format!(
            "SELECT {} FROM complaints WHERE phone_key = $1 ORDER BY created_at DESC LIMIT 50",
            store::FIELDS
        ))
        .bind(&key)
        .fetch_all(self.complaints.db().pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                let case = store::row(r).map_err(internal)?;
                Ok(MyComplaint {
                    tracking_no: case.tracking_no.clone(),
                    about: self.about(&case),
                    status_label: status_label(&case.status).to_string(),
                    filed_at: shanghai_datetime(case.created_at),
                    on_behalf: case.filed_for.is_some(),
                })
            })
            .collect()
    }
}

/// A timeline step as the citizen reads it.
pub fn event_label(kind: &str) -> &'static str {
    match kind {
        "received" => "已收到",
        "accepted" => "已受理",
        "reply" => "回复",
        "answered" => "答复",
        "transferred" => "已转办",
        "merged" => "合并办理",
        "closed" => "已办结",
        "feedback" => "您的确认",
        "rated" => "您的评价",
        "photo" => "补充照片",
        "assigned" => "指派",
        "note" => "内部备注",
        "overdue" => "已超期",
        "filed_for" => "工作人员代您提交",
        _ => "进展",
    }
}
