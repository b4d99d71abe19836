//! Wire types of the staff back office. The back office is rendered on the
//! server only (no wasm ships for `/staff`), so these exist only with `ssr`.

pub mod api;
pub mod pages;
pub mod port;

use crate::catalog::Material;
use crate::identity::account::Role;
use serde::{Deserialize, Serialize};

/// One page of a list, and where it sits in the whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl<T> Paged<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFilter {
    pub page: Option<i64>,
    pub role: Option<String>,
    pub center: Option<String>,
    pub q: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub center_code: Option<String>,
    pub center_name: Option<String>,
    pub disabled: bool,
    /// Locked after failed logins, until this Asia/Shanghai time.
    pub locked_until: Option<String>,
    /// Whether the caller may disable or enable this account.
    pub manageable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaffUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub center: String,
    pub password: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideFilter {
    pub page: Option<i64>,
    pub q: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideListRow {
    pub seq: i32,
    pub business_item: String,
    pub department: String,
    pub version: Option<i32>,
    pub published_on: Option<String>,
    pub sample: bool,
    pub has_draft: bool,
}

/// One row of the materials list as typed into the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub copies: String,
    #[serde(default)]
    pub medium: String,
    /// A checkbox: present ("on") when required.
    #[serde(default)]
    pub required: Option<String>,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub note: String,
}

impl MaterialForm {
    pub fn from_material(m: &Material) -> Self {
        MaterialForm {
            name: m.name.clone(),
            form: m.form.clone(),
            copies: m.copies.to_string(),
            medium: m.medium.clone(),
            required: m.required.then(|| "on".to_string()),
            condition: m.condition.clone(),
            note: m.note.clone(),
        }
    }
}

/// The guide editor form, every field as typed: a draft may be incomplete.
/// List fields are one entry per line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideForm {
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub materials: Vec<MaterialForm>,
    #[serde(default)]
    pub process: String,
    #[serde(default)]
    pub legal_time_limit: String,
    #[serde(default)]
    pub promised_time_limit: String,
    #[serde(default)]
    pub handling_type: String,
    #[serde(default)]
    pub fee: String,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub delivery: String,
    #[serde(default)]
    pub visits: String,
    #[serde(default)]
    pub citywide: Option<String>,
    #[serde(default)]
    pub channels: Vec<String>,
}

/// 办件类型 and 可办渠道 as the form offers them.
pub const HANDLING_TYPES: [&str; 4] = ["即办件", "承诺件", "联办件", "上报件"];
pub const CHANNELS: [&str; 4] = ["窗口", "网上", "掌上", "自助"];
pub const MATERIAL_FORMS: [&str; 3] = ["原件", "复印件", "原件及复印件"];
pub const MEDIA: [&str; 3] = ["纸质", "电子", "纸质或电子"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideVersionInfo {
    pub version: i32,
    pub published_at: String,
    pub published_by: String,
    pub sample: bool,
}

/// The editor: the item, the form (the draft if there is one, else the
/// latest published version) and the version history, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideEditor {
    pub seq: i32,
    pub business_item: String,
    pub department: String,
    pub form: GuideForm,
    pub draft_saved: Option<String>,
    pub versions: Vec<GuideVersionInfo>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideDiff {
    pub seq: i32,
    pub business_item: String,
    pub from: GuideVersionInfo,
    pub to: GuideVersionInfo,
    pub lines: Vec<DiffLine>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterContactForm {
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub map_url: String,
}

/// How one center handles one item, where it departs from the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterItemRow {
    pub seq: i32,
    pub business_item: String,
    pub level: String,
    pub at_center: bool,
    pub at_stations: bool,
    pub alternative_center: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterItemChange {
    pub seq: i32,
    /// Checkboxes: present when ticked.
    pub at_center: Option<String>,
    pub at_stations: Option<String>,
    pub alternative: Option<String>,
}

/// What a center admin (or a city admin, for any center) edits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterSettings {
    pub code: String,
    pub center_name: String,
    pub contact: CenterContactForm,
    pub items: Vec<CenterItemRow>,
    /// Other centers, for "nearest center that can": (code, name).
    pub others: Vec<(String, String)>,
    /// Centers the caller may pick (city admins: all): (code, name).
    pub choices: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub page: Option<i64>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Asia/Shanghai dates, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub target: String,
    pub center: Option<String>,
    pub detail: String,
    pub client_addr: String,
}

/// Audit actions, with their Chinese labels.
pub const AUDIT_ACTIONS: [(&str, &str); 57] = [
    ("calendar_import", "导入节假日"),
    ("closure_add", "设置休息日"),
    ("check_in", "预约签到"),
    ("no_show", "标记未到"),
    ("walk_in", "绿色通道"),
    ("schedule_add", "增加延时时段"),
    ("schedule_delete", "删除延时时段"),
    ("login", "登录"),
    ("login_locked", "账号锁定"),
    ("user_reset", "重置密码"),
    ("logout_everywhere", "退出所有设备"),
    ("password_change", "修改密码"),
    ("user_create", "创建账号"),
    ("user_disable", "停用账号"),
    ("user_enable", "启用账号"),
    ("guide_draft", "保存指南草稿"),
    ("guide_publish", "发布指南"),
    ("center_contact", "修改中心信息"),
    ("center_item", "调整中心可办事项"),
    ("complaint_accept", "受理投诉"),
    ("complaint_assign", "指派投诉"),
    ("complaint_note", "投诉内部备注"),
    ("complaint_reply", "回复投诉人"),
    ("complaint_answer", "答复投诉"),
    ("complaint_transfer", "转办投诉"),
    ("complaint_merge", "合并投诉"),
    ("complaint_close", "办结投诉"),
    ("station_create", "新增便民服务站"),
    ("station_update", "修改便民服务站"),
    ("station_retire", "停用便民服务站"),
    ("window_create", "新增服务窗口"),
    ("window_update", "修改服务窗口"),
    ("window_retire", "停用服务窗口"),
    ("review_callback", "差评回访"),
    ("review_rectify", "差评整改完成"),
    ("review_plan", "差评整改计划"),
    ("review_appeal", "差评申诉"),
    ("review_uphold", "申诉复核：评价属实"),
    ("review_overturn", "申诉复核：申诉成立"),
    ("help_assign", "分派帮办"),
    ("help_auto_assign", "自动分派帮办"),
    ("help_contact", "帮办联系群众"),
    ("help_receive", "帮办收取材料"),
    ("help_handoff", "材料交接"),
    ("help_result", "帮办结果"),
    ("help_done", "帮办办结"),
    ("help_cancel", "取消帮办"),
    ("help_note", "帮办备注"),
    ("help_reveal_phone", "查看群众完整手机号"),
    ("help_filed_for", "代群众提交帮办"),
    ("booking_filed_for", "代群众预约"),
    ("complaint_filed_for", "代群众投诉"),
    ("consent_start", "登记群众授权"),
    ("consent_prove", "群众授权验证"),
    ("work_phone", "设置工作电话"),
    ("open311_key_create", "创建接口密钥"),
    ("open311_key_revoke", "吊销接口密钥"),
];

pub fn audit_action_label(code: &str) -> &str {
    crate::text::label_in(&AUDIT_ACTIONS, code).unwrap_or(code)
}

/// A weekly 延时 window as the schedule page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowRow {
    pub id: i64,
    pub weekday: i64,
    pub weekday_label: String,
    pub time: String,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub window_kind: String,
}

