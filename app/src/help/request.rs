//! Help requests (帮办 / 代办 / 上门) and the consents under which a helper
//! files in a citizen's name: wire types and pure rules shared by the server
//! and the pages. Masked values only.

use crate::complaints::{StaffEvent, TimelineEntry, TRACKING_ALPHABET};
use crate::error::AppError;
use crate::identity::account::PendingLogin;
use crate::text::label_in;
use serde::{Deserialize, Serialize};

/// How the citizen wants to be helped: (code, label, what it means).
pub const MODES: [(&str, &str, &str); 3] = [
    ("guide", "帮办", "工作人员一对一带着我办"),
    ("proxy", "代办", "我把材料交给工作人员，替我去办，我不用跑"),
    ("visit", "上门", "我行动不便，请工作人员上门服务"),
];

pub fn mode_label(code: &str) -> &'static str {
    MODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, l, _)| *l)
        .unwrap_or("")
}

/// Who may ask for 上门: (code, label).
pub const VISIT_REASONS: [(&str, &str); 4] = [
    ("elderly", "高龄老人"),
    ("disabled", "残疾人"),
    ("ill", "重病患者"),
    ("other", "其他行动不便的情况"),
];

/// When suits the citizen: (code, label).
pub const WHEN_SUITS: [(&str, &str); 4] = [
    ("weekday_am", "工作日上午"),
    ("weekday_pm", "工作日下午"),
    ("weekend", "周末或下班后（延时服务）"),
    ("any", "什么时候都可以"),
];

pub fn status_label(status: &str) -> &'static str {
    match status {
        "submitted" => "已提交，等待安排帮办员",
        "assigned" => "已安排帮办员",
        "contacted" => "帮办员已联系您",
        "in_progress" => "正在办理",
        "result_ready" => "办好了，等待领取或已寄出",
        "done" => "已办结",
        "cancelled" => "已取消",
        _ => "未知",
    }
}

/// Whether a request is still being handled.
pub fn is_open(status: &str) -> bool {
    matches!(
        status,
        "submitted" | "assigned" | "contacted" | "in_progress" | "result_ready"
    )
}

/// Where the citizen's papers may be: (code, label).
pub const PLACES: [(&str, &str); 5] = [
    ("station", "村（社区）便民服务站"),
    ("center", "便民服务中心"),
    ("window", "受理窗口"),
    ("department", "市级部门"),
    ("citizen", "已交还本人"),
];

pub fn place_label(code: &str) -> &'static str {
    label_in(&PLACES, code).unwrap_or("")
}

/// How a result reaches the citizen: (code, label).
pub const DELIVERIES: [(&str, &str); 3] = [
    ("pickup", "到服务中心或服务站领取"),
    ("mail", "免费邮寄"),
    ("deliver", "帮办员送达"),
];

/// What a consent lets a helper file: (code, label).
pub const FILING_KINDS: [(&str, &str); 3] = [
    ("help", "帮办代办申请"),
    ("booking", "延时服务预约"),
    ("complaint", "投诉"),
];

pub fn filing_kind_label(code: &str) -> &'static str {
    label_in(&FILING_KINDS, code).unwrap_or("")
}

pub const MAX_SITUATION_CHARS: usize = 500;
pub const MAX_NOTES_CHARS: usize = 500;
pub const MAX_STEP_CHARS: usize = 500;
pub const MAX_MATERIALS: usize = 40;
pub const DEFAULT_CONSENT_HOURS: i32 = 24;
pub const MAX_CONSENT_HOURS: i32 = 72;

/// What the citizen (or a helper for them) asks for on `/help`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHelpRequest {
    /// The item; None: 我不知道办哪个 (then `situation` says what happened).
    pub seq: Option<i32>,
    pub situation: String,
    pub mode: String,
    pub visit_reason: Option<String>,
    pub center: String,
    /// One of the center's village stations, or the center itself.
    pub station: Option<i64>,
    pub when_suits: String,
    /// The item's materials the citizen already has.
    pub materials: Vec<String>,
    pub notes: String,
}

fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

