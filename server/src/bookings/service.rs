//! The citizen side of 延时预约 as the UI sees it (implements `BookingPort`):
//! centers, days and slots with places left, check answers, book, the
//! confirmation page, cancel, "我的". A booking is shown and changed only for
//! the phone it was made with.

use super::slots::{ensure_slots, SlotRow};
use super::Bookings;
use crate::accounts::{internal, Accounts};
use crate::portal::Portal;
use crate::time::{add_days, iso_weekday, now_ms, shanghai_date};
use app::booking::port::BookingPort;
use app::booking::*;
use app::error::AppError;
use app::identity::{mask_name, mask_phone, parse_person_name};
use http::request::Parts;
use sqlx::Row;
use std::sync::Arc;

/// How far ahead citizens can book.
pub const BOOKING_DAYS: i64 = 14;

pub struct BookingService {
    bookings: Arc<Bookings>,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
    /// center → the day its slots were last cut by this instance: pages cut
    /// the new day's slots once, not on every view. Schedule and calendar
    /// changes cut slots themselves, for every instance (the slots are shared).
    ensured: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// `2026-12-02` → `12月2日 周三`.
pub fn day_label(day: &str) -> String {
    let mut p = day.split('-').skip(1).map(|x| x.trim_start_matches('0'));
    let (m, d) = (p.next().unwrap_or(""), p.next().unwrap_or(""));
    let wd = iso_weekday(day)
        .map(|w| WEEKDAYS[(w - 1) as usize])
        .unwrap_or("");
    format!("{m}月{d}日 {wd}")
}

pub fn time_label(start_min: i64, end_min: i64) -> String {
    format!(
        "{:02}:{:02}-{:02}:{:02}",
        start_min / 60,
        start_min % 60,
        end_min / 60,
        end_min % 60
    )
}

/// The departments whose items a specialised window takes. The 无差别综合受理
/// window, and a window of no kind, take every item the center handles.
const WINDOW_DEPARTMENTS: [(&str, &str); 5] = [
    ("公安", "市公安局"),
    ("人社", "市人力资源和社会保障局"),
    ("医保", "市医疗保障局"),
    ("市场监管", "市市场监督管理局"),
    ("退役军人", "市退役军人事务局"),
];

/// Whether a slot of window kind `kind` serves `item`.
pub fn window_serves(kind: &str, item: &app::catalog::CatalogItem) -> bool {
    match kind {
        "" | "无差别综合受理" => true,
        k => WINDOW_DEPARTMENTS
            .iter()
            .any(|(w, d)| *w == k && item.department == *d),
    }
}

/// `12月2日 周三 18:05`: a moment as citizens read it.
pub fn moment_label(utc_ms: i64) -> String {
    let at = crate::time::shanghai_datetime(utc_ms);
    format!(
        "{} {}",
        day_label(&shanghai_date(utc_ms)),
        at.get(11..).unwrap_or("")
    )
}

/// `12月2日 周三 17:30-18:00`.
pub fn when_label(day: &str, start_min: i64, end_min: i64) -> String {
    format!("{} {}", day_label(day), time_label(start_min, end_min))
}

impl BookingService {
    pub fn new(bookings: Arc<Bookings>, accounts: Arc<Accounts>, portal: Arc<Portal>) -> Self {
        BookingService {
            bookings,
            accounts,
            portal,
            ensured: Default::default(),
        }
    }

    fn center(&self, code: &str) -> Result<app::catalog::Center, AppError> {
        self.portal
            .model()
            .centers
            .iter()
            .find(|c| c.code == code)
            .cloned()
            .ok_or(AppError::NotFound)
    }

    fn today() -> String {
        shanghai_date(now_ms())
    }

    /// Cuts `center`'s slots for the booking window, once a day per instance.
    async fn ensure(&self, center: &str) -> Result<(), AppError> {
        let today = Self::today();
        let fresh = self
            .ensured
            .lock()
            .map(|m| m.get(center) == Some(&today))
            .unwrap_or(false);
        if !fresh {
            ensure_slots(self.bookings.db(), center, &today, BOOKING_DAYS + 1)
                .await
                .map_err(internal)?;
            if let Ok(mut m) = self.ensured.lock() {
                m.insert(center.to_string(), today);
            }
        }
        Ok(())
    }

