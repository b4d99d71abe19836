//! 好差评 (implements `RatingPort`). A window visit is rated from the
//! window's sticker by a proven phone, once per window per day: the unique
//! key (subject, handling = phone key and day) holds that, not a read first.

use crate::accounts::{internal, Accounts};
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
}

impl Ratings {
    pub fn new(
        db: Db,
        secrets: Arc<Secrets>,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
    ) -> Ratings {
        Ratings {
            db,
            secrets,
            accounts,
            portal,
        }
    }

    /// The level this phone gave this window today, if any.
    async fn rated_today(&self, id: i64, key: &str, now: i64) -> Result<Option<i64>, AppError> {
        sqlx::query(
            "SELECT level FROM ratings WHERE subject_kind = 'window' AND subject_id = $1 AND handling = $2",
        )
        .bind(id.to_string())
        .bind(handling(key, now))
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(internal)
    }
}

/// One window visit: the phone on the day (Asia/Shanghai).
fn handling(phone_key: &str, now: i64) -> String {
    format!("{phone_key}:{}", shanghai_date(now))
}

#[async_trait::async_trait]
impl RatingPort for Ratings {
    async fn window_page(&self, req: &Parts, id: i64) -> Result<WindowRatingPage, AppError> {
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        let (w, retired) = by_id(&mut conn, id).await?.ok_or(AppError::NotFound)?;
        drop(conn);
        let center_name = self
            .portal
            .model()
            .center(&w.center_code)
            .map(|c| c.center_name.clone())
            .unwrap_or_default();
        let my = self.accounts.my_page(req).await?;
        let rated_today = match self.accounts.citizen_phone(req).await? {
            Some((key, _)) => self.rated_today(id, &key, now_ms()).await?,
            None => None,
        };
        Ok(WindowRatingPage {
            window_id: w.id,
            number: w.number,
            name: w.name,
            center_name,
            retired,
            phone_masked: my.me.map(|m| m.phone_masked),
            pending: my.pending,
            rated_today: rated_today.map(|l| level_label(l).to_string()),
        })
    }

    async fn rate_window(&self, req: &Parts, id: i64, form: RatingForm) -> Result<(), AppError> {
        let (key, phone) = self
            .accounts
            .citizen_phone(req)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let rating = validate_rating(&form)?;
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        let (w, retired) = by_id(&mut conn, id).await?.ok_or(AppError::NotFound)?;
        if retired {
            return Err(AppError::Conflict("这个窗口已停用，暂不能评价".into()));
        }
        drop(conn);
        let now = now_ms();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let r = sqlx::query(
            "INSERT INTO ratings (subject_kind, subject_id, handling, center_code, staff_user_id,
                 level, reasons, comment, phone_key, phone_enc, rated_day, created_at)
             VALUES ('window', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(id.to_string())
        .bind(handling(&key, now))
        .bind(&w.center_code)
        .bind(w.staff_user_id)
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
                return Err(AppError::Conflict(
                    "您今天已经评价过这个窗口了，感谢您的反馈。".into(),
                ))
            }
            Err(e) => return Err(internal(e)),
        };
        // A bad review opens its rectification case in the same transaction.
        if is_bad(rating.level) {
            desk::open_case(&mut tx, rating_id, &w.center_code, now).await?;
        }
        tx.commit().await.map_err(internal)?;
        tracing::info!(window = id, level = rating.level, "window rated");
        Ok(())
    }
}
