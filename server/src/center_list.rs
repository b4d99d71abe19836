//! A list a center's admins keep (village stations, service windows): rows
//! of a table with `center_code` and `retired_at`, added, changed and retired
//! one at a time, each change audited in its own transaction. A row of
//! another center, or one already retired, is "not found".

use crate::accounts::{internal, Caller};
use crate::audit::{self, Action};
use crate::storage::{is_unique_violation, Db};
use app::error::AppError;
use sqlx::any::{AnyQueryResult, AnyRow};
use sqlx::{AnyConnection, Row};

/// What one kind of list is called in the audit log.
pub struct ListKind {
    /// The table; a constant of ours, never user input.
    pub table: &'static str,
    pub target_kind: &'static str,
    /// Audit actions: (create, update, retire).
    pub actions: (&'static str, &'static str, &'static str),
    /// The refusal when the name or number is already used at the center.
    pub taken: fn() -> AppError,
}

impl ListKind {
    /// The id of the row an `INSERT … RETURNING id` added.
    pub fn inserted(&self, r: Result<AnyRow, sqlx::Error>) -> Result<i64, AppError> {
        match r {
            Ok(r) => r.try_get(0).map_err(internal),
            Err(e) if is_unique_violation(&e) => Err((self.taken)()),
            Err(e) => Err(internal(e)),
        }
    }

    /// An `UPDATE … WHERE id AND center_code AND retired_at IS NULL` of one row.
    pub fn updated(&self, r: Result<AnyQueryResult, sqlx::Error>) -> Result<(), AppError> {
        match r {
            Ok(r) if r.rows_affected() == 1 => Ok(()),
            Ok(_) => Err(AppError::NotFound),
            Err(e) if is_unique_violation(&e) => Err((self.taken)()),
            Err(e) => Err(internal(e)),
        }
    }

    /// Records the create (no `id` given) or update of row `target`.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_saved(
        &self,
        conn: &mut AnyConnection,
        caller: &Caller,
        center: &str,
        created: bool,
        target: i64,
        detail: String,
        now: i64,
    ) -> Result<(), AppError> {
        let action = if created {
            self.actions.0
        } else {
            self.actions.1
        };
        self.record(conn, caller, center, action, target, detail, now)
            .await
    }

    /// Takes row `id` of `center` out of service, audited.
    pub async fn retire(
        &self,
        db: &Db,
        caller: &Caller,
        center: &str,
        id: i64,
        now: i64,
    ) -> Result<(), AppError> {
        let mut tx = db.pool().begin().await.map_err(internal)?;
        let name: String = sqlx::query(&format!(
            "UPDATE {} SET retired_at = $3, updated_at = $3
             WHERE id = $1 AND center_code = $2 AND retired_at IS NULL RETURNING name",
            self.table
        ))
        .bind(id)
        .bind(center)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?
        .try_get(0)
        .map_err(internal)?;
        self.record(&mut tx, caller, center, self.actions.2, id, name, now)
            .await?;
        tx.commit().await.map_err(internal)
    }

    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        conn: &mut AnyConnection,
        caller: &Caller,
        center: &str,
        action: &'static str,
        target: i64,
        detail: String,
        now: i64,
    ) -> Result<(), AppError> {
        audit::record(
            conn,
            caller,
            Action {
                action,
                target_kind: self.target_kind,
                target_id: target.to_string(),
                center: Some(center),
                detail,
            },
            now,
        )
        .await
        .map_err(internal)
    }
}
