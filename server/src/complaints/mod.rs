//! 有诉即办: complaints, handled at one level at a time (a center, then the
//! city), with working-day deadlines over the city calendar. Every step is
//! one transaction: a conditional UPDATE on the case's status (so two staff
//! members, or two instances, cannot both take a step), its timeline event,
//! the audit record and the citizen's SMS in the outbox.

pub mod desk;
pub mod jobs;
pub mod photos_http;
pub mod service;
pub mod store;

use crate::accounts::internal;
use crate::calendar::WorkCalendar;
use crate::crypto::Secrets;
use crate::notify::{self, OutboxMessage};
use crate::portal::ReadModel;
use crate::storage::Db;
use app::complaints::{validate, NewComplaint};
use app::error::AppError;
use app::identity::Phone;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;
pub use store::ComplaintRow;

pub struct Complaints {
    db: Db,
    secrets: Arc<Secrets>,
}

/// A new tracking number: `SX-` and 8 characters from an alphabet without
/// look-alikes (31^8 ≈ 8.5 × 10^11 numbers: not guessable within the
/// tracking page's rate limits).
pub fn new_tracking_no() -> String {
    let alphabet = app::complaints::TRACKING_ALPHABET;
    let mut bytes = [0u8; 8];
    rand::fill(&mut bytes);
    let chars: String = bytes
        .iter()
        .map(|b| alphabet[*b as usize % alphabet.len()] as char)
        .collect();
    format!("SX-{}-{}", &chars[..4], &chars[4..])
}

/// The promised working days of a category: (accept, answer).
pub async fn terms(conn: &mut AnyConnection, category: &str) -> Result<(u32, u32), AppError> {
    let row =
        sqlx::query("SELECT accept_days, answer_days FROM complaint_terms WHERE category = $1")
            .bind(category)
            .fetch_optional(conn)
            .await
            .map_err(internal)?;
    Ok(match row {
        Some(r) => (
            r.try_get::<i64, _>(0).map_err(internal)?.clamp(0, 30) as u32,
            r.try_get::<i64, _>(1).map_err(internal)?.clamp(1, 60) as u32,
        ),
        None => (1, 5),
    })
}

/// Who took a step, as the timeline keeps it: the staff member's id (shown
/// to staff) and the label the citizen reads (role and center, never a name).
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub label: &'a str,
}

impl Actor<'static> {
    /// The citizen, whom the tracking page calls 您.
    pub const CITIZEN: Actor<'static> = Actor {
        id: None,
        label: "您",
    };
    /// A job, such as the overdue check.
    pub const SYSTEM: Actor<'static> = Actor {
        id: None,
        label: "系统",
    };
}