/// Checks and trims a request; the first problem names its field.
pub fn validate_help(f: &mut NewHelpRequest) -> Result<(), AppError> {
    f.situation = f.situation.trim().to_string();
    f.notes = f.notes.trim().to_string();
    f.center = f.center.trim().to_string();
    if f.seq.is_none() && f.situation.chars().count() < 4 {
        return Err(AppError::validation(
            "situation",
            "请选择要办的事项，或写下您遇到的情况（至少4个字）",
        ));
    }
    if f.situation.chars().count() > MAX_SITUATION_CHARS {
        return Err(AppError::validation("situation", "情况说明不能超过500个字"));
    }
    if !MODES.iter().any(|(c, _, _)| *c == f.mode) {
        return Err(AppError::validation("mode", "请选择帮办、代办或上门服务"));
    }
    if f.mode == "visit" {
        if !f
            .visit_reason
            .as_deref()
            .is_some_and(|r| VISIT_REASONS.iter().any(|(c, _)| *c == r))
        {
            return Err(AppError::validation(
                "visit_reason",
                "上门服务请选择原因（高龄、残疾、重病等）",
            ));
        }
    } else {
        f.visit_reason = None;
    }
    if f.center.is_empty() {
        return Err(AppError::validation("center", "请选择服务中心"));
    }
    if !WHEN_SUITS.iter().any(|(c, _)| *c == f.when_suits) {
        return Err(AppError::validation("when_suits", "请选择什么时间方便"));
    }
    f.materials = f
        .materials
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    f.materials.dedup();
    if f.materials.len() > MAX_MATERIALS || f.materials.iter().any(|m| m.chars().count() > 200) {
        return Err(AppError::validation(
            "materials",
            "材料勾选有误，请重新勾选",
        ));
    }
    if f.notes.chars().count() > MAX_NOTES_CHARS {
        return Err(AppError::validation("notes", "补充说明不能超过500个字"));
    }
    if has_control(&f.situation)
        || has_control(&f.notes)
        || f.materials.iter().any(|m| has_control(m))
    {
        return Err(AppError::validation("notes", "内容含有无法识别的字符"));
    }
    Ok(())
}

/// Help request numbers: `BB-7K4Q-P2M9`, from the complaints' alphabet.
pub fn normalize_help_no(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let body = compact.strip_prefix("BB")?;
    if body.len() != 8 || !body.bytes().all(|b| TRACKING_ALPHABET.contains(&b)) {
        return None;
    }
    Some(format!("BB-{}-{}", &body[..4], &body[4..]))
}

/// A village station as the form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationChoice {
    pub id: i64,
    pub center_code: String,
    /// "某某村便民服务站（某某村）".
    pub label: String,
}

/// An item the situation seems to describe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub seq: i32,
    pub name: String,
    pub department: String,
}

/// The `/help` page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpForm {
    /// The item chosen: (seq, name).
    pub item: Option<(i32, String)>,
    /// Its materials, to tick the ones already at hand.
    pub materials: Vec<String>,
    /// What the citizen typed as the situation, kept.
    pub situation: String,
    /// Items the situation describes (empty without a situation).
    pub suggestions: Vec<Suggestion>,
    /// Life events close to the situation, when no item matches: (slug, title).
    pub events: Vec<(String, String)>,
    pub center: Option<String>,
    /// Every center: (code, name).
    pub centers: Vec<(String, String)>,
    /// The stations in service, of every center.
    pub stations: Vec<StationChoice>,
    pub phone_masked: Option<String>,
    pub pending: Option<PendingLogin>,
    /// Filed by a helper: the consent it is filed under, described.
    pub on_behalf: Option<String>,
}

/// A hand-over of the papers, as the citizen and staff read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    pub at: String,
    pub from_place: String,
    pub to_place: String,
    pub from_name: String,
    pub to_name: String,
    pub note: String,
}

/// `/help/{no}`: the citizen's view of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpTrack {
    pub tracking_no: String,
    pub mode: String,
    pub mode_label: String,
    pub about: String,
    pub place: String,
    pub when_label: String,
    pub status: String,
    pub status_label: String,
    /// What happens next, in plain words.
    pub next_step: String,
    pub filed_at: String,
    /// The helper: name and work phone.
    pub helper: Option<(String, String)>,
    /// Where the papers are now.
    pub holder: Option<String>,
    pub handoffs: Vec<Handoff>,
    pub timeline: Vec<TimelineEntry>,
    pub can_cancel: bool,
    pub can_rate: bool,
    pub rating: Option<i32>,
    /// "由帮办员 X 代您提交（授权 #Z）".
    pub on_behalf: Option<String>,
}

/// A request in 我的.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyHelp {
    pub tracking_no: String,
    pub about: String,
    pub status_label: String,
    pub filed_at: String,
    pub on_behalf: bool,
}

/// A consent in 我的, which the citizen may withdraw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyConsent {
    pub id: i64,
    pub helper: String,
    pub scope: String,
    pub status_label: String,
    pub until: String,
    pub can_withdraw: bool,
    /// What was filed under it: (kind label, number).
    pub filings: Vec<(String, String)>,
}

