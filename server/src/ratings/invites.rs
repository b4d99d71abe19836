//! Rating invitations. A help request done or a complaint closed invites a
//! rating in the SMS of that step; a checked-in appointment is invited by
//! this job. 3 days after the invitation, and only if still unrated, one
//! reminder — never a third message (`enqueue_once` keys). Only what finished in the last 10 days is reminded, so a new
//! deployment does not message people about old cases.

use crate::crypto::Secrets;
use crate::notify::{self, OutboxMessage};
use crate::storage::Db;
use sqlx::Row;

const DAY_MS: i64 = 86_400_000;
/// Days after the invitation before the one reminder.
pub const REMIND_AFTER_DAYS: i64 = 3;
const REMIND_WITHIN_DAYS: i64 = 10;

/// Sends the reminders due at `now`; returns how many were queued.
pub async fn remind_unrated(db: &Db, secrets: &Secrets, now: i64) -> anyhow::Result<u64> {
    let before = now - REMIND_AFTER_DAYS * DAY_MS;
    let since = now - REMIND_WITHIN_DAYS * DAY_MS;
    let sources = [
        (
            "booking",
            "SELECT b.id, b.code, b.phone_enc FROM bookings b
             WHERE b.status = 'checked_in' AND b.checked_in_at <= $1 AND b.checked_in_at > $2
               AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.subject_kind = 'booking' AND r.subject_id = b.code)",
            "您的延时预约{no}已办理3天，还没有评价。欢迎在“我的”→预约详情里评价这次服务，您的意见会用于改进工作。",
        ),
        (
            "help",
            "SELECT id, tracking_no, phone_enc FROM help_requests
             WHERE status = 'done' AND rating IS NULL AND updated_at <= $1 AND updated_at > $2",
            "您的帮办申请{no}已办结，还没有评价。欢迎凭编号查询后评价这次服务，您的意见会用于改进工作。",
        ),
        (
            "complaint",
            "SELECT id, tracking_no, phone_enc FROM complaints
             WHERE status = 'closed' AND rating IS NULL AND phone_enc IS NOT NULL
               AND closed_at <= $1 AND closed_at > $2",
            "您的投诉{no}已办结，还没有评价处理结果。欢迎凭编号查询后评价，您的意见会用于改进工作。",
        ),
    ];
    let mut queued = invite_bookings(db, secrets, now).await?;
    for (kind, sql, text) in sources {
        let rows = sqlx::query(sql)
            .bind(before)
            .bind(since)
            .fetch_all(db.pool())
            .await?;
        for r in rows {
            let id: i64 = r.try_get(0)?;
            let no: String = r.try_get(1)?;
            let phone = secrets.decrypt(&r.try_get::<String, _>(2)?)?;
            let msg = OutboxMessage {
                kind: "rate_reminder".into(),
                recipient: phone,
                body: format!("【济源便民】{}", text.replace("{no}", &no)),
            };
            if notify::enqueue_once(
                db,
                secrets,
                &msg,
                &format!("rate-reminder:{kind}:{id}"),
                now,
            )
            .await?
            {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// Invites each appointment checked in within the last 3 days, once.
async fn invite_bookings(db: &Db, secrets: &Secrets, now: i64) -> anyhow::Result<u64> {
    let rows = sqlx::query(
        "SELECT b.id, b.code, b.phone_enc FROM bookings b
         WHERE b.status = 'checked_in' AND b.checked_in_at > $1
           AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.subject_kind = 'booking' AND r.subject_id = b.code)",
    )
    .bind(now - REMIND_AFTER_DAYS * DAY_MS)
    .fetch_all(db.pool())
    .await?;
    let mut queued = 0;
    for r in rows {
        let id: i64 = r.try_get(0)?;
        let code: String = r.try_get(1)?;
        let msg = OutboxMessage {
            kind: "rate_invite".into(),
            recipient: secrets.decrypt(&r.try_get::<String, _>(2)?)?,
            body: format!(
                "【济源便民】您的延时预约{code}已签到办理。欢迎在“我的”→预约详情里评价这次服务，不满意的评价中心会回访整改。"
            ),
        };
        if notify::enqueue_once(db, secrets, &msg, &format!("rate-invite:booking:{id}"), now)
            .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}