    /// Slots of `center` from today for the booking window, materialised first.
    async fn upcoming(&self, center: &str) -> Result<Vec<SlotRow>, AppError> {
        let db = self.bookings.db();
        self.ensure(center).await?;
        let last = add_days(&Self::today(), BOOKING_DAYS).unwrap_or_default();
        let rows = sqlx::query(
            "SELECT id, day, start_min, end_min, capacity, booked, window_kind, starts_at FROM slots
             WHERE center_code = $1 AND day >= $2 AND day <= $3 AND withdrawn = 0
             ORDER BY day, start_min, window_kind",
        )
        .bind(center)
        .bind(Self::today())
        .bind(last)
        .fetch_all(db.pool())
        .await
        .map_err(internal)?;
        let cutoff = now_ms() + self.bookings.cutoff_ms;
        rows.iter()
            .filter(|r| r.try_get::<i64, _>("starts_at").is_ok_and(|s| s > cutoff))
            .map(|r| {
                Ok(SlotRow {
                    id: r.try_get("id").map_err(internal)?,
                    day: r.try_get("day").map_err(internal)?,
                    start_min: r.try_get("start_min").map_err(internal)?,
                    end_min: r.try_get("end_min").map_err(internal)?,
                    capacity: r.try_get("capacity").map_err(internal)?,
                    booked: r.try_get("booked").map_err(internal)?,
                    window_kind: r.try_get("window_kind").map_err(internal)?,
                })
            })
            .collect()
    }

    fn option(s: &SlotRow, waiting: &[(i64, i64)]) -> SlotOption {
        SlotOption {
            id: s.id,
            time: time_label(s.start_min, s.end_min),
            window_kind: s.window_kind.clone(),
            places_left: (s.capacity - s.booked).max(0),
            closed: false,
            waiting: waiting
                .iter()
                .find(|(slot, _)| *slot == s.id)
                .map_or(0, |(_, n)| *n),
        }
    }

    /// The days with slots in the booking window and, for `day`, its slots
    /// (full ones too: they offer the waitlist).
    async fn days_and_slots(
        &self,
        center: &str,
        day: Option<String>,
        seq: Option<i32>,
    ) -> Result<(Vec<DayOption>, Option<String>, Vec<SlotOption>), AppError> {
        let model = self.portal.model();
        let item = seq.and_then(|s| model.item(s));
        // Only the slots whose window serves the item, once one is chosen.
        let slots: Vec<SlotRow> = self
            .upcoming(center)
            .await?
            .into_iter()
            .filter(|s| item.is_none_or(|i| window_serves(&s.window_kind, i)))
            .collect();
        let mut days: Vec<DayOption> = vec![];
        for s in &slots {
            let left = (s.capacity - s.booked).max(0);
            match days.last_mut() {
                Some(d) if d.day == s.day => d.places_left += left,
                _ => days.push(DayOption {
                    day: s.day.clone(),
                    label: day_label(&s.day),
                    places_left: left,
                }),
            }
        }
        let day = day.filter(|d| days.iter().any(|x| &x.day == d));
        let options = match &day {
            Some(d) => {
                let waiting = super::waitlist::waiting_on(self.bookings.db(), center, d).await?;
                slots
                    .iter()
                    .filter(|s| &s.day == d)
                    .map(|s| Self::option(s, &waiting))
                    .collect()
            }
            None => vec![],
        };
        Ok((days, day, options))
    }

    /// The signed-in citizen's phone: its lookup key and the number.
    async fn caller(&self, req: &Parts) -> Result<(String, app::identity::Phone), AppError> {
        self.accounts
            .citizen_phone(req)
            .await?
            .ok_or(AppError::Unauthenticated)
    }

    /// A booking or waitlist request checked at the boundary: the caller's
    /// verified phone, an item the slot serves, the name and notes.
    async fn request(
        &self,
        req: &Parts,
        slot: i64,
        seq: i32,
        name: &str,
        notes: &str,
    ) -> Result<(app::identity::Phone, String, String), AppError> {
        let (_, phone) = self.caller(req).await?;
        let (center, s, _) = self.slot(slot).await?;
        self.serves(&center, &s, seq)?;
        let (name, notes) = Self::person(name, notes)?;
        Ok((phone, name, notes))
    }

    /// Books `slot` for a citizen who is not the caller: a helper filing
    /// under a consent (checked by the caller of this). The same rules as
    /// the citizen's own booking: the slot serves the item, the name parses.
    pub async fn book_for_citizen(
        &self,
        phone: &app::identity::Phone,
        slot: i64,
        seq: i32,
        name: &str,
        filed_for: (i64, i64),
    ) -> Result<String, AppError> {
        let (center, s, _) = self.slot(slot).await?;
        self.serves(&center, &s, seq)?;
        let (name, notes) = Self::person(name, "")?;
        let booked = self
            .bookings
            .book_filed(slot, seq, phone, &name, &notes, Some(filed_for), now_ms())
            .await?;
        Ok(booked.code)
    }

