//! The back office of 帮办代办 (implements `HelpDeskPort`): a center's queue
//! and the 电子监察 counts, assigning (by hand, or in turn among the center's
//! helpers), the helper's steps and the papers' hand-offs, and the audited
//! reveal of the citizen's number. Filing in a citizen's name: `filing`.
//!
//! Who may do what: every staff member of a center sees its requests (a city
//! admin: all); its admins (and a city admin) assign; the assigned helper or
//! an admin takes the steps; anyone of the center adds internal notes.

use super::consent;
use super::requests::{self, HelpRecord, HelpRequests};
use super::service::on_behalf_line;
use crate::accounts::{internal, Accounts, Caller};
use crate::audit::{self, Action};
use crate::complaints::Actor;
use crate::portal::Portal;
use crate::time::{now_ms, shanghai_datetime};
use app::complaints::StaffEvent;
use app::error::AppError;
use app::help::port::HelpDeskPort;
use app::help::*;
use app::identity::account::Role;
use app::identity::mask_phone;
use http::request::Parts;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;

pub struct HelpDesk {
    requests: Arc<HelpRequests>,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
}

fn not_now() -> AppError {
    AppError::Conflict("这份申请当前状态下不能进行这一步，请刷新页面后再看".into())
}

/// A reveal shows the number for this long after it was recorded.
const REVEAL_MS: i64 = 5 * 60_000;

/// Runs a step's UPDATE, whose WHERE holds the statuses the step is allowed
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

/// The helpers of a center who may be assigned work, by id.
async fn helpers_of(
    conn: &mut AnyConnection,
    center: &str,
) -> Result<Vec<(i64, String)>, AppError> {
    sqlx::query(
        "SELECT id, display_name FROM staff_users
         WHERE role = 'helper' AND center_code = $1 AND disabled = 0 ORDER BY id",
    )
    .bind(center)
    .fetch_all(conn)
    .await
    .map_err(internal)?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()
    .map_err(internal)
}

impl HelpDesk {
    pub fn new(
        requests: Arc<HelpRequests>,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
    ) -> HelpDesk {
        HelpDesk {
            requests,
            accounts,
            portal,
        }
    }

    fn sees(caller: &Caller, center: &str) -> bool {
        caller.role == Role::CityAdmin || caller.center_code.as_deref() == Some(center)
    }

    /// The request, if the caller works at its center; NotFound otherwise
    /// (another center's numbers are not confirmed to exist).
    async fn visible(&self, caller: &Caller, no: &str) -> Result<HelpRecord, AppError> {
        let no = normalize_help_no(no).ok_or(AppError::NotFound)?;
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        match requests::by_no(&mut conn, &no).await? {
            Some(row) if Self::sees(caller, &row.center_code) => Ok(row),
            _ => Err(AppError::NotFound),
        }
    }

    /// What `caller` may do on `row` now.
    fn actions(caller: &Caller, row: &HelpRecord) -> Vec<String> {
        let admin = caller.administers(&row.center_code);
        let mine = row.assignee_id == Some(caller.id);
        let worker = admin || mine;
        let mut a: Vec<&str> = Vec::new();
        let s = row.status.as_str();
        if admin && matches!(s, "submitted" | "assigned" | "contacted" | "in_progress") {
            a.push("assign");
        }
        if worker {
            match s {
                "assigned" => a.extend(["contact", "receive"]),
                "contacted" => a.push("receive"),
                "in_progress" => a.extend(["handoff", "result"]),
                "result_ready" => a.extend(["handoff", "done"]),
                _ => {}
            }
            if is_open(s) {
                a.push("cancel");
            }
            a.push("reveal");
        }
        a.push("note");
        a.into_iter().map(str::to_string).collect()
    }

