//! 差评整改 (implements `ReviewDeskPort`): the center's bad reviews, each a
//! case — 回访 within 1 working day by a named staff member, then 立行立改
//! or a plan with a deadline (5 working days unless set), the rater told by
//! SMS; or 申诉复核, decided by a city admin, both kept. Every step is one
//! guarded UPDATE with its audit record and SMS in the same transaction.

use crate::accounts::{internal, Accounts, Caller};
use crate::audit::{self, Action};
use crate::calendar::WorkCalendar;
use crate::crypto::Secrets;
use crate::help::consent::helper_name;
use crate::notify::{self, OutboxMessage};
use crate::portal::Portal;
use crate::storage::{changed_one, Db};
use crate::time::{
    day_end_ms, day_text, now_ms, parse_day, shanghai_date, shanghai_datetime, shanghai_day,
};
use app::error::AppError;
use app::identity::account::Role;
use app::identity::mask_phone;
use app::ratings::port::ReviewDeskPort;
use app::ratings::*;
use http::request::Parts;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use std::sync::Arc;

/// The queue of reviews that belong to no center (items' guides).
const CITY: &str = "city";
const CITY_LABEL: &str = "市级（办事指南）";

/// Working days to call a bad review back, and to carry out a plan.
const CALLBACK_DAYS: u32 = 1;
const PLAN_DAYS: u32 = 5;
/// The furthest a plan's deadline may be set.
const PLAN_MAX_DAYS: i64 = 90;

pub struct ReviewDesk {
    db: Db,
    secrets: Arc<Secrets>,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
}

