//! 好差评: five levels, the aspects a rating is about, an optional comment.
//! This slice rates a window visit from the window's sticker: one rating per
//! proven phone per window per day. Appointments, help requests, complaints
//! and item guides take the same levels and aspects (`ratings.subject_kind`).

// The levels, aspects and the aspect choices are also used by the
// complaint and help pages, which are compiled for the browser too.
#[cfg(feature = "ssr")]
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;

use crate::error::AppError;
use crate::identity::account::PendingLogin;
use serde::{Deserialize, Serialize};

/// The levels, best first: (value, label).
pub const LEVELS: [(i64, &str); 5] = [
    (5, "非常满意"),
    (4, "满意"),
    (3, "基本满意"),
    (2, "不满意"),
    (1, "非常不满意"),
];

pub fn level_label(level: i64) -> &'static str {
    LEVELS
        .iter()
        .find(|(l, _)| *l == level)
        .map(|(_, t)| *t)
        .unwrap_or("")
}

/// 不满意 and 非常不满意: a bad review, followed up by the center.
pub fn is_bad(level: i64) -> bool {
    level <= 2
}

/// The aspects a rating can name (the national 好差评 dimensions): (code,
/// label). For a good rating what went well, for a bad one what must improve.
pub const ASPECTS: [(&str, &str); 4] = [
    ("overall", "整体满意度"),
    ("efficiency", "服务效率"),
    ("skill", "服务水平"),
    ("attitude", "服务态度"),
];

pub fn aspect_label(code: &str) -> &'static str {
    ASPECTS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// What ticking an aspect says at each kind of level: (code, when good
/// 非常满意/满意, when 基本满意, when bad 不满意/非常不满意). The code stored is
/// the same; the words follow the level the citizen picked.
pub const ASPECT_REASONS: [(&str, &str, &str, &str); 4] = [
    ("overall", "整体很满意", "总体还行，有待改进", "整体不满意"),
    (
        "efficiency",
        "办得快，不用多跑",
        "等候或办理时间偏长",
        "等得太久或多跑了路",
    ),
    (
        "skill",
        "讲解清楚，业务熟练",
        "讲解不够清楚",
        "业务不熟、说法不一",
    ),
    ("attitude", "热情耐心", "态度一般", "态度冷淡、不耐烦"),
];

/// The kind of level, for the words that follow it: "good", "fair", "bad".
pub fn level_tone(level: i64) -> &'static str {
    match level {
        4.. => "good",
        3 => "fair",
        _ => "bad",
    }
}

/// "服务效率：等得太久或多跑了路": an aspect as the rater meant it.
pub fn reason_text(level: i64, code: &str) -> String {
    let Some((_, good, fair, bad)) = ASPECT_REASONS.iter().find(|(c, ..)| *c == code) else {
        return String::new();
    };
    let said = match level_tone(level) {
        "good" => good,
        "fair" => fair,
        _ => bad,
    };
    format!("{}：{said}", aspect_label(code))
}

pub const MAX_COMMENT: usize = 300;

/// What the citizen sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub comment: String,
}

/// A checked rating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    pub level: i64,
    /// Known aspect codes, in `ASPECTS` order, no repeats.
    pub reasons: Vec<String>,
    pub comment: String,
}

/// The ticked aspects as known codes in `ASPECTS` order, no repeats; an
/// unknown one is refused. `required`: a bad rating must name one (window,
/// appointment and guide ratings; a help request's and a complaint's own
/// forms leave them optional).
pub fn check_reasons(
    level: i64,
    ticked: &[String],
    required: bool,
) -> Result<Vec<String>, AppError> {
    if ticked.iter().any(|r| !ASPECTS.iter().any(|(c, _)| c == r)) {
        return Err(AppError::validation("reasons", "请从列出的方面中勾选"));
    }
    let reasons: Vec<String> = ASPECTS
        .iter()
        .filter(|(c, _)| ticked.iter().any(|r| r == c))
        .map(|(c, _)| c.to_string())
        .collect();
    if required && is_bad(level) && reasons.is_empty() {
        return Err(AppError::validation(
            "reasons",
            "请至少勾选一个不满意的方面，中心会据此回访整改",
        ));
    }
    Ok(reasons)
}

