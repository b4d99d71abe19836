//! The 工作台's figures for today (implements `WorkbenchPort`): a center's
//! staff see their center, a city admin the whole city. Each count is the
//! one its queue shows.

use crate::accounts::{internal, Accounts};
use crate::portal::Portal;
use crate::storage::Db;
use crate::time::{now_ms, shanghai_date};
use app::error::AppError;
use app::staff::port::WorkbenchPort;
use app::staff::Today;
use http::request::Parts;
use sqlx::Row;
use std::sync::Arc;

/// The second parameter of a count.
enum Second {
    Now,
    Today,
}

pub struct Workbench {
    db: Db,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
}

impl Workbench {
    pub fn new(db: Db, accounts: Arc<Accounts>, portal: Arc<Portal>) -> Workbench {
        Workbench {
            db,
            accounts,
            portal,
        }
    }
}

#[async_trait::async_trait]
impl WorkbenchPort for Workbench {
    async fn today(&self, req: &Parts) -> Result<Today, AppError> {
        let caller = self.accounts.caller(req).await?;
        // '' is the whole city: a city admin has no center of their own.
        let center = caller.center_code.clone().unwrap_or_default();
        let now = now_ms();
        let today = shanghai_date(now);
        // $1 is the center ('' for all); $2, where used, now or today.
        let queries: [(&str, Option<Second>); 8] = [
            (
                "SELECT COUNT(*) FROM bookings b JOIN slots s ON s.id = b.slot_id
                 WHERE s.day = $2 AND b.status <> 'cancelled' AND ($1 = '' OR s.center_code = $1)",
                Some(Second::Today),
            ),
            (
                "SELECT COUNT(*) FROM bookings b JOIN slots s ON s.id = b.slot_id
                 WHERE s.day = $2 AND b.status = 'checked_in' AND ($1 = '' OR s.center_code = $1)",
                Some(Second::Today),
            ),
            (
                "SELECT COUNT(*) FROM complaints
                 WHERE status IN ('received', 'accepted') AND ($1 = '' OR handling_center = $1)",
                None,
            ),
            (
                "SELECT COUNT(*) FROM complaints WHERE ($1 = '' OR handling_center = $1)
                 AND ((status = 'received' AND accept_due_at < $2) OR (status = 'accepted' AND answer_due_at < $2))",
                Some(Second::Now),
            ),
            (
                "SELECT COUNT(*) FROM help_requests
                 WHERE status NOT IN ('done', 'cancelled') AND ($1 = '' OR center_code = $1)",
                None,
            ),
            (
                "SELECT COUNT(*) FROM help_requests
                 WHERE status = 'submitted' AND assign_due_at < $2 AND ($1 = '' OR center_code = $1)",
                Some(Second::Now),
            ),
            (
                "SELECT COUNT(*) FROM rectifications WHERE status = 'open' AND ($1 = '' OR center_code = $1)",
                None,
            ),
            (
                "SELECT COUNT(*) FROM rectifications WHERE ($1 = '' OR center_code = $1)
                 AND ((status = 'open' AND callback_due_at < $2) OR (status = 'planned' AND plan_due_at < $2))",
                Some(Second::Now),
            ),
        ];
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        let mut n = [0_i64; 8];
        for (i, (sql, second)) in queries.iter().enumerate() {
            let q = sqlx::query(sql).bind(&center);
            let q = match second {
                Some(Second::Now) => q.bind(now),
                Some(Second::Today) => q.bind(today.clone()),
                None => q,
            };
            n[i] = q
                .fetch_one(&mut *conn)
                .await
                .map_err(internal)?
                .try_get(0)
                .map_err(internal)?;
        }
        Ok(Today {
            scope_label: if center.is_empty() {
                "全市".to_string()
            } else {
                self.portal
                    .model()
                    .center(&center)
                    .map(|c| c.center_name.clone())
                    .unwrap_or_default()
            },
            appointments: n[0],
            checked_in: n[1],
            complaints_open: n[2],
            complaints_overdue: n[3],
            help_open: n[4],
            help_overdue: n[5],
            reviews_awaiting: n[6],
            reviews_overdue: n[7],
        })
    }
}
