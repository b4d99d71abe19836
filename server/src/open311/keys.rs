//! Open311 API keys: one per integrating system (the 12345 hotline, …),
//! created and revoked by a city admin (`bianmin admin open311-key …`). The
//! key is shown once; only its SHA-256 is stored. Creating and revoking are
//! audited in their transaction.

use crate::accounts::{internal, Caller};
use crate::audit::{self, Action};
use crate::crypto::{new_token, token_hash};
use crate::storage::Db;
use crate::time::now_ms;
use app::error::AppError;
use app::identity::account::Role;
use sqlx::{AnyConnection, Row};

/// Keys start with this, so a leaked one is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "bm311_";
pub const MAX_NAME_CHARS: usize = 100;

/// A key as listed: never the key itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub created_by: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// The system a request's key belongs to.
#[derive(Clone, Debug)]
pub struct KeyHolder {
    pub id: i64,
    pub name: String,
}

fn city_admin_only(by: &Caller) -> Result<(), AppError> {
    if by.role == Role::CityAdmin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Creates a key for the system `name`: (id, the key). The key is not stored.
pub async fn create(db: &Db, by: &Caller, name: &str) -> Result<(i64, String), AppError> {
    city_admin_only(by)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::validation("name", "名称须为1到100个字"));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation("name", "名称含有无法识别的字符"));
    }
    let key = format!("{KEY_PREFIX}{}", new_token());
    let now = now_ms();
    let mut tx = db.pool().begin().await.map_err(internal)?;
    let id: i64 = sqlx::query(
        "INSERT INTO api_keys (name, key_hash, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(token_hash(&key))
    .bind(&by.username)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?
    .try_get(0)
    .map_err(internal)?;
    audit::record(
        &mut tx,
        by,
        Action {
            action: "open311_key_create",
            target_kind: "api_key",
            target_id: id.to_string(),
            center: None,
            detail: name.to_string(),
        },
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    tracing::info!(key_id = id, key_name = %name, by = %by.username, "open311 key created");
    Ok((id, key))
}

/// Every key, newest first.
pub async fn list(db: &Db) -> Result<Vec<ApiKey>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, created_by, created_at, revoked_at, last_used_at FROM api_keys ORDER BY id DESC",
    )
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            Ok(ApiKey {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
                revoked_at: r.try_get("revoked_at")?,
                last_used_at: r.try_get("last_used_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)
}

/// Revokes key `id` from now on. NotFound when there is no such key or it
/// was revoked already.
pub async fn revoke(db: &Db, by: &Caller, id: i64) -> Result<String, AppError> {
    city_admin_only(by)?;
    let now = now_ms();
    let mut tx = db.pool().begin().await.map_err(internal)?;
    let name: String = sqlx::query(
        "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING name",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)?
    .try_get(0)
    .map_err(internal)?;
    audit::record(
        &mut tx,
        by,
        Action {
            action: "open311_key_revoke",
            target_kind: "api_key",
            target_id: id.to_string(),
            center: None,
            detail: name.clone(),
        },
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    tracing::info!(key_id = id, key_name = %name, by = %by.username, "open311 key revoked");
    Ok(name)
}

/// The unrevoked key `key`, if it is one.
pub async fn holder(conn: &mut AnyConnection, key: &str) -> Result<Option<KeyHolder>, AppError> {
    if !key.starts_with(KEY_PREFIX) || key.len() > 200 {
        return Ok(None);
    }
    let row =
        sqlx::query("SELECT id, name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash(key))
            .fetch_optional(conn)
            .await
            .map_err(internal)?;
    row.map(|r| {
        Ok(KeyHolder {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| internal(e))
}
