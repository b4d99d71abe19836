//! The back office of 有诉即办 (implements `ComplaintDeskPort`): queues per
//! center and for the city (the 电子监察 view), and the steps on a case.
//! Center staff see their center's cases; a city admin sees every case.
//! Each step: one transaction with a conditional UPDATE on the status, the
//! timeline event, the audit record and, when the citizen should know, the SMS.

use super::service::{event_label, ComplaintService};
use super::store::{self, ComplaintRow};
use super::{add_event, due_day_label, Actor, Complaints};
use crate::accounts::{internal, Accounts, Caller};
use crate::audit::{self, Action};
use crate::calendar::WorkCalendar;
use crate::portal::Portal;
use crate::time::{now_ms, shanghai_datetime};
use app::complaints::port::ComplaintDeskPort;
use app::complaints::*;
use app::error::AppError;
use app::identity::account::Role;
use app::identity::mask_phone;
use http::request::Parts;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;

pub struct ComplaintDesk {
    complaints: Arc<Complaints>,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
    citizen: Arc<ComplaintService>,
}

/// The most cases a queue lists at once.
const QUEUE_LIMIT: usize = 200;

impl ComplaintDesk {
    pub fn new(
        complaints: Arc<Complaints>,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
        citizen: Arc<ComplaintService>,
    ) -> ComplaintDesk {
        ComplaintDesk {
            complaints,
            accounts,
            portal,
            citizen,
        }
    }

    fn center_name(&self, code: &str) -> String {
        self.portal
            .model()
            .center(code)
            .map(|c| c.center_name.clone())
            .unwrap_or_default()
    }

    /// Who did it, as the citizen may read it: role and center, never a name.
    fn public_label(&self, caller: &Caller) -> String {
        match &caller.center_code {
            Some(c) => format!("{} {}", self.center_name(c), caller.role.label()),
            None => caller.role.label().to_string(),
        }
    }

    async fn staff_name(
        &self,
        conn: &mut AnyConnection,
        id: i64,
    ) -> Result<Option<String>, AppError> {
        sqlx::query("SELECT display_name FROM staff_users WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
            .map_err(internal)?
            .map(|r| r.try_get(0).map_err(internal))
            .transpose()
    }
}

/// Whether the caller works on the level that handles `case` now.
fn in_scope(caller: &Caller, case: &ComplaintRow) -> bool {
    match caller.role {
        Role::CityAdmin => true,
        _ => case.handling_center.is_some() && caller.center_code == case.handling_center,
    }
}

/// Whether the caller administers the level that handles `case`.
fn admin_of(caller: &Caller, case: &ComplaintRow) -> bool {
    match &case.handling_center {
        Some(c) => caller.administers(c),
        None => caller.role == Role::CityAdmin,
    }
}

/// Whether someone (the right person) could take step `code` in `status`.
fn step_exists(status: &str, code: &str) -> bool {
    let steps: &[&str] = match status {
        "received" => &[
            "accept", "assign", "transfer", "merge", "close", "note", "reply",
        ],
        "accepted" => &[
            "answer", "assign", "transfer", "merge", "close", "note", "reply",
        ],
        "answered" => &["close", "note", "reply"],
        _ => &[],
    };
    steps.contains(&code)
}

/// The steps `caller` may take on `case` now.
pub fn allowed(caller: &Caller, case: &ComplaintRow) -> Vec<&'static str> {
    if !in_scope(caller, case) {
        return vec![];
    }
    let admin = admin_of(caller, case);
    let mine = case.assignee_id == Some(caller.id);
    let mut out = vec![];
    match case.status.as_str() {
        "received" => {
            out.push("accept");
            if admin {
                out.extend(["assign", "transfer", "merge", "close"]);
            }
            out.extend(["note", "reply"]);
        }
        "accepted" => {
            if admin || mine {
                out.push("answer");
            }
            if admin {
                out.extend(["assign", "transfer", "merge", "close"]);
            }
            out.extend(["note", "reply"]);
        }
        "answered" => {
            if admin {
                out.push("close");
            }
            out.extend(["note", "reply"]);
        }
        _ => {}
    }
    out
}

