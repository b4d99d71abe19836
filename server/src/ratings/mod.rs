//! 好差评 (implements `RatingPort`). A window visit is rated from the
//! window's sticker by a proven phone, once per window per day; a 延时
//! appointment after check-in by its booker, once; an item's guide once
//! per phone per day (its bad reviews are the city's to follow up). The unique key (subject,
//! handling) holds that, not a read first. Help requests and complaints keep
//! the ratings their own issues built (`rating` on their rows).

use crate::accounts::{internal, Accounts};
use crate::bookings::Bookings;
use crate::crypto::Secrets;
use crate::hall::windows::by_id;
use crate::portal::Portal;
use crate::storage::{is_unique_violation, Db};
use crate::time::{now_ms, shanghai_date};
use app::error::AppError;
use app::identity::port::AccountPort;
use app::ratings::port::RatingPort;
use app::ratings::*;
use http::request::Parts;
use sqlx::Row;
use std::sync::Arc;

mod chart;
pub mod desk;
pub mod invites;
pub mod stats;
pub mod stats_http;

pub struct Ratings {
    db: Db,
    secrets: Arc<Secrets>,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
    bookings: Arc<Bookings>,
}

/// What is rated, as the page and the stored rating need it.
struct Subject {
    center: String,
    staff: Option<i64>,
    title: String,
    detail: String,
    closed: Option<String>,
    /// A booking's phone key: only its booker may see and rate it.
    owner: Option<String>,
}

/// One handling of a subject: a window visit is the phone on the day
/// (Asia/Shanghai); an appointment is handled once.
fn handling(kind: &str, phone_key: &str, now: i64) -> String {
    match kind {
        "window" | "item" => format!("{phone_key}:{}", shanghai_date(now)),
        _ => String::new(),
    }
}

impl Ratings {
    pub fn new(
        db: Db,
        secrets: Arc<Secrets>,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
        bookings: Arc<Bookings>,
    ) -> Ratings {
        Ratings {
            db,
            secrets,
            accounts,
            portal,
            bookings,
        }
    }

    fn center_name(&self, code: &str) -> String {
        self.portal
            .model()
            .center(code)
            .map(|c| c.center_name.clone())
            .unwrap_or_default()
    }

    async fn subject(&self, kind: &str, id: &str) -> Result<Subject, AppError> {
        match kind {
            "window" => {
                let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
                let mut conn = self.db.pool().acquire().await.map_err(internal)?;
                let (w, retired) = by_id(&mut conn, id).await?.ok_or(AppError::NotFound)?;
                Ok(Subject {
                    title: format!("评价{}号窗口", w.number),
                    detail: format!("{} · {}", self.center_name(&w.center_code), w.name),
                    closed: retired.then(|| "这个窗口已停用，暂不能评价。".to_string()),
                    center: w.center_code,
                    staff: w.staff_user_id,
                    owner: None,
                })
            }
            "booking" => {
                let b = self.bookings.by_code(id).await?.ok_or(AppError::NotFound)?;
                let model = self.portal.model();
                let item = model
                    .item(b.seq)
                    .map(|i| i.business_item.clone())
                    .unwrap_or_default();
                Ok(Subject {
                    title: "评价这次预约办事".to_string(),
                    detail: format!(
                        "{} · {} · {}",
                        self.center_name(&b.center_code),
                        item,
                        b.day
                    ),
                    closed: (b.status != "checked_in")
                        .then(|| "到中心签到办理后才能评价这次预约。".to_string()),
                    center: b.center_code,
                    staff: None,
                    owner: Some(b.phone_key),
                })
            }
            // An item's guide is the city's: its bad reviews go to the city admins.
            "item" => {
                let model = self.portal.model();
                let item = id
                    .parse()
                    .ok()
                    .and_then(|seq| model.item(seq))
                    .ok_or(AppError::NotFound)?;
                Ok(Subject {
                    title: "评价办事指南".to_string(),
                    detail: item.business_item.clone(),
                    closed: None,
                    center: String::new(),
                    staff: None,
                    owner: None,
                })
            }
            _ => Err(AppError::NotFound),
        }
    }

    /// The level this handling was rated, if it was.
    async fn rated(&self, kind: &str, id: &str, handling: &str) -> Result<Option<i64>, AppError> {
        sqlx::query(
            "SELECT level FROM ratings WHERE subject_kind = $1 AND subject_id = $2 AND handling = $3",
        )
        .bind(kind)
        .bind(id)
        .bind(handling)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(internal)
    }
}