    /// The citizen's label for a staff member taking a step.
    fn label(caller: &Caller) -> &'static str {
        match caller.role {
            Role::Helper => "帮办员",
            Role::Window => "窗口工作人员",
            Role::CenterAdmin => "服务中心",
            Role::CityAdmin => "市政务服务管理部门",
        }
    }

    /// Assigns `row` to `helper` in `conn`'s transaction: the guarded UPDATE
    /// (`only_unassigned` for the round robin), the step, the SMS.
    async fn assign_in(
        &self,
        conn: &mut AnyConnection,
        caller: &Caller,
        row: &HelpRecord,
        helper: i64,
        only_unassigned: bool,
        now: i64,
    ) -> Result<bool, AppError> {
        let sql = if only_unassigned {
            "UPDATE help_requests SET assignee_id = $2, status = 'assigned', updated_at = $3
             WHERE id = $1 AND status = 'submitted' AND assignee_id IS NULL"
        } else {
            "UPDATE help_requests SET assignee_id = $2, updated_at = $3,
                 status = CASE WHEN status = 'submitted' THEN 'assigned' ELSE status END
             WHERE id = $1 AND status IN ('submitted', 'assigned', 'contacted', 'in_progress')"
        };
        let n = sqlx::query(sql)
            .bind(row.id)
            .bind(helper)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(internal)?
            .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        let model = self.portal.model();
        let (name, phone) = requests::helper_contact(conn, &model, helper).await?;
        let body = if phone.is_empty() {
            format!("帮办员：{name}")
        } else {
            format!("帮办员：{name}，工作电话：{phone}")
        };
        let actor = Actor {
            id: Some(caller.id),
            label: Self::label(caller),
        };
        requests::add_event(conn, row.id, actor, "assigned", true, &body, now).await?;
        self.requests
            .tell(
                conn,
                row,
                &format!(
                    "您的帮办申请{}由帮办员{name}负责{}，将尽快与您联系。",
                    row.tracking_no,
                    if phone.is_empty() {
                        String::new()
                    } else {
                        format!("（电话{phone}）")
                    }
                ),
                now,
            )
            .await?;
        Ok(true)
    }
}

#[async_trait::async_trait]
impl HelpDeskPort for HelpDesk {
    async fn queue(
        &self,
        parts: &Parts,
        scope: Option<String>,
        queue: Option<String>,
    ) -> Result<HelpQueue, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let model = self.portal.model();
        let city = caller.role == Role::CityAdmin;
        let scopes: Vec<(String, String)> = model
            .centers
            .iter()
            .filter(|c| city || caller.center_code.as_deref() == Some(c.code.as_str()))
            .map(|c| (c.code.clone(), c.center_name.clone()))
            .collect();
        let scope = scope
            .filter(|s| scopes.iter().any(|(c, _)| c == s))
            .or_else(|| caller.center_code.clone())
            .or_else(|| caller.viewing_center(&model))
            .or_else(|| scopes.first().map(|(c, _)| c.clone()))
            .ok_or(AppError::NotFound)?;
        let default_queue = if caller.role == Role::Helper {
            "mine"
        } else {
            "unassigned"
        };
        let queue = queue
            .filter(|q| QUEUES.iter().any(|(c, _)| c == q))
            .unwrap_or_else(|| default_queue.to_string());
        let now = now_ms();
        let filter = match queue.as_str() {
            "unassigned" => "status = 'submitted'",
            "mine" => "assignee_id = $2 AND status IN ('assigned', 'contacted', 'in_progress', 'result_ready')",
            "overdue" => "status = 'submitted' AND assign_due_at <= $2",
            _ => "status IN ('submitted', 'assigned', 'contacted', 'in_progress', 'result_ready')",
        };
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let sql = format!(
            "SELECT {} FROM help_requests WHERE center_code = $1 AND {filter}
             ORDER BY assign_due_at, created_at, id LIMIT 200",
            requests::FIELDS
        );
        let mut query = sqlx::query(&sql).bind(&scope);
        match queue.as_str() {
            "mine" => query = query.bind(caller.id),
            "overdue" => query = query.bind(now),
            _ => {}
        }
        let rows = query.fetch_all(&mut *conn).await.map_err(internal)?;
        let mut out = Vec::new();
        for r in &rows {
            let row = requests::row(r).map_err(internal)?;
            let assignee = match row.assignee_id {
                Some(id) => Some(consent::helper_name(&mut conn, id).await?),
                None => None,
            };
            let phone = self
                .requests
                .secrets()
                .decrypt(&row.phone_enc)
                .map_err(internal)?;
            let unassigned = row.status == "submitted";
            out.push(HelpRow {
                mode_label: mode_label(&row.mode).to_string(),
                about: requests::about(&model, &row),
                place: requests::place(&mut conn, &model, &row).await?,
                status_label: status_label(&row.status).to_string(),
                assignee,
                filed_at: shanghai_datetime(row.created_at),
                due_label: if unassigned {
                    format!(
                        "{}前分派",
                        crate::complaints::due_day_label(row.assign_due_at)
                    )
                } else {
                    requests::when_label(&row.when_suits).to_string()
                },
                overdue: unassigned && row.assign_due_at <= now,
                phone_masked: mask_phone(&phone),
                tracking_no: row.tracking_no,
            });
        }
        let mut counts = Vec::new();
        for (code, name) in &scopes {
            let r = sqlx::query(
                "SELECT
                    COALESCE(SUM(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END), 0) AS unassigned,
                    COALESCE(SUM(CASE WHEN status IN ('submitted', 'assigned', 'contacted', 'in_progress', 'result_ready') THEN 1 ELSE 0 END), 0) AS open,
                    COALESCE(SUM(CASE WHEN status = 'submitted' AND assign_due_at <= $2 THEN 1 ELSE 0 END), 0) AS overdue
                 FROM help_requests WHERE center_code = $1",
            )
            .bind(code)
            .bind(now)
            .fetch_one(&mut *conn)
            .await
            .map_err(internal)?;
            counts.push(HelpCounts {
                code: code.clone(),
                name: name.clone(),
                unassigned: r.try_get("unassigned").map_err(internal)?,
                open: r.try_get("open").map_err(internal)?,
                overdue: r.try_get("overdue").map_err(internal)?,
            });
        }
        let work_phone: Option<String> =
            sqlx::query("SELECT work_phone FROM staff_users WHERE id = $1")
                .bind(caller.id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(internal)?
                .map(|r| r.try_get(0))
                .transpose()
                .map_err(internal)?
                .flatten();
        Ok(HelpQueue {
            may_assign: caller.administers(&scope),
            scope,
            scopes,
            queue,
            rows: out,
            counts,
            work_phone,
        })
    }

