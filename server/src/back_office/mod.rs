//! The staff back office: accounts, guide authoring, center settings, the
//! audit log. Every method resolves the caller and checks role and scope
//! itself; every change is audited in its own transaction.

pub mod desk;
mod guide_form;
pub mod schedule;
pub mod today;

use crate::accounts::{internal, Accounts, Caller};
use crate::audit::{self, Action};
use crate::portal::Portal;
use crate::storage::Db;
use crate::time::{now_ms, shanghai_datetime};
use app::error::AppError;
use app::identity::account::Role;
use app::staff::port::BackOfficePort;
use app::staff::*;
use http::request::Parts;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;

pub use guide_form::{as_lines, validate};

const PER_PAGE: i64 = 30;

pub struct BackOffice {
    db: Db,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
    secrets: Arc<crate::crypto::Secrets>,
}

fn require(ok: bool) -> Result<(), AppError> {
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn page_of(page: Option<i64>) -> i64 {
    page.unwrap_or(1).clamp(1, 100_000)
}

/// Bumps the shared content version so every instance reloads the read model.
async fn content_changed(conn: &mut AnyConnection) -> Result<(), AppError> {
    sqlx::query("UPDATE content_version SET version = version + 1 WHERE id = 1")
        .execute(conn)
        .await
        .map_err(internal)?;
    Ok(())
}

impl BackOffice {
    pub fn new(
        db: Db,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
        secrets: Arc<crate::crypto::Secrets>,
    ) -> BackOffice {
        BackOffice {
            db,
            accounts,
            portal,
            secrets,
        }
    }

    async fn refresh(&self) {
        if let Err(e) = self.portal.refresh_if_changed().await {
            tracing::warn!(error = %e, "read model refresh failed");
        }
    }

    fn center_exists(&self, code: &str) -> bool {
        self.portal.model().centers.iter().any(|c| c.code == code)
    }

    async fn versions(&self, seq: i32) -> Result<Vec<GuideVersionInfo>, AppError> {
        let rows = sqlx::query(
            "SELECT version, published_at, published_by, sample FROM guide_versions WHERE seq = $1 ORDER BY version DESC",
        )
        .bind(i64::from(seq))
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(GuideVersionInfo {
                    version: r.try_get::<i64, _>("version").map_err(internal)? as i32,
                    published_at: shanghai_datetime(r.try_get("published_at").map_err(internal)?),
                    published_by: r.try_get("published_by").map_err(internal)?,
                    sample: r.try_get::<i64, _>("sample").map_err(internal)? != 0,
                })
            })
            .collect()
    }

    async fn version_content(
        &self,
        seq: i32,
        version: i32,
    ) -> Result<app::catalog::GuideContent, AppError> {
        let row = sqlx::query("SELECT content FROM guide_versions WHERE seq = $1 AND version = $2")
            .bind(i64::from(seq))
            .bind(i64::from(version))
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let json: String = row.try_get(0).map_err(internal)?;
        serde_json::from_str(&json).map_err(internal)
    }

    /// The center a desk page is about: every staff member works at their own
    /// center's desk, city admins at any.
    fn served_center(&self, caller: &Caller, code: Option<String>) -> Result<String, AppError> {
        let code = match (caller.role, code, caller.center_code.clone()) {
            (Role::CityAdmin, Some(c), _) => c,
            (Role::CityAdmin, None, _) => self.viewed_center(caller)?,
            (_, c, Some(own)) => {
                require(c.is_none_or(|c| c == own))?;
                own
            }
            _ => return Err(AppError::Forbidden),
        };
        if !self.center_exists(&code) {
            return Err(AppError::NotFound);
        }
        Ok(code)
    }

    /// A city admin's page without `?code=`: the center chosen in the staff
    /// header, else the first.
    fn viewed_center(&self, caller: &Caller) -> Result<String, AppError> {
        let model = self.portal.model();
        caller
            .viewing_center(&model)
            .or_else(|| model.centers.first().map(|c| c.code.clone()))
            .ok_or(AppError::NotFound)
    }

    /// The center a center-scoped page is about: the caller's own, or (city
    /// admins) the one asked for.
    fn scoped_center(&self, caller: &Caller, code: Option<String>) -> Result<String, AppError> {
        let code = match (caller.role, code) {
            (Role::CityAdmin, Some(c)) => c,
            (Role::CityAdmin, None) => self.viewed_center(caller)?,
            (Role::CenterAdmin, c) => {
                let own = caller.center_code.clone().ok_or(AppError::Forbidden)?;
                require(c.is_none_or(|c| c == own))?;
                own
            }
            _ => return Err(AppError::Forbidden),
        };
        if !self.center_exists(&code) {
            return Err(AppError::NotFound);
        }
        require(caller.administers(&code))?;
        Ok(code)
    }
}