    /// Name and notes as given on the check-answers page, checked.
    fn person(name: &str, notes: &str) -> Result<(String, String), AppError> {
        let name = parse_person_name(name).map_err(|m| AppError::validation("name", m))?;
        let notes = notes.trim();
        if notes.chars().count() > 200 {
            return Err(AppError::validation("notes", "备注最多200字"));
        }
        Ok((name, notes.to_string()))
    }

    fn center_name(&self, code: &str) -> String {
        self.portal
            .model()
            .centers
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.center_name.clone())
            .unwrap_or_default()
    }

    fn item_name(&self, seq: i32) -> String {
        self.portal
            .model()
            .item(seq)
            .map(|i| i.business_item.clone())
            .unwrap_or_default()
    }

    async fn slot(&self, id: i64) -> Result<(String, SlotRow, i64), AppError> {
        let r = sqlx::query(
            "SELECT center_code, id, day, start_min, end_min, capacity, booked, window_kind, starts_at FROM slots WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.bookings.db().pool())
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
        Ok((
            r.try_get("center_code").map_err(internal)?,
            SlotRow {
                id,
                day: r.try_get("day").map_err(internal)?,
                start_min: r.try_get("start_min").map_err(internal)?,
                end_min: r.try_get("end_min").map_err(internal)?,
                capacity: r.try_get("capacity").map_err(internal)?,
                booked: r.try_get("booked").map_err(internal)?,
                window_kind: r.try_get("window_kind").map_err(internal)?,
            },
            r.try_get("starts_at").map_err(internal)?,
        ))
    }

    /// The item, if `center` handles it and the slot's window serves it.
    fn serves(
        &self,
        center: &str,
        slot: &SlotRow,
        seq: i32,
    ) -> Result<app::catalog::CatalogItem, AppError> {
        let item = self.handled(center, seq)?;
        if !window_serves(&slot.window_kind, &item) {
            return Err(AppError::validation(
                "slot",
                &format!("该时段只办理{}业务，请选择其他时段", slot.window_kind),
            ));
        }
        Ok(item)
    }

    fn handled(&self, center: &str, seq: i32) -> Result<app::catalog::CatalogItem, AppError> {
        let model = self.portal.model();
        model
            .items_at(center)
            .into_iter()
            .find(|i| i.seq == seq)
            .cloned()
            .ok_or_else(|| {
                AppError::validation("seq", "本中心暂不可办理此事项，请选择其他事项或中心")
            })
    }
}

impl BookingService {
    /// The booking as an .ics file, for the phone it was made with.
    pub async fn ics(&self, req: &Parts, code: &str) -> Result<String, AppError> {
        let (key, _) = self.caller(req).await?;
        let b = self
            .bookings
            .by_code(code)
            .await?
            .ok_or(AppError::NotFound)?;
        if b.phone_key != key {
            return Err(AppError::NotFound);
        }
        let model = self.portal.model();
        let center = model
            .centers
            .iter()
            .find(|c| c.code == b.center_code)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let item = model
            .item(b.seq)
            .map(|i| i.business_item.clone())
            .unwrap_or_default();
        let location = if center.address.is_empty() {
            center.center_name.clone()
        } else {
            format!("{} {}", center.center_name, center.address)
        };
        Ok(super::ics::calendar(&super::ics::Event {
            uid: &format!("{}@bianmin.jiyuan", b.code),
            stamp_ms: now_ms(),
            start_ms: b.starts_at,
            end_ms: b.starts_at + (b.end_min - b.start_min) * 60_000,
            summary: &format!("延时预约：{item}"),
            location: &location,
            description: &format!(
                "预约码 {}。请带齐办事指南所列材料，开始前{}之前可在“我的”中取消。",
                b.code,
                self.bookings.cutoff_text()
            ),
        }))
    }
}

#[async_trait::async_trait]
impl BookingPort for BookingService {
    async fn centers(&self, seq: Option<i32>) -> Result<BookCenters, AppError> {
        let model = self.portal.model();
        for center in &model.centers {
            self.ensure(&center.code).await?;
        }
        // One query for all centers: places left in open slots of the window.
        let rows = sqlx::query(
            "SELECT center_code, CAST(SUM(capacity - booked) AS BIGINT) AS places FROM slots
             WHERE day >= $1 AND day <= $2 AND starts_at > $3 AND withdrawn = 0 GROUP BY center_code",
        )
        .bind(Self::today())
        .bind(add_days(&Self::today(), BOOKING_DAYS).unwrap_or_default())
        .bind(now_ms() + self.bookings.cutoff_ms)
        .fetch_all(self.bookings.db().pool())
        .await
        .map_err(internal)?;
        let left = |code: &str| -> i64 {
            rows.iter()
                .find(|r| {
                    r.try_get::<String, _>("center_code")
                        .is_ok_and(|c| c == code)
                })
                .and_then(|r| r.try_get::<i64, _>("places").ok())
                .unwrap_or(0)
        };
        let item = seq
            .and_then(|s| model.item(s))
            .map(|i| (i.seq, i.business_item.clone()));
        let centers = model
            .centers
            .iter()
            .map(|c| {
                let overrides = model.center_overrides(&c.code);
                let missing = item
                    .as_ref()
                    .and_then(|(s, _)| overrides.get(s))
                    .filter(|o| !o.at_center);
                BookCenter {
                    center: c.clone(),
                    places_left: left(&c.code),
                    handles: missing.is_none(),
                    alternative: missing
                        .and_then(|o| o.alternative.as_ref())
                        .and_then(|a| model.center(a).cloned()),
                }
            })
            .collect();
        Ok(BookCenters { item, centers })
    }