/// Staff queues of help requests: (code, label).
pub const QUEUES: [(&str, &str); 4] = [
    ("unassigned", "待分派"),
    ("mine", "我的"),
    ("open", "全部未办结"),
    ("overdue", "超期未分派"),
];

/// A request in a staff queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpRow {
    pub tracking_no: String,
    pub mode_label: String,
    pub about: String,
    pub place: String,
    pub status_label: String,
    pub assignee: Option<String>,
    pub filed_at: String,
    /// Assign by (unassigned), or the citizen's preferred time.
    pub due_label: String,
    pub overdue: bool,
    pub phone_masked: String,
}

/// 电子监察 for help requests: one center's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpCounts {
    pub code: String,
    pub name: String,
    pub unassigned: i64,
    pub open: i64,
    pub overdue: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpQueue {
    pub scope: String,
    pub scopes: Vec<(String, String)>,
    pub queue: String,
    pub rows: Vec<HelpRow>,
    pub counts: Vec<HelpCounts>,
    /// The caller may assign (a center admin of the scope, a city admin).
    pub may_assign: bool,
    /// The caller's own work phone, as citizens are told it.
    pub work_phone: Option<String>,
}

/// A request in the back office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpDetail {
    pub tracking_no: String,
    pub mode_label: String,
    pub visit_reason: Option<String>,
    pub about: String,
    pub situation: String,
    pub center_code: String,
    pub place: String,
    pub when_label: String,
    pub status: String,
    pub status_label: String,
    pub assignee: Option<String>,
    pub phone_masked: String,
    /// The full number, just after an audited reveal by this caller.
    pub phone_full: Option<String>,
    pub filed_at: String,
    pub due_label: String,
    pub overdue: bool,
    /// The item's materials, and those the citizen said they have.
    pub materials: Vec<(String, bool)>,
    pub notes: String,
    pub holder: Option<String>,
    pub handoffs: Vec<Handoff>,
    pub events: Vec<StaffEvent>,
    /// assign, contact, receive, handoff, result, done, cancel, note, reveal.
    pub actions: Vec<String>,
    /// Helpers of the center it may go to: (id, name).
    pub helpers: Vec<(i64, String)>,
    pub rating: Option<i32>,
    /// "帮办员 X 代群众 Y 提交，授权 #Z".
    pub on_behalf: Option<String>,
}

/// A step on a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HelpAction {
    Assign {
        staff_id: i64,
    },
    Contact {
        note: String,
    },
    Receive {
        note: String,
    },
    Handoff {
        to_place: String,
        to_name: String,
        note: String,
    },
    Result {
        delivery: String,
        note: String,
    },
    Done {
        note: String,
    },
    Cancel {
        reason: String,
    },
    Note {
        text: String,
    },
}

impl HelpAction {
    pub fn code(&self) -> &'static str {
        match self {
            HelpAction::Assign { .. } => "assign",
            HelpAction::Contact { .. } => "contact",
            HelpAction::Receive { .. } => "receive",
            HelpAction::Handoff { .. } => "handoff",
            HelpAction::Result { .. } => "result",
            HelpAction::Done { .. } => "done",
            HelpAction::Cancel { .. } => "cancel",
            HelpAction::Note { .. } => "note",
        }
    }
}

/// A step's text: optional unless `required`, at most [`MAX_STEP_CHARS`].
pub fn check_step_text(field: &str, text: &str, required: bool) -> Result<String, AppError> {
    let t = text.trim();
    if required && t.is_empty() {
        return Err(AppError::validation(field, "请填写内容"));
    }
    if t.chars().count() > MAX_STEP_CHARS {
        return Err(AppError::validation(field, "不能超过500个字"));
    }
    if has_control(t) {
        return Err(AppError::validation(field, "内容含有无法识别的字符"));
    }
    Ok(t.to_string())
}

/// What a helper records to start a consent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConsent {
    pub phone: String,
    /// `code` (a one-time code to the phone) or `paper` (a signed form).
    pub method: String,
    pub paper_form_no: String,
    /// The helper declares the citizen signed the paper form before them.
    pub declared: bool,
    /// Which kinds of filing: codes of [`FILING_KINDS`].
    pub kinds: Vec<String>,
    /// Only this item, if given.
    pub seq: Option<i32>,
    pub hours: i32,
}