/// A booked slot that no window covers any more: staff contact the citizens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrphanSlot {
    pub when: String,
    pub booked: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleView {
    pub code: String,
    pub center_name: String,
    pub windows: Vec<WindowRow>,
    /// The center's own closures to come: (day, reason).
    pub closures: Vec<(String, String)>,
    pub orphans: Vec<OrphanSlot>,
    pub choices: Vec<(String, String)>,
}

/// The add-window form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowForm {
    /// Checkboxes `weekdays[0..7]` carrying "1".."7".
    #[serde(default)]
    pub weekdays: Vec<String>,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub slot_minutes: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub window_kind: String,
}

/// Window kinds a 延时 window may be limited to ('' = any).
pub const WINDOW_KINDS: [&str; 6] = [
    "无差别综合受理",
    "公安",
    "人社",
    "医保",
    "市场监管",
    "退役军人",
];

/// One booking on the desk's day list (names masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBooking {
    pub code: String,
    pub name_masked: String,
    pub item: String,
    pub status: String,
    pub status_label: String,
    pub walk_in: bool,
    /// Active and past the grace period: may be marked 未到.
    pub can_no_show: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySlot {
    pub id: i64,
    pub time: String,
    pub window_kind: String,
    pub capacity: i64,
    pub booked: i64,
    pub walk_ins: i64,
    /// In its waitlist (waiting, or holding an offered place counted in `booked`).
    pub waiting: i64,
    pub bookings: Vec<DayBooking>,
}

/// Counts of a center's day, for 绩效考核 and the desk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    pub booked: i64,
    pub checked_in: i64,
    pub no_show: i64,
    pub cancelled: i64,
    pub walk_ins: i64,
    pub waitlist_served: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayView {
    pub code: String,
    pub center_name: String,
    pub day: String,
    pub day_label: String,
    pub slots: Vec<DaySlot>,
    pub counts: DayCounts,
    pub choices: Vec<(String, String)>,
    /// Items for the walk-in form: (seq, name).
    pub items: Vec<(i32, String)>,
}

/// A 绿色通道 walk-in, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkInForm {
    #[serde(default)]
    pub slot: String,
    #[serde(default)]
    pub seq: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: String,
    pub holiday: bool,
    pub name: String,
}

/// The 工作台's figures for today, in the signed-in person's scope; each
/// links to its queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Today {
    /// "沁园街道便民服务中心", or 全市 for a city admin.
    pub scope_label: String,
    pub appointments: i64,
    pub checked_in: i64,
    pub complaints_open: i64,
    pub complaints_overdue: i64,
    pub help_open: i64,
    pub help_overdue: i64,
    pub reviews_awaiting: i64,
    pub reviews_overdue: i64,
}