    async fn detail(
        &self,
        parts: &Parts,
        tracking_no: &str,
        shown: bool,
    ) -> Result<HelpDetail, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let row = self.visible(&caller, tracking_no).await?;
        let model = self.portal.model();
        let now = now_ms();
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let phone = self
            .requests
            .secrets()
            .decrypt(&row.phone_enc)
            .map_err(internal)?;
        // The full number only within minutes of this caller's audited reveal.
        let phone_full = if shown {
            let revealed = sqlx::query(
                "SELECT 1 FROM audit_log WHERE action = 'help_reveal_phone' AND actor_id = $1
                 AND target_id = $2 AND at > $3",
            )
            .bind(caller.id)
            .bind(&row.tracking_no)
            .bind(now - REVEAL_MS)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?
            .is_some();
            revealed.then(|| phone.clone())
        } else {
            None
        };
        let events = sqlx::query(
            "SELECT e.at, e.kind, e.public, e.actor_label, e.body, s.display_name
             FROM help_events e LEFT JOIN staff_users s ON s.id = e.actor_id
             WHERE e.request_id = $1 ORDER BY e.at, e.id",
        )
        .bind(row.id)
        .fetch_all(&mut *conn)
        .await
        .map_err(internal)?
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let label: String = r.try_get("actor_label")?;
            let name: Option<String> = r.try_get("display_name")?;
            Ok(StaffEvent {
                at: shanghai_datetime(r.try_get("at")?),
                label: requests::event_label(&kind).to_string(),
                by: match name {
                    Some(n) => format!("{n}（{label}）"),
                    None if label == "您" => "群众".to_string(),
                    None => label,
                },
                text: r.try_get("body")?,
                public: r.try_get::<i64, _>("public")? == 1,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(internal)?;
        let mut materials: Vec<(String, bool)> = requests::item_materials(&model, row.seq)
            .into_iter()
            .map(|m| {
                let has = row.materials.contains(&m);
                (m, has)
            })
            .collect();
        for m in &row.materials {
            if !materials.iter().any(|(n, _)| n == m) {
                materials.push((m.clone(), true));
            }
        }
        let assignee = match row.assignee_id {
            Some(id) => Some(consent::helper_name(&mut conn, id).await?),
            None => None,
        };
        let citizen = mask_phone(&phone);
        let on_behalf =
            on_behalf_line(&mut conn, row.filed_by, row.consent_id, Some(&citizen)).await?;
        let helpers = if caller.administers(&row.center_code) {
            helpers_of(&mut conn, &row.center_code).await?
        } else {
            vec![]
        };
        let place = requests::place(&mut conn, &model, &row).await?;
        drop(conn);
        let unassigned = row.status == "submitted";
        Ok(HelpDetail {
            tracking_no: row.tracking_no.clone(),
            mode_label: mode_label(&row.mode).to_string(),
            visit_reason: row
                .visit_reason
                .as_deref()
                .and_then(|r| app::text::label_in(&VISIT_REASONS, r))
                .map(str::to_string),
            about: requests::about(&model, &row),
            situation: row.situation.clone(),
            center_code: row.center_code.clone(),
            place,
            when_label: requests::when_label(&row.when_suits).to_string(),
            status: row.status.clone(),
            status_label: status_label(&row.status).to_string(),
            assignee,
            phone_masked: citizen,
            phone_full,
            filed_at: shanghai_datetime(row.created_at),
            due_label: if unassigned {
                format!(
                    "{}前分派",
                    crate::complaints::due_day_label(row.assign_due_at)
                )
            } else {
                String::new()
            },
            overdue: unassigned && row.assign_due_at <= now,
            materials,
            notes: row.notes.clone(),
            holder: row.holder.clone(),
            handoffs: self.requests.handoffs(row.id).await?,
            events,
            actions: Self::actions(&caller, &row),
            helpers,
            rating: row.rating,
            on_behalf,
        })
    }

    async fn act(
        &self,
        parts: &Parts,
        tracking_no: &str,
        action: HelpAction,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(parts).await?;
        // Texts are checked before anything is read: a bad form changes nothing.
        match &action {
            HelpAction::Cancel { reason } => {
                check_step_text("text", reason, true)?;
            }
            HelpAction::Note { text } => {
                check_step_text("text", text, true)?;
            }
            HelpAction::Contact { note }
            | HelpAction::Receive { note }
            | HelpAction::Done { note } => {
                check_step_text("text", note, false)?;
            }
            HelpAction::Handoff {
                to_place,
                to_name,
                note,
            } => {
                check_step_text("text", note, false)?;
                if app::text::label_in(&PLACES, to_place.as_str()).is_none() {
                    return Err(AppError::validation("place", "请选择材料交到哪里"));
                }
                let n = to_name.trim().chars().count();
                if n == 0 || n > 30 {
                    return Err(AppError::validation("name", "请填写接收人的姓名"));
                }
            }
            HelpAction::Result { delivery, note } => {
                let note = check_step_text("text", note, false)?;
                if app::text::label_in(&DELIVERIES, delivery.as_str()).is_none() {
                    return Err(AppError::validation("place", "请选择结果怎样交给群众"));
                }
                if delivery == "mail" && note.is_empty() {
                    return Err(AppError::validation("text", "邮寄请填写快递单号"));
                }
            }
            HelpAction::Assign { .. } => {}
        }
        let row = self.visible(&caller, tracking_no).await?;
        let allowed = Self::actions(&caller, &row);
        if !allowed.iter().any(|a| a == action.code()) {
            // Another center's staff never get here (NotFound above); the
            // center's own may lack the role or the step may not apply now.
            let worker = caller.administers(&row.center_code) || row.assignee_id == Some(caller.id);
            return Err(if worker {
                not_now()
            } else {
                AppError::Forbidden
            });
        }
        let now = now_ms();
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        let row = self.requests.lock(&mut tx, &row.tracking_no).await?;
        let actor = Actor {
            id: Some(caller.id),
            label: Self::label(&caller),
        };
        let no = row.tracking_no.clone();
        let detail = match &action {
            HelpAction::Assign { staff_id } => {
                let helpers = helpers_of(&mut tx, &row.center_code).await?;
                let Some((_, name)) = helpers.iter().find(|(id, _)| id == staff_id) else {
                    return Err(AppError::validation("staff_id", "请选择本中心的帮办员"));
                };
                if !self
                    .assign_in(&mut tx, &caller, &row, *staff_id, false, now)
                    .await?
                {
                    return Err(not_now());
                }
                format!("分派给{name}")
            }
            HelpAction::Contact { note } => {
                let note = note.trim();
                guarded(
                    &mut tx,
                    sqlx::query(
                        "UPDATE help_requests SET status = 'contacted', updated_at = $2
                         WHERE id = $1 AND status = 'assigned'",
                    )
                    .bind(row.id)
                    .bind(now),
                )
                .await?;
                requests::add_event(&mut tx, row.id, actor, "contacted", true, note, now).await?;
                self.requests
                    .tell(
                        &mut tx,
                        &row,
                        &format!("帮办员已就帮办申请{no}与您联系。{note}"),
                        now,
                    )
                    .await?;
                String::new()
            }
            HelpAction::Receive { note } => {
                let note = note.trim();
                // The papers are now where the request is handled.
                let holder = if row.station_id.is_some() {
                    place_label("station")
                } else {
                    place_label("center")
                };
                guarded(
                    &mut tx,
                    sqlx::query(
                        "UPDATE help_requests SET status = 'in_progress', holder = $3, updated_at = $2
                         WHERE id = $1 AND status IN ('assigned', 'contacted')",
                    )
                    .bind(row.id)
                    .bind(now)
                    .bind(holder),
                )
                .await?;
                sqlx::query(
                    "INSERT INTO help_handoffs (request_id, at, from_place, to_place, from_name, to_name, staff_id, note)
                     VALUES ($1, $2, '群众本人', $3, '群众本人', $4, $5, $6)",
                )
                .bind(row.id)
                .bind(now)
                .bind(holder)
                .bind(&caller.display_name)
                .bind(caller.id)
                .bind(note)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
                requests::add_event(&mut tx, row.id, actor, "received", true, note, now).await?;
                self.requests
                    .tell(
                        &mut tx,
                        &row,
                        &format!("帮办员已收到您的材料，帮办申请{no}开始办理。"),
                        now,
                    )
                    .await?;
                String::new()
            }
            HelpAction::Handoff {
                to_place,
                to_name,
                note,
            } => {
                let to = place_label(to_place);
                let from = row.holder.clone().unwrap_or_else(|| "群众本人".into());
                let back = to_place == "citizen";
                guarded(
                    &mut tx,
                    sqlx::query(
                        "UPDATE help_requests SET holder = $3, updated_at = $2
                         WHERE id = $1 AND status IN ('in_progress', 'result_ready')",
                    )
                    .bind(row.id)
                    .bind(now)
                    .bind(to),
                )
                .await?;
                sqlx::query(
                    "INSERT INTO help_handoffs (request_id, at, from_place, to_place, from_name, to_name, staff_id, note)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(row.id)
                .bind(now)
                .bind(&from)
                .bind(to)
                .bind(&caller.display_name)
                .bind(to_name.trim())
                .bind(caller.id)
                .bind(note.trim())
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
                let body = format!("材料由{from}交至{to}");
                requests::add_event(&mut tx, row.id, actor, "handoff", true, &body, now).await?;
                let text = if back {
                    format!("您的材料（帮办申请{no}）已交还您本人。")
                } else {
                    format!("您的材料（帮办申请{no}）已交至{to}。")
                };
                self.requests.tell(&mut tx, &row, &text, now).await?;
                format!("{from} → {to}")
            }
            HelpAction::Result { delivery, note } => {
                let how = app::text::label_in(&DELIVERIES, delivery.as_str()).unwrap_or("");
                let note = note.trim();
                guarded(
                    &mut tx,
                    sqlx::query(
                        "UPDATE help_requests SET status = 'result_ready', updated_at = $2
                         WHERE id = $1 AND status = 'in_progress'",
                    )
                    .bind(row.id)
                    .bind(now),
                )
                .await?;
                let body = if note.is_empty() {
                    how.to_string()
                } else {
                    format!("{how}：{note}")
                };
                requests::add_event(&mut tx, row.id, actor, "result_ready", true, &body, now)
                    .await?;
                self.requests
                    .tell(
                        &mut tx,
                        &row,
                        &format!("您的帮办申请{no}已办好，{body}。"),
                        now,
                    )
                    .await?;
                how.to_string()
            }
            HelpAction::Done { note } => {
                let note = note.trim();
                guarded(
                    &mut tx,
                    sqlx::query(
                        "UPDATE help_requests SET status = 'done', updated_at = $2
                         WHERE id = $1 AND status = 'result_ready'",
                    )
                    .bind(row.id)
                    .bind(now),
                )
                .await?;
                requests::add_event(&mut tx, row.id, actor, "done", true, note, now).await?;
                self.requests
                    .tell(
                        &mut tx,
                        &row,
                        &format!(
                            "您的帮办申请{no}已办结。欢迎在“我的”页面或凭编号查询后评价这次服务。"
                        ),
                        now,
                    )
                    .await?;
                String::new()
            }
            HelpAction::Cancel { reason } => {
                let reason = reason.trim();
                guarded(
                    &mut tx,
                    sqlx::query(
                        "UPDATE help_requests SET status = 'cancelled', updated_at = $2
                         WHERE id = $1 AND status IN ('submitted', 'assigned', 'contacted', 'in_progress', 'result_ready')",
                    )
                    .bind(row.id)
                    .bind(now),
                )
                .await?;
                requests::add_event(&mut tx, row.id, actor, "cancelled", true, reason, now).await?;
                self.requests
                    .tell(
                        &mut tx,
                        &row,
                        &format!("您的帮办申请{no}已取消：{reason}"),
                        now,
                    )
                    .await?;
                String::new()
            }
            HelpAction::Note { text } => {
                requests::add_event(&mut tx, row.id, actor, "note", false, text.trim(), now)
                    .await?;
                String::new()
            }
        };
        let audit_action = format!("help_{}", action.code());
        requests::audit(&mut tx, &caller, &audit_action, &row, detail, now).await?;
        tx.commit().await.map_err(internal)?;
        tracing::info!(
            help = row.id,
            step = action.code(),
            staff = caller.id,
            "help request step"
        );
        Ok(())
    }

    async fn auto_assign(&self, parts: &Parts, center: &str) -> Result<i64, AppError> {
        let caller = self.accounts.caller(parts).await?;
        if self.portal.model().center(center).is_none() {
            return Err(AppError::NotFound);
        }
        if !caller.administers(center) {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        // The center's turn row: written first, so concurrent auto-assigns of
        // one center run one after the other (SQLite's write lock; the row
        // lock in PostgreSQL), each seeing the other's assignments.
        sqlx::query(
            "INSERT INTO help_turns (center_code, turn) VALUES ($1, 0) ON CONFLICT (center_code) DO NOTHING",
        )
        .bind(center)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        let turn: i64 =
            sqlx::query("UPDATE help_turns SET turn = turn WHERE center_code = $1 RETURNING turn")
                .bind(center)
                .fetch_one(&mut *tx)
                .await
                .map_err(internal)?
                .try_get(0)
                .map_err(internal)?;
        let helpers = helpers_of(&mut tx, center).await?;
        if helpers.is_empty() {
            return Err(AppError::validation(
                "center",
                "本中心还没有帮办员账号，请先在“人员管理”中添加帮办员",
            ));
        }
        let waiting: Vec<HelpRecord> = sqlx::query(&format!(
            "SELECT {} FROM help_requests WHERE center_code = $1 AND status = 'submitted'
             AND assignee_id IS NULL ORDER BY created_at, id",
            requests::FIELDS
        ))
        .bind(center)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal)?
        .iter()
        .map(requests::row)
        .collect::<Result<_, _>>()
        .map_err(internal)?;
        let mut assigned = 0i64;
        for row in &waiting {
            let (helper, _) = &helpers[((turn + assigned) as usize) % helpers.len()];
            if self
                .assign_in(&mut tx, &caller, row, *helper, true, now)
                .await?
            {
                assigned += 1;
            }
        }
        sqlx::query("UPDATE help_turns SET turn = turn + $2 WHERE center_code = $1")
            .bind(center)
            .bind(assigned)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "help_auto_assign",
                target_kind: "center",
                target_id: center.to_string(),
                center: Some(center),
                detail: format!("自动分派{assigned}件"),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(assigned)
    }

    async fn reveal_phone(&self, parts: &Parts, tracking_no: &str) -> Result<(), AppError> {
        let caller = self.accounts.caller(parts).await?;
        let row = self.visible(&caller, tracking_no).await?;
        if !Self::actions(&caller, &row).iter().any(|a| a == "reveal") {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        requests::audit(
            &mut conn,
            &caller,
            "help_reveal_phone",
            &row,
            "查看群众完整手机号".into(),
            now,
        )
        .await
    }

    async fn set_work_phone(&self, parts: &Parts, phone: &str) -> Result<(), AppError> {
        let caller = self.accounts.caller(parts).await?;
        let phone = phone.trim();
        if phone.is_empty() || !is_service_phone(phone) {
            return Err(AppError::validation(
                "phone",
                "请填写工作电话：只能包含数字、空格和“-”",
            ));
        }
        let now = now_ms();
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        sqlx::query("UPDATE staff_users SET work_phone = $2 WHERE id = $1")
            .bind(caller.id)
            .bind(phone)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "work_phone",
                target_kind: "staff_user",
                target_id: caller.id.to_string(),
                center: caller.center_code.as_deref(),
                detail: String::new(),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }
}
