//! The service hall: a center's windows (窗口), and the QR codes citizens
//! scan there — posters for the center's pages and an item's guide, and a
//! sticker per window — each behind a short link (`/q/{code}`) whose scans
//! are counted per poster and week, without cookies or personal data.
//!
//! Server-rendered only (posters are printed, the rest is back office), so
//! none of it is in the wasm.

pub mod api;
pub mod pages;
pub mod port;

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A service window of a center.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub id: i64,
    pub center_code: String,
    /// As painted above it: "3", "A2".
    pub number: String,
    /// 综合受理窗口 3.
    pub name: String,
    pub kind: String,
    /// The staff account named on duty, if any: (id, display name).
    pub staff_user_id: Option<i64>,
    pub staff_name: Option<String>,
}

/// What an admin types for a window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    /// A staff id, or "" for nobody named.
    #[serde(default)]
    pub staff: String,
}

/// `/staff/windows`: a center's windows and who may change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsView {
    pub code: String,
    pub center_name: String,
    pub windows: Vec<Window>,
    pub may_edit: bool,
    /// The center's staff who can be named on duty: (id, display name).
    pub staff: Vec<(i64, String)>,
    /// Centers the caller may pick (city admins: all): (code, name).
    pub choices: Vec<(String, String)>,
}

/// Window kinds: (stored value, label).
pub const WINDOW_KINDS: [(&str, &str); 5] = [
    ("general", "综合受理"),
    ("special", "专项业务"),
    ("help", "帮办代办"),
    ("consult", "咨询导办"),
    ("other", "其他"),
];

pub fn window_kind_label(kind: &str) -> &'static str {
    WINDOW_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, l)| *l)
        .unwrap_or("其他")
}

pub const MAX_WINDOW_NUMBER: usize = 10;
pub const MAX_WINDOW_NAME: usize = 30;

/// Checks and trims a window form; the first problem names its field.
pub fn validate_window(form: &mut WindowForm) -> Result<(), AppError> {
    form.number = form.number.trim().to_string();
    form.name = form.name.trim().to_string();
    form.staff = form.staff.trim().to_string();
    let len = |s: &str| s.chars().count();
    if form.number.is_empty() {
        return Err(AppError::validation("number", "请填写窗口编号，如“3”"));
    }
    if len(&form.number) > MAX_WINDOW_NUMBER
        || !form
            .number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(AppError::validation(
            "number",
            "窗口编号最多10位，只能用数字、字母和“-”",
        ));
    }
    if form.name.is_empty() {
        return Err(AppError::validation(
            "name",
            "请填写窗口名称，如“综合受理窗口 3”",
        ));
    }
    if len(&form.name) > MAX_WINDOW_NAME {
        return Err(AppError::validation("name", "窗口名称最多30字"));
    }
    if form.name.chars().any(char::is_control) {
        return Err(AppError::validation("name", "内容含有无法识别的字符"));
    }
    if !WINDOW_KINDS.iter().any(|(k, _)| *k == form.kind) {
        return Err(AppError::validation("kind", "请选择窗口类型"));
    }
    if !form.staff.is_empty() && form.staff.parse::<i64>().is_err() {
        return Err(AppError::validation("staff", "请从列表中选择值班人员"));
    }
    Ok(())
}

/// What a poster or sticker points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PosterKind {
    /// The center's 延时 booking page.
    Booking,
    /// The complaint form, the center filled in.
    Complaint,
    /// The help-request form, the center filled in.
    Help,
    /// The tracking page.
    Track,
    /// An item's guide.
    Item,
    /// A window's rating page.
    Window,
}

impl PosterKind {
    pub const CENTER_PAGES: [PosterKind; 4] = [
        PosterKind::Booking,
        PosterKind::Complaint,
        PosterKind::Help,
        PosterKind::Track,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PosterKind::Booking => "booking",
            PosterKind::Complaint => "complaint",
            PosterKind::Help => "help",
            PosterKind::Track => "track",
            PosterKind::Item => "item",
            PosterKind::Window => "window",
        }
    }

    pub fn parse(s: &str) -> Option<PosterKind> {
        [
            PosterKind::Booking,
            PosterKind::Complaint,
            PosterKind::Help,
            PosterKind::Track,
            PosterKind::Item,
            PosterKind::Window,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PosterKind::Booking => "延时错时预约",
            PosterKind::Complaint => "投诉建议",
            PosterKind::Help => "帮办代办",
            PosterKind::Track => "办理进度查询",
            PosterKind::Item => "办事指南",
            PosterKind::Window => "窗口评价",
        }
    }
}

