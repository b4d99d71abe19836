//! 延时预约: slots cut from each center's weekly after-hours windows and the
//! holiday calendar, and bookings that never overfill a slot. Capacity is the
//! database's job: a place is taken by one conditional UPDATE inside the
//! booking's transaction, never by reading a count in Rust.

pub mod ics;
pub mod service;
pub mod slots;
pub mod waitlist;

use crate::accounts::internal;
use crate::crypto::Secrets;
use crate::storage::Db;
use app::error::AppError;
use app::identity::Phone;
use sqlx::Row;
use std::sync::Arc;

/// How many future bookings one phone may hold.
pub const MAX_FUTURE_PER_PHONE: i64 = 3;

pub struct Bookings {
    db: Db,
    secrets: Arc<Secrets>,
    /// Booking closes this long before a slot starts (default 1 hour).
    pub cutoff_ms: i64,
    /// How long a freed place is held for the one waiting first (default 30 minutes).
    pub hold_ms: i64,
}

/// What a successful booking returns to the citizen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booked {
    pub id: i64,
    pub code: String,
}

/// A booking with its slot.
#[derive(Clone, Debug)]
pub struct BookingRow {
    pub id: i64,
    pub code: String,
    pub status: String,
    pub seq: i32,
    pub slot_id: i64,
    pub center_code: String,
    pub day: String,
    pub start_min: i64,
    pub end_min: i64,
    pub starts_at: i64,
    pub phone_key: String,
    pub name_enc: String,
    pub notes: String,
    /// Filed by a helper under a consent: (staff id, consent id).
    pub filed_for: Option<(i64, i64)>,
}

/// The columns `booking_row` reads: one list, so every query that feeds it
/// selects the same (a column added to one and not the other broke reminders).
macro_rules! booking_fields {
    () => {
        "b.id, b.code, b.status, b.seq, b.slot_id, s.center_code, s.day, s.start_min, s.end_min,
         b.starts_at, b.phone_key, b.name_enc, b.notes, b.filed_by, b.consent_id"
    };
}
const BOOKING_FIELDS: &str = booking_fields!();
const BOOKING_COLUMNS: &str = concat!(
    booking_fields!(),
    " FROM bookings b JOIN slots s ON s.id = b.slot_id"
);

fn booking_row(r: &sqlx::any::AnyRow) -> Result<BookingRow, sqlx::Error> {
    Ok(BookingRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        status: r.try_get("status")?,
        seq: r.try_get::<i64, _>("seq")? as i32,
        slot_id: r.try_get("slot_id")?,
        center_code: r.try_get("center_code")?,
        day: r.try_get("day")?,
        start_min: r.try_get("start_min")?,
        end_min: r.try_get("end_min")?,
        starts_at: r.try_get("starts_at")?,
        phone_key: r.try_get("phone_key")?,
        name_enc: r.try_get("name_enc")?,
        filed_for: match (
            r.try_get::<Option<i64>, _>("filed_by")?,
            r.try_get::<Option<i64>, _>("consent_id")?,
        ) {
            (Some(staff), Some(consent)) => Some((staff, consent)),
            _ => None,
        },
        notes: r.try_get("notes")?,
    })
}

/// The citizen-facing answer when a slot has no place left.
pub fn full() -> AppError {
    AppError::Conflict("该时段已约满，可选择其他时段或排队候补".into())
}

/// A slot the center no longer runs (kept only for its bookings).
fn withdrawn() -> AppError {
    AppError::Conflict("该时段已调整，不再接受预约，请选择其他时段".into())
}

/// Active bookings of the phone that have not started.
async fn future_bookings(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    now_ms: i64,
) -> Result<i64, AppError> {
    sqlx::query(
        "SELECT COUNT(*) FROM bookings WHERE phone_key = $1 AND status = 'active' AND starts_at > $2",
    )
    .bind(key)
    .bind(now_ms)
    .fetch_one(conn)
    .await
    .map_err(internal)?
    .try_get(0)
    .map_err(internal)
}

fn too_many() -> AppError {
    AppError::Conflict(format!(
        "每个手机号最多同时预约{MAX_FUTURE_PER_PHONE}个时段，请先取消不需要的预约"
    ))
}

/// Booking codes: 8 characters without look-alikes (no 0/O, 1/I/L), read out at a counter.
pub fn new_code() -> String {
    crate::crypto::readable_code(8)
}