    async fn form(
        &self,
        center: &str,
        seq: Option<i32>,
        day: Option<String>,
    ) -> Result<BookingForm, AppError> {
        let c = self.center(center)?;
        let items = self
            .portal
            .model()
            .items_at(center)
            .iter()
            .map(|i| (i.seq, i.business_item.clone()))
            .collect();
        let (days, day, slots) = self.days_and_slots(center, day, seq).await?;
        Ok(BookingForm {
            center: c,
            items,
            seq,
            days,
            day,
            slots,
        })
    }

    async fn check(&self, req: &Parts, slot: i64, seq: i32) -> Result<CheckAnswers, AppError> {
        let (center, s, starts_at) = self.slot(slot).await?;
        let item = self.serves(&center, &s, seq)?;
        let waiting = super::waitlist::waiting_on(self.bookings.db(), &center, &s.day).await?;
        let mut option = Self::option(&s, &waiting);
        option.closed = starts_at <= now_ms() + self.bookings.cutoff_ms;
        let phone_masked = self
            .accounts
            .citizen_phone(req)
            .await?
            .map(|(_, p)| p.masked());
        Ok(CheckAnswers {
            center: self.center(&center)?,
            item,
            day_label: day_label(&s.day),
            slot: option,
            phone_masked,
            cutoff: self.bookings.cutoff_text(),
            hold_minutes: self.bookings.hold_ms / 60_000,
        })
    }

    async fn book(
        &self,
        req: &Parts,
        slot: i64,
        seq: i32,
        name: &str,
        notes: &str,
    ) -> Result<String, AppError> {
        let (phone, name, notes) = self.request(req, slot, seq, name, notes).await?;
        let booked = self
            .bookings
            .book(slot, seq, &phone, &name, &notes, now_ms())
            .await?;
        Ok(booked.code)
    }

    async fn booking(&self, req: &Parts, code: &str) -> Result<BookingView, AppError> {
        let (key, phone) = self.caller(req).await?;
        let b = self
            .bookings
            .by_code(code)
            .await?
            .ok_or(AppError::NotFound)?;
        // Another phone's booking does not exist, as far as this caller can tell.
        if b.phone_key != key {
            return Err(AppError::NotFound);
        }
        let model = self.portal.model();
        let detail = model.item_detail(b.seq).ok_or(AppError::NotFound)?;
        let (materials, materials_sample) = detail
            .guide
            .map(|g| (g.content.materials, g.sample))
            .unwrap_or_default();
        let name = self.bookings.decrypt(&b.name_enc)?;
        Ok(BookingView {
            code: b.code.clone(),
            status_label: status_label(&b.status).to_string(),
            cancellable: b.status == "active" && b.starts_at > now_ms() + self.bookings.cutoff_ms,
            cutoff: self.bookings.cutoff_text(),
            status: b.status,
            center: self.center(&b.center_code)?,
            item: detail.item,
            when: when_label(&b.day, b.start_min, b.end_min),
            name_masked: mask_name(&name),
            phone_masked: mask_phone(phone.as_str()),
            notes: b.notes,
            materials,
            materials_sample,
            qr_svg: crate::qr::svg(&b.code, 180),
        })
    }

