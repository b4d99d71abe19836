//! Server functions of 帮办代办. Thin: the ports check the caller.

use crate::error::AppError;
use crate::help::*;
#[cfg(feature = "ssr")]
use crate::services::*;
use leptos::prelude::*;

#[server(endpoint = "staff/stations", input = server_fn::codec::GetUrl)]
pub async fn get_stations(code: Option<String>) -> Result<StationsView, AppError> {
    let req = request()?;
    respond(services()?.stations.stations(&req, code).await)
}

/// Adds a station (no `id`) or changes one.
#[server(endpoint = "staff/stations/save")]
pub async fn save_station(
    code: String,
    id: Option<i64>,
    station: StationForm,
) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .stations
            .save_station(&req, &code, id, station)
            .await,
    )?;
    leptos_axum::redirect(&format!(
        "/staff/stations?code={}&done=station",
        crate::text::url_encode(&code)
    ));
    Ok(())
}

#[server(endpoint = "staff/stations/retire")]
pub async fn retire_station(code: String, id: i64) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.stations.retire_station(&req, &code, id).await)?;
    leptos_axum::redirect(&format!(
        "/staff/stations?code={}&done=station_retired",
        crate::text::url_encode(&code)
    ));
    Ok(())
}