impl BackOffice {
    /// The staff account `id` if the caller may manage it: (username, role, center).
    async fn manageable(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<(String, Role, Option<String>), AppError> {
        let row = sqlx::query("SELECT username, role, center_code FROM staff_users WHERE id = $1")
            .bind(id)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let username: String = row.try_get("username").map_err(internal)?;
        let role = Role::parse(&row.try_get::<String, _>("role").map_err(internal)?)
            .ok_or_else(|| internal("unknown role"))?;
        let center: Option<String> = row.try_get("center_code").map_err(internal)?;
        require(id != caller.id && caller.role.manages(role))?;
        require(caller.role == Role::CityAdmin || center == caller.center_code)?;
        Ok((username, role, center))
    }
}

#[async_trait::async_trait]
impl BackOfficePort for BackOffice {
    async fn users(
        &self,
        req: &Parts,
        filter: UserFilter,
    ) -> Result<Paged<StaffUserRow>, AppError> {
        let caller = self.accounts.caller(req).await?;
        let center = match caller.role {
            Role::CityAdmin => filter.center.clone().unwrap_or_default(),
            Role::CenterAdmin => caller.center_code.clone().ok_or(AppError::Forbidden)?,
            _ => return Err(AppError::Forbidden),
        };
        let role = filter
            .role
            .clone()
            .filter(|r| Role::parse(r).is_some())
            .unwrap_or_default();
        let q = filter.q.clone().unwrap_or_default().trim().to_lowercase();
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let page = page_of(filter.page);
        let cond = "($1 = '' OR u.center_code = $1) AND ($2 = '' OR u.role = $2)
                    AND ($3 = '' OR LOWER(u.username) LIKE $4 ESCAPE '\\' OR LOWER(u.display_name) LIKE $4 ESCAPE '\\')";
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM staff_users u WHERE {cond}"))
            .bind(&center)
            .bind(&role)
            .bind(&q)
            .bind(&like)
            .fetch_one(self.db.pool())
            .await
            .map_err(internal)?
            .try_get(0)
            .map_err(internal)?;
        let rows = sqlx::query(&format!(
            "SELECT u.id, u.username, u.display_name, u.role, u.center_code, c.center_name, u.disabled, u.locked_until
             FROM staff_users u LEFT JOIN centers c ON c.code = u.center_code
             WHERE {cond} ORDER BY COALESCE(u.center_code, ''), u.username LIMIT $5 OFFSET $6"
        ))
        .bind(&center)
        .bind(&role)
        .bind(&q)
        .bind(&like)
        .bind(PER_PAGE)
        .bind((page - 1) * PER_PAGE)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        let now = now_ms();
        let rows = rows
            .iter()
            .map(|r| {
                let role = Role::parse(&r.try_get::<String, _>("role").map_err(internal)?)
                    .ok_or_else(|| internal("unknown role"))?;
                let id: i64 = r.try_get("id").map_err(internal)?;
                let center_code: Option<String> = r.try_get("center_code").map_err(internal)?;
                let locked: i64 = r.try_get("locked_until").map_err(internal)?;
                let manageable = id != caller.id
                    && caller.role.manages(role)
                    && (caller.role == Role::CityAdmin || center_code == caller.center_code);
                Ok(StaffUserRow {
                    id,
                    username: r.try_get("username").map_err(internal)?,
                    display_name: r.try_get("display_name").map_err(internal)?,
                    role,
                    center_name: r.try_get("center_name").map_err(internal)?,
                    center_code,
                    disabled: r.try_get::<i64, _>("disabled").map_err(internal)? != 0,
                    locked_until: (locked > now).then(|| shanghai_datetime(locked)),
                    manageable,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(Paged {
            rows,
            page,
            per_page: PER_PAGE,
            total,
        })
    }

    async fn create_user(&self, req: &Parts, new: NewStaffUser) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        require(matches!(caller.role, Role::CityAdmin | Role::CenterAdmin))?;
        self.accounts.create_staff(&caller, &new).await.map(|_| ())
    }

    async fn set_user_disabled(
        &self,
        req: &Parts,
        id: i64,
        disabled: bool,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let (username, role, center) = self.manageable(&caller, id).await?;
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query("UPDATE staff_users SET disabled = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(disabled))
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        if disabled {
            self.accounts.end_staff_sessions(&mut tx, id).await?;
        }
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: if disabled {
                    "user_disable"
                } else {
                    "user_enable"
                },
                target_kind: "staff_user",
                target_id: username,
                center: center.as_deref(),
                detail: role.label().to_string(),
            },
            now_ms(),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn reset_user_password(
        &self,
        req: &Parts,
        id: i64,
        password: &str,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let (username, role, center) = self.manageable(&caller, id).await?;
        app::identity::check_password(password).map_err(|m| AppError::validation("password", m))?;
        let hash = crate::accounts::hash_blocking(password).await?;
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query(
            "UPDATE staff_users SET password_hash = $2, failed_logins = 0, locked_until = 0 WHERE id = $1",
        )
        .bind(id)
        .bind(&hash)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        // And lifts the pauses on addresses that mistyped it.
        sqlx::query("DELETE FROM rate_limits WHERE key = $1 OR key LIKE $2")
            .bind(format!("pw:{id}"))
            .bind(format!("pw:{id}:%"))
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        self.accounts.end_staff_sessions(&mut tx, id).await?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "user_reset",
                target_kind: "staff_user",
                target_id: username,
                center: center.as_deref(),
                detail: role.label().to_string(),
            },
            now_ms(),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn guides(
        &self,
        req: &Parts,
        filter: GuideFilter,
    ) -> Result<Paged<GuideListRow>, AppError> {
        let caller = self.accounts.caller(req).await?;
        require(caller.role == Role::CityAdmin)?;
        let drafts: Vec<i64> = sqlx::query("SELECT seq FROM guide_drafts")
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?
            .iter()
            .filter_map(|r| r.try_get(0).ok())
            .collect();
        let model = self.portal.model();
        let q = filter.q.clone().unwrap_or_default();
        let q = q.trim();
        let all: Vec<GuideListRow> = model
            .items
            .iter()
            .filter(|i| q.is_empty() || i.business_item.contains(q) || i.seq.to_string() == q)
            .map(|i| {
                let guide = model.item_detail(i.seq).and_then(|d| d.guide);
                GuideListRow {
                    seq: i.seq,
                    business_item: i.business_item.clone(),
                    department: i.department.clone(),
                    version: guide.as_ref().map(|g| g.version),
                    published_on: guide.as_ref().map(|g| g.published_on.clone()),
                    sample: guide.as_ref().is_some_and(|g| g.sample),
                    has_draft: drafts.contains(&i64::from(i.seq)),
                }
            })
            .collect();
        let page = page_of(filter.page);
        let total = all.len() as i64;
        let rows = all
            .into_iter()
            .skip(((page - 1) * PER_PAGE) as usize)
            .take(PER_PAGE as usize)
            .collect();
        Ok(Paged {
            rows,
            page,
            per_page: PER_PAGE,
            total,
        })
    }

    async fn guide_editor(&self, req: &Parts, seq: i32) -> Result<GuideEditor, AppError> {
        let caller = self.accounts.caller(req).await?;
        require(caller.role == Role::CityAdmin)?;
        let model = self.portal.model();
        let item = model.item(seq).cloned().ok_or(AppError::NotFound)?;
        let draft =
            sqlx::query("SELECT form, updated_at, updated_by FROM guide_drafts WHERE seq = $1")
                .bind(i64::from(seq))
                .fetch_optional(self.db.pool())
                .await
                .map_err(internal)?;
        let (form, draft_saved) = match draft {
            Some(d) => {
                let json: String = d.try_get("form").map_err(internal)?;
                let at: i64 = d.try_get("updated_at").map_err(internal)?;
                let by: String = d.try_get("updated_by").map_err(internal)?;
                (
                    serde_json::from_str(&json).map_err(internal)?,
                    Some(format!("{} {by} ", shanghai_datetime(at))),
                )
            }
            None => (
                model
                    .item_detail(seq)
                    .and_then(|d| d.guide)
                    .map(|g| guide_form::form_from_content(&g.content))
                    .unwrap_or_default(),
                None,
            ),
        };
        Ok(GuideEditor {
            seq,
            business_item: item.business_item,
            department: item.department,
            form,
            draft_saved,
            versions: self.versions(seq).await?,
        })
    }

    async fn save_guide(
        &self,
        req: &Parts,
        seq: i32,
        form: GuideForm,
        publish: bool,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        require(caller.role == Role::CityAdmin)?;
        if self.portal.model().item(seq).is_none() {
            return Err(AppError::NotFound);
        }
        let form = guide_form::tidy(form);
        let json = serde_json::to_string(&form).map_err(internal)?;
        if json.len() > 200_000 {
            return Err(AppError::validation("summary", "指南内容过长"));
        }
        let now = now_ms();
        // The draft is saved first and on its own, so a publish that fails
        // validation never loses what was typed.
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO guide_drafts (seq, form, updated_at, updated_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (seq) DO UPDATE SET form = excluded.form, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(i64::from(seq))
        .bind(&json)
        .bind(now)
        .bind(&caller.username)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "guide_draft",
                target_kind: "guide",
                target_id: seq.to_string(),
                center: None,
                detail: String::new(),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        if !publish {
            return Ok(());
        }
        let content = validate(&form)?;
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        // The next version number is computed inside the insert; the primary
        // key (seq, version) refuses a second publisher racing for the same number.
        let version: i64 = sqlx::query(
            "INSERT INTO guide_versions (seq, version, content, sample, published_at, published_by)
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, 0, $3, $4 FROM guide_versions WHERE seq = $1
             RETURNING version",
        )
        .bind(i64::from(seq))
        .bind(serde_json::to_string(&content).map_err(internal)?)
        .bind(now)
        .bind(&caller.username)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, seq, "guide publish conflict");
            AppError::Conflict("另一位管理员刚刚发布了此指南，请刷新后再试".into())
        })?
        .try_get(0)
        .map_err(internal)?;
        sqlx::query("DELETE FROM guide_drafts WHERE seq = $1")
            .bind(i64::from(seq))
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        content_changed(&mut tx).await?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "guide_publish",
                target_kind: "guide",
                target_id: seq.to_string(),
                center: None,
                detail: format!("第{version}版"),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        self.refresh().await;
        Ok(())
    }

    async fn guide_diff(
        &self,
        req: &Parts,
        seq: i32,
        from: i32,
        to: i32,
    ) -> Result<GuideDiff, AppError> {
        let caller = self.accounts.caller(req).await?;
        require(caller.role == Role::CityAdmin)?;
        let item = self
            .portal
            .model()
            .item(seq)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let versions = self.versions(seq).await?;
        let info = |v: i32| {
            versions
                .iter()
                .find(|x| x.version == v)
                .cloned()
                .ok_or(AppError::NotFound)
        };
        let (from_info, to_info) = (info(from)?, info(to)?);
        let a = as_lines(&self.version_content(seq, from).await?);
        let b = as_lines(&self.version_content(seq, to).await?);
        let (a, b): (Vec<&str>, Vec<&str>) = (
            a.iter().map(String::as_str).collect(),
            b.iter().map(String::as_str).collect(),
        );
        let diff = similar::TextDiff::configure().diff_slices(&a, &b);
        let lines = diff
            .iter_all_changes()
            .map(|c| DiffLine {
                kind: match c.tag() {
                    similar::ChangeTag::Equal => DiffKind::Same,
                    similar::ChangeTag::Insert => DiffKind::Added,
                    similar::ChangeTag::Delete => DiffKind::Removed,
                },
                text: c.value().to_string(),
            })
            .collect();
        Ok(GuideDiff {
            seq,
            business_item: item.business_item,
            from: from_info,
            to: to_info,
            lines,
        })
    }

    async fn center_settings(
        &self,
        req: &Parts,
        code: Option<String>,
    ) -> Result<CenterSettings, AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.scoped_center(&caller, code)?;
        let model = self.portal.model();
        let center = model
            .centers
            .iter()
            .find(|c| c.code == code)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let overrides = model.center_overrides(&code);
        let items = model
            .items
            .iter()
            .map(|i| {
                let o = overrides.get(&i.seq);
                CenterItemRow {
                    seq: i.seq,
                    business_item: i.business_item.clone(),
                    level: i.level.clone(),
                    at_center: o.is_none_or(|o| o.at_center),
                    at_stations: o.map(|o| o.at_stations).unwrap_or(i.level == "DE"),
                    alternative_center: o.and_then(|o| o.alternative.clone()),
                }
            })
            .collect();
        let others = model
            .centers
            .iter()
            .filter(|c| c.code != code)
            .map(|c| (c.code.clone(), c.center_name.clone()))
            .collect();
        let choices = model
            .centers
            .iter()
            .filter(|c| caller.administers(&c.code))
            .map(|c| (c.code.clone(), c.center_name.clone()))
            .collect();
        Ok(CenterSettings {
            code,
            center_name: center.center_name,
            contact: CenterContactForm {
                address: center.address,
                phone: center.phone,
                hours: center.hours,
                map_url: center.map_url,
            },
            items,
            others,
            choices,
        })
    }

    async fn save_center_contact(
        &self,
        req: &Parts,
        code: &str,
        form: CenterContactForm,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.scoped_center(&caller, Some(code.to_string()))?;
        let address = form.address.trim();
        let phone = form.phone.trim();
        let hours = form.hours.trim();
        let map_url = form.map_url.trim();
        if address.chars().count() > 100 {
            return Err(AppError::validation("address", "地址最多100字"));
        }
        if !app::help::is_service_phone(phone) {
            return Err(AppError::validation(
                "phone",
                "电话只能包含数字、空格和“-”，多个号码用“、”分隔",
            ));
        }
        if hours.chars().count() > 300 {
            return Err(AppError::validation("hours", "办公时间最多300字"));
        }
        if !map_url.is_empty()
            && (!(map_url.starts_with("https://") || map_url.starts_with("http://"))
                || map_url.len() > 300
                || map_url.contains(char::is_whitespace))
        {
            return Err(AppError::validation(
                "map_url",
                "请填写以 https:// 开头的地图链接",
            ));
        }
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query(
            "UPDATE centers SET address = $2, phone = $3, hours = $4, map_url = $5 WHERE code = $1",
        )
        .bind(&code)
        .bind(address)
        .bind(phone)
        .bind(hours)
        .bind(map_url)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        content_changed(&mut tx).await?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "center_contact",
                target_kind: "center",
                target_id: code.clone(),
                center: Some(&code),
                detail: String::new(),
            },
            now_ms(),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        self.refresh().await;
        Ok(())
    }