/// Opens the case of bad rating `rating_id` (in the rating's transaction).
pub async fn open_case(
    conn: &mut AnyConnection,
    rating_id: i64,
    center: &str,
    now: i64,
) -> Result<(), AppError> {
    let cal = WorkCalendar::load_conn(conn).await.map_err(internal)?;
    sqlx::query(
        "INSERT INTO rectifications (rating_id, center_code, status, callback_due_at, created_at, updated_at)
         VALUES ($1, $2, 'open', $3, $4, $4)",
    )
    .bind(rating_id)
    .bind(center)
    .bind(cal.deadline_ms(now, CALLBACK_DAYS))
    .bind(now)
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// A case with its rating, as stored.
struct CaseRow {
    id: i64,
    center_code: String,
    status: String,
    callback_due_at: i64,
    called_back_by: Option<i64>,
    called_back_at: Option<i64>,
    callback_note: String,
    plan: String,
    plan_due_at: Option<i64>,
    planned_by: Option<i64>,
    planned_at: Option<i64>,
    rectified_by: Option<i64>,
    rectified_at: Option<i64>,
    result: String,
    appeal_reason: String,
    appealed_by: Option<i64>,
    appealed_at: Option<i64>,
    decision: Option<String>,
    decided_by: Option<i64>,
    decided_at: Option<i64>,
    decision_note: String,
    created_at: i64,
    window_id: String,
    level: i64,
    reasons: String,
    comment: String,
    phone_enc: Option<String>,
    subject_kind: String,
}

const CASE_FIELDS: &str = "c.id, c.center_code, c.status, c.callback_due_at, c.called_back_by, c.called_back_at,
    c.callback_note, c.plan, c.plan_due_at, c.rectified_by, c.rectified_at, c.result, c.appeal_reason,
    c.appealed_by, c.appealed_at, c.decision, c.decided_by, c.decided_at, c.decision_note, c.created_at,
    r.subject_id, r.level, r.reasons, r.comment, r.phone_enc, r.subject_kind, c.planned_by, c.planned_at";

fn case_row(r: &sqlx::any::AnyRow) -> Result<CaseRow, sqlx::Error> {
    Ok(CaseRow {
        id: r.try_get(0)?,
        center_code: r.try_get(1)?,
        status: r.try_get(2)?,
        callback_due_at: r.try_get(3)?,
        called_back_by: r.try_get(4)?,
        called_back_at: r.try_get(5)?,
        callback_note: r.try_get(6)?,
        plan: r.try_get(7)?,
        plan_due_at: r.try_get(8)?,
        rectified_by: r.try_get(9)?,
        rectified_at: r.try_get(10)?,
        result: r.try_get(11)?,
        appeal_reason: r.try_get(12)?,
        appealed_by: r.try_get(13)?,
        appealed_at: r.try_get(14)?,
        decision: r.try_get(15)?,
        decided_by: r.try_get(16)?,
        decided_at: r.try_get(17)?,
        decision_note: r.try_get(18)?,
        created_at: r.try_get(19)?,
        window_id: r.try_get(20)?,
        level: r.try_get(21)?,
        reasons: r.try_get(22)?,
        comment: r.try_get(23)?,
        phone_enc: r.try_get(24)?,
        subject_kind: r.try_get(25)?,
        planned_by: r.try_get(26)?,
        planned_at: r.try_get(27)?,
    })
}

impl CaseRow {
    /// What was rated, in words.
    fn subject(&self, windows: &HashMap<String, String>) -> String {
        match self.subject_kind.as_str() {
            "window" => windows.get(&self.window_id).cloned().unwrap_or_default(),
            "booking" => format!("延时预约 {}", self.window_id),
            "item" => format!("办事指南 {}", self.window_id),
            "help" => format!("帮办申请 {}", self.window_id),
            "complaint" => format!("投诉处理 {}", self.window_id),
            _ => String::new(),
        }
    }

    /// What is due next, by when, and whether that is past.
    fn due(&self, now: i64) -> (String, bool) {
        match (self.status.as_str(), self.plan_due_at) {
            ("open", _) => (
                format!("回访期限 {}", shanghai_datetime(self.callback_due_at)),
                now > self.callback_due_at,
            ),
            ("planned", Some(due)) => (format!("整改期限 {}", shanghai_datetime(due)), now > due),
            _ => (String::new(), false),
        }
    }

    /// The ticked aspects in the words the rater saw for their level.
    fn reason_labels(&self) -> Vec<String> {
        self.reasons
            .split(',')
            .map(|c| reason_text(self.level, c))
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// Window number and name by id, for a center.
async fn window_names(
    conn: &mut AnyConnection,
    center: &str,
) -> Result<HashMap<String, String>, AppError> {
    sqlx::query("SELECT id, number, name FROM service_windows WHERE center_code = $1")
        .bind(center)
        .fetch_all(conn)
        .await
        .map_err(internal)?
        .iter()
        .map(|r| {
            let id: i64 = r.try_get(0)?;
            let number: String = r.try_get(1)?;
            let name: String = r.try_get(2)?;
            Ok((id.to_string(), format!("{number} 号窗口 {name}")))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)
}

async fn name_of(conn: &mut AnyConnection, id: Option<i64>) -> Result<String, AppError> {
    match id {
        Some(id) => helper_name(conn, id).await,
        None => Ok(String::new()),
    }
}

fn note_required(action: &str) -> &'static str {
    match action {
        "callback" => "请填写回访情况：联系了谁、核实到什么",
        "rectify" => "请填写整改结果，会用短信告诉评价人",
        "plan" => "请填写整改计划，会用短信告诉评价人",
        "appeal" => "请填写申诉理由",
        _ => "请填写复核意见",
    }
}

impl ReviewDesk {
    pub fn new(
        db: Db,
        secrets: Arc<Secrets>,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
    ) -> ReviewDesk {
        ReviewDesk {
            db,
            secrets,
            accounts,
            portal,
        }
    }

    /// The case, if the caller works at its center (a city admin: any).
    async fn case(
        &self,
        conn: &mut AnyConnection,
        caller: &Caller,
        id: i64,
    ) -> Result<CaseRow, AppError> {
        let row = sqlx::query(&format!(
            "SELECT {CASE_FIELDS} FROM rectifications c JOIN ratings r ON r.id = c.rating_id WHERE c.id = $1"
        ))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
        let case = case_row(&row).map_err(internal)?;
        if caller.role != Role::CityAdmin
            && caller.center_code.as_deref() != Some(case.center_code.as_str())
        {
            return Err(AppError::NotFound);
        }
        Ok(case)
    }

    /// The steps `caller` may take on `case` now.
    fn actions(caller: &Caller, case: &CaseRow) -> Vec<String> {
        let center_admin =
            caller.role == Role::CenterAdmin && caller.administers(&case.center_code);
        let city = caller.role == Role::CityAdmin;
        let list: &[&str] = match case.status.as_str() {
            "open" if center_admin => &["callback", "appeal"],
            "open" => &["callback"],
            "called_back" if center_admin => &["rectify", "plan", "appeal"],
            "called_back" => &["rectify", "plan"],
            "planned" => &["rectify"],
            "appealed" if city => &["uphold", "overturn"],
            _ => &[],
        };
        list.iter().map(|s| s.to_string()).collect()
    }
}

#[async_trait::async_trait]
impl ReviewDeskPort for ReviewDesk {
    async fn reviews(
        &self,
        req: &Parts,
        code: Option<String>,
        filter: Option<String>,
    ) -> Result<ReviewQueue, AppError> {
        let caller = self.accounts.caller(req).await?;
        let model = self.portal.model();
        // `city`: the guides' bad reviews, which belong to no center.
        let city = caller.role == Role::CityAdmin;
        let code = match code.as_deref().filter(|c| !c.is_empty()) {
            Some(CITY) if city => String::new(),
            // The whole city chosen in the header: the city-level (guide) cases.
            None if city && caller.viewing_center(&model).is_none() => String::new(),
            code => caller.center_in_view(&model, code)?,
        };
        let filter = filter.unwrap_or_default();
        let now = now_ms();
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        let cases: Vec<CaseRow> = sqlx::query(&format!(
            "SELECT {CASE_FIELDS} FROM rectifications c JOIN ratings r ON r.id = c.rating_id
             WHERE c.center_code = $1 ORDER BY c.created_at DESC, c.id DESC"
        ))
        .bind(&code)
        .fetch_all(&mut *conn)
        .await
        .map_err(internal)?
        .iter()
        .map(case_row)
        .collect::<Result<_, _>>()
        .map_err(internal)?;
        let windows = window_names(&mut conn, &code).await?;
        let count = |f: &dyn Fn(&CaseRow) -> bool| cases.iter().filter(|c| f(c)).count() as i64;
        let awaiting_callback = count(&|c| c.status == "open");
        let callback_overdue = count(&|c| c.status == "open" && c.due(now).1);
        let planned = count(&|c| c.status == "planned");
        let plan_overdue = count(&|c| c.status == "planned" && c.due(now).1);
        let appealed = count(&|c| c.status == "appealed");
        let shown = |c: &CaseRow| match filter.as_str() {
            "" => ["open", "called_back", "planned", "appealed"].contains(&c.status.as_str()),
            "all" => true,
            "overdue" => c.due(now).1,
            status => c.status == status,
        };
        let rows = cases
            .iter()
            .filter(|c| shown(c))
            .map(|c| {
                let (due, overdue) = c.due(now);
                ReviewRow {
                    id: c.id,
                    subject: c.subject(&windows),
                    level: level_label(c.level).to_string(),
                    reasons: c.reason_labels(),
                    rated_at: shanghai_datetime(c.created_at),
                    status: c.status.clone(),
                    status_label: case_status_label(&c.status).to_string(),
                    due,
                    overdue,
                }
            })
            .collect();
        let mut choices = caller.center_choices(&model);
        if caller.role == Role::CityAdmin {
            choices.push((CITY.to_string(), CITY_LABEL.to_string()));
        }
        Ok(ReviewQueue {
            center_name: if code.is_empty() {
                CITY_LABEL.to_string()
            } else {
                model
                    .center(&code)
                    .map(|c| c.center_name.clone())
                    .unwrap_or_default()
            },
            choices,
            code: if code.is_empty() {
                CITY.to_string()
            } else {
                code
            },
            filter,
            awaiting_callback,
            callback_overdue,
            planned,
            plan_overdue,
            appealed,
            rows,
        })
    }

    async fn review(&self, req: &Parts, id: i64) -> Result<ReviewCase, AppError> {
        let caller = self.accounts.caller(req).await?;
        let now = now_ms();
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        let c = self.case(&mut conn, &caller, id).await?;
        let windows = window_names(&mut conn, &c.center_code).await?;
        let phone = match &c.phone_enc {
            Some(enc) => mask_phone(&self.secrets.decrypt(enc).map_err(internal)?),
            None => String::new(),
        };
        let mut steps = vec![CaseStep {
            at: shanghai_datetime(c.created_at),
            who: "评价人".into(),
            what: format!("评价“{}”", level_label(c.level)),
            note: c.comment.clone(),
        }];
        let mut step = |at: Option<i64>, who: String, what: &str, note: &str| {
            if let Some(at) = at {
                steps.push(CaseStep {
                    at: shanghai_datetime(at),
                    who,
                    what: what.to_string(),
                    note: note.to_string(),
                });
            }
        };
        step(
            c.called_back_at,
            name_of(&mut conn, c.called_back_by).await?,
            "回访",
            &c.callback_note,
        );
        if !c.plan.is_empty() {
            let due = c
                .plan_due_at
                .map(|d| shanghai_date(d - 1))
                .unwrap_or_default();
            step(
                c.planned_at,
                name_of(&mut conn, c.planned_by).await?,
                &format!("制定整改计划（{due}前完成），已短信告知评价人"),
                &c.plan,
            );
        }
        step(
            c.appealed_at,
            name_of(&mut conn, c.appealed_by).await?,
            "提出申诉复核",
            &c.appeal_reason,
        );
        let decided = match c.decision.as_deref() {
            Some("overturned") => "复核结论：申诉成立",
            _ => "复核结论：评价属实，继续整改",
        };
        step(
            c.decided_at,
            name_of(&mut conn, c.decided_by).await?,
            decided,
            &c.decision_note,
        );
        step(
            c.rectified_at,
            name_of(&mut conn, c.rectified_by).await?,
            "整改完成，已短信告知评价人",
            &c.result,
        );
        steps.sort_by(|a, b| a.at.cmp(&b.at));
        let cal = WorkCalendar::load_conn(&mut conn).await.map_err(internal)?;
        let (due, overdue) = c.due(now);
        Ok(ReviewCase {
            id: c.id,
            center_name: self
                .portal
                .model()
                .center(&c.center_code)
                .map(|x| x.center_name.clone())
                .unwrap_or_else(|| CITY_LABEL.to_string()),
            subject: c.subject(&windows),
            level: level_label(c.level).to_string(),
            reasons: c.reason_labels(),
            comment: c.comment.clone(),
            phone_masked: phone,
            rated_at: shanghai_datetime(c.created_at),
            status_label: case_status_label(&c.status).to_string(),
            actions: ReviewDesk::actions(&caller, &c),
            status: c.status,
            due,
            overdue,
            steps,
            default_plan_due: shanghai_date(cal.deadline_ms(now, PLAN_DAYS) - 1),
        })
    }

    async fn act(
        &self,
        req: &Parts,
        id: i64,
        action: &str,
        note: &str,
        due: Option<String>,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let note = note.trim();
        if note.is_empty() {
            return Err(AppError::validation("note", note_required(action)));
        }
        if note.chars().count() > MAX_CASE_NOTE {
            return Err(AppError::validation("note", "最多500字"));
        }
        let now = now_ms();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let c = self.case(&mut tx, &caller, id).await?;
        if !ReviewDesk::actions(&caller, &c).iter().any(|a| a == action) {
            return Err(if CASE_ACTIONS.iter().any(|(a, _)| *a == action) {
                AppError::Conflict("这件差评现在不能进行这一步，或您没有权限，请刷新后查看".into())
            } else {
                AppError::validation("action", "请选择要进行的操作")
            });
        }
        let windows = window_names(&mut tx, &c.center_code).await?;
        let subject = c.subject(&windows);
        let center_name = self
            .portal
            .model()
            .center(&c.center_code)
            .map(|x| x.center_name.clone())
            .unwrap_or_default();
        let mut sms: Option<(String, String)> = None;
        let update = match action {
            "callback" => sqlx::query(
                "UPDATE rectifications SET status = 'called_back', called_back_by = $2, called_back_at = $3,
                     callback_note = $4, updated_at = $3 WHERE id = $1 AND status = 'open'",
            )
            .bind(id)
            .bind(caller.id)
            .bind(now)
            .bind(note),
            "rectify" => {
                sms = Some((
                    "review_rectified".into(),
                    format!("【济源便民】您对{center_name}{subject}的评价，中心已回访并整改：{note}。感谢您的监督。"),
                ));
                sqlx::query(
                    "UPDATE rectifications SET status = 'rectified', rectified_by = $2, rectified_at = $3,
                         result = $4, updated_at = $3 WHERE id = $1 AND status IN ('called_back', 'planned')",
                )
                .bind(id)
                .bind(caller.id)
                .bind(now)
                .bind(note)
            }
            "plan" => {
                let cal = WorkCalendar::load_conn(&mut tx).await.map_err(internal)?;
                let due_at = match due.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                    None => cal.deadline_ms(now, PLAN_DAYS),
                    Some(d) => {
                        let today = shanghai_day(now);
                        let day = parse_day(d)
                            .filter(|day| *day >= today)
                            .filter(|day| {
                                crate::time::day_after(today, PLAN_MAX_DAYS).is_some_and(|m| *day <= m)
                            })
                            .ok_or_else(|| {
                                AppError::validation("due", "整改期限请选今天起90天内的日期")
                            })?;
                        day_end_ms(day)
                    }
                };
                let due_day = day_text(shanghai_day(due_at - 1));
                sms = Some((
                    "review_plan".into(),
                    format!("【济源便民】您对{center_name}{subject}的评价，中心已回访核实，整改计划：{note}，预计{due_day}前完成。"),
                ));
                sqlx::query(
                    "UPDATE rectifications SET status = 'planned', plan = $4, plan_due_at = $5,
                         planned_by = $2, planned_at = $3, updated_at = $3
                     WHERE id = $1 AND status = 'called_back'",
                )
                .bind(id)
                .bind(caller.id)
                .bind(now)
                .bind(note)
                .bind(due_at)
            }
            "appeal" => sqlx::query(
                "UPDATE rectifications SET status = 'appealed', appeal_from = status, appeal_reason = $4,
                     appealed_by = $2, appealed_at = $3, updated_at = $3
                 WHERE id = $1 AND status IN ('open', 'called_back')",
            )
            .bind(id)
            .bind(caller.id)
            .bind(now)
            .bind(note),
            // Upheld: the review stands and the case goes back to where it was.
            "uphold" => sqlx::query(
                "UPDATE rectifications SET status = appeal_from, decision = 'upheld', decided_by = $2,
                     decided_at = $3, decision_note = $4, updated_at = $3
                 WHERE id = $1 AND status = 'appealed'",
            )
            .bind(id)
            .bind(caller.id)
            .bind(now)
            .bind(note),
            "overturn" => sqlx::query(
                "UPDATE rectifications SET status = 'overturned', decision = 'overturned', decided_by = $2,
                     decided_at = $3, decision_note = $4, updated_at = $3
                 WHERE id = $1 AND status = 'appealed'",
            )
            .bind(id)
            .bind(caller.id)
            .bind(now)
            .bind(note),
            _ => return Err(AppError::validation("action", "请选择要进行的操作")),
        };
        if !changed_one(&mut tx, update).await? {
            return Err(AppError::Conflict(
                "这件差评刚由他人处理过，请刷新后查看".into(),
            ));
        }
        if let (Some((kind, body)), Some(enc)) = (sms, &c.phone_enc) {
            let phone = self.secrets.decrypt(enc).map_err(internal)?;
            notify::enqueue(
                &mut tx,
                &self.secrets,
                &OutboxMessage {
                    kind,
                    recipient: phone,
                    body,
                },
                now,
            )
            .await
            .map_err(internal)?;
        }
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: match action {
                    "callback" => "review_callback",
                    "rectify" => "review_rectify",
                    "plan" => "review_plan",
                    "appeal" => "review_appeal",
                    "uphold" => "review_uphold",
                    _ => "review_overturn",
                },
                target_kind: "rectification",
                target_id: id.to_string(),
                center: Some(&c.center_code),
                detail: subject,
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }
}
