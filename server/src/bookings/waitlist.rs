//! The waitlist of a full slot. A freed place (a cancellation, a reschedule,
//! an offer not taken) is held for the first one waiting: it stays counted in
//! `slots.booked`, so nobody else can take it, and they are texted; they
//! take it from "我的" before the hold runs out, or it passes to the next one
//! waiting, and with nobody waiting it goes back to the pool.
//!
//! Every step locks the slot's row first (a no-op UPDATE), so joining the
//! queue and freeing a place are serialised per slot on PostgreSQL as they
//! are on SQLite: nobody joins a queue just as the last place is given back.

use super::{is_unique_violation, service, Booked, Bookings};
use crate::accounts::internal;
use crate::notify::{enqueue, OutboxMessage};
use crate::storage::Db;
use crate::time::shanghai_datetime;
use app::error::AppError;
use app::identity::Phone;
use sqlx::{AnyConnection, Row};

/// How many queues one phone may wait in at once.
pub const MAX_WAITING_PER_PHONE: i64 = 3;

/// A hold shorter than this is no use to anyone: the place goes to the pool.
const MIN_HOLD_MS: i64 = 5 * 60_000;

/// A phone's place in a queue, with its slot.
#[derive(Clone, Debug)]
pub struct WaitRow {
    pub id: i64,
    pub status: String,
    pub seq: i32,
    pub center_code: String,
    pub day: String,
    pub start_min: i64,
    pub end_min: i64,
    /// 1 = next in line (counted among those still waiting).
    pub position: i64,
    pub offer_expires_at: Option<i64>,
    pub booking_code: Option<String>,
}

/// A slot's row, locked for the rest of the transaction.
struct LockedSlot {
    day: String,
    start_min: i64,
    end_min: i64,
    starts_at: i64,
    capacity: i64,
    booked: i64,
    withdrawn: bool,
}

