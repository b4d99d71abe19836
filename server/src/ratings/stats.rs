//! 好差评 statistics (implements `StatsPort`): counts per level,
//! satisfaction, rectification rate and time, per center (the 16 compared
//! for 绩效考核), window or staff member, by week or month. The table, the
//! bars and the CSV are the same rows.

use super::chart;
use crate::accounts::{internal, Accounts};
use crate::portal::Portal;
use crate::storage::Db;
use crate::time::{day_after, day_text, now_ms, parse_day, shanghai_day, week_start};
use app::error::AppError;
use app::identity::account::Role;
use app::ratings::port::StatsPort;
use app::ratings::*;
use http::request::Parts;
use sqlx::Row;
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct Stats {
    db: Db,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
}

/// One rating as the statistics read it.
struct Counted {
    center: String,
    window: String,
    staff: Option<i64>,
    level: i64,
    day: String,
    /// Hours to rectification, for a rectified bad review.
    rectified_hours: Option<i64>,
    overturned: bool,
    /// The item's seq for a guide's rating, else "".
    item: String,
}

#[derive(Default, Clone)]
struct Tally {
    levels: [i64; 5],
    bad: i64,
    rectified: i64,
    hours: i64,
}

impl Tally {
    fn add(&mut self, c: &Counted) {
        // LEVELS runs 5 … 1.
        self.levels[(5 - c.level).clamp(0, 4) as usize] += 1;
        if is_bad(c.level) && !c.overturned {
            self.bad += 1;
            if let Some(h) = c.rectified_hours {
                self.rectified += 1;
                self.hours += h;
            }
        }
    }

    fn total(&self) -> i64 {
        self.levels.iter().sum()
    }

    fn satisfaction(&self) -> Option<i64> {
        let total = self.total();
        (total > 0).then(|| (self.levels[..3].iter().sum::<i64>() * 1000 + total / 2) / total)
    }

    fn row(&self, label: String) -> StatsRow {
        StatsRow {
            label,
            levels: self.levels.to_vec(),
            total: self.total(),
            satisfaction: self.satisfaction(),
            bad: self.bad,
            rectified: self.rectified,
            rectification: (self.bad > 0)
                .then(|| (self.rectified * 1000 + self.bad / 2) / self.bad),
            mean_hours: (self.rectified > 0).then(|| self.hours / self.rectified),
        }
    }
}

/// The periods shown, oldest first: (key, label, first day).
fn periods(period: &str, today: jiff::civil::Date) -> Vec<(String, String, String)> {
    if period == "month" {
        let mut out = Vec::new();
        let first = today.first_of_month();
        for back in (0..6).rev() {
            let Ok(m) = first.checked_sub(jiff::Span::new().months(back)) else {
                continue;
            };
            let key = format!("{:04}-{:02}", m.year(), m.month());
            out.push((key, format!("{}月", m.month()), day_text(m)));
        }
        out
    } else {
        let monday = week_start(today);
        (0..8)
            .rev()
            .filter_map(|back| day_after(monday, -7 * back))
            .map(|d| {
                let key = day_text(d);
                (key.clone(), format!("{}/{}", d.month(), d.day()), key)
            })
            .collect()
    }
}

fn period_of(period: &str, day: &str) -> String {
    if period == "month" {
        day.get(..7).unwrap_or("").to_string()
    } else {
        parse_day(day)
            .map(|d| day_text(week_start(d)))
            .unwrap_or_default()
    }
}

impl Stats {
    pub fn new(db: Db, accounts: Arc<Accounts>, portal: Arc<Portal>) -> Stats {
        Stats {
            db,
            accounts,
            portal,
        }
    }

    async fn counted(&self, center: &str, since: &str) -> Result<Vec<Counted>, AppError> {
        let rows = sqlx::query(
            "SELECT r.center_code, CASE WHEN r.subject_kind = 'window' THEN r.subject_id ELSE '' END,
                    r.staff_user_id, r.level, r.rated_day, r.created_at, c.rectified_at, c.status,
                    CASE WHEN r.subject_kind = 'item' THEN r.subject_id ELSE '' END
             FROM ratings r LEFT JOIN rectifications c ON c.rating_id = r.id
             WHERE r.rated_day >= $1 AND ($2 = '' OR r.center_code = $2)",
        )
        .bind(since)
        .bind(center)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                let created: i64 = r.try_get(5)?;
                let rectified: Option<i64> = r.try_get(6)?;
                let status: Option<String> = r.try_get(7)?;
                Ok(Counted {
                    center: r.try_get(0)?,
                    window: r.try_get(1)?,
                    staff: r.try_get(2)?,
                    level: r.try_get(3)?,
                    day: r.try_get(4)?,
                    rectified_hours: rectified.map(|t| (t - created).max(0) / 3_600_000),
                    overturned: status.as_deref() == Some("overturned"),
                    item: r.try_get(8)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal)
    }

    async fn labels(&self, by: &str, center: &str) -> Result<BTreeMap<String, String>, AppError> {
        let sql = match by {
            "window" => "SELECT CAST(id AS TEXT), number || ' 号窗口 ' || name FROM service_windows WHERE center_code = $1",
            _ => "SELECT CAST(id AS TEXT), display_name FROM staff_users WHERE center_code = $1 OR $1 = ''",
        };
        sqlx::query(sql)
            .bind(center)
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal)
    }
}

