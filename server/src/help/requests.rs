//! Help requests as stored, and what the citizen's and the staff's sides
//! share: filing one (by the citizen, or by a helper under a consent), its
//! timeline, the SMS to the citizen, the form's choices. Every step is one
//! transaction: a conditional UPDATE on the status (so two people cannot both
//! take a step), its timeline event, the audit record and the SMS.

use crate::accounts::{internal, Caller};
use crate::audit::{self, Action};
use crate::calendar::WorkCalendar;
use crate::complaints::Actor;
use crate::crypto::Secrets;
use crate::notify::{self, OutboxMessage};
use crate::portal::ReadModel;
use crate::storage::{is_unique_violation, Db};
use app::error::AppError;
use app::help::*;
use app::identity::Phone;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;

pub struct HelpRequests {
    db: Db,
    secrets: Arc<Secrets>,
}

/// A request as stored; holds the phone's ciphertext (not a wire type).
#[derive(Clone, Debug)]
pub struct HelpRecord {
    pub id: i64,
    pub tracking_no: String,
    pub mode: String,
    pub visit_reason: Option<String>,
    pub seq: Option<i32>,
    pub situation: String,
    pub center_code: String,
    pub station_id: Option<i64>,
    pub when_suits: String,
    pub phone_key: String,
    pub phone_enc: String,
    pub materials: Vec<String>,
    pub notes: String,
    pub status: String,
    pub assignee_id: Option<i64>,
    pub assign_due_at: i64,
    pub holder: Option<String>,
    pub rating: Option<i32>,
    pub filed_by: Option<i64>,
    pub consent_id: Option<i64>,
    pub created_at: i64,
}

pub const FIELDS: &str = "id, tracking_no, mode, visit_reason, seq, situation, center_code,
    station_id, when_suits, phone_key, phone_enc, materials, notes, status, assignee_id,
    assign_due_at, holder, rating, filed_by, consent_id, created_at";