/// A rating given where its subject keeps one of its own (a help request
/// done, a complaint closed: `rating` on their rows), recorded here too in
/// that step's transaction, so statistics count it and a bad one opens its
/// rectification case like any other.
#[allow(clippy::too_many_arguments)]
pub async fn record_elsewhere(
    conn: &mut sqlx::AnyConnection,
    kind: &str,
    subject_id: &str,
    center: &str,
    level: i64,
    reasons: &[String],
    comment: &str,
    phone: Option<(&str, &str)>,
    now: i64,
) -> Result<(), AppError> {
    let id: i64 = sqlx::query(
        "INSERT INTO ratings (subject_kind, subject_id, handling, center_code, level, reasons, comment,
             phone_key, phone_enc, rated_day, created_at)
         VALUES ($1, $2, '', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(kind)
    .bind(subject_id)
    .bind(center)
    .bind(level)
    .bind(reasons.join(","))
    .bind(comment.chars().take(MAX_COMMENT).collect::<String>())
    .bind(phone.map(|p| p.0))
    .bind(phone.map(|p| p.1))
    .bind(shanghai_date(now))
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?
    .try_get(0)
    .map_err(internal)?;
    if is_bad(level) {
        desk::open_case(conn, id, center, now).await?;
    }
    Ok(())
}

/// How often a subject of `kind` can be rated, in words.
fn once(kind: &str) -> &'static str {
    match kind {
        "window" => "每个手机号每天可以评价这个窗口一次。",
        "item" => "每个手机号每天可以评价这份指南一次。",
        _ => "每次预约可以评价一次，只有预约人本人可以评价。",
    }
}

/// A booking's id as stored: its code, as printed.
fn subject_id(kind: &str, id: &str) -> String {
    match kind {
        "booking" => id.trim().to_uppercase(),
        _ => id.trim().to_string(),
    }
}

#[async_trait::async_trait]
impl RatingPort for Ratings {
    async fn page(&self, req: &Parts, kind: &str, id: &str) -> Result<RatingPage, AppError> {
        let id = subject_id(kind, id);
        let my = self.accounts.my_page(req).await?;
        let phone = self.accounts.citizen_phone(req).await?;
        // A booking is looked up only for a proven phone: before that, every
        // code gets the same page, so codes cannot be probed.
        if kind == "booking" && phone.is_none() {
            return Ok(RatingPage {
                kind: kind.to_string(),
                title: "评价这次预约办事".to_string(),
                detail: String::new(),
                closed: None,
                once: once(kind).to_string(),
                phone_masked: None,
                pending: my.pending,
                rated: None,
                id,
            });
        }
        let subject = self.subject(kind, &id).await?;
        let mut page = RatingPage {
            kind: kind.to_string(),
            id: id.clone(),
            title: subject.title,
            detail: subject.detail,
            closed: subject.closed,
            once: once(kind).to_string(),
            phone_masked: my.me.map(|m| m.phone_masked),
            pending: my.pending,
            rated: None,
        };
        match (&subject.owner, &phone) {
            // Someone else's booking is "not found"; before the phone is
            // proven, nothing about it is shown.
            (Some(owner), Some((key, _))) if owner != key => return Err(AppError::NotFound),
            _ => {}
        }
        if let Some((key, _)) = &phone {
            page.rated = self
                .rated(kind, &id, &handling(kind, key, now_ms()))
                .await?
                .map(|l| level_label(l).to_string());
        }
        Ok(page)
    }

    async fn rate(
        &self,
        req: &Parts,
        kind: &str,
        id: &str,
        form: RatingForm,
    ) -> Result<(), AppError> {
        let (key, phone) = self
            .accounts
            .citizen_phone(req)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let id = subject_id(kind, id);
        let subject = self.subject(kind, &id).await?;
        if subject.owner.as_ref().is_some_and(|o| *o != key) {
            return Err(AppError::NotFound);
        }
        if let Some(why) = subject.closed {
            return Err(AppError::Conflict(why));
        }
        let rating = validate_rating(&form)?;
        let now = now_ms();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let r = sqlx::query(
            "INSERT INTO ratings (subject_kind, subject_id, handling, center_code, staff_user_id,
                 level, reasons, comment, phone_key, phone_enc, rated_day, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(kind)
        .bind(&id)
        .bind(handling(kind, &key, now))
        .bind(&subject.center)
        .bind(subject.staff)
        .bind(rating.level)
        .bind(rating.reasons.join(","))
        .bind(&rating.comment)
        .bind(&key)
        .bind(self.secrets.encrypt(phone.as_str()))
        .bind(shanghai_date(now))
        .bind(now)
        .fetch_one(&mut *tx)
        .await;
        let rating_id: i64 = match r {
            Ok(r) => r.try_get(0).map_err(internal)?,
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::Conflict(match kind {
                    "window" => "您今天已经评价过这个窗口了，感谢您的反馈。".into(),
                    "item" => "您今天已经评价过这份指南了，感谢您的反馈。".into(),
                    _ => "这次预约已经评价过了，感谢您的反馈。".into(),
                }))
            }
            Err(e) => return Err(internal(e)),
        };
        // A bad review opens its rectification case in the same transaction.
        if is_bad(rating.level) {
            desk::open_case(&mut tx, rating_id, &subject.center, now).await?;
        }
        tx.commit().await.map_err(internal)?;
        tracing::info!(kind, level = rating.level, "rated");
        Ok(())
    }
}
