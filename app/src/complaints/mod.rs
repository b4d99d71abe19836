//! 有诉即办: complaints with a public tracking page. Wire types and pure rules
//! shared by the server and the pages; masked values only.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;

use crate::error::AppError;
use crate::identity::account::PendingLogin;
use crate::text::label_in;
use serde::{Deserialize, Serialize};

/// What a complaint is about: (code, label).
pub const CATEGORIES: [(&str, &str); 5] = [
    ("center", "服务中心"),
    ("window", "窗口"),
    ("item", "办理事项"),
    ("staff", "工作人员"),
    ("undone", "办不成事"),
];

pub fn category_label(code: &str) -> &'static str {
    label_in(&CATEGORIES, code).unwrap_or("其他")
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "received" => "待受理",
        "accepted" => "办理中",
        "answered" => "已答复，待您确认",
        "closed" => "已办结",
        "merged" => "已合并办理",
        _ => "未知",
    }
}

/// The citizen's verdict on an answer: (code, label).
pub const RESOLUTIONS: [(&str, &str); 3] = [
    ("resolved", "已解决"),
    ("partly", "部分解决"),
    ("unresolved", "未解决"),
];

pub fn resolution_label(code: &str) -> &'static str {
    label_in(&RESOLUTIONS, code).unwrap_or("")
}

/// The five levels of 好差评, best first: (value, label).
pub const RATINGS: [(i32, &str); 5] = [
    (5, "非常满意"),
    (4, "满意"),
    (3, "基本满意"),
    (2, "不满意"),
    (1, "非常不满意"),
];

pub fn rating_label(value: i32) -> &'static str {
    label_in(&RATINGS, &value).unwrap_or("")
}

pub const MAX_WHAT_CHARS: usize = 2000;
pub const MAX_WANTS_CHARS: usize = 500;
pub const MAX_SUBJECT_CHARS: usize = 50;
pub const MAX_REPLY_CHARS: usize = 2000;
pub const MAX_PHOTOS: i64 = 3;

/// What the citizen typed on `/complain`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewComplaint {
    pub category: String,
    /// The center it is about (required: it is who answers first).
    pub center: String,
    pub seq: Option<i32>,
    /// A booking code, when filed from a booking page.
    pub booking: Option<String>,
    /// Which window, or which staff member (as the citizen describes them).
    pub subject: String,
    pub what: String,
    pub wants: String,
    /// No phone: the tracking number alone opens the case.
    pub anonymous: bool,
}

/// Checks the form; the error names the field. Trims in place.
pub fn validate(c: &mut NewComplaint) -> Result<(), AppError> {
    c.category = c.category.trim().to_string();
    c.subject = c.subject.trim().to_string();
    c.what = c.what.trim().to_string();
    c.wants = c.wants.trim().to_string();
    if !CATEGORIES.iter().any(|(code, _)| *code == c.category) {
        return Err(AppError::validation("category", "请选择投诉的是什么"));
    }
    if c.center.trim().is_empty() {
        return Err(AppError::validation("center", "请选择服务中心"));
    }
    if c.category == "item" && c.seq.is_none() {
        return Err(AppError::validation("seq", "请选择办理的事项"));
    }
    if c.subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(AppError::validation("subject", "不能超过50个字"));
    }
    if c.category == "window" && c.subject.is_empty() {
        return Err(AppError::validation(
            "subject",
            "请写上窗口号或窗口名称，如“3号窗口”",
        ));
    }
    let what = c.what.chars().count();
    if what < 5 {
        return Err(AppError::validation(
            "what",
            "请写下发生了什么（至少5个字）",
        ));
    }
    if what > MAX_WHAT_CHARS {
        return Err(AppError::validation("what", "不能超过2000个字"));
    }
    if c.wants.chars().count() > MAX_WANTS_CHARS {
        return Err(AppError::validation("wants", "不能超过500个字"));
    }
    if [&c.subject, &c.what, &c.wants].iter().any(|s| {
        s.chars()
            .any(|ch| ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t')
    }) {
        return Err(AppError::validation("what", "内容含有无法识别的字符"));
    }
    Ok(())
}

