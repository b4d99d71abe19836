//! 延时预约: slots cut from each center's weekly after-hours windows and the
//! holiday calendar, and bookings that never overfill a slot. Capacity is the
//! database's job: a place is taken by one conditional UPDATE inside the
//! booking's transaction, never by reading a count in Rust.

pub mod slots;

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
}

/// What a successful booking returns to the citizen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booked {
    pub id: i64,
    pub code: String,
}

/// The citizen-facing answer when a slot has no place left.
pub fn full() -> AppError {
    AppError::Conflict("该时段已约满，可选择其他时段或排队候补".into())
}

/// Booking codes: 8 characters without look-alikes (no 0/O, 1/I/L), read out at a counter.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 8];
    rand::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

impl Bookings {
    pub fn new(db: Db, secrets: Arc<Secrets>) -> Bookings {
        Bookings {
            db,
            secrets,
            cutoff_ms: 60 * 60_000,
        }
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
        let key = self.secrets.lookup_key("phone", phone.as_str());
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO citizens (phone_key, phone_enc, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (phone_key) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(&key)
        .bind(self.secrets.encrypt(phone.as_str()))
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        let future: i64 = sqlx::query(
            "SELECT COUNT(*) FROM bookings WHERE phone_key = $1 AND status = 'active' AND starts_at > $2",
        )
        .bind(&key)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?
        .try_get(0)
        .map_err(internal)?;
        if future >= MAX_FUTURE_PER_PHONE {
            return Err(AppError::Conflict(format!(
                "每个手机号最多同时预约{MAX_FUTURE_PER_PHONE}个时段，请先取消不需要的预约"
            )));
        }
        let taken = sqlx::query(
            "UPDATE slots SET booked = booked + 1
             WHERE id = $1 AND booked < capacity AND starts_at > $2
             RETURNING starts_at",
        )
        .bind(slot_id)
        .bind(now_ms + self.cutoff_ms)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        let Some(taken) = taken else {
            drop(tx);
            return Err(self.why_not(slot_id, now_ms).await?);
        };
        let starts_at: i64 = taken.try_get(0).map_err(internal)?;
        let code = new_code();
        let inserted = sqlx::query(
            "INSERT INTO bookings (code, slot_id, seq, phone_key, phone_enc, name_enc, notes, status, starts_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9) RETURNING id",
        )
        .bind(&code)
        .bind(slot_id)
        .bind(i64::from(seq))
        .bind(&key)
        .bind(self.secrets.encrypt(phone.as_str()))
        .bind(self.secrets.encrypt(name))
        .bind(notes)
        .bind(starts_at)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get(0).map_err(internal)?,
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::Conflict("您已预约了这个时段".into()));
            }
            Err(e) => return Err(internal(e)),
        };
        tx.commit().await.map_err(internal)?;
        Ok(Booked { id, code })
    }

    /// Why a slot took no booking: unknown, closed for booking, or full.
    async fn why_not(&self, slot_id: i64, now_ms: i64) -> Result<AppError, AppError> {
        let row = sqlx::query("SELECT starts_at FROM slots WHERE id = $1")
            .bind(slot_id)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?;
        Ok(match row {
            None => AppError::NotFound,
            Some(r) if r.try_get::<i64, _>(0).map_err(internal)? <= now_ms + self.cutoff_ms => {
                AppError::Conflict("该时段已停止预约（开始前1小时截止）".into())
            }
            Some(_) => full(),
        })
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}