    async fn set_center_item(
        &self,
        req: &Parts,
        code: &str,
        change: CenterItemChange,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.scoped_center(&caller, Some(code.to_string()))?;
        let name = self
            .portal
            .model()
            .item(change.seq)
            .map(|i| i.business_item.clone())
            .ok_or(AppError::NotFound)?;
        let at_center = change.at_center.is_some();
        let at_stations = change.at_stations.is_some();
        let alternative = change.alternative.filter(|a| !a.is_empty());
        if !at_center {
            match &alternative {
                None => {
                    return Err(AppError::validation(
                        "alternative",
                        &format!("「{name}」本中心暂不可办时，请选择最近的可办中心"),
                    ))
                }
                Some(a) if *a == code || !self.center_exists(a) => {
                    return Err(AppError::validation(
                        "alternative",
                        &format!("「{name}」请选择其他中心"),
                    ))
                }
                _ => {}
            }
        }
        let alternative = if at_center { None } else { alternative };
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO center_items (center_code, seq, at_center, at_stations, alternative_center, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (center_code, seq) DO UPDATE SET at_center = excluded.at_center, at_stations = excluded.at_stations,
               alternative_center = excluded.alternative_center, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(&code)
        .bind(i64::from(change.seq))
        .bind(i64::from(at_center))
        .bind(i64::from(at_stations))
        .bind(alternative.clone())
        .bind(now_ms())
        .bind(&caller.username)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        content_changed(&mut tx).await?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "center_item",
                target_kind: "center_item",
                target_id: format!("{code}/{}", change.seq),
                center: Some(&code),
                detail: format!(
                    "中心{}，服务站{}{}",
                    if at_center { "可办" } else { "暂不可办" },
                    if at_stations { "可办" } else { "不可办" },
                    alternative.map(|a| format!("，转{a}")).unwrap_or_default()
                ),
            },
            now_ms(),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        self.refresh().await;
        Ok(())
    }