async fn lock_slot(conn: &mut AnyConnection, slot_id: i64) -> Result<Option<LockedSlot>, AppError> {
    let row = sqlx::query(
        "UPDATE slots SET booked = booked WHERE id = $1
         RETURNING day, start_min, end_min, starts_at, capacity, booked, withdrawn",
    )
    .bind(slot_id)
    .fetch_optional(conn)
    .await
    .map_err(internal)?;
    row.map(|r| {
        Ok(LockedSlot {
            day: r.try_get("day")?,
            start_min: r.try_get("start_min")?,
            end_min: r.try_get("end_min")?,
            starts_at: r.try_get("starts_at")?,
            capacity: r.try_get("capacity")?,
            booked: r.try_get("booked")?,
            withdrawn: r.try_get::<i64, _>("withdrawn")? != 0,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| internal(e))
}

/// Locks the slot of entry `id` (of `phone_key`, when given): the slot
/// before the entry, the order every path here takes. False: no such entry.
async fn lock_slot_of_entry(
    conn: &mut AnyConnection,
    id: i64,
    phone_key: Option<&str>,
) -> Result<bool, AppError> {
    let n = sqlx::query(
        "UPDATE slots SET booked = booked
         WHERE id = (SELECT slot_id FROM waitlist WHERE id = $1 AND ($2 IS NULL OR phone_key = $2))",
    )
    .bind(id)
    .bind(phone_key)
    .execute(conn)
    .await
    .map_err(internal)?
    .rows_affected();
    Ok(n == 1)
}

pub(super) async fn lock_slots_in_order(
    conn: &mut AnyConnection,
    a: i64,
    b: i64,
) -> Result<(), AppError> {
    // Always the lower id first: two reschedules in opposite directions
    // would otherwise wait for each other.
    for id in [a.min(b), a.max(b)] {
        lock_slot(conn, id).await?;
    }
    Ok(())
}

impl Bookings {
    /// "1小时" / "30分钟": the cut-off as citizens read it.
    pub fn cutoff_text(&self) -> String {
        let minutes = self.cutoff_ms / 60_000;
        if minutes % 60 == 0 {
            format!("{}小时", minutes / 60)
        } else {
            format!("{minutes}分钟")
        }
    }

    /// Puts `phone` in the queue of a full slot; returns the entry and its position.
    pub async fn join_waitlist(
        &self,
        slot_id: i64,
        seq: i32,
        phone: &Phone,
        name: &str,
        notes: &str,
        now_ms: i64,
    ) -> Result<(i64, i64), AppError> {
        let key = self.secrets.lookup_key("phone", phone.as_str());
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        // Lock order, as everywhere: the citizen, then the slot, then entries.
        self.lock_citizen(&mut tx, &key, phone, now_ms).await?;
        let slot = lock_slot(&mut tx, slot_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if slot.withdrawn {
            return Err(super::withdrawn());
        }
        if slot.starts_at <= now_ms + self.cutoff_ms {
            return Err(self.closed());
        }
        if slot.booked < slot.capacity {
            return Err(AppError::Conflict("该时段还有名额，请直接预约".into()));
        }
        let counts = sqlx::query(
            "SELECT
               (SELECT COUNT(*) FROM waitlist WHERE phone_key = $1 AND status IN ('waiting', 'offered')) AS waiting,
               (SELECT COUNT(*) FROM bookings WHERE phone_key = $1 AND slot_id = $2 AND status = 'active') AS here",
        )
        .bind(&key)
        .bind(slot_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        if counts.try_get::<i64, _>("here").map_err(internal)? > 0 {
            return Err(AppError::Conflict("您已预约了这个时段".into()));
        }
        // Someone who could not take a place would only block it for the hold.
        if super::future_bookings(&mut tx, &key, now_ms).await? >= super::MAX_FUTURE_PER_PHONE {
            return Err(super::too_many());
        }
        if counts.try_get::<i64, _>("waiting").map_err(internal)? >= MAX_WAITING_PER_PHONE {
            return Err(AppError::Conflict(format!(
                "每个手机号最多同时候补{MAX_WAITING_PER_PHONE}个时段，请先放弃不需要的候补"
            )));
        }
        let inserted = sqlx::query(
            "INSERT INTO waitlist (slot_id, seq, phone_key, phone_enc, name_enc, notes, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7) RETURNING id",
        )
        .bind(slot_id)
        .bind(i64::from(seq))
        .bind(&key)
        .bind(self.secrets.encrypt(phone.as_str()))
        .bind(self.secrets.encrypt(name))
        .bind(notes)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get(0).map_err(internal)?,
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::Conflict("您已在这个时段的候补队列中".into()));
            }
            Err(e) => return Err(internal(e)),
        };
        let position = position(&mut tx, slot_id, id).await?;
        tx.commit().await.map_err(internal)?;
        Ok((id, position))
    }

    /// Takes the place held for the phone's offer `id`: the booking is made
    /// in the place already counted, so it cannot be full.
    pub async fn accept_offer(
        &self,
        id: i64,
        phone_key: &str,
        now_ms: i64,
    ) -> Result<Booked, AppError> {
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        // The phone's row first (joining created it), as book() does.
        sqlx::query("UPDATE citizens SET updated_at = $2 WHERE phone_key = $1")
            .bind(phone_key)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        let row = sqlx::query(
            "UPDATE waitlist SET status = 'booked'
             WHERE id = $1 AND phone_key = $2 AND status = 'offered' AND offer_expires_at > $3
             RETURNING slot_id, seq, phone_enc, name_enc, notes",
        )
        .bind(id)
        .bind(phone_key)
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            drop(tx);
            return Err(self.why_no_offer(id, phone_key).await?);
        };
        let slot_id: i64 = row.try_get("slot_id").map_err(internal)?;
        if super::future_bookings(&mut tx, phone_key, now_ms).await? >= super::MAX_FUTURE_PER_PHONE
        {
            return Err(super::too_many());
        }
        let starts_at: i64 = sqlx::query("SELECT starts_at FROM slots WHERE id = $1")
            .bind(slot_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?
            .try_get(0)
            .map_err(internal)?;
        let code = super::new_code();
        let (phone_enc, name_enc): (String, String) = (
            row.try_get("phone_enc").map_err(internal)?,
            row.try_get("name_enc").map_err(internal)?,
        );
        let notes: String = row.try_get("notes").map_err(internal)?;
        let booking_id = super::insert_booking(
            &mut tx,
            &super::NewBooking {
                code: &code,
                slot_id,
                seq: row.try_get("seq").map_err(internal)?,
                phone_key,
                phone_enc,
                name_enc,
                notes: &notes,
                starts_at,
                now_ms,
                filed_for: None,
            },
        )
        .await?;
        sqlx::query("UPDATE waitlist SET booking_id = $1 WHERE id = $2")
            .bind(booking_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(Booked {
            id: booking_id,
            code,
        })
    }

    /// Leaves a queue; a place held for this phone passes to the next one.
    pub async fn leave_waitlist(
        &self,
        id: i64,
        phone_key: &str,
        now_ms: i64,
    ) -> Result<(), AppError> {
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        if !lock_slot_of_entry(&mut tx, id, Some(phone_key)).await? {
            return Err(AppError::NotFound);
        }
        let held = sqlx::query(
            "UPDATE waitlist SET status = 'left' WHERE id = $1 AND phone_key = $2 AND status = 'offered'
             RETURNING slot_id",
        )
        .bind(id)
        .bind(phone_key)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        if let Some(held) = held {
            let slot: i64 = held.try_get(0).map_err(internal)?;
            self.release_place(&mut tx, slot, now_ms).await?;
        } else {
            let n = sqlx::query(
                "UPDATE waitlist SET status = 'left' WHERE id = $1 AND phone_key = $2 AND status = 'waiting'",
            )
            .bind(id)
            .bind(phone_key)
            .execute(&mut *tx)
            .await
            .map_err(internal)?
            .rows_affected();
            if n == 0 {
                return Err(AppError::Conflict("该候补已结束".into()));
            }
        }
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    /// Gives a freed place in `slot_id` to the first one waiting (held and
    /// texted, in the caller's transaction) or back to the pool. The slot's
    /// row is locked first.
    pub(super) async fn release_place(
        &self,
        conn: &mut AnyConnection,
        slot_id: i64,
        now_ms: i64,
    ) -> Result<bool, AppError> {
        let slot = lock_slot(conn, slot_id).await?.ok_or(AppError::NotFound)?;
        let expires = (now_ms + self.hold_ms).min(slot.starts_at - self.cutoff_ms);
        if !slot.withdrawn && expires - now_ms >= MIN_HOLD_MS {
            // A candidate another transaction offered first is skipped; the
            // statement after the lock sees it (read committed).
            for _ in 0..20 {
                let next = sqlx::query(
                    "SELECT id, phone_enc FROM waitlist w WHERE slot_id = $1 AND status = 'waiting'
                     AND NOT EXISTS (SELECT 1 FROM bookings b
                                     WHERE b.slot_id = w.slot_id AND b.phone_key = w.phone_key AND b.status = 'active')
                     ORDER BY id LIMIT 1",
                )
                .bind(slot_id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(internal)?;
                let Some(next) = next else { break };
                let id: i64 = next.try_get("id").map_err(internal)?;
                let offered = sqlx::query(
                    "UPDATE waitlist SET status = 'offered', offered_at = $2, offer_expires_at = $3
                     WHERE id = $1 AND status = 'waiting'",
                )
                .bind(id)
                .bind(now_ms)
                .bind(expires)
                .execute(&mut *conn)
                .await
                .map_err(internal)?
                .rows_affected();
                if offered == 0 {
                    continue;
                }
                let phone =
                    self.decrypt(&next.try_get::<String, _>("phone_enc").map_err(internal)?)?;
                let until = shanghai_datetime(expires);
                let msg = OutboxMessage {
                    kind: "waitlist_offer".into(),
                    recipient: phone,
                    body: format!(
                        "【济源便民服务】您候补的{}延时服务有空位了，已为您保留到{}。请打开济源便民服务“我的”确认预约，逾期将顺延给下一位。",
                        service::when_label(&slot.day, slot.start_min, slot.end_min),
                        until.get(11..).unwrap_or(&until),
                    ),
                };
                enqueue(conn, &self.secrets, &msg, now_ms)
                    .await
                    .map_err(internal)?;
                return Ok(true);
            }
        }
        sqlx::query("UPDATE slots SET booked = booked - 1 WHERE id = $1 AND booked > 0")
            .bind(slot_id)
            .execute(&mut *conn)
            .await
            .map_err(internal)?;
        Ok(false)
    }

    /// Ends the offers whose hold ran out (the place passes on, the citizen
    /// is told) and closes the queues of slots no longer taking bookings.
    /// Safe on every instance at once: each offer ends in one conditional UPDATE.
    pub async fn expire_offers(&self, now_ms: i64) -> anyhow::Result<usize> {
        let due = sqlx::query(
            "SELECT id FROM waitlist WHERE status = 'offered' AND offer_expires_at <= $1 ORDER BY id LIMIT 200",
        )
        .bind(now_ms)
        .fetch_all(self.db.pool())
        .await?;
        let mut ended = 0;
        for r in &due {
            let id: i64 = r.try_get(0)?;
            let mut tx = self.db.pool().begin().await?;
            lock_slot_of_entry(&mut tx, id, None)
                .await
                .map_err(|e| anyhow::anyhow!("locking a slot: {e}"))?;
            let row = sqlx::query(
                "UPDATE waitlist SET status = 'expired' WHERE id = $1 AND status = 'offered'
                 RETURNING slot_id, phone_enc",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { continue };
            let slot: i64 = row.try_get("slot_id")?;
            self.release_place(&mut tx, slot, now_ms)
                .await
                .map_err(|e| anyhow::anyhow!("releasing a place: {e}"))?;
            let msg = OutboxMessage {
                kind: "waitlist_expired".into(),
                recipient: self.secrets.decrypt(&row.try_get::<String, _>("phone_enc")?)?,
                body: "【济源便民服务】您候补的延时服务名额保留时间已过，名额已顺延给下一位。如仍需办理，请重新预约。".into(),
            };
            enqueue(&mut tx, &self.secrets, &msg, now_ms).await?;
            tx.commit().await?;
            ended += 1;
        }
        sqlx::query(
            "UPDATE waitlist SET status = 'closed' WHERE status = 'waiting'
             AND slot_id IN (SELECT id FROM slots WHERE starts_at <= $1)",
        )
        .bind(now_ms + self.cutoff_ms)
        .execute(self.db.pool())
        .await?;
        Ok(ended)
    }

    /// The phone's queue entries, latest slots first (at most 50).
    pub async fn waitlist_for_phone(&self, phone_key: &str) -> Result<Vec<WaitRow>, AppError> {
        let rows = sqlx::query(
            "SELECT w.id, w.status, w.seq, s.center_code, s.day, s.start_min, s.end_min,
                    w.offer_expires_at, b.code AS booking_code,
                    (SELECT COUNT(*) FROM waitlist o WHERE o.slot_id = w.slot_id AND o.status = 'waiting' AND o.id <= w.id) AS position
             FROM waitlist w JOIN slots s ON s.id = w.slot_id LEFT JOIN bookings b ON b.id = w.booking_id
             WHERE w.phone_key = $1 ORDER BY s.starts_at DESC, w.id DESC LIMIT 50",
        )
        .bind(phone_key)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(WaitRow {
                    id: r.try_get("id")?,
                    status: r.try_get("status")?,
                    seq: r.try_get::<i64, _>("seq")? as i32,
                    center_code: r.try_get("center_code")?,
                    day: r.try_get("day")?,
                    start_min: r.try_get("start_min")?,
                    end_min: r.try_get("end_min")?,
                    position: r.try_get("position")?,
                    offer_expires_at: r.try_get("offer_expires_at")?,
                    booking_code: r.try_get("booking_code")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal)
    }

    async fn why_no_offer(&self, id: i64, phone_key: &str) -> Result<AppError, AppError> {
        let row = sqlx::query("SELECT status FROM waitlist WHERE id = $1 AND phone_key = $2")
            .bind(id)
            .bind(phone_key)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?;
        let status: Option<String> = row.map(|r| r.try_get(0)).transpose().map_err(internal)?;
        Ok(match status.as_deref() {
            None => AppError::NotFound,
            Some("offered") | Some("expired") => {
                AppError::Conflict("保留时间已过，名额已顺延给下一位".into())
            }
            Some("booked") => AppError::Conflict("您已确认过这个名额".into()),
            Some(_) => AppError::Conflict("还没有为您保留名额，请等待短信通知".into()),
        })
    }
}

async fn position(conn: &mut AnyConnection, slot_id: i64, id: i64) -> Result<i64, AppError> {
    sqlx::query(
        "SELECT COUNT(*) FROM waitlist WHERE slot_id = $1 AND status = 'waiting' AND id <= $2",
    )
    .bind(slot_id)
    .bind(id)
    .fetch_one(conn)
    .await
    .map_err(internal)?
    .try_get(0)
    .map_err(internal)
}

/// How many are waiting for each of a center's slots on `day`.
pub async fn waiting_on(db: &Db, center: &str, day: &str) -> Result<Vec<(i64, i64)>, AppError> {
    sqlx::query(
        "SELECT w.slot_id, COUNT(*) AS n FROM waitlist w JOIN slots s ON s.id = w.slot_id
         WHERE s.center_code = $1 AND s.day = $2 AND w.status IN ('waiting', 'offered') GROUP BY w.slot_id",
    )
    .bind(center)
    .bind(day)
    .fetch_all(db.pool())
    .await
    .map_err(internal)?
    .iter()
    .map(|r| Ok((r.try_get("slot_id")?, r.try_get("n")?)))
    .collect::<Result<_, sqlx::Error>>()
    .map_err(internal)
}