/// Tracking numbers: `SX-7K4Q-P2M9`, from an alphabet without 0/O/1/I/L.
pub const TRACKING_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// What people type for a tracking number, normalised (`sx 7k4q p2m9`,
/// full-width letters, missing dashes) to `SX-7K4Q-P2M9`; None if it
/// cannot be one.
pub fn normalize_tracking(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .map(|c| match c {
            // Full-width ASCII (some Chinese keyboards type it).
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let body = compact.strip_prefix("SX")?;
    if body.len() != 8 || !body.bytes().all(|b| TRACKING_ALPHABET.contains(&b)) {
        return None;
    }
    Some(format!("SX-{}-{}", &body[..4], &body[4..]))
}

/// The four digits a citizen types to open a case: None unless exactly four
/// digits (full-width ones accepted).
pub fn normalize_last4(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Promised days for one category (working days).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryTerms {
    pub code: String,
    pub label: String,
    pub accept_days: i32,
    pub answer_days: i32,
}

/// The `/complain` page: the subject filled in from where the citizen came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplainForm {
    pub category: Option<String>,
    pub center: Option<String>,
    pub item: Option<(i32, String)>,
    pub booking: Option<String>,
    /// Every center: (code, name).
    pub centers: Vec<(String, String)>,
    /// The center's items when one is chosen: (seq, name).
    pub items: Vec<(i32, String)>,
    pub terms: Vec<CategoryTerms>,
    /// The signed-in phone, masked.
    pub phone_masked: Option<String>,
    /// A code sent and waiting to be typed in.
    pub pending: Option<PendingLogin>,
}

/// One line of a case's public timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: String,
    pub label: String,
    /// Role and center (never a staff member's name), or "您".
    pub by: String,
    pub text: String,
}

/// The tracking page `/track/{no}`: only what the citizen may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackView {
    pub tracking_no: String,
    pub category_label: String,
    pub center_name: String,
    /// The item, window or staff description it is about.
    pub about: String,
    pub what: String,
    pub wants: String,
    pub status: String,
    pub status_label: String,
    pub filed_at: String,
    /// "12月3日 周四" while it is waiting for acceptance.
    pub accept_by: Option<String>,
    /// The answer is promised by this day.
    pub answer_by: Option<String>,
    pub anonymous: bool,
    pub timeline: Vec<TimelineEntry>,
    /// Content hashes of its photos.
    pub photos: Vec<String>,
    pub can_add_photo: bool,
    /// Answered: 已解决 / 部分解决 / 未解决 may be given.
    pub can_feedback: bool,
    /// Closed and not rated yet.
    pub can_rate: bool,
    pub resolution: Option<String>,
    pub rating: Option<i32>,
    /// "由帮办员 X 经您授权代您提交（授权编号 Z）".
    pub on_behalf: Option<String>,
}

/// A complaint in "我的".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyComplaint {
    pub tracking_no: String,
    pub about: String,
    pub status_label: String,
    pub filed_at: String,
    /// Filed by a helper in the citizen's name.
    pub on_behalf: bool,
}

/// Staff queues: (code, label).
pub const QUEUES: [(&str, &str); 5] = [
    ("new", "待受理"),
    ("mine", "我的"),
    ("due", "即将到期"),
    ("overdue", "已超期"),
    ("all", "全部未办结"),
];

/// A case in a staff queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub tracking_no: String,
    pub category_label: String,
    pub about: String,
    pub status_label: String,
    /// 中心 or 市级.
    pub level_label: String,
    pub center_name: String,
    pub assignee: Option<String>,
    pub due_label: String,
    pub overdue: bool,
    pub due_soon: bool,
}

/// 电子监察: one center's open cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterCounts {
    pub code: String,
    pub name: String,
    pub new: i64,
    pub open: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintQueue {
    /// The scope shown: a center code or `city`.
    pub scope: String,
    /// Scopes the caller may choose: (code, name).
    pub scopes: Vec<(String, String)>,
    pub queue: String,
    pub rows: Vec<QueueRow>,
    /// Counts per center (and the city's own cases as `city`).
    pub counts: Vec<CenterCounts>,
    /// The overdue job's latest notices for the caller's level: (time, text).
    pub notices: Vec<(String, String)>,
}

