//! `GET /staff/stats.csv?code=&by=&period=`: exactly the rows the statistics
//! page shows (and its 合计 line), for a spreadsheet. UTF-8 with a BOM so
//! spreadsheet programs read the Chinese right.

use super::stats::Stats;
use crate::http::api::ApiError;
use app::ratings::port::StatsPort;
use app::ratings::*;
use axum::extract::{Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct StatsQuery {
    code: Option<String>,
    by: Option<String>,
    period: Option<String>,
}

/// A CSV field: quoted when it holds a separator, and never read as a
/// formula by a spreadsheet (a leading = + - @ gets a quote mark).
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub fn to_csv(v: &StatsView) -> String {
    let mut out = String::from("\u{feff}");
    let by = STATS_BY
        .iter()
        .find(|(c, _)| *c == v.by)
        .map(|(_, l)| *l)
        .unwrap_or("");
    let mut head = vec![by.to_string()];
    head.extend(LEVELS.iter().map(|(_, l)| l.to_string()));
    head.extend(
        [
            "合计",
            "满意率",
            "差评",
            "已整改",
            "整改率",
            "平均整改用时（小时）",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    out.push_str(&head.join(","));
    out.push_str("\r\n");
    for r in v.rows.iter().chain(std::iter::once(&v.sum)) {
        let mut cells = vec![field(&r.label)];
        cells.extend(r.levels.iter().map(|n| n.to_string()));
        cells.push(r.total.to_string());
        cells.push(permille_text(r.satisfaction));
        cells.push(r.bad.to_string());
        cells.push(r.rectified.to_string());
        cells.push(permille_text(r.rectification));
        cells.push(r.mean_hours.map(|h| h.to_string()).unwrap_or_default());
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

pub async fn csv(
    State(stats): State<Arc<Stats>>,
    Query(q): Query<StatsQuery>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    match stats.stats(&parts, q.code, q.by, q.period).await {
        Ok(v) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"haochaping-{}-{}-{}.csv\"",
                        if v.code.is_empty() {
                            "city"
                        } else {
                            v.code.as_str()
                        },
                        v.by,
                        v.since
                    ),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            to_csv(&v),
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_and_never_formulas() {
        assert_eq!(field("沁园"), "沁园");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("-2"), "'-2");
    }
}
