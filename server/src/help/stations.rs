//! The village stations of a center (implements `StationPort`). Staff of the
//! center read them; its admins change them, each change audited in its
//! transaction.

use crate::accounts::{internal, Accounts};
use crate::center_list::ListKind;
use crate::portal::Portal;
use crate::storage::Db;
use crate::time::now_ms;
use app::error::AppError;
use app::help::port::StationPort;
use app::help::*;
use http::request::Parts;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;

pub struct Stations {
    db: Db,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
}

const FIELDS: &str = "id, center_code, name, village, address, phone, duty_hours";

fn row(r: &sqlx::any::AnyRow) -> Result<Station, sqlx::Error> {
    Ok(Station {
        id: r.try_get("id")?,
        center_code: r.try_get("center_code")?,
        name: r.try_get("name")?,
        village: r.try_get("village")?,
        address: r.try_get("address")?,
        phone: r.try_get("phone")?,
        duty_hours: r.try_get("duty_hours")?,
    })
}

/// The stations of `center` in service, by name.
pub async fn in_service(conn: &mut AnyConnection, center: &str) -> Result<Vec<Station>, AppError> {
    sqlx::query(&format!(
        "SELECT {FIELDS} FROM stations WHERE center_code = $1 AND retired_at IS NULL ORDER BY name, id"
    ))
    .bind(center)
    .fetch_all(conn)
    .await
    .map_err(internal)?
    .iter()
    .map(row)
    .collect::<Result<_, _>>()
    .map_err(internal)
}

const STATIONS: ListKind = ListKind {
    table: "stations",
    target_kind: "station",
    actions: ("station_create", "station_update", "station_retire"),
    taken: || AppError::validation("name", "本中心已有同名的服务站"),
};

impl Stations {
    pub fn new(db: Db, accounts: Arc<Accounts>, portal: Arc<Portal>) -> Stations {
        Stations {
            db,
            accounts,
            portal,
        }
    }
}

#[async_trait::async_trait]
impl StationPort for Stations {
    async fn stations(&self, req: &Parts, code: Option<String>) -> Result<StationsView, AppError> {
        let caller = self.accounts.caller(req).await?;
        let model = self.portal.model();
        let code = caller.center_in_view(&model, code.as_deref())?;
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        let stations = in_service(&mut conn, &code).await?;
        let choices = caller.center_choices(&model);
        Ok(StationsView {
            center_name: model
                .center(&code)
                .map(|c| c.center_name.clone())
                .unwrap_or_default(),
            may_edit: caller.administers(&code),
            code,
            stations,
            choices,
        })
    }

    async fn save_station(
        &self,
        req: &Parts,
        code: &str,
        id: Option<i64>,
        mut form: StationForm,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = caller.center_administered(&self.portal.model(), code)?;
        validate_station(&mut form)?;
        let now = now_ms();
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let target = match id {
            None => STATIONS.inserted(
                sqlx::query(
                    "INSERT INTO stations (center_code, name, village, address, phone, duty_hours, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(&code)
                .bind(&form.name)
                .bind(&form.village)
                .bind(&form.address)
                .bind(&form.phone)
                .bind(&form.duty_hours)
                .bind(now)
                .fetch_one(&mut *tx)
                .await,
            )?,
            Some(id) => {
                STATIONS.updated(
                    sqlx::query(
                        "UPDATE stations SET name = $3, village = $4, address = $5, phone = $6, duty_hours = $7, updated_at = $8
                         WHERE id = $1 AND center_code = $2 AND retired_at IS NULL",
                    )
                    .bind(id)
                    .bind(&code)
                    .bind(&form.name)
                    .bind(&form.village)
                    .bind(&form.address)
                    .bind(&form.phone)
                    .bind(&form.duty_hours)
                    .bind(now)
                    .execute(&mut *tx)
                    .await,
                )?;
                id
            }
        };
        STATIONS
            .record_saved(
                &mut tx,
                &caller,
                &code,
                id.is_none(),
                target,
                form.name.clone(),
                now,
            )
            .await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn retire_station(&self, req: &Parts, code: &str, id: i64) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        let code = caller.center_administered(&self.portal.model(), code)?;
        STATIONS
            .retire(&self.db, &caller, &code, id, now_ms())
            .await
    }
}
