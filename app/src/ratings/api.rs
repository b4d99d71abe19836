//! Server functions of 好差评.

use super::*;
use crate::services::{request, respond, services};
use leptos::prelude::*;

#[server(endpoint = "rate/page", input = server_fn::codec::GetUrl)]
pub async fn get_rating_page(kind: String, id: String) -> Result<RatingPage, AppError> {
    let req = request()?;
    respond(services()?.ratings.page(&req, &kind, &id).await)
}

#[server(endpoint = "rate/save")]
pub async fn rate(kind: String, id: String, rating: RatingForm) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.ratings.rate(&req, &kind, &id, rating).await)?;
    leptos_axum::redirect(&format!(
        "/rate/{}/{}?done=1",
        crate::text::url_encode(&kind),
        crate::text::url_encode(&id)
    ));
    Ok(())
}

#[server(endpoint = "staff/reviews", input = server_fn::codec::GetUrl)]
pub async fn get_reviews(
    code: Option<String>,
    filter: Option<String>,
) -> Result<ReviewQueue, AppError> {
    let req = request()?;
    respond(services()?.review_desk.reviews(&req, code, filter).await)
}

#[server(endpoint = "staff/reviews/case", input = server_fn::codec::GetUrl)]
pub async fn get_review(id: i64) -> Result<ReviewCase, AppError> {
    let req = request()?;
    respond(services()?.review_desk.review(&req, id).await)
}

#[server(endpoint = "staff/reviews/act")]
pub async fn act_on_review(
    id: i64,
    action: String,
    #[server(default)] note: String,
    due: Option<String>,
) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .review_desk
            .act(&req, id, &action, &note, due)
            .await,
    )?;
    leptos_axum::redirect(&format!("/staff/reviews/{id}?done=review_{action}"));
    Ok(())
}

#[server(endpoint = "staff/stats", input = server_fn::codec::GetUrl)]
pub async fn get_stats(
    code: Option<String>,
    by: Option<String>,
    period: Option<String>,
) -> Result<StatsView, AppError> {
    let req = request()?;
    respond(services()?.stats.stats(&req, code, by, period).await)
}