/// Appends a step to a case's timeline; `public` steps are the citizen's to see.
pub async fn add_event(
    conn: &mut AnyConnection,
    complaint_id: i64,
    actor: Actor<'_>,
    kind: &str,
    public: bool,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO complaint_events (complaint_id, at, kind, public, actor_id, actor_label, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(complaint_id)
    .bind(now)
    .bind(kind)
    .bind(public as i64)
    .bind(actor.id)
    .bind(actor.label)
    .bind(body)
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Checks a new case: the form's rules (trimming it), then that its center
/// and item exist. What the form and Open311 both file.
pub fn check_new(model: &ReadModel, form: &mut NewComplaint) -> Result<(), AppError> {
    validate(form)?;
    if !model.centers.iter().any(|c| c.code == form.center) {
        return Err(AppError::validation("center", "请选择服务中心"));
    }
    if let Some(seq) = form.seq {
        if model.item(seq).is_none() {
            return Err(AppError::validation("seq", "请选择办理的事项"));
        }
    }
    Ok(())
}

/// `12月3日 周四`: the day a deadline falls on (the end of that day).
pub fn due_day_label(due_ms: i64) -> String {
    // A deadline is the start of the next day: its day is the millisecond before.
    crate::bookings::service::day_label(&crate::time::shanghai_date(due_ms - 1))
}

impl Complaints {
    pub fn new(db: Db, secrets: Arc<Secrets>) -> Complaints {
        Complaints { db, secrets }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Queues an SMS to the case's phone, if it has one, in `conn`'s transaction.
    pub async fn tell_citizen(
        &self,
        conn: &mut AnyConnection,
        case: &ComplaintRow,
        kind: &str,
        text: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let Some(enc) = &case.phone_enc else {
            return Ok(());
        };
        let phone = self.secrets.decrypt(enc).map_err(internal)?;
        let msg = OutboxMessage {
            kind: kind.to_string(),
            recipient: phone,
            body: format!("【济源便民服务】{text}"),
        };
        notify::enqueue(conn, &self.secrets, &msg, now)
            .await
            .map_err(internal)
    }

    /// Takes the case's row lock before anything is read, so a step's
    /// transaction starts by writing: SQLite then waits for the write lock
    /// (busy timeout) instead of failing a read-then-write upgrade with
    /// "database is locked", and PostgreSQL serialises steps on one case.
    pub async fn lock(&self, conn: &mut AnyConnection, tracking_no: &str) -> Result<(), AppError> {
        sqlx::query("UPDATE complaints SET updated_at = updated_at WHERE tracking_no = $1")
            .bind(tracking_no)
            .execute(conn)
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// New deadlines from `now` for a case's category (read outside the
    /// step's transaction: see [`Complaints::lock`]).
    pub async fn deadlines(
        &self,
        conn: &mut AnyConnection,
        category: &str,
        now: i64,
    ) -> Result<(i64, i64), AppError> {
        let (accept, answer) = terms(conn, category).await?;
        let cal = WorkCalendar::load_conn(conn).await.map_err(internal)?;
        Ok((cal.deadline_ms(now, accept), cal.deadline_ms(now, answer)))
    }

    /// [`Complaints::deadlines`] on a connection of its own.
    pub async fn deadlines_now(&self, category: &str, now: i64) -> Result<(i64, i64), AppError> {
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        self.deadlines(&mut conn, category, now).await
    }

    /// Files a case checked by `check_new`, in `conn`'s transaction: the
    /// category's deadlines, a fresh tracking number, the `received` step, and
    /// the SMS with the number and dates when there is a contact phone
    /// (keyed hash, number; None: anonymous). The web form and Open311 both
    /// file through here, so their cases are alike.
    pub async fn insert_case(
        &self,
        conn: &mut AnyConnection,
        form: &NewComplaint,
        booking: Option<&str>,
        phone: Option<&(String, Phone)>,
        now: i64,
    ) -> Result<ComplaintRow, AppError> {
        // Read on a connection of its own, so the transaction starts by
        // writing (the INSERT): see Complaints::lock.
        let (accept_due, answer_due) = self.deadlines_now(&form.category, now).await?;
        let (phone_key, phone_enc) = match phone {
            Some((key, p)) => (Some(key.clone()), Some(self.secrets.encrypt(p.as_str()))),
            None => (None, None),
        };
        let mut tracking_no = new_tracking_no();
        let mut id = None;
        for _ in 0..5 {
            let row = sqlx::query(
                "INSERT INTO complaints (tracking_no, category, center_code, seq, booking_code, subject, what, wants,
                     phone_key, phone_enc, handling_center, status, accept_due_at, answer_due_at, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $3, 'received', $11, $12, $13, $13)
                 ON CONFLICT (tracking_no) DO NOTHING RETURNING id",
            )
            .bind(&tracking_no)
            .bind(&form.category)
            .bind(&form.center)
            .bind(form.seq.map(i64::from))
            .bind(booking)
            .bind(&form.subject)
            .bind(&form.what)
            .bind(&form.wants)
            .bind(&phone_key)
            .bind(&phone_enc)
            .bind(accept_due)
            .bind(answer_due)
            .bind(now)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
            if let Some(r) = row {
                id = Some(r.try_get::<i64, _>(0).map_err(internal)?);
                break;
            }
            tracking_no = new_tracking_no();
        }
        let id = id.ok_or_else(|| internal("no free tracking number in 5 tries"))?;
        add_event(conn, id, Actor::CITIZEN, "received", true, "", now).await?;
        let case = store::by_no(conn, &tracking_no)
            .await?
            .ok_or_else(|| internal("filed case vanished"))?;
        self.tell_citizen(
            conn,
            &case,
            "complaint_received",
            &format!(
                "您的投诉已收到，编号{tracking_no}。{}前受理，{}前答复。打开济源便民服务“查询投诉”，输入编号和手机号后4位即可查看进度。",
                due_day_label(accept_due),
                due_day_label(answer_due)
            ),
            now,
        )
        .await?;
        Ok(case)
    }
}