pub fn row(r: &sqlx::any::AnyRow) -> Result<HelpRecord, sqlx::Error> {
    let materials: String = r.try_get("materials")?;
    Ok(HelpRecord {
        id: r.try_get("id")?,
        tracking_no: r.try_get("tracking_no")?,
        mode: r.try_get("mode")?,
        visit_reason: r.try_get("visit_reason")?,
        seq: r.try_get::<Option<i64>, _>("seq")?.map(|s| s as i32),
        situation: r.try_get("situation")?,
        center_code: r.try_get("center_code")?,
        station_id: r.try_get("station_id")?,
        when_suits: r.try_get("when_suits")?,
        phone_key: r.try_get("phone_key")?,
        phone_enc: r.try_get("phone_enc")?,
        materials: materials
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        notes: r.try_get("notes")?,
        status: r.try_get("status")?,
        assignee_id: r.try_get("assignee_id")?,
        assign_due_at: r.try_get("assign_due_at")?,
        holder: r.try_get("holder")?,
        rating: r.try_get::<Option<i64>, _>("rating")?.map(|s| s as i32),
        filed_by: r.try_get("filed_by")?,
        consent_id: r.try_get("consent_id")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn by_no(conn: &mut AnyConnection, no: &str) -> Result<Option<HelpRecord>, AppError> {
    sqlx::query(&format!(
        "SELECT {FIELDS} FROM help_requests WHERE tracking_no = $1"
    ))
    .bind(no)
    .fetch_optional(conn)
    .await
    .map_err(internal)?
    .map(|r| row(&r))
    .transpose()
    .map_err(internal)
}

/// A new request number: `BB-` and 8 characters of the complaints' alphabet.
pub fn new_help_no() -> String {
    let no = crate::complaints::new_tracking_no();
    format!("BB{}", &no[2..])
}

/// The item's materials, from its published guide (empty without one).
pub fn item_materials(model: &ReadModel, seq: Option<i32>) -> Vec<String> {
    seq.and_then(|s| model.item_detail(s))
        .and_then(|d| d.guide)
        .map(|g| g.content.materials.into_iter().map(|m| m.name).collect())
        .unwrap_or_default()
}

/// Appends a step to a request's timeline; `public` steps are the citizen's.
pub async fn add_event(
    conn: &mut AnyConnection,
    request_id: i64,
    actor: Actor<'_>,
    kind: &str,
    public: bool,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO help_events (request_id, at, kind, public, actor_id, actor_label, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(request_id)
    .bind(now)
    .bind(kind)
    .bind(public as i64)
    .bind(actor.id)
    .bind(actor.label)
    .bind(body)
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(())
}

pub fn event_label(kind: &str) -> &'static str {
    match kind {
        "submitted" => "已提交",
        "filed_for" => "工作人员代您提交",
        "assigned" => "已安排帮办员",
        "contacted" => "帮办员已联系您",
        "received" => "材料已收到，开始办理",
        "handoff" => "材料交接",
        "result_ready" => "办好了",
        "done" => "已办结",
        "cancelled" => "已取消",
        "rated" => "您的评价",
        "note" => "内部备注",
        _ => "进展",
    }
}

/// What happens next, in plain words, for the citizen.
pub fn next_step(row: &HelpRecord) -> String {
    match row.status.as_str() {
        "submitted" => "我们会在1个工作日内安排帮办员，帮办员会打电话与您联系，请留意来电。".into(),
        "assigned" => "帮办员会尽快打电话与您联系，约定时间和需要准备的材料。".into(),
        "contacted" => match row.mode.as_str() {
            "visit" => "请在约定的时间在家等候帮办员上门。".into(),
            "proxy" => "请按约定把材料交给帮办员，交接后可以在本页看到材料在哪里。".into(),
            _ => "请在约定的时间带上材料到约定地点，帮办员会陪您办理。".into(),
        },
        "in_progress" => "正在办理中，材料在哪里、交给了谁，本页都会更新。".into(),
        "result_ready" => "办好了，请按下方说明领取或留意邮件；收到后帮办员会办结。".into(),
        "done" => "已办结。欢迎您对这次帮办服务作出评价。".into(),
        "cancelled" => "本次申请已取消。如仍需帮助，可以重新申请。".into(),
        _ => String::new(),
    }
}

/// The staff member's name and work phone, as the citizen is told them.
pub async fn helper_contact(
    conn: &mut AnyConnection,
    model: &ReadModel,
    staff_id: i64,
) -> Result<(String, String), AppError> {
    let r =
        sqlx::query("SELECT display_name, work_phone, center_code FROM staff_users WHERE id = $1")
            .bind(staff_id)
            .fetch_one(conn)
            .await
            .map_err(internal)?;
    let name: String = r.try_get(0).map_err(internal)?;
    let phone: Option<String> = r.try_get(1).map_err(internal)?;
    let center: Option<String> = r.try_get(2).map_err(internal)?;
    // Without a work phone of their own, the center's public number.
    let phone = phone.filter(|p| !p.trim().is_empty()).unwrap_or_else(|| {
        center
            .and_then(|c| model.center(&c).map(|c| c.phone.clone()))
            .unwrap_or_default()
    });
    Ok((name, phone))
}

/// Where the request is handled: the center, or one of its stations.
pub async fn place(
    conn: &mut AnyConnection,
    model: &ReadModel,
    row: &HelpRecord,
) -> Result<String, AppError> {
    let center = model
        .center(&row.center_code)
        .map(|c| c.center_name.clone())
        .unwrap_or_default();
    let Some(station) = row.station_id else {
        return Ok(center);
    };
    let name: Option<String> = sqlx::query("SELECT name FROM stations WHERE id = $1")
        .bind(station)
        .fetch_optional(conn)
        .await
        .map_err(internal)?
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(internal)?;
    Ok(match name {
        Some(n) => format!("{center} · {n}"),
        None => center,
    })
}

/// What a request is about, in words.
pub fn about(model: &ReadModel, row: &HelpRecord) -> String {
    match row.seq.and_then(|s| model.item(s)) {
        Some(item) => item.business_item.clone(),
        None => {
            let s: String = row.situation.chars().take(40).collect();
            format!("不确定事项：{s}")
        }
    }
}

pub fn when_label(code: &str) -> &'static str {
    app::text::label_in(&WHEN_SUITS, code).unwrap_or("")
}

/// The audit record of a step on a request, in `conn`'s transaction.
pub async fn audit(
    conn: &mut AnyConnection,
    caller: &Caller,
    action: &str,
    row: &HelpRecord,
    detail: String,
    now: i64,
) -> Result<(), AppError> {
    audit::record(
        conn,
        caller,
        Action {
            action,
            target_kind: "help_request",
            target_id: row.tracking_no.clone(),
            center: Some(&row.center_code),
            detail,
        },
        now,
    )
    .await
    .map_err(internal)
}

/// A filing by a helper: who, and under which consent.
#[derive(Clone, Copy)]
pub struct FiledFor<'a> {
    pub staff_id: i64,
    pub staff_name: &'a str,
    pub consent_id: i64,
}

impl HelpRequests {
    pub fn new(db: Db, secrets: Arc<Secrets>) -> HelpRequests {
        HelpRequests { db, secrets }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Checks a request against the catalog and the center's stations, after
    /// the form's own rules: the item exists, the station is the center's and
    /// in service, and the materials ticked are the item's.
    pub async fn check(
        &self,
        model: &ReadModel,
        form: &mut NewHelpRequest,
    ) -> Result<(), AppError> {
        validate_help(form)?;
        if model.center(&form.center).is_none() {
            return Err(AppError::validation("center", "请选择服务中心"));
        }
        if let Some(seq) = form.seq {
            if model.item(seq).is_none() {
                return Err(AppError::validation("seq", "请选择要办的事项"));
            }
        }
        if let Some(station) = form.station {
            let ok = sqlx::query(
                "SELECT 1 FROM stations WHERE id = $1 AND center_code = $2 AND retired_at IS NULL",
            )
            .bind(station)
            .bind(&form.center)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?
            .is_some();
            if !ok {
                return Err(AppError::validation(
                    "station",
                    "请选择这个服务中心下的服务站，或选择到服务中心办理",
                ));
            }
        }
        let known = item_materials(model, form.seq);
        form.materials.retain(|m| known.contains(m));
        Ok(())
    }

    /// One working day from `now` on the city calendar: the assign-by time.
    pub async fn assign_due(&self, now: i64) -> Result<i64, AppError> {
        let cal = WorkCalendar::load(&self.db).await.map_err(internal)?;
        Ok(cal.deadline_ms(now, 1))
    }

    /// Files a checked request in `conn`'s transaction: a fresh number, the
    /// first timeline step and the SMS with the number.
    pub async fn insert(
        &self,
        conn: &mut AnyConnection,
        form: &NewHelpRequest,
        phone: (&str, &Phone),
        filed: Option<FiledFor<'_>>,
        assign_due: i64,
        now: i64,
    ) -> Result<HelpRecord, AppError> {
        let phone_enc = self.secrets.encrypt(phone.1.as_str());
        let mut tries = 0;
        let id: i64 = loop {
            let no = new_help_no();
            let inserted = sqlx::query(
                "INSERT INTO help_requests (tracking_no, mode, visit_reason, seq, situation, center_code,
                     station_id, when_suits, phone_key, phone_enc, materials, notes, status,
                     assign_due_at, filed_by, consent_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'submitted', $13, $14, $15, $16, $16)
                 RETURNING id",
            )
            .bind(&no)
            .bind(&form.mode)
            .bind(&form.visit_reason)
            .bind(form.seq.map(i64::from))
            .bind(&form.situation)
            .bind(&form.center)
            .bind(form.station)
            .bind(&form.when_suits)
            .bind(phone.0)
            .bind(&phone_enc)
            .bind(form.materials.join("\n"))
            .bind(&form.notes)
            .bind(assign_due)
            .bind(filed.map(|f| f.staff_id))
            .bind(filed.map(|f| f.consent_id))
            .bind(now)
            .fetch_one(&mut *conn)
            .await;
            match inserted {
                Ok(r) => break r.try_get(0).map_err(internal)?,
                Err(e) if is_unique_violation(&e) && tries < 3 => tries += 1,
                Err(e) => return Err(internal(e)),
            }
        };
        let row = sqlx::query(&format!("SELECT {FIELDS} FROM help_requests WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .map_err(internal)
            .and_then(|r| row(&r).map_err(internal))?;
        let mode = mode_label(&form.mode);
        let due = crate::complaints::due_day_label(assign_due);
        match filed {
            None => {
                add_event(conn, id, Actor::CITIZEN, "submitted", true, "", now).await?;
                self.tell(
                    conn,
                    &row,
                    &format!(
                        "您的{mode}申请已提交，编号{}。我们会在{due}前安排帮办员与您联系。凭编号和手机号后4位可查询进度。",
                        row.tracking_no
                    ),
                    now,
                )
                .await?;
            }
            Some(f) => {
                let text = format!(
                    "帮办员{}经您授权（授权编号{}）代您提交",
                    f.staff_name, f.consent_id
                );
                let actor = Actor {
                    id: Some(f.staff_id),
                    label: "帮办员",
                };
                add_event(conn, id, actor, "filed_for", true, &text, now).await?;
                self.tell(
                    conn,
                    &row,
                    &format!(
                        "帮办员{}经您授权，以您的名义提交了{mode}申请，编号{}。如非您本人同意，请在“我的”页面撤回授权或到服务中心反映。",
                        f.staff_name, row.tracking_no
                    ),
                    now,
                )
                .await?;
            }
        }
        Ok(row)
    }

    /// Queues an SMS to the request's phone in `conn`'s transaction.
    pub async fn tell(
        &self,
        conn: &mut AnyConnection,
        row: &HelpRecord,
        text: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let phone = self.secrets.decrypt(&row.phone_enc).map_err(internal)?;
        let msg = OutboxMessage {
            kind: "help".into(),
            recipient: phone,
            body: format!("【济源便民服务】{text}"),
        };
        notify::enqueue(conn, &self.secrets, &msg, now)
            .await
            .map_err(internal)
    }

    /// Takes the request's row lock first, so a step's transaction starts by
    /// writing (see `Complaints::lock`), then reads the row.
    pub async fn lock(&self, conn: &mut AnyConnection, no: &str) -> Result<HelpRecord, AppError> {
        sqlx::query("UPDATE help_requests SET updated_at = updated_at WHERE tracking_no = $1")
            .bind(no)
            .execute(&mut *conn)
            .await
            .map_err(internal)?;
        by_no(conn, no).await?.ok_or(AppError::NotFound)
    }

    /// The papers' hand-overs, oldest first.
    pub async fn handoffs(&self, id: i64) -> Result<Vec<Handoff>, AppError> {
        let rows = sqlx::query(
            "SELECT at, from_place, to_place, from_name, to_name, note FROM help_handoffs
             WHERE request_id = $1 ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(Handoff {
                    at: crate::time::shanghai_datetime(r.try_get("at")?),
                    from_place: r.try_get("from_place")?,
                    to_place: r.try_get("to_place")?,
                    from_name: r.try_get("from_name")?,
                    to_name: r.try_get("to_name")?,
                    note: r.try_get("note")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal)
    }

    /// The `/help` form's choices: the item and its materials, what the
    /// situation suggests, the centers and their stations in service.
    pub async fn form(
        &self,
        model: &ReadModel,
        seq: Option<i32>,
        center: Option<String>,
        situation: Option<String>,
    ) -> Result<HelpForm, AppError> {
        let item = seq
            .and_then(|s| model.item(s))
            .map(|i| (i.seq, i.business_item.clone()));
        let situation: String = situation
            .unwrap_or_default()
            .trim()
            .chars()
            .take(MAX_SITUATION_CHARS)
            .collect();
        let (suggestions, events) = if situation.is_empty() {
            (vec![], vec![])
        } else {
            let found = model.search(&situation, 5);
            (
                found.items.iter().map(suggestion).collect(),
                found
                    .events
                    .iter()
                    .map(|e| (e.slug.clone(), e.title.clone()))
                    .collect(),
            )
        };
        let center = center.filter(|c| model.center(c).is_some());
        let rows = sqlx::query(
            "SELECT id, center_code, name, village FROM stations WHERE retired_at IS NULL
             ORDER BY center_code, name, id",
        )
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        let mut stations = Vec::new();
        for r in &rows {
            let name: String = r.try_get("name").map_err(internal)?;
            let village: String = r.try_get("village").map_err(internal)?;
            stations.push(StationChoice {
                id: r.try_get("id").map_err(internal)?,
                center_code: r.try_get("center_code").map_err(internal)?,
                label: format!("{name}（{village}）"),
            });
        }
        Ok(HelpForm {
            materials: item_materials(model, item.as_ref().map(|(s, _)| *s)),
            item,
            situation,
            suggestions,
            events,
            center,
            centers: model
                .centers
                .iter()
                .map(|c| (c.code.clone(), c.center_name.clone()))
                .collect(),
            stations,
            phone_masked: None,
            pending: None,
            on_behalf: None,
        })
    }
}

pub fn suggestion(hit: &app::catalog::SearchHit) -> Suggestion {
    Suggestion {
        seq: hit.seq,
        name: hit.business_item.clone(),
        department: hit.department.clone(),
    }
}
