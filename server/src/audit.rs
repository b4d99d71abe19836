//! The audit log: every staff action that changes data or reveals a full ID or
//! phone number. Written in the same transaction as the change; the table
//! refuses UPDATE and DELETE (triggers), so it is append-only.

use crate::accounts::Caller;
use crate::storage::Db;
use crate::time::{shanghai_datetime, shanghai_day_start};
use app::staff::{AuditEntry, AuditFilter, Paged};
use sqlx::{AnyConnection, Row};

/// What was done to which record.
pub struct Action<'a> {
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: String,
    pub center: Option<&'a str>,
    /// Free text for people; never a full ID or phone number.
    pub detail: String,
}

pub async fn record(
    conn: &mut AnyConnection,
    caller: &Caller,
    action: Action<'_>,
    now_ms: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_username, actor_role, action, target_kind, target_id, center_code, detail, client_addr)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(now_ms)
    .bind(caller.id)
    .bind(&caller.username)
    .bind(caller.role_code())
    .bind(action.action)
    .bind(action.target_kind)
    .bind(&action.target_id)
    .bind(action.center)
    .bind(&action.detail)
    .bind(&caller.client_addr)
    .execute(conn)
    .await?;
    Ok(())
}

pub const PER_PAGE: i64 = 50;

/// A page of entries, newest first, filtered by actor, action and Shanghai dates.
pub async fn query(db: &Db, filter: &AuditFilter) -> anyhow::Result<Paged<AuditEntry>> {
    let from = filter
        .from
        .as_deref()
        .and_then(shanghai_day_start)
        .unwrap_or(0);
    let to = filter
        .to
        .as_deref()
        .and_then(shanghai_day_start)
        .map(|t| t + 86_400_000)
        .unwrap_or(i64::MAX);
    let actor = filter
        .actor
        .clone()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let action = filter.action.clone().unwrap_or_default();
    let page = filter.page.unwrap_or(1).clamp(1, 100_000);
    let cond =
        "at >= $1 AND at < $2 AND ($3 = '' OR actor_username = $3) AND ($4 = '' OR action = $4)";
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM audit_log WHERE {cond}"))
        .bind(from)
        .bind(to)
        .bind(&actor)
        .bind(&action)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    let rows = sqlx::query(&format!(
        "SELECT at, actor_username, actor_role, action, target_kind, target_id, center_code, detail, client_addr
         FROM audit_log WHERE {cond} ORDER BY at DESC, id DESC LIMIT $5 OFFSET $6"
    ))
    .bind(from)
    .bind(to)
    .bind(&actor)
    .bind(&action)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(db.pool())
    .await?;
    let rows = rows
        .iter()
        .map(|r| {
            let role: String = r.try_get("actor_role")?;
            Ok(AuditEntry {
                at: shanghai_datetime(r.try_get("at")?),
                actor: r.try_get("actor_username")?,
                role: app::identity::account::Role::parse(&role)
                    .map(|r| r.label().to_string())
                    .unwrap_or(role),
                action: r.try_get("action")?,
                target: format!(
                    "{} {}",
                    target_label(&r.try_get::<String, _>("target_kind")?),
                    r.try_get::<String, _>("target_id")?
                ),
                center: r.try_get("center_code")?,
                detail: r.try_get("detail")?,
                client_addr: r.try_get("client_addr")?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Paged {
        rows,
        page,
        per_page: PER_PAGE,
        total,
    })
}

/// The kind of record, in words. Every `target_kind` written anywhere has
/// one (tests::every_kind_written_has_a_label).
fn target_label(kind: &str) -> String {
    match kind {
        "staff_user" => "账号",
        "guide" => "办事指南",
        "center" => "中心",
        "center_item" => "中心事项",
        "booking" => "预约",
        "calendar" => "节假日安排",
        "api_key" => "接口密钥",
        "complaint" => "投诉",
        "station" => "便民服务站",
        "help_request" => "帮办申请",
        "consent" => "群众授权",
        "service_window" => "服务窗口",
        "rectification" => "差评整改",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::target_label;

    /// Reads every literal record kind given to `Action` in the server's source.
    #[test]
    fn every_kind_written_has_a_label() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for part in text.split("target_kind: \"").skip(1) {
                        out.push(part.split('"').next().unwrap().to_string());
                    }
                }
            }
        }
        let mut kinds = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut kinds,
        );
        assert!(kinds.len() >= 10, "{kinds:?}");
        for k in kinds {
            assert!(
                !target_label(&k).is_ascii(),
                "audit record kind {k} has no label"
            );
        }
    }
}
