//! Wire types of 延时预约 (after-hours appointments), shared by the server
//! and the booking islands.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;

use crate::catalog::{CatalogItem, Center, Material};
use serde::{Deserialize, Serialize};

/// A center on the booking start page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookCenter {
    pub center: Center,
    /// Places left over the coming 14 days (0: no 延时 service published).
    pub places_left: i64,
    /// Whether it handles the item asked about (true when none was).
    pub handles: bool,
    /// When it does not: the nearest center that does, as its admin set it.
    pub alternative: Option<Center>,
}

/// The booking start page: every center, for an item when one was chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookCenters {
    /// The item asked about: (seq, name).
    pub item: Option<(i32, String)>,
    pub centers: Vec<BookCenter>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOption {
    pub day: String,
    /// e.g. "12月2日 周三"
    pub label: String,
    pub places_left: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotOption {
    pub id: i64,
    /// e.g. "12:00-12:30"
    pub time: String,
    pub window_kind: String,
    pub places_left: i64,
    /// Closed for booking (less than the cut-off before it starts).
    pub closed: bool,
    /// People in its waitlist (waiting or holding an offered place).
    pub waiting: i64,
}

/// Step 1 and 2: item, day and slot for one center.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingForm {
    pub center: Center,
    /// Items this center handles: (seq, name).
    pub items: Vec<(i32, String)>,
    pub seq: Option<i32>,
    pub days: Vec<DayOption>,
    pub day: Option<String>,
    pub slots: Vec<SlotOption>,
}

/// Step 3: check your answers, give a name, confirm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckAnswers {
    pub center: Center,
    pub item: CatalogItem,
    pub slot: SlotOption,
    pub day_label: String,
    /// The signed-in phone, masked; None: the citizen must sign in first.
    pub phone_masked: Option<String>,
    /// The booking cut-off as read, e.g. "1小时".
    pub cutoff: String,
    /// How long a freed place is held for the one waiting first.
    pub hold_minutes: i64,
}

/// A booking's confirmation page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingView {
    pub code: String,
    pub status: String,
    pub status_label: String,
    pub center: Center,
    pub item: CatalogItem,
    pub when: String,
    pub name_masked: String,
    pub phone_masked: String,
    pub notes: String,
    pub materials: Vec<Material>,
    pub materials_sample: bool,
    /// Cancel and reschedule are open (active, before the cut-off).
    pub cancellable: bool,
    pub cutoff: String,
    /// The check-in QR code (SVG markup holding the booking code).
    pub qr_svg: String,
}

/// A booking in "我的".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBooking {
    pub code: String,
    pub center_name: String,
    pub item: String,
    pub when: String,
    pub status_label: String,
    /// Still open to cancel or reschedule (active, before the cut-off).
    pub changeable: bool,
    /// Booked by a helper in the citizen's name, under their consent.
    pub on_behalf: bool,
}

/// A place in a waitlist, in "我的".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyWait {
    pub id: i64,
    pub center_name: String,
    pub item: String,
    pub when: String,
    pub status: String,
    pub status_label: String,
    /// 1 = next in line, while waiting.
    pub position: i64,
    /// While a place is held: until when, e.g. "12月2日 周三 18:05".
    pub offer_until: Option<String>,
    /// The booking it became.
    pub booking_code: Option<String>,
}

/// Moving a booking to another slot of the same center.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescheduleForm {
    pub code: String,
    pub center_name: String,
    pub item: String,
    /// The current slot.
    pub when: String,
    pub current_slot: i64,
    pub days: Vec<DayOption>,
    pub day: Option<String>,
    pub slots: Vec<SlotOption>,
    pub cutoff: String,
}

pub fn waitlist_status_label(status: &str) -> &'static str {
    match status {
        "waiting" => "候补中",
        "offered" => "有空位，待确认",
        "booked" => "候补成功",
        "expired" => "保留已过期",
        "closed" => "未候补到",
        "left" => "已放弃",
        _ => "未知",
    }
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "已预约",
        "cancelled" => "已取消",
        "checked_in" => "已签到",
        "no_show" => "未到",
        _ => "未知",
    }
}
