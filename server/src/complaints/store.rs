//! A complaint as stored, and its one row mapper. Holds the phone's
//! ciphertext: not a wire type (see `app::complaints` for those).

use crate::accounts::internal;
use app::error::AppError;
use sqlx::{AnyConnection, Row};

#[derive(Clone, Debug)]
pub struct ComplaintRow {
    pub id: i64,
    pub tracking_no: String,
    pub category: String,
    pub center_code: String,
    pub seq: Option<i32>,
    pub booking_code: Option<String>,
    pub subject: String,
    pub what: String,
    pub wants: String,
    pub phone_key: Option<String>,
    pub phone_enc: Option<String>,
    /// None: handled by the city.
    pub handling_center: Option<String>,
    pub assignee_id: Option<i64>,
    pub status: String,
    pub accept_due_at: i64,
    pub answer_due_at: i64,
    pub reopened: bool,
    pub resolution: Option<String>,
    pub rating: Option<i32>,
    pub merged_into: Option<i64>,
    pub created_at: i64,
    /// Filed by a helper under a consent: (staff id, consent id).
    pub filed_for: Option<(i64, i64)>,
}

pub const FIELDS: &str =
    "id, tracking_no, category, center_code, seq, booking_code, subject, what, wants,
     phone_key, phone_enc, handling_center, assignee_id, status, accept_due_at, answer_due_at,
     reopened, resolution, rating, merged_into, created_at, filed_by, consent_id";

pub fn row(r: &sqlx::any::AnyRow) -> Result<ComplaintRow, sqlx::Error> {
    Ok(ComplaintRow {
        id: r.try_get("id")?,
        tracking_no: r.try_get("tracking_no")?,
        category: r.try_get("category")?,
        center_code: r.try_get("center_code")?,
        seq: r.try_get::<Option<i64>, _>("seq")?.map(|s| s as i32),
        booking_code: r.try_get("booking_code")?,
        subject: r.try_get("subject")?,
        what: r.try_get("what")?,
        wants: r.try_get("wants")?,
        phone_key: r.try_get("phone_key")?,
        phone_enc: r.try_get("phone_enc")?,
        handling_center: r.try_get("handling_center")?,
        assignee_id: r.try_get("assignee_id")?,
        status: r.try_get("status")?,
        accept_due_at: r.try_get("accept_due_at")?,
        answer_due_at: r.try_get("answer_due_at")?,
        reopened: r.try_get::<i64, _>("reopened")? == 1,
        resolution: r.try_get("resolution")?,
        rating: r.try_get::<Option<i64>, _>("rating")?.map(|s| s as i32),
        merged_into: r.try_get("merged_into")?,
        created_at: r.try_get("created_at")?,
        filed_for: match (
            r.try_get::<Option<i64>, _>("filed_by")?,
            r.try_get::<Option<i64>, _>("consent_id")?,
        ) {
            (Some(staff), Some(consent)) => Some((staff, consent)),
            _ => None,
        },
    })
}

pub async fn by_no(
    conn: &mut AnyConnection,
    tracking_no: &str,
) -> Result<Option<ComplaintRow>, AppError> {
    sqlx::query(&format!(
        "SELECT {FIELDS} FROM complaints WHERE tracking_no = $1"
    ))
    .bind(tracking_no)
    .fetch_optional(conn)
    .await
    .map_err(internal)?
    .map(|r| row(&r))
    .transpose()
    .map_err(internal)
}

/// A case's photos (content hashes), in the order they were added.
pub async fn photos(conn: &mut AnyConnection, complaint_id: i64) -> Result<Vec<String>, AppError> {
    sqlx::query(
        "SELECT sha256 FROM complaint_photos WHERE complaint_id = $1 ORDER BY added_at, sha256",
    )
    .bind(complaint_id)
    .fetch_all(conn)
    .await
    .map_err(internal)?
    .iter()
    .map(|r| r.try_get(0).map_err(internal))
    .collect()
}

impl ComplaintRow {
    /// Still being handled (a step may be taken).
    pub fn open(&self) -> bool {
        matches!(self.status.as_str(), "received" | "accepted" | "answered")
    }

    /// The deadline that applies now: accepting, then answering.
    pub fn due_at(&self) -> Option<i64> {
        match self.status.as_str() {
            "received" => Some(self.accept_due_at),
            "accepted" => Some(self.answer_due_at),
            _ => None,
        }
    }

    pub fn overdue(&self, now: i64) -> bool {
        self.due_at().is_some_and(|d| now >= d)
    }
}
