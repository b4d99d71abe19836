//! Server functions of the hall: thin calls into `HallPort`.

use super::*;
use crate::services::{request, respond, services};
use leptos::prelude::*;

#[server(endpoint = "staff/windows", input = server_fn::codec::GetUrl)]
pub async fn get_windows(code: Option<String>) -> Result<WindowsView, AppError> {
    let req = request()?;
    respond(services()?.hall.windows(&req, code).await)
}

/// Adds a window (no `id`) or changes one.
#[server(endpoint = "staff/windows/save")]
pub async fn save_window(
    code: String,
    id: Option<i64>,
    window: WindowForm,
) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.hall.save_window(&req, &code, id, window).await)?;
    leptos_axum::redirect(&format!(
        "/staff/windows?code={}&done=window",
        crate::text::url_encode(&code)
    ));
    Ok(())
}

#[server(endpoint = "staff/windows/retire")]
pub async fn retire_window(code: String, id: i64) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.hall.retire_window(&req, &code, id).await)?;
    leptos_axum::redirect(&format!(
        "/staff/windows?code={}&done=window_retired",
        crate::text::url_encode(&code)
    ));
    Ok(())
}

#[server(endpoint = "posters/center", input = server_fn::codec::GetUrl)]
pub async fn get_center_poster(code: String, kind: Option<String>) -> Result<Poster, AppError> {
    let req = request()?;
    let kind = match kind.as_deref().filter(|k| !k.is_empty()) {
        None => PosterKind::Booking,
        Some(k) => PosterKind::parse(k)
            .filter(|k| PosterKind::CENTER_PAGES.contains(k))
            .ok_or(AppError::NotFound)?,
    };
    respond(services()?.hall.center_poster(&req, &code, kind).await)
}

#[server(endpoint = "posters/item", input = server_fn::codec::GetUrl)]
pub async fn get_item_poster(seq: i32, center: Option<String>) -> Result<Poster, AppError> {
    let req = request()?;
    respond(services()?.hall.item_poster(&req, seq, center).await)
}

#[server(endpoint = "posters/stickers", input = server_fn::codec::GetUrl)]
pub async fn get_stickers(code: String) -> Result<StickerSheet, AppError> {
    let req = request()?;
    respond(services()?.hall.stickers(&req, &code).await)
}

#[server(endpoint = "staff/posters", input = server_fn::codec::GetUrl)]
pub async fn get_posters(code: Option<String>) -> Result<PostersView, AppError> {
    let req = request()?;
    respond(services()?.hall.posters(&req, code).await)
}