/// Checks a consent's scope and method (the phone is parsed by the server).
pub fn validate_consent(c: &mut NewConsent) -> Result<(), AppError> {
    c.paper_form_no = c.paper_form_no.trim().to_string();
    c.kinds
        .retain(|k| FILING_KINDS.iter().any(|(code, _)| code == k));
    c.kinds.dedup();
    if c.kinds.is_empty() {
        return Err(AppError::validation(
            "kinds",
            "请选择授权办理的事情（至少一项）",
        ));
    }
    if !(1..=MAX_CONSENT_HOURS).contains(&c.hours) {
        return Err(AppError::validation("hours", "有效期为1到72小时"));
    }
    match c.method.as_str() {
        "code" => Ok(()),
        "paper" => {
            let n = c.paper_form_no.chars().count();
            if n == 0 || n > 40 || has_control(&c.paper_form_no) {
                return Err(AppError::validation(
                    "paper_form_no",
                    "请填写纸质授权书上的编号",
                ));
            }
            if !c.declared {
                return Err(AppError::validation(
                    "declared",
                    "请确认群众已当面签署纸质授权书",
                ));
            }
            Ok(())
        }
        _ => Err(AppError::validation(
            "method",
            "请选择授权方式：短信验证码或纸质授权书",
        )),
    }
}

/// A consent in the back office, with what was filed under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub id: i64,
    pub phone_masked: String,
    pub method_label: String,
    pub scope: String,
    pub kinds: Vec<String>,
    pub seq: Option<i32>,
    pub helper: String,
    pub center_code: String,
    pub status: String,
    pub status_label: String,
    pub created_at: String,
    pub until: String,
    /// Whether the caller (its helper) may file under it now.
    pub usable: bool,
    /// Filings under it: (kind label, number, time).
    pub filings: Vec<(String, String, String)>,
}

/// The consents the caller may see (a helper: their own; admins: their scope).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentList {
    pub consents: Vec<ConsentView>,
    pub may_create: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NewHelpRequest {
        NewHelpRequest {
            seq: None,
            situation: " 我奶奶腿脚不好想办个残疾证 ".into(),
            mode: "visit".into(),
            visit_reason: Some("elderly".into()),
            center: "jishui".into(),
            station: None,
            when_suits: "any".into(),
            materials: vec![" 户口簿 ".into(), "".into()],
            notes: "".into(),
        }
    }

    #[test]
    fn a_request_names_the_field_at_fault() {
        let mut f = form();
        validate_help(&mut f).unwrap();
        assert_eq!(f.situation, "我奶奶腿脚不好想办个残疾证");
        assert_eq!(f.materials, vec!["户口簿".to_string()]);
        for (field, change) in [
            (
                "situation",
                (|f: &mut NewHelpRequest| f.situation = "办证".into()) as fn(&mut NewHelpRequest),
            ),
            ("mode", |f| f.mode = "fly".into()),
            ("visit_reason", |f| f.visit_reason = None),
            ("center", |f| f.center = " ".into()),
            ("when_suits", |f| f.when_suits = "never".into()),
            ("notes", |f| f.notes = "字".repeat(501)),
        ] {
            let mut f = form();
            change(&mut f);
            let e = validate_help(&mut f).unwrap_err();
            assert!(e.field_message(field).is_some(), "{field}: {e:?}");
        }
        // An item chosen: no situation needed; the reason only for 上门.
        let mut f = form();
        f.seq = Some(1);
        f.situation.clear();
        f.mode = "proxy".into();
        validate_help(&mut f).unwrap();
        assert_eq!(f.visit_reason, None);
    }

    #[test]
    fn help_numbers_are_forgiving_to_type() {
        assert_eq!(
            normalize_help_no("bb 7k4q p2m9").as_deref(),
            Some("BB-7K4Q-P2M9")
        );
        assert_eq!(normalize_help_no("SX-7K4Q-P2M9"), None);
        assert_eq!(normalize_help_no("BB-7K4Q-P2M0"), None);
    }

    #[test]
    fn a_paper_consent_needs_its_number_and_the_declaration() {
        let mut c = NewConsent {
            phone: "13800000000".into(),
            method: "paper".into(),
            kinds: vec!["help".into(), "nonsense".into()],
            hours: 24,
            ..Default::default()
        };
        assert!(validate_consent(&mut c.clone())
            .unwrap_err()
            .field_message("paper_form_no")
            .is_some());
        c.paper_form_no = "No.123".into();
        assert!(validate_consent(&mut c.clone())
            .unwrap_err()
            .field_message("declared")
            .is_some());
        c.declared = true;
        validate_consent(&mut c).unwrap();
        assert_eq!(c.kinds, vec!["help".to_string()]);
        c.hours = 73;
        assert!(validate_consent(&mut c).is_err());
        let mut none = NewConsent {
            method: "code".into(),
            hours: 24,
            ..Default::default()
        };
        assert!(validate_consent(&mut none)
            .unwrap_err()
            .field_message("kinds")
            .is_some());
    }
}
