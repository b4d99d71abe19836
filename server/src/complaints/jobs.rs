//! The overdue job: runs on every instance; each case and deadline is claimed
//! by one conditional UPDATE (as the outbox claims its rows), so the center
//! admin is told once however many instances notice.

use super::store::{self, ComplaintRow};
use super::{add_event, due_day_label, Actor, Complaints};
use crate::time::shanghai_datetime;
use sqlx::Row;

/// Marks cases past their current deadline and leaves the handling level a
/// notice; returns how many this call claimed.
pub async fn mark_overdue(complaints: &Complaints, now: i64) -> anyhow::Result<usize> {
    let db = complaints.db();
    let rows = sqlx::query(&format!(
        "SELECT {} FROM complaints
         WHERE (status = 'received' AND accept_due_at <= $1 AND overdue_stage <> 'accept')
            OR (status = 'accepted' AND answer_due_at <= $1 AND overdue_stage <> 'answer')
         ORDER BY id LIMIT 500",
        store::FIELDS
    ))
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let cases: Vec<ComplaintRow> = rows.iter().map(store::row).collect::<Result<_, _>>()?;
    let mut claimed = 0;
    for case in cases {
        let (stage, due, what) = match case.status.as_str() {
            "received" => ("accept", case.accept_due_at, "受理"),
            _ => ("answer", case.answer_due_at, "答复"),
        };
        let mut tx = db.pool().begin().await?;
        let won = sqlx::query(
            "UPDATE complaints SET overdue_stage = $2
             WHERE id = $1 AND status = $3 AND overdue_stage <> $2",
        )
        .bind(case.id)
        .bind(stage)
        .bind(&case.status)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if won != 1 {
            continue;
        }
        let body = format!(
            "投诉{}超过{}期限（{}）仍未{}，请尽快处理。",
            case.tracking_no,
            what,
            due_day_label(due),
            what
        );
        sqlx::query(
            "INSERT INTO staff_notices (center_code, kind, target, body, created_at)
             VALUES ($1, 'complaint_overdue', $2, $3, $4) ON CONFLICT (kind, target) DO NOTHING",
        )
        .bind(&case.handling_center)
        .bind(format!("{}:{stage}:{due}", case.tracking_no))
        .bind(&body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        add_event(
            &mut tx,
            case.id,
            Actor::SYSTEM,
            "overdue",
            false,
            &format!("{what}期限{}已过", shanghai_datetime(due)),
            now,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
        tracing::info!(
            complaint = case.id,
            stage,
            "complaint overdue; handling level told"
        );
        claimed += 1;
    }
    Ok(claimed)
}

/// Notices for a level (a center, or the city when None), newest first.
pub async fn notices(
    db: &crate::storage::Db,
    center: Option<&str>,
    limit: i64,
) -> anyhow::Result<Vec<(i64, String)>> {
    let rows = match center {
        Some(c) => {
            sqlx::query("SELECT created_at, body FROM staff_notices WHERE center_code = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
                .bind(c)
                .bind(limit)
                .fetch_all(db.pool())
                .await?
        }
        None => {
            sqlx::query("SELECT created_at, body FROM staff_notices WHERE center_code IS NULL ORDER BY created_at DESC, id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(db.pool())
                .await?
        }
    };
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
