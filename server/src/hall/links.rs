//! Short links (`/q/{code}`): one per poster, created the first time its
//! poster is drawn and never changed after (it is printed). A scan is a
//! redirect to the page with `?src={code}` and one more in that link's
//! count for the week — nothing about who scanned.

use crate::accounts::internal;
use crate::storage::{is_unique_violation, Db};
use crate::time::{day_text, shanghai_day, week_start};
use app::error::AppError;
use app::hall::PosterKind;
use sqlx::Row;
use std::collections::HashMap;

/// Five readable characters: 31^5 ≈ 28 million codes, short to type.
pub const CODE_LEN: usize = 5;

/// A code as people type it: any case, spaces and dashes ignored.
pub fn normalize(code: &str) -> Option<String> {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() >= 4
        && code.len() <= 8
        && code.bytes().all(|b| crate::crypto::READABLE.contains(&b)))
    .then_some(code)
}

/// A link of the table, as the back office lists it.
#[derive(Clone, Debug)]
pub struct Link {
    pub code: String,
    pub kind: PosterKind,
    pub subject: String,
}

#[derive(Clone)]
pub struct Links {
    db: Db,
}

impl Links {
    pub fn new(db: Db) -> Links {
        Links { db }
    }

    /// The code of the poster for (`kind`, `subject`, `center`), made now if
    /// there is none. Two first drawings at once agree on one code.
    pub async fn ensure(
        &self,
        kind: PosterKind,
        subject: &str,
        center: &str,
        target: &str,
        now: i64,
    ) -> Result<String, AppError> {
        for _ in 0..8 {
            if let Some(code) = self.find(kind, subject, center).await? {
                return Ok(code);
            }
            let code = crate::crypto::readable_code(CODE_LEN);
            let r = sqlx::query(
                "INSERT INTO short_links (code, kind, subject, center_code, target, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&code)
            .bind(kind.as_str())
            .bind(subject)
            .bind(center)
            .bind(target)
            .bind(now)
            .execute(self.db.pool())
            .await;
            match r {
                Ok(_) => return Ok(code),
                // The code was taken, or someone made this poster's link first: look again.
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(internal(e)),
            }
        }
        Err(internal("no free short link code in 8 tries"))
    }

    async fn find(
        &self,
        kind: PosterKind,
        subject: &str,
        center: &str,
    ) -> Result<Option<String>, AppError> {
        sqlx::query(
            "SELECT code FROM short_links WHERE kind = $1 AND subject = $2 AND center_code = $3",
        )
        .bind(kind.as_str())
        .bind(subject)
        .bind(center)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(internal)
    }

    /// A scan: the page the code points at, with `src` added, and one more
    /// in the week's count. None for a code that was never issued.
    pub async fn scan(&self, code: &str, now: i64) -> Result<Option<String>, AppError> {
        let Some(code) = normalize(code) else {
            return Ok(None);
        };
        // One statement, so concurrent scans queue on the database's own
        // lock instead of failing an upgrade from a read.
        let counted = sqlx::query(
            "INSERT INTO link_scans (code, week, scans)
             SELECT code, $2, 1 FROM short_links WHERE code = $1
             ON CONFLICT (code, week) DO UPDATE SET scans = link_scans.scans + 1",
        )
        .bind(&code)
        .bind(day_text(week_start(shanghai_day(now))))
        .execute(self.db.pool())
        .await
        .map_err(internal)?
        .rows_affected();
        if counted == 0 {
            return Ok(None);
        }
        let target: String = sqlx::query("SELECT target FROM short_links WHERE code = $1")
            .bind(&code)
            .fetch_one(self.db.pool())
            .await
            .map_err(internal)?
            .try_get(0)
            .map_err(internal)?;
        let sep = if target.contains('?') { '&' } else { '?' };
        Ok(Some(format!("{target}{sep}src={code}")))
    }

    /// Whether `code` was issued (for its QR image).
    pub async fn exists(&self, code: &str) -> Result<Option<String>, AppError> {
        let Some(code) = normalize(code) else {
            return Ok(None);
        };
        let found = sqlx::query("SELECT 1 FROM short_links WHERE code = $1")
            .bind(&code)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?;
        Ok(found.map(|_| code))
    }

    /// The links of posters hung at `center`, oldest first.
    pub async fn of_center(&self, center: &str) -> Result<Vec<Link>, AppError> {
        sqlx::query(
            "SELECT code, kind, subject FROM short_links WHERE center_code = $1 ORDER BY created_at, code",
        )
        .bind(center)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok((
                r.try_get("code")?,
                PosterKind::parse(&kind),
                r.try_get("subject")?,
            ))
        })
        .collect::<Result<Vec<(String, Option<PosterKind>, String)>, sqlx::Error>>()
        .map_err(internal)
        .map(|rows| {
            rows.into_iter()
                .filter_map(|(code, kind, subject)| Some(Link { code, kind: kind?, subject }))
                .collect()
        })
    }

    /// Scans of the links of `center` in the weeks from `first_week` on:
    /// (code, week) → scans.
    pub async fn scans_since(
        &self,
        center: &str,
        first_week: &str,
    ) -> Result<HashMap<(String, String), i64>, AppError> {
        let rows = sqlx::query(
            "SELECT s.code, s.week, s.scans FROM link_scans s
             JOIN short_links l ON l.code = s.code
             WHERE l.center_code = $1 AND s.week >= $2",
        )
        .bind(center)
        .bind(first_week)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| Ok(((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal)
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(normalize("ab3cd").as_deref(), Some("AB3CD"));
        assert_eq!(normalize(" AB-3CD ").as_deref(), Some("AB3CD"));
        for bad in ["", "AB", "AB0CD", "ABICD", "AB3CD%2F", "../x", "ABCDEFGHJ"] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }
}