impl Bookings {
    pub fn new(db: Db, secrets: Arc<Secrets>) -> Bookings {
        Bookings {
            db,
            secrets,
            cutoff_ms: 60 * 60_000,
            hold_ms: 30 * 60_000,
        }
    }

    /// The booking cut-off and the waitlist hold, from the configuration.
    pub fn with_policy(mut self, cutoff_ms: i64, hold_ms: i64) -> Bookings {
        self.cutoff_ms = cutoff_ms;
        self.hold_ms = hold_ms;
        self
    }

    fn closed(&self) -> AppError {
        AppError::Conflict(format!(
            "该时段已停止预约（开始前{}截止）",
            self.cutoff_text()
        ))
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Books a place in `slot_id` for `phone`. One transaction: the phone's
    /// row is locked first (so one phone's bookings are serialised and the
    /// "3 future bookings" rule holds), then one conditional UPDATE takes a
    /// place or finds none, then the booking is inserted (a unique index
    /// refuses a second active booking of the same phone in the same slot).
    pub async fn book(
        &self,
        slot_id: i64,
        seq: i32,
        phone: &Phone,
        name: &str,
        notes: &str,
        now_ms: i64,
    ) -> Result<Booked, AppError> {
        self.book_filed(slot_id, seq, phone, name, notes, None, now_ms)
            .await
    }

    /// [`Bookings::book`], filed by a helper under a consent when
    /// `filed_for` is (staff id, consent id).
    #[allow(clippy::too_many_arguments)]
    pub async fn book_filed(
        &self,
        slot_id: i64,
        seq: i32,
        phone: &Phone,
        name: &str,
        notes: &str,
        filed_for: Option<(i64, i64)>,
        now_ms: i64,
    ) -> Result<Booked, AppError> {
        let key = self.secrets.lookup_key("phone", phone.as_str());
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        self.lock_citizen(&mut tx, &key, phone, now_ms).await?;
        if future_bookings(&mut tx, &key, now_ms).await? >= MAX_FUTURE_PER_PHONE {
            return Err(too_many());
        }
        let starts_at = self.take_place(&mut tx, slot_id, now_ms).await?;
        let code = new_code();
        let id = insert_booking(
            &mut tx,
            &NewBooking {
                code: &code,
                slot_id,
                seq: i64::from(seq),
                phone_key: &key,
                phone_enc: self.secrets.encrypt(phone.as_str()),
                name_enc: self.secrets.encrypt(name),
                notes,
                starts_at,
                now_ms,
                filed_for,
            },
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok(Booked { id, code })
    }

    /// Locks the phone's row (created on first use) for the transaction:
    /// one phone's bookings and queue places are decided one at a time, so
    /// the per-phone limits hold. A write, so SQLite takes its lock at once.
    async fn lock_citizen(
        &self,
        conn: &mut sqlx::AnyConnection,
        key: &str,
        phone: &Phone,
        now_ms: i64,
    ) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO citizens (phone_key, phone_enc, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (phone_key) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(self.secrets.encrypt(phone.as_str()))
        .bind(now_ms)
        .execute(conn)
        .await
        .map_err(internal)?;
        Ok(())
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, AppError> {
        self.secrets.decrypt(stored).map_err(internal)
    }

    pub async fn by_code(&self, code: &str) -> Result<Option<BookingRow>, AppError> {
        let code = code.trim().to_uppercase();
        sqlx::query(&format!("SELECT {BOOKING_COLUMNS} WHERE b.code = $1"))
            .bind(&code)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?
            .map(|r| booking_row(&r).map_err(internal))
            .transpose()
    }

    /// A phone's bookings, upcoming first, then the past (at most 50).
    pub async fn for_phone(&self, phone_key: &str) -> Result<Vec<BookingRow>, AppError> {
        sqlx::query(&format!(
            "SELECT {BOOKING_COLUMNS} WHERE b.phone_key = $1 ORDER BY b.starts_at DESC LIMIT 50"
        ))
        .bind(phone_key)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?
        .iter()
        .map(|r| booking_row(r).map_err(internal))
        .collect()
    }

    /// Cancels the phone's active booking `code` before the cut-off; the place
    /// goes back to the slot in the same transaction.
    pub async fn cancel(&self, code: &str, phone_key: &str, now_ms: i64) -> Result<(), AppError> {
        let code = code.trim().to_uppercase();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let row = sqlx::query(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = $3
             WHERE code = $1 AND phone_key = $2 AND status = 'active' AND starts_at > $4
             RETURNING slot_id",
        )
        .bind(&code)
        .bind(phone_key)
        .bind(now_ms)
        .bind(now_ms + self.cutoff_ms)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            drop(tx);
            return Err(self.why_unchangeable(&code, phone_key).await?);
        };
        let slot: i64 = row.try_get(0).map_err(internal)?;
        self.release_place(&mut tx, slot, now_ms).await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    /// Moves the phone's active booking `code` to `new_slot` of the same
    /// center in one transaction: the new place is taken by the same
    /// conditional UPDATE as a booking, then the old place goes to the
    /// waitlist or back to the pool. Refused, nothing changes.
    pub async fn reschedule(
        &self,
        code: &str,
        phone_key: &str,
        new_slot: i64,
        now_ms: i64,
    ) -> Result<(), AppError> {
        let code = code.trim().to_uppercase();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        // A no-op write first: it locks the booking (and, on SQLite, the database).
        let row = sqlx::query(
            "UPDATE bookings SET status = status
             WHERE code = $1 AND phone_key = $2 AND status = 'active' AND starts_at > $3
             RETURNING id, slot_id",
        )
        .bind(&code)
        .bind(phone_key)
        .bind(now_ms + self.cutoff_ms)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            drop(tx);
            return Err(self.why_unchangeable(&code, phone_key).await?);
        };
        let id: i64 = row.try_get("id").map_err(internal)?;
        let old_slot: i64 = row.try_get("slot_id").map_err(internal)?;
        if old_slot == new_slot {
            return Err(AppError::validation("slot", "请选择与原预约不同的时段"));
        }
        let centers = sqlx::query("SELECT id, center_code FROM slots WHERE id IN ($1, $2)")
            .bind(old_slot)
            .bind(new_slot)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
        let center_of = |slot: i64| {
            centers.iter().find_map(|r| {
                (r.try_get::<i64, _>("id").ok()? == slot)
                    .then(|| r.try_get::<String, _>("center_code").ok())
                    .flatten()
            })
        };
        if center_of(new_slot).is_none() || center_of(new_slot) != center_of(old_slot) {
            return Err(AppError::validation("slot", "只能改约到同一中心的其他时段"));
        }
        waitlist::lock_slots_in_order(&mut tx, old_slot, new_slot).await?;
        let starts_at = self.take_place(&mut tx, new_slot, now_ms).await?;
        let moved = sqlx::query(
            "UPDATE bookings SET slot_id = $1, starts_at = $2, moves = moves + 1 WHERE id = $3",
        )
        .bind(new_slot)
        .bind(starts_at)
        .bind(id)
        .execute(&mut *tx)
        .await;
        match moved {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::Conflict("您已预约了这个时段".into()));
            }
            Err(e) => return Err(internal(e)),
        }
        self.release_place(&mut tx, old_slot, now_ms).await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    /// Why the phone's booking `code` cannot be cancelled or moved.
    async fn why_unchangeable(&self, code: &str, phone_key: &str) -> Result<AppError, AppError> {
        Ok(match self.by_code(code).await? {
            Some(b) if b.phone_key == phone_key && b.status == "active" => {
                AppError::Conflict(format!(
                    "已过截止时间（开始前{}），如需调整请联系中心",
                    self.cutoff_text()
                ))
            }
            Some(b) if b.phone_key == phone_key => {
                AppError::Conflict("该预约已不能取消或改约".into())
            }
            _ => AppError::NotFound,
        })
    }

    /// Queues the reminders that are due: the day before (for bookings made
    /// more than a day ahead) and 2 hours before. Each goes out once
    /// (outbox dedupe key), whichever instance runs this first.
    pub async fn send_reminders(&self, now_ms: i64) -> anyhow::Result<usize> {
        let mut sent = 0;
        for (label, ahead) in [("day", 24 * 3_600_000i64), ("2h", 2 * 3_600_000)] {
            let rows = sqlx::query(&format!(
                "SELECT {BOOKING_FIELDS}, b.phone_enc, b.moves FROM bookings b JOIN slots s ON s.id = b.slot_id
                 WHERE b.status = 'active' AND b.starts_at > $1 AND b.starts_at <= $2 AND b.created_at < b.starts_at - $3"
            ))
            .bind(now_ms)
            .bind(now_ms + ahead)
            .bind(ahead)
            .fetch_all(self.db.pool())
            .await?;
            for r in &rows {
                let b = booking_row(r)?;
                let phone = self
                    .secrets
                    .decrypt(&r.try_get::<String, _>("phone_enc")?)?;
                let when = service::when_label(&b.day, b.start_min, b.end_min);
                let msg = crate::notify::OutboxMessage {
                    kind: "reminder".into(),
                    recipient: phone,
                    body: format!(
                        "【济源便民服务】提醒：您预约了{when}的延时服务，预约码{}。请带齐材料按时前往；不能前来请在“我的”中取消。",
                        b.code
                    ),
                };
                // A moved booking is reminded again for its new time.
                let key = match r.try_get::<i64, _>("moves")? {
                    0 => format!("reminder:{label}:{}", b.code),
                    moves => format!("reminder:{label}:{}:m{moves}", b.code),
                };
                if crate::notify::enqueue_once(&self.db, &self.secrets, &msg, &key, now_ms).await? {
                    sent += 1;
                }
            }
        }
        Ok(sent)
    }

    /// Takes a place in `slot_id` with one conditional UPDATE: the database
    /// decides, never a count read first. Returns the slot's start.
    async fn take_place(
        &self,
        conn: &mut sqlx::AnyConnection,
        slot_id: i64,
        now_ms: i64,
    ) -> Result<i64, AppError> {
        let taken = sqlx::query(
            "UPDATE slots SET booked = booked + 1
             WHERE id = $1 AND booked < capacity AND starts_at > $2 AND withdrawn = 0
             RETURNING starts_at",
        )
        .bind(slot_id)
        .bind(now_ms + self.cutoff_ms)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
        match taken {
            Some(row) => row.try_get(0).map_err(internal),
            None => Err(self.why_not(conn, slot_id, now_ms).await?),
        }
    }

    /// Why a slot took no booking: unknown, withdrawn, closed for booking, or full.
    async fn why_not(
        &self,
        conn: &mut sqlx::AnyConnection,
        slot_id: i64,
        now_ms: i64,
    ) -> Result<AppError, AppError> {
        let row = sqlx::query("SELECT starts_at, withdrawn FROM slots WHERE id = $1")
            .bind(slot_id)
            .fetch_optional(conn)
            .await
            .map_err(internal)?;
        Ok(match row {
            None => AppError::NotFound,
            Some(r) if r.try_get::<i64, _>(1).map_err(internal)? != 0 => withdrawn(),
            Some(r) if r.try_get::<i64, _>(0).map_err(internal)? <= now_ms + self.cutoff_ms => {
                self.closed()
            }
            Some(_) => full(),
        })
    }
}

/// A booking row to insert; phone and name already encrypted.
struct NewBooking<'a> {
    code: &'a str,
    slot_id: i64,
    seq: i64,
    phone_key: &'a str,
    phone_enc: String,
    name_enc: String,
    notes: &'a str,
    starts_at: i64,
    now_ms: i64,
    /// A helper's filing under a consent: (staff id, consent id).
    filed_for: Option<(i64, i64)>,
}

/// Inserts an active booking; the partial unique index refuses a second
/// active booking of one phone in one slot.
async fn insert_booking(
    conn: &mut sqlx::AnyConnection,
    b: &NewBooking<'_>,
) -> Result<i64, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO bookings (code, slot_id, seq, phone_key, phone_enc, name_enc, notes, status, starts_at, created_at, filed_by, consent_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, $11) RETURNING id",
    )
    .bind(b.code)
    .bind(b.slot_id)
    .bind(b.seq)
    .bind(b.phone_key)
    .bind(&b.phone_enc)
    .bind(&b.name_enc)
    .bind(b.notes)
    .bind(b.starts_at)
    .bind(b.now_ms)
    .bind(b.filed_for.map(|f| f.0))
    .bind(b.filed_for.map(|f| f.1))
    .fetch_one(conn)
    .await;
    match inserted {
        Ok(row) => row.try_get(0).map_err(internal),
        Err(e) if is_unique_violation(&e) => Err(AppError::Conflict("您已预约了这个时段".into())),
        Err(e) => Err(internal(e)),
    }
}

use crate::storage::is_unique_violation;