/// A QR code and the short link it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrLink {
    /// `https://portal.example.cn/q/AB3CD`: what the code encodes.
    pub url: String,
    /// The same without the scheme, for those who type it.
    pub text: String,
    /// The code as SVG (error correction M, quiet zone of 4 modules); a drawing only.
    pub svg: String,
}

/// An A4 poster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poster {
    pub center_name: String,
    pub title: String,
    pub subtitle: String,
    /// Three short steps.
    pub steps: Vec<String>,
    pub qr: QrLink,
    /// Said on the page when the code holds an address a phone in the hall
    /// cannot open (this machine's), or one nobody configured.
    pub warning: Option<String>,
    /// The code holds this machine's or a private address: the printout
    /// itself says it is not for the wall.
    pub local: bool,
}

/// One window's sticker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sticker {
    pub number: String,
    pub name: String,
    pub qr: QrLink,
}

/// An A4 sheet of window stickers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StickerSheet {
    pub center_code: String,
    pub center_name: String,
    pub stickers: Vec<Sticker>,
    pub warning: Option<String>,
    pub local: bool,
}

/// A poster in the back office's list, with its scans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosterRow {
    pub code: String,
    pub label: String,
    /// The printable page.
    pub poster_href: String,
    /// Scans per week, in the order of `PostersView::weeks`.
    pub scans: Vec<i64>,
    pub total: i64,
}

/// `/staff/posters`: a center's posters with scans per week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostersView {
    pub code: String,
    pub center_name: String,
    /// The weeks shown, newest first, as the Monday that starts them.
    pub weeks: Vec<String>,
    pub rows: Vec<PosterRow>,
    pub choices: Vec<(String, String)>,
    pub warning: Option<String>,
}

/// Whether `host` (from a URL, maybe with a port) is this machine or a
/// private network: a phone in the hall cannot open such an address.
pub fn is_local_host(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .filter(|(h, port)| !h.ends_with(':') && port.chars().all(|c| c.is_ascii_digit()))
        .map(|(h, _)| h)
        .unwrap_or(host)
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") || name.is_empty() {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
        }
        Ok(std::net::IpAddr::V6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> WindowForm {
        WindowForm {
            number: " 3 ".into(),
            name: " 综合受理窗口 3 ".into(),
            kind: "general".into(),
            staff: "".into(),
        }
    }

    #[test]
    fn a_window_form_is_trimmed_and_checked_field_by_field() {
        let mut f = form();
        validate_window(&mut f).unwrap();
        assert_eq!(
            (f.number.as_str(), f.name.as_str()),
            ("3", "综合受理窗口 3")
        );
        type Spoil = fn(&mut WindowForm);
        let cases: [(&str, Spoil); 6] = [
            ("number", |f| f.number.clear()),
            ("number", |f| f.number = "3号".into()),
            ("name", |f| f.name = "  ".into()),
            ("name", |f| f.name = "窗".repeat(31)),
            ("kind", |f| f.kind = "vip".into()),
            ("staff", |f| f.staff = "someone".into()),
        ];
        for (field, spoil) in cases {
            let mut f = form();
            spoil(&mut f);
            match validate_window(&mut f) {
                Err(AppError::Validation { field: got, .. }) => assert_eq!(got, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn local_hosts_are_told_apart_from_public_ones() {
        for h in [
            "localhost",
            "localhost:3000",
            "127.0.0.1:8080",
            "[::1]:3000",
            "192.168.1.20",
            "10.0.0.5:80",
            "0.0.0.0:3000",
        ] {
            assert!(is_local_host(h), "{h}");
        }
        for h in [
            "portal.example.cn",
            "portal.example.cn:443",
            "8.8.8.8",
            "[2001:db8::1]",
        ] {
            assert!(!is_local_host(h), "{h}");
        }
    }

    #[test]
    fn poster_kinds_round_trip() {
        for k in PosterKind::CENTER_PAGES
            .into_iter()
            .chain([PosterKind::Item, PosterKind::Window])
        {
            assert_eq!(PosterKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(PosterKind::parse("nope"), None);
    }
}
