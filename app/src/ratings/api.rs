//! Server functions of 好差评.

use super::*;
use crate::services::{request, respond, services};
use leptos::prelude::*;

#[server(endpoint = "rate/window", input = server_fn::codec::GetUrl)]
pub async fn get_window_rating(id: i64) -> Result<WindowRatingPage, AppError> {
    let req = request()?;
    respond(services()?.ratings.window_page(&req, id).await)
}

#[server(endpoint = "rate/window/save")]
pub async fn rate_window(id: i64, rating: RatingForm) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.ratings.rate_window(&req, id, rating).await)?;
    leptos_axum::redirect(&format!("/rate/window/{id}?done=1"));
    Ok(())
}