    async fn audit(&self, req: &Parts, filter: AuditFilter) -> Result<Paged<AuditEntry>, AppError> {
        let caller = self.accounts.caller(req).await?;
        require(caller.role == Role::CityAdmin)?;
        audit::query(&self.db, &filter).await.map_err(internal)
    }

    async fn day_view(
        &self,
        req: &Parts,
        code: Option<String>,
        day: Option<String>,
    ) -> Result<DayView, AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.served_center(&caller, code)?;
        let day = day
            .filter(|d| crate::time::shanghai_day_start(d).is_some())
            .unwrap_or_else(|| crate::time::shanghai_date(now_ms()));
        let model = self.portal.model();
        let name = |seq: i32| {
            model
                .item(seq)
                .map(|i| i.business_item.clone())
                .unwrap_or_default()
        };
        Ok(DayView {
            slots: desk::slots(&self.db, &self.secrets, &code, &day, name).await?,
            counts: desk::counts(&self.db, &code, &day).await?,
            center_name: model
                .centers
                .iter()
                .find(|c| c.code == code)
                .map(|c| c.center_name.clone())
                .unwrap_or_default(),
            day_label: crate::bookings::service::day_label(&day),
            day,
            choices: model
                .centers
                .iter()
                .filter(|c| {
                    caller.role == Role::CityAdmin || caller.center_code.as_deref() == Some(&c.code)
                })
                .map(|c| (c.code.clone(), c.center_name.clone()))
                .collect(),
            items: model
                .items_at(&code)
                .iter()
                .map(|i| (i.seq, i.business_item.clone()))
                .collect(),
            code,
        })
    }