    async fn cancel(&self, req: &Parts, code: &str) -> Result<(), AppError> {
        let (key, _) = self.caller(req).await?;
        self.bookings.cancel(code, &key, now_ms()).await
    }

    async fn mine(&self, req: &Parts) -> Result<Vec<MyBooking>, AppError> {
        let Some((key, _)) = self.accounts.citizen_phone(req).await? else {
            return Ok(vec![]);
        };
        Ok(self
            .bookings
            .for_phone(&key)
            .await?
            .into_iter()
            .map(|b| MyBooking {
                center_name: self.center_name(&b.center_code),
                item: self.item_name(b.seq),
                when: when_label(&b.day, b.start_min, b.end_min),
                status_label: status_label(&b.status).to_string(),
                changeable: b.status == "active"
                    && b.starts_at > now_ms() + self.bookings.cutoff_ms,
                on_behalf: b.filed_for.is_some(),
                code: b.code,
            })
            .collect())
    }

    async fn join_waitlist(
        &self,
        req: &Parts,
        slot: i64,
        seq: i32,
        name: &str,
        notes: &str,
    ) -> Result<i64, AppError> {
        let (phone, name, notes) = self.request(req, slot, seq, name, notes).await?;
        let (_, position) = self
            .bookings
            .join_waitlist(slot, seq, &phone, &name, &notes, now_ms())
            .await?;
        Ok(position)
    }

    async fn my_waitlist(&self, req: &Parts) -> Result<Vec<MyWait>, AppError> {
        let Some((key, _)) = self.accounts.citizen_phone(req).await? else {
            return Ok(vec![]);
        };
        Ok(self
            .bookings
            .waitlist_for_phone(&key)
            .await?
            .into_iter()
            .map(|w| MyWait {
                id: w.id,
                center_name: self.center_name(&w.center_code),
                item: self.item_name(w.seq),
                when: when_label(&w.day, w.start_min, w.end_min),
                status_label: waitlist_status_label(&w.status).to_string(),
                position: w.position,
                offer_until: w
                    .offer_expires_at
                    .filter(|_| w.status == "offered")
                    .map(moment_label),
                booking_code: w.booking_code,
                status: w.status,
            })
            .collect())
    }

    async fn accept_offer(&self, req: &Parts, id: i64) -> Result<String, AppError> {
        let (key, _) = self.caller(req).await?;
        Ok(self.bookings.accept_offer(id, &key, now_ms()).await?.code)
    }

    async fn leave_waitlist(&self, req: &Parts, id: i64) -> Result<(), AppError> {
        let (key, _) = self.caller(req).await?;
        self.bookings.leave_waitlist(id, &key, now_ms()).await
    }

    async fn reschedule_form(
        &self,
        req: &Parts,
        code: &str,
        day: Option<String>,
    ) -> Result<RescheduleForm, AppError> {
        let (key, _) = self.caller(req).await?;
        let b = self
            .bookings
            .by_code(code)
            .await?
            .filter(|b| b.phone_key == key)
            .ok_or(AppError::NotFound)?;
        if b.status != "active" || b.starts_at <= now_ms() + self.bookings.cutoff_ms {
            return Err(AppError::Conflict(format!(
                "该预约已不能改约（开始前{}截止），如需调整请联系中心",
                self.bookings.cutoff_text()
            )));
        }
        let (days, day, slots) = self
            .days_and_slots(&b.center_code, day, Some(b.seq))
            .await?;
        Ok(RescheduleForm {
            center_name: self.center_name(&b.center_code),
            item: self.item_name(b.seq),
            when: when_label(&b.day, b.start_min, b.end_min),
            current_slot: b.slot_id,
            code: b.code,
            days,
            day,
            slots,
            cutoff: self.bookings.cutoff_text(),
        })
    }

    async fn reschedule(&self, req: &Parts, code: &str, slot: i64) -> Result<(), AppError> {
        let (key, _) = self.caller(req).await?;
        // The new slot's window must serve the booking's item.
        if let Some(b) = self
            .bookings
            .by_code(code)
            .await?
            .filter(|b| b.phone_key == key)
        {
            let (center, s, _) = self.slot(slot).await?;
            if center == b.center_code {
                self.serves(&center, &s, b.seq)?;
            }
        }
        self.bookings.reschedule(code, &key, slot, now_ms()).await
    }
}