fn not_now() -> AppError {
    AppError::Conflict("此投诉当前状态下不能进行这一步，请刷新后再看".into())
}

#[async_trait::async_trait]
impl ComplaintDeskPort for ComplaintDesk {
    async fn queue(
        &self,
        parts: &Parts,
        scope: Option<String>,
        queue: Option<String>,
    ) -> Result<ComplaintQueue, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let model = self.portal.model();
        let city = caller.role == Role::CityAdmin;
        let mut scopes: Vec<(String, String)> = vec![];
        if city {
            scopes.push(("all".into(), "全部".into()));
            scopes.push(("city".into(), "市级".into()));
            scopes.extend(
                model
                    .centers
                    .iter()
                    .map(|c| (c.code.clone(), c.center_name.clone())),
            );
        } else if let Some(c) = &caller.center_code {
            scopes.push((c.clone(), self.center_name(c)));
        }
        let scope = scope
            .filter(|s| scopes.iter().any(|(k, _)| k == s))
            .or_else(|| caller.viewing_center(&model))
            .or_else(|| scopes.first().map(|(k, _)| k.clone()))
            .ok_or(AppError::Forbidden)?;
        let queue = queue
            .filter(|q| QUEUES.iter().any(|(k, _)| k == q))
            .unwrap_or_else(|| "new".into());
        let db = self.complaints.db();
        let mut conn = db.pool().acquire().await.map_err(internal)?;
        let cal = WorkCalendar::load_conn(&mut conn).await.map_err(internal)?;
        // Open cases the caller may see: few enough to count in Rust.
        let rows = sqlx::query(&format!(
            "SELECT {} FROM complaints WHERE status IN ('received', 'accepted', 'answered')
             ORDER BY created_at",
            store::FIELDS
        ))
        .fetch_all(&mut *conn)
        .await
        .map_err(internal)?;
        let now = now_ms();
        let mut cases = vec![];
        for r in &rows {
            let case = store::row(r).map_err(internal)?;
            if in_scope(&caller, &case) {
                cases.push(case);
            }
        }
        let due_soon = |c: &ComplaintRow| {
            c.due_at()
                .is_some_and(|d| now < d && cal.is_due_soon(now, d))
        };
        let mut counts = vec![];
        let mut levels: Vec<(Option<String>, String)> = vec![];
        if city {
            levels.push((None, "市级".into()));
            levels.extend(
                model
                    .centers
                    .iter()
                    .map(|c| (Some(c.code.clone()), c.center_name.clone())),
            );
        } else if let Some(c) = &caller.center_code {
            levels.push((Some(c.clone()), self.center_name(c)));
        }
        for (code, name) in levels {
            let here: Vec<&ComplaintRow> =
                cases.iter().filter(|c| c.handling_center == code).collect();
            counts.push(CenterCounts {
                code: code.unwrap_or_else(|| "city".into()),
                name,
                new: here.iter().filter(|c| c.status == "received").count() as i64,
                open: here.len() as i64,
                due_soon: here.iter().filter(|c| due_soon(c)).count() as i64,
                overdue: here.iter().filter(|c| c.overdue(now)).count() as i64,
            });
        }
        let mut picked: Vec<&ComplaintRow> = cases
            .iter()
            .filter(|c| match scope.as_str() {
                "all" => true,
                "city" => c.handling_center.is_none(),
                s => c.handling_center.as_deref() == Some(s),
            })
            .filter(|c| match queue.as_str() {
                "new" => c.status == "received",
                "mine" => c.assignee_id == Some(caller.id),
                "due" => due_soon(c),
                "overdue" => c.overdue(now),
                _ => true,
            })
            .collect();
        // Most urgent first.
        picked.sort_by_key(|c| c.due_at().unwrap_or(i64::MAX));
        let mut out = vec![];
        for case in picked.into_iter().take(QUEUE_LIMIT) {
            let assignee = match case.assignee_id {
                Some(id) => self.staff_name(&mut conn, id).await?,
                None => None,
            };
            out.push(QueueRow {
                tracking_no: case.tracking_no.clone(),
                category_label: category_label(&case.category).to_string(),
                about: self.citizen.about(case),
                status_label: status_label(&case.status).to_string(),
                level_label: if case.handling_center.is_some() {
                    "中心"
                } else {
                    "市级"
                }
                .into(),
                center_name: self.center_name(&case.center_code),
                assignee,
                due_label: case
                    .due_at()
                    .map(|d| format!("{}前", due_day_label(d)))
                    .unwrap_or_else(|| "待群众确认".into()),
                overdue: case.overdue(now),
                due_soon: due_soon(case),
            });
        }
        let level = if city {
            None
        } else {
            caller.center_code.as_deref()
        };
        let notices = super::jobs::notices(db, level, 10)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|(at, text)| (shanghai_datetime(at), text))
            .collect();
        Ok(ComplaintQueue {
            scope,
            scopes,
            queue,
            rows: out,
            counts,
            notices,
        })
    }

    async fn detail(&self, parts: &Parts, tracking_no: &str) -> Result<ComplaintDetail, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let no = normalize_tracking(tracking_no).ok_or(AppError::NotFound)?;
        let db = self.complaints.db();
        let mut conn = db.pool().acquire().await.map_err(internal)?;
        let case = store::by_no(&mut conn, &no)
            .await?
            .ok_or(AppError::NotFound)?;
        // Another center's case is "not found", as for citizens.
        let seen_before = caller.center_code.as_deref() == Some(case.center_code.as_str());
        if !in_scope(&caller, &case) && !seen_before {
            return Err(AppError::NotFound);
        }
        let events = sqlx::query(
            "SELECT e.at, e.kind, e.public, e.actor_label, e.body, s.display_name, s.role
             FROM complaint_events e LEFT JOIN staff_users s ON s.id = e.actor_id
             WHERE e.complaint_id = $1 ORDER BY e.at, e.id",
        )
        .bind(case.id)
        .fetch_all(&mut *conn)
        .await
        .map_err(internal)?
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind").map_err(internal)?;
            let name: Option<String> = r.try_get("display_name").map_err(internal)?;
            let role: Option<String> = r.try_get("role").map_err(internal)?;
            let by = match (name, role.as_deref().and_then(Role::parse)) {
                (Some(n), Some(role)) => format!("{n}（{}）", role.label()),
                _ if r.try_get::<String, _>("actor_label").map_err(internal)? == "您" => {
                    "群众".to_string()
                }
                _ => r.try_get("actor_label").map_err(internal)?,
            };
            Ok(StaffEvent {
                at: shanghai_datetime(r.try_get("at").map_err(internal)?),
                label: event_label(&kind).to_string(),
                by,
                text: r.try_get("body").map_err(internal)?,
                public: r.try_get::<i64, _>("public").map_err(internal)? == 1,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
        let actions: Vec<String> = allowed(&caller, &case)
            .into_iter()
            .map(String::from)
            .collect();
        let assignees = if actions.iter().any(|a| a == "assign") {
            let rows = match &case.handling_center {
                Some(c) => {
                    sqlx::query(
                        "SELECT id, display_name, role FROM staff_users
                     WHERE center_code = $1 AND disabled = 0 ORDER BY role, display_name",
                    )
                    .bind(c)
                    .fetch_all(&mut *conn)
                    .await
                }
                None => {
                    sqlx::query(
                        "SELECT id, display_name, role FROM staff_users
                     WHERE role = 'city_admin' AND disabled = 0 ORDER BY display_name",
                    )
                    .fetch_all(&mut *conn)
                    .await
                }
            }
            .map_err(internal)?;
            rows.iter()
                .map(|r| {
                    let role: String = r.try_get("role").map_err(internal)?;
                    let name: String = r.try_get("display_name").map_err(internal)?;
                    Ok((
                        r.try_get("id").map_err(internal)?,
                        format!(
                            "{name}（{}）",
                            Role::parse(&role).map(|r| r.label()).unwrap_or("")
                        ),
                    ))
                })
                .collect::<Result<Vec<_>, AppError>>()?
        } else {
            vec![]
        };
        let mut transfer_to: Vec<(String, String)> = vec![];
        if actions.iter().any(|a| a == "transfer") {
            if case.handling_center.is_some() {
                transfer_to.push(("city".into(), "市级".into()));
            }
            transfer_to.extend(
                self.portal
                    .model()
                    .centers
                    .iter()
                    .filter(|c| case.handling_center.as_deref() != Some(c.code.as_str()))
                    .map(|c| (c.code.clone(), c.center_name.clone())),
            );
        }
        let assignee = match case.assignee_id {
            Some(id) => self.staff_name(&mut conn, id).await?,
            None => None,
        };
        let photos = store::photos(&mut conn, case.id).await?;
        let phone_masked = match &case.phone_enc {
            Some(enc) => Some(mask_phone(
                &self.complaints.secrets().decrypt(enc).map_err(internal)?,
            )),
            None => None,
        };
        let now = now_ms();
        let (staff, consent) = case.filed_for.unzip();
        let on_behalf = crate::help::service::on_behalf_line(
            &mut conn,
            staff,
            consent,
            phone_masked.as_deref(),
        )
        .await?;
        Ok(ComplaintDetail {
            on_behalf,
            tracking_no: case.tracking_no.clone(),
            category_label: category_label(&case.category).to_string(),
            center_name: self.center_name(&case.center_code),
            about: self.citizen.about(&case),
            what: case.what.clone(),
            wants: case.wants.clone(),
            status: case.status.clone(),
            status_label: status_label(&case.status).to_string(),
            level_label: if case.handling_center.is_some() {
                "中心"
            } else {
                "市级"
            }
            .into(),
            handling_center: case.handling_center.as_deref().map(|c| self.center_name(c)),
            assignee,
            phone_masked,
            filed_at: shanghai_datetime(case.created_at),
            due_label: case
                .due_at()
                .map(|d| format!("{}前", due_day_label(d)))
                .unwrap_or_default(),
            overdue: case.overdue(now),
            reopened: case.reopened,
            resolution: case
                .resolution
                .as_deref()
                .map(|r| resolution_label(r).to_string()),
            rating: case.rating,
            photos,
            events,
            actions,
            assignees,
            transfer_to,
        })
    }

    async fn act(
        &self,
        parts: &Parts,
        tracking_no: &str,
        action: DeskAction,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(parts).await?;
        let no = normalize_tracking(tracking_no).ok_or(AppError::NotFound)?;
        // Texts are checked before anything is read: a bad form changes nothing.
        let text = match &action {
            DeskAction::Note { text }
            | DeskAction::Reply { text }
            | DeskAction::Answer { text } => check_text("text", text)?,
            DeskAction::Close { outcome } => check_text("text", outcome)?,
            DeskAction::Transfer { reason, .. } => check_text("text", reason)?,
            _ => String::new(),
        };
        let c = &self.complaints;
        let now = now_ms();
        // Transfers need new deadlines: read before the transaction.
        let category = {
            let mut conn = c.db().pool().acquire().await.map_err(internal)?;
            store::by_no(&mut conn, &no).await?.map(|k| k.category)
        };
        let deadlines = match (&action, category) {
            (DeskAction::Transfer { .. }, Some(cat)) => Some(c.deadlines_now(&cat, now).await?),
            _ => None,
        };
        let mut tx = c.db().pool().begin().await.map_err(internal)?;
        c.lock(&mut tx, &no).await?;
        let case = store::by_no(&mut tx, &no)
            .await?
            .ok_or(AppError::NotFound)?;
        if !in_scope(&caller, &case) {
            return Err(AppError::NotFound);
        }
        let code = action.code();
        if !allowed(&caller, &case).contains(&code) {
            // A step the status does not allow is a conflict; one the role does not, forbidden.
            return Err(if step_exists(&case.status, code) {
                AppError::Forbidden
            } else {
                not_now()
            });
        }
        let label = self.public_label(&caller);
        let me = Actor {
            id: Some(caller.id),
            label: &label,
        };
        // The status a step needs: the UPDATE's guard, so a concurrent step loses.
        let status = case.status.clone();
        let mut detail = String::new();
        let mut sms: Option<String> = None;
        match &action {
            DeskAction::Accept => {
                guarded(&mut tx, sqlx::query(
                    "UPDATE complaints SET status = 'accepted', assignee_id = COALESCE(assignee_id, $2), updated_at = $3
                     WHERE id = $1 AND status = 'received'",
                )
                .bind(case.id)
                .bind(caller.id)
                .bind(now)).await?;
                add_event(&mut tx, case.id, me, "accepted", true, "", now).await?;
                sms = Some(format!(
                    "您的投诉{no}已受理，{}前答复。",
                    due_day_label(case.answer_due_at)
                ));
            }
            DeskAction::Assign { staff_id } => {
                let target = sqlx::query(
                    "SELECT display_name, role, center_code FROM staff_users WHERE id = $1 AND disabled = 0",
                )
                .bind(staff_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(internal)?
                .ok_or_else(|| AppError::validation("staff_id", "请选择承办人"))?;
                let center: Option<String> = target.try_get("center_code").map_err(internal)?;
                let role: String = target.try_get("role").map_err(internal)?;
                let fits = match &case.handling_center {
                    Some(c) => center.as_deref() == Some(c.as_str()),
                    None => role == "city_admin",
                };
                if !fits {
                    return Err(AppError::validation(
                        "staff_id",
                        "只能指派给承办单位的工作人员",
                    ));
                }
                guarded(&mut tx, sqlx::query(
                    "UPDATE complaints SET assignee_id = $2, updated_at = $3 WHERE id = $1 AND status = $4",
                )
                .bind(case.id)
                .bind(staff_id)
                .bind(now)
                .bind(&status)).await?;
                let name: String = target.try_get("display_name").map_err(internal)?;
                detail = format!("指派给{name}");
                add_event(&mut tx, case.id, me, "assigned", false, &detail, now).await?;
            }
            DeskAction::Note { .. } => {
                touch(&mut tx, &case, &status, now).await?;
                add_event(&mut tx, case.id, me, "note", false, &text, now).await?;
            }
            DeskAction::Reply { .. } => {
                touch(&mut tx, &case, &status, now).await?;
                add_event(&mut tx, case.id, me, "reply", true, &text, now).await?;
                sms = Some(format!("您的投诉{no}有新的回复，请查看投诉进度。"));
            }
            DeskAction::Answer { .. } => {
                guarded(&mut tx, sqlx::query(
                    "UPDATE complaints SET status = 'answered', updated_at = $2 WHERE id = $1 AND status = 'accepted'",
                )
                .bind(case.id)
                .bind(now)).await?;
                add_event(&mut tx, case.id, me, "answered", true, &text, now).await?;
                sms = Some(format!(
                    "您的投诉{no}已答复，请查看投诉进度，并告诉我们问题是否已解决。"
                ));
            }
            DeskAction::Transfer { to, .. } => {
                let target: Option<String> = match to.trim() {
                    "city" => None,
                    code if self.portal.model().centers.iter().any(|c| c.code == code) => {
                        Some(code.to_string())
                    }
                    _ => return Err(AppError::validation("target", "请选择转办到哪里")),
                };
                if target == case.handling_center {
                    return Err(AppError::validation("target", "已由该单位办理"));
                }
                let (accept_due, answer_due) =
                    deadlines.ok_or_else(|| internal("transfer without deadlines"))?;
                guarded(&mut tx, sqlx::query(
                    "UPDATE complaints SET status = 'received', handling_center = $2, assignee_id = NULL,
                         accept_due_at = $3, answer_due_at = $4, overdue_stage = '', updated_at = $5
                     WHERE id = $1 AND status = $6",
                )
                .bind(case.id)
                .bind(&target)
                .bind(accept_due)
                .bind(answer_due)
                .bind(now)
                .bind(&status)).await?;
                let to_name = target
                    .as_deref()
                    .map(|t| self.center_name(t))
                    .unwrap_or_else(|| "市级".into());
                detail = format!("转办至{to_name}");
                add_event(
                    &mut tx,
                    case.id,
                    me,
                    "transferred",
                    true,
                    &format!("{detail}办理"),
                    now,
                )
                .await?;
                add_event(
                    &mut tx,
                    case.id,
                    me,
                    "note",
                    false,
                    &format!("转办原因：{text}"),
                    now,
                )
                .await?;
                sms = Some(format!(
                    "您的投诉{no}已转{to_name}办理，{}前答复。",
                    due_day_label(answer_due)
                ));
            }
            DeskAction::Merge { into } => {
                let into_no = normalize_tracking(into)
                    .ok_or_else(|| AppError::validation("target", "请输入要合并到的投诉编号"))?;
                let target = store::by_no(&mut tx, &into_no)
                    .await?
                    .filter(|t| in_scope(&caller, t) && t.open() && t.id != case.id)
                    .ok_or_else(|| {
                        AppError::validation(
                            "target",
                            "找不到可合并的投诉：须是本单位未办结的另一件",
                        )
                    })?;
                guarded(&mut tx, sqlx::query(
                    "UPDATE complaints SET status = 'merged', merged_into = $2, closed_at = $3, updated_at = $3
                     WHERE id = $1 AND status = $4",
                )
                .bind(case.id)
                .bind(target.id)
                .bind(now)
                .bind(&status)).await?;
                detail = format!("合并到{into_no}");
                add_event(
                    &mut tx,
                    case.id,
                    me,
                    "merged",
                    true,
                    "与反映同一问题的投诉合并办理，办理结果会一并答复。",
                    now,
                )
                .await?;
                add_event(&mut tx, case.id, me, "note", false, &detail, now).await?;
                add_event(
                    &mut tx,
                    target.id,
                    me,
                    "note",
                    false,
                    &format!("已合并{no}"),
                    now,
                )
                .await?;
                sms = Some(format!("您的投诉{no}已与反映同一问题的投诉合并办理。"));
            }
            DeskAction::Close { .. } => {
                guarded(
                    &mut tx,
                    sqlx::query(
                        "UPDATE complaints SET status = 'closed', closed_at = $2, updated_at = $2
                     WHERE id = $1 AND status = $3",
                    )
                    .bind(case.id)
                    .bind(now)
                    .bind(&status),
                )
                .await?;
                add_event(&mut tx, case.id, me, "closed", true, &text, now).await?;
                sms = Some(format!(
                    "您的投诉{no}已办结，请查看办理结果并评价我们的处理。"
                ));
            }
        }
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: &format!("complaint_{code}"),
                target_kind: "complaint",
                target_id: no.clone(),
                center: case.handling_center.as_deref(),
                detail,
            },
            now,
        )
        .await
        .map_err(internal)?;
        if let Some(text) = sms {
            c.tell_citizen(&mut tx, &case, &format!("complaint_{code}"), &text, now)
                .await?;
        }
        tx.commit().await.map_err(internal)?;
        Ok(())
    }
}

/// Runs a step's UPDATE, whose WHERE holds the status the step was allowed
/// in: no row changed means a concurrent step got there first.
async fn guarded<'q>(
    conn: &mut AnyConnection,
    update: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<(), AppError> {
    if crate::storage::changed_one(conn, update).await? {
        Ok(())
    } else {
        Err(not_now())
    }
}

/// Marks a case changed, guarded by the status the step was allowed in.
async fn touch(
    conn: &mut AnyConnection,
    case: &ComplaintRow,
    status: &str,
    now: i64,
) -> Result<(), AppError> {
    guarded(
        conn,
        sqlx::query("UPDATE complaints SET updated_at = $2 WHERE id = $1 AND status = $3")
            .bind(case.id)
            .bind(now)
            .bind(status),
    )
    .await
}