/// Checks a rating form; the first problem names its field.
pub fn validate_rating(form: &RatingForm) -> Result<Rating, AppError> {
    let level = form
        .level
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|l| (1..=5).contains(l))
        .ok_or_else(|| AppError::validation("level", "请选择满意程度"))?;
    let reasons = check_reasons(level, &form.reasons, true)?;
    let comment = form.comment.trim().to_string();
    if comment.chars().count() > MAX_COMMENT {
        return Err(AppError::validation("comment", "意见最多300字"));
    }
    if comment
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(AppError::validation("comment", "内容含有无法识别的字符"));
    }
    Ok(Rating {
        level,
        reasons,
        comment,
    })
}

/// What can be rated from a page of its own: (kind, what the page calls it).
pub const RATED_KINDS: [&str; 3] = ["window", "booking", "item"];

/// `/rate/{kind}/{id}`: the subject, and where the citizen is in rating it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingPage {
    pub kind: String,
    pub id: String,
    /// "评价1号窗口", "评价这次预约办事".
    pub title: String,
    /// "沁园街道便民服务中心 · 综合受理窗口 1"; "" until the phone is proven
    /// for subjects only their owner may see (a booking).
    pub detail: String,
    /// Why no rating can be given now (retired window, not yet checked in).
    pub closed: Option<String>,
    /// How often this subject can be rated, in words.
    pub once: String,
    /// The signed-in phone, masked.
    pub phone_masked: Option<String>,
    pub pending: Option<PendingLogin>,
    /// The rating already given for this handling: the level's label.
    pub rated: Option<String>,
}

/// Where a rectification case stands: (code, label).
pub const CASE_STATUSES: [(&str, &str); 6] = [
    ("open", "待回访"),
    ("called_back", "已回访"),
    ("planned", "整改中"),
    ("rectified", "已整改"),
    ("appealed", "申诉复核中"),
    ("overturned", "申诉成立"),
];

pub fn case_status_label(code: &str) -> &'static str {
    CASE_STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// A step on a case: (code, what the button says).
pub const CASE_ACTIONS: [(&str, &str); 6] = [
    ("callback", "记录回访"),
    ("rectify", "立行立改，告知评价人"),
    ("plan", "制定整改计划，告知评价人"),
    ("appeal", "提出申诉复核"),
    ("uphold", "复核：评价属实，继续整改"),
    ("overturn", "复核：申诉成立"),
];

pub const MAX_CASE_NOTE: usize = 500;

/// A bad review in the back office's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub id: i64,
    /// "3 号窗口 综合受理窗口".
    pub subject: String,
    pub level: String,
    pub reasons: Vec<String>,
    pub rated_at: String,
    pub status: String,
    pub status_label: String,
    /// What is due next and by when, in words; "" when nothing is.
    pub due: String,
    pub overdue: bool,
}

/// `/staff/reviews`: a center's bad reviews and the 电子监察 counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub code: String,
    pub center_name: String,
    pub choices: Vec<(String, String)>,
    /// The filter shown: "" (all open), "overdue", or a status.
    pub filter: String,
    pub awaiting_callback: i64,
    pub callback_overdue: i64,
    pub planned: i64,
    pub plan_overdue: i64,
    pub appealed: i64,
    pub rows: Vec<ReviewRow>,
}

/// One event of a case, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStep {
    pub at: String,
    pub who: String,
    pub what: String,
    pub note: String,
}

/// `/staff/reviews/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCase {
    pub id: i64,
    pub center_name: String,
    pub subject: String,
    pub level: String,
    pub reasons: Vec<String>,
    pub comment: String,
    pub phone_masked: String,
    pub rated_at: String,
    pub status: String,
    pub status_label: String,
    pub due: String,
    pub overdue: bool,
    pub steps: Vec<CaseStep>,
    /// The steps the caller may take now (codes of `CASE_ACTIONS`).
    pub actions: Vec<String>,
    /// The plan deadline offered: 5 working days from today (YYYY-MM-DD).
    pub default_plan_due: String,
}