#[async_trait::async_trait]
impl StatsPort for Stats {
    async fn stats(
        &self,
        req: &Parts,
        code: Option<String>,
        by: Option<String>,
        period: Option<String>,
    ) -> Result<StatsView, AppError> {
        let caller = self.accounts.caller(req).await?;
        let model = self.portal.model();
        let city = caller.role == Role::CityAdmin;
        // City admins start with the whole city; everyone else sees their center.
        let code = match code.filter(|c| !c.is_empty()) {
            None if city => caller.viewing_center(&model).unwrap_or_default(),
            code => caller.center_in_view(&model, code.as_deref())?,
        };
        let by_choices: Vec<String> = if code.is_empty() {
            vec!["center".into(), "item".into()]
        } else {
            vec!["window".into(), "staff".into()]
        };
        let by = by
            .filter(|b| by_choices.contains(b))
            .unwrap_or_else(|| by_choices[0].clone());
        let period = match period.as_deref() {
            Some("month") => "month".to_string(),
            _ => "week".to_string(),
        };
        let today = shanghai_day(now_ms());
        let periods = periods(&period, today);
        let since = periods.first().map(|p| p.2.clone()).unwrap_or_default();
        let counted = self.counted(&code, &since).await?;
        let labels = self.labels(&by, &code).await?;

        let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
        let mut order: Vec<(String, String)> = Vec::new();
        if by == "center" {
            // All sixteen, rated or not: the comparison for 绩效考核.
            for c in &model.centers {
                order.push((c.code.clone(), c.center_name.clone()));
                groups.entry(c.code.clone()).or_default();
            }
        }
        let mut sum = Tally::default();
        let mut per_period: BTreeMap<String, Tally> = BTreeMap::new();
        // By item: the guides' ratings only; otherwise those of a center's hall.
        let counted: Vec<&Counted> = counted
            .iter()
            .filter(|c| (by == "item") != c.item.is_empty())
            .collect();
        for c in counted {
            let key = match by.as_str() {
                "center" => c.center.clone(),
                "item" => c.item.clone(),
                "window" => c.window.clone(),
                _ => c.staff.map(|s| s.to_string()).unwrap_or_default(),
            };
            if !groups.contains_key(&key) {
                let label = match by.as_str() {
                    "center" => model
                        .center(&key)
                        .map(|x| x.center_name.clone())
                        .unwrap_or_default(),
                    "item" => key
                        .parse()
                        .ok()
                        .and_then(|seq| model.item(seq))
                        .map(|i| format!("{} {}", i.seq, i.business_item))
                        .unwrap_or_else(|| format!("事项 {key}")),
                    "window" if key.is_empty() => "窗口以外（预约、帮办、投诉）".to_string(),
                    _ if key.is_empty() => "未指定值班人员".to_string(),
                    _ => labels
                        .get(&key)
                        .cloned()
                        .unwrap_or_else(|| format!("编号 {key}")),
                };
                order.push((key.clone(), label));
            }
            groups.entry(key).or_default().add(c);
            sum.add(c);
            per_period
                .entry(period_of(&period, &c.day))
                .or_default()
                .add(c);
        }
        if by != "center" {
            order.sort_by(|a, b| a.1.cmp(&b.1));
        }
        let rows: Vec<StatsRow> = order
            .iter()
            .map(|(k, label)| {
                groups
                    .get(k)
                    .cloned()
                    .unwrap_or_default()
                    .row(label.clone())
            })
            .collect();
        let trend: Vec<(String, i64, Option<i64>)> = periods
            .iter()
            .map(|(key, label, _)| {
                let t = per_period.get(key).cloned().unwrap_or_default();
                (label.clone(), t.total(), t.satisfaction())
            })
            .collect();
        let bars: Vec<(String, i64, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r.label.clone(),
                    r.levels[..3].iter().sum(),
                    r.levels[3..].iter().sum(),
                )
            })
            .collect();
        let trend_points: Vec<(String, Option<i64>)> =
            trend.iter().map(|(l, _, p)| (l.clone(), *p)).collect();
        let scope_label = if code.is_empty() {
            "全市16个便民服务中心".to_string()
        } else {
            model
                .center(&code)
                .map(|c| c.center_name.clone())
                .unwrap_or_default()
        };
        let mut choices = caller.center_choices(&model);
        if city {
            choices.insert(0, (String::new(), "全市（各中心对比）".to_string()));
        }
        Ok(StatsView {
            bars_svg: chart::bars(&bars, "评价数（条）"),
            trend_svg: chart::line(&trend_points, "满意率"),
            sum: sum.row("合计".to_string()),
            code,
            scope_label,
            by,
            period,
            since,
            choices,
            by_choices,
            rows,
            trend,
        })
    }
}
