//! A center's windows: its staff read them, its admins change them, each
//! change audited in its transaction.

use super::Hall;
use crate::accounts::{internal, Caller};
use crate::center_list::ListKind;
use crate::time::now_ms;
use app::error::AppError;
use app::hall::*;
use sqlx::{AnyConnection, Row};

const FIELDS: &str =
    "w.id, w.center_code, w.number, w.name, w.kind, w.staff_user_id, u.display_name";

fn row(r: &sqlx::any::AnyRow) -> Result<Window, sqlx::Error> {
    Ok(Window {
        id: r.try_get(0)?,
        center_code: r.try_get(1)?,
        number: r.try_get(2)?,
        name: r.try_get(3)?,
        kind: r.try_get(4)?,
        staff_user_id: r.try_get(5)?,
        staff_name: r.try_get(6)?,
    })
}

/// The windows of `center` in service, by number.
pub async fn in_service(conn: &mut AnyConnection, center: &str) -> Result<Vec<Window>, AppError> {
    let mut windows: Vec<Window> = sqlx::query(&format!(
        "SELECT {FIELDS} FROM service_windows w LEFT JOIN staff_users u ON u.id = w.staff_user_id
         WHERE w.center_code = $1 AND w.retired_at IS NULL"
    ))
    .bind(center)
    .fetch_all(conn)
    .await
    .map_err(internal)?
    .iter()
    .map(row)
    .collect::<Result<_, _>>()
    .map_err(internal)?;
    // 2 before 10 (as a person counts), then lettered ones (A2) by text.
    windows.sort_by_key(|w| (w.number.parse::<u64>().map_err(|_| ()), w.number.clone()));
    Ok(windows)
}

/// A window of any center by id, retired or not.
pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<(Window, bool)>, AppError> {
    let r = sqlx::query(&format!(
        "SELECT {FIELDS}, w.retired_at FROM service_windows w LEFT JOIN staff_users u ON u.id = w.staff_user_id
         WHERE w.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(internal)?;
    match r {
        None => Ok(None),
        Some(r) => {
            let retired: Option<i64> = r.try_get(7).map_err(internal)?;
            Ok(Some((row(&r).map_err(internal)?, retired.is_some())))
        }
    }
}

/// The center's staff who can be named on duty: (id, display name).
async fn staff_of(conn: &mut AnyConnection, center: &str) -> Result<Vec<(i64, String)>, AppError> {
    sqlx::query(
        "SELECT id, display_name FROM staff_users
         WHERE center_code = $1 AND disabled = 0 ORDER BY display_name, id",
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

const WINDOWS: ListKind = ListKind {
    table: "service_windows",
    target_kind: "service_window",
    actions: ("window_create", "window_update", "window_retire"),
    taken: || AppError::validation("number", "本中心已有这个编号的窗口"),
};

impl Hall {
    pub(super) async fn windows_view(
        &self,
        caller: &Caller,
        code: Option<&str>,
    ) -> Result<WindowsView, AppError> {
        let model = self.portal.model();
        let code = caller.center_in_view(&model, code)?;
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        Ok(WindowsView {
            center_name: model
                .center(&code)
                .map(|c| c.center_name.clone())
                .unwrap_or_default(),
            may_edit: caller.administers(&code),
            windows: in_service(&mut conn, &code).await?,
            staff: staff_of(&mut conn, &code).await?,
            choices: caller.center_choices(&model),
            code,
        })
    }

    pub(super) async fn save(
        &self,
        caller: &Caller,
        code: &str,
        id: Option<i64>,
        mut form: WindowForm,
    ) -> Result<(), AppError> {
        let code = caller.center_administered(&self.portal.model(), code)?;
        validate_window(&mut form)?;
        let now = now_ms();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let staff: Option<i64> = match form.staff.parse::<i64>().ok() {
            None => None,
            Some(s) => {
                // Only someone of this center, still active.
                let known = staff_of(&mut tx, &code)
                    .await?
                    .iter()
                    .any(|(id, _)| *id == s);
                if !known {
                    return Err(AppError::validation(
                        "staff",
                        "请从列表中选择本中心的值班人员",
                    ));
                }
                Some(s)
            }
        };
        let target = match id {
            None => WINDOWS.inserted(
                sqlx::query(
                    "INSERT INTO service_windows (center_code, number, name, kind, staff_user_id, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(&code)
                .bind(&form.number)
                .bind(&form.name)
                .bind(&form.kind)
                .bind(staff)
                .bind(now)
                .fetch_one(&mut *tx)
                .await,
            )?,
            Some(id) => {
                WINDOWS.updated(
                    sqlx::query(
                        "UPDATE service_windows SET number = $3, name = $4, kind = $5, staff_user_id = $6, updated_at = $7
                         WHERE id = $1 AND center_code = $2 AND retired_at IS NULL",
                    )
                    .bind(id)
                    .bind(&code)
                    .bind(&form.number)
                    .bind(&form.name)
                    .bind(&form.kind)
                    .bind(staff)
                    .bind(now)
                    .execute(&mut *tx)
                    .await,
                )?;
                id
            }
        };
        let detail = format!("{} {}", form.number, form.name);
        WINDOWS
            .record_saved(&mut tx, caller, &code, id.is_none(), target, detail, now)
            .await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    pub(super) async fn retire(
        &self,
        caller: &Caller,
        code: &str,
        id: i64,
    ) -> Result<(), AppError> {
        let code = caller.center_administered(&self.portal.model(), code)?;
        WINDOWS.retire(&self.db, caller, &code, id, now_ms()).await
    }
}