    async fn check_in(&self, req: &Parts, code: &str, booking: &str) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.served_center(&caller, Some(code.to_string()))?;
        desk::check_in(&self.db, &caller, &code, booking).await
    }

    async fn no_show(&self, req: &Parts, code: &str, booking: &str) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.served_center(&caller, Some(code.to_string()))?;
        desk::no_show(&self.db, &caller, &code, booking).await
    }

    async fn walk_in(&self, req: &Parts, code: &str, form: WalkInForm) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.served_center(&caller, Some(code.to_string()))?;
        let model = self.portal.model();
        let handled = |seq: i32| model.items_at(&code).iter().any(|i| i.seq == seq);
        desk::walk_in(&self.db, &self.secrets, &caller, &code, &form, handled).await
    }

    async fn schedule(&self, req: &Parts, code: Option<String>) -> Result<ScheduleView, AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.scoped_center(&caller, code)?;
        let model = self.portal.model();
        let center_name = model
            .centers
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.center_name.clone())
            .unwrap_or_default();
        let choices = model
            .centers
            .iter()
            .filter(|c| caller.administers(&c.code))
            .map(|c| (c.code.clone(), c.center_name.clone()))
            .collect();
        Ok(ScheduleView {
            windows: schedule::windows(&self.db, &code).await?,
            closures: schedule::closures(&self.db, &code).await?,
            orphans: schedule::orphans(&self.db, &code)
                .await?
                .into_iter()
                .map(|(_, o)| o)
                .collect(),
            code,
            center_name,
            choices,
        })
    }

    async fn add_window(&self, req: &Parts, code: &str, form: WindowForm) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.scoped_center(&caller, Some(code.to_string()))?;
        schedule::add(&self.db, &caller, &code, &form).await
    }

    async fn calendar(&self, req: &Parts) -> Result<Vec<CalendarDay>, AppError> {
        let caller = self.accounts.caller(req).await?;
        require(caller.role == Role::CityAdmin)?;
        let rows = sqlx::query(
            "SELECT day, kind, name FROM calendar_days WHERE day >= $1 ORDER BY day LIMIT 200",
        )
        .bind(crate::time::add_days(&crate::time::shanghai_date(now_ms()), -31).unwrap_or_default())
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(CalendarDay {
                    day: r.try_get("day").map_err(internal)?,
                    holiday: r.try_get::<String, _>("kind").map_err(internal)? == "holiday",
                    name: r.try_get("name").map_err(internal)?,
                })
            })
            .collect()
    }

    async fn import_calendar(&self, req: &Parts, csv: &str) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        require(caller.role == Role::CityAdmin)?;
        if csv.len() > 100_000 {
            return Err(AppError::validation("csv", "内容过长"));
        }
        let days = crate::bookings::slots::parse_calendar(csv).map_err(|e| {
            AppError::validation(
                "csv",
                &format!("{e}。每行：日期,holiday（放假）或workday（调休上班）,名称"),
            )
        })?;
        // The days and their audit record commit together or not at all.
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        crate::bookings::slots::store_calendar(&mut tx, &days)
            .await
            .map_err(internal)?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "calendar_import",
                target_kind: "calendar",
                target_id: String::new(),
                center: None,
                detail: format!("{}天", days.len()),
            },
            now_ms(),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        for c in self.portal.model().centers.iter() {
            schedule::refresh(&self.db, &self.secrets, &c.code).await?;
        }
        Ok(())
    }

    async fn add_closure(
        &self,
        req: &Parts,
        code: &str,
        day: &str,
        reason: &str,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.scoped_center(&caller, Some(code.to_string()))?;
        schedule::add_closure(&self.db, &self.secrets, &caller, &code, day, reason).await
    }

    async fn delete_window(&self, req: &Parts, code: &str, id: i64) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = self.scoped_center(&caller, Some(code.to_string()))?;
        schedule::delete(&self.db, &self.secrets, &caller, &code, id).await
    }
}