/// One step of a case as staff see it (internal notes included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEvent {
    pub at: String,
    pub label: String,
    /// The staff member's name and role, or 群众.
    pub by: String,
    pub text: String,
    /// Shown to the citizen.
    pub public: bool,
}

/// A case in the back office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintDetail {
    pub tracking_no: String,
    pub category_label: String,
    pub center_name: String,
    pub about: String,
    pub what: String,
    pub wants: String,
    pub status: String,
    pub status_label: String,
    pub level_label: String,
    pub handling_center: Option<String>,
    pub assignee: Option<String>,
    pub phone_masked: Option<String>,
    pub filed_at: String,
    pub due_label: String,
    pub overdue: bool,
    pub reopened: bool,
    pub resolution: Option<String>,
    pub rating: Option<i32>,
    pub photos: Vec<String>,
    pub events: Vec<StaffEvent>,
    /// What the caller may do now: accept, assign, note, reply, answer, transfer, merge, close.
    pub actions: Vec<String>,
    /// Staff of the handling center the case may be assigned to: (id, name).
    pub assignees: Vec<(i64, String)>,
    /// Where it may be transferred: (code, name), `city` included.
    pub transfer_to: Vec<(String, String)>,
    /// "帮办员 X 代群众 Y 提交，授权编号 Z".
    pub on_behalf: Option<String>,
}

/// A staff step on a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeskAction {
    Accept,
    Assign { staff_id: i64 },
    Note { text: String },
    Reply { text: String },
    Answer { text: String },
    Transfer { to: String, reason: String },
    Merge { into: String },
    Close { outcome: String },
}

impl DeskAction {
    pub fn code(&self) -> &'static str {
        match self {
            DeskAction::Accept => "accept",
            DeskAction::Assign { .. } => "assign",
            DeskAction::Note { .. } => "note",
            DeskAction::Reply { .. } => "reply",
            DeskAction::Answer { .. } => "answer",
            DeskAction::Transfer { .. } => "transfer",
            DeskAction::Merge { .. } => "merge",
            DeskAction::Close { .. } => "close",
        }
    }
}

/// Checks a staff text field: required, at most [`MAX_REPLY_CHARS`].
pub fn check_text(field: &str, text: &str) -> Result<String, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::validation(field, "请填写内容"));
    }
    if t.chars().count() > MAX_REPLY_CHARS {
        return Err(AppError::validation(field, "不能超过2000个字"));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_forgiving_to_type() {
        assert_eq!(
            normalize_tracking("sx 7k4q p2m9").as_deref(),
            Some("SX-7K4Q-P2M9")
        );
        assert_eq!(
            normalize_tracking("ＳＸ－７Ｋ４Ｑ－Ｐ２Ｍ９").as_deref(),
            Some("SX-7K4Q-P2M9")
        );
        assert_eq!(normalize_tracking("SX-7K4Q-P2M0"), None, "no zero");
        assert_eq!(normalize_tracking("SX-7K4Q-P2M"), None);
        assert_eq!(normalize_tracking(""), None);
        assert_eq!(normalize_last4("１２３４").as_deref(), Some("1234"));
        assert_eq!(normalize_last4("123"), None);
        assert_eq!(normalize_last4("12a4"), None);
    }

    #[test]
    fn the_form_names_the_field_at_fault() {
        let mut c = NewComplaint {
            category: "window".into(),
            center: "jishui".into(),
            what: "等了两个小时没人办".into(),
            ..Default::default()
        };
        assert!(validate(&mut c.clone())
            .unwrap_err()
            .field_message("subject")
            .is_some());
        c.subject = " 3号窗口 ".into();
        validate(&mut c).unwrap();
        assert_eq!(c.subject, "3号窗口");
        c.what = "短".into();
        assert!(validate(&mut c)
            .unwrap_err()
            .field_message("what")
            .is_some());
    }
}