/// What statistics group by: (code, label).
pub const STATS_BY: [(&str, &str); 3] = [
    ("center", "中心"),
    ("window", "窗口"),
    ("staff", "工作人员"),
];
/// Periods: (code, label).
pub const STATS_PERIODS: [(&str, &str); 2] =
    [("week", "按周（近8周）"), ("month", "按月（近6个月）")];

/// One row of the statistics table (and of the CSV, and a bar of the chart).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsRow {
    pub label: String,
    /// Counts per level, in `LEVELS` order (非常满意 first).
    pub levels: Vec<i64>,
    pub total: i64,
    /// 非常满意 + 满意 + 基本满意 over all, in tenths of a percent; None without ratings.
    pub satisfaction: Option<i64>,
    /// Bad reviews (不满意, 非常不满意) not overturned on appeal.
    pub bad: i64,
    pub rectified: i64,
    /// Rectified over bad, in tenths of a percent; None without bad reviews.
    pub rectification: Option<i64>,
    /// Mean hours from a bad review to its rectification.
    pub mean_hours: Option<i64>,
}

/// `/staff/stats`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsView {
    /// The center shown; "" for the whole city (city admins).
    pub code: String,
    pub scope_label: String,
    pub by: String,
    pub period: String,
    /// The first day counted (YYYY-MM-DD).
    pub since: String,
    /// Centers the caller may pick: (code, name); "" is the whole city.
    pub choices: Vec<(String, String)>,
    /// Groupings the caller may pick, from `STATS_BY`.
    pub by_choices: Vec<String>,
    pub rows: Vec<StatsRow>,
    /// The whole scope over the whole range: the table's last line.
    pub sum: StatsRow,
    /// Per period, oldest first: (label, total, satisfaction).
    pub trend: Vec<(String, i64, Option<i64>)>,
    /// Charts drawn on the server; drawings only.
    pub bars_svg: String,
    pub trend_svg: String,
}

/// A rate in tenths of a percent as people read it: "93.5%".
pub fn permille_text(p: Option<i64>) -> String {
    match p {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "—".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(level: &str, reasons: &[&str]) -> RatingForm {
        RatingForm {
            level: level.into(),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            comment: " 很好 ".into(),
        }
    }

    #[test]
    fn ratings_are_checked_field_by_field() {
        let r = validate_rating(&form("4", &["attitude", "overall", "attitude"])).unwrap();
        assert_eq!(r.level, 4);
        assert_eq!(r.reasons, ["overall", "attitude"], "in order, once each");
        assert_eq!(r.comment, "很好");
        assert!(
            validate_rating(&form("3", &[])).is_ok(),
            "a good rating needs no reason"
        );
        for (f, field) in [
            (form("", &[]), "level"),
            (form("6", &[]), "level"),
            (form("0", &[]), "level"),
            (form("5", &["speed"]), "reasons"),
            (form("2", &[]), "reasons"),
            (form("1", &[]), "reasons"),
        ] {
            match validate_rating(&f) {
                Err(AppError::Validation { field: got, .. }) => assert_eq!(got, field, "{f:?}"),
                other => panic!("{f:?}: {other:?}"),
            }
        }
        let mut long = form("5", &[]);
        long.comment = "好".repeat(301);
        assert!(validate_rating(&long).is_err());
    }

    #[test]
    fn levels_and_aspects_have_labels() {
        assert_eq!(level_label(5), "非常满意");
        assert_eq!(level_label(1), "非常不满意");
        assert!(is_bad(2) && is_bad(1) && !is_bad(3));
        assert_eq!(aspect_label("attitude"), "服务态度");
        // Every aspect has its words for every kind of level, and they differ.
        for (code, _) in ASPECTS {
            let said: Vec<String> = [5, 3, 1].iter().map(|l| reason_text(*l, code)).collect();
            assert!(said.iter().all(|s| s.starts_with(aspect_label(code))));
            assert!(said[0] != said[1] && said[1] != said[2] && said[0] != said[2]);
        }
        assert_eq!(reason_text(2, "efficiency"), "服务效率：等得太久或多跑了路");
        assert_eq!(reason_text(4, "efficiency"), reason_text(5, "efficiency"));
        assert_eq!(reason_text(1, "nothing"), "");
    }
}
