//! What the rating pages need from the server.

use super::*;
use http::request::Parts;

#[async_trait::async_trait]
pub trait RatingPort: Send + Sync + 'static {
    /// The window's rating page (public; the phone decides what it shows).
    async fn window_page(&self, req: &Parts, id: i64) -> Result<WindowRatingPage, AppError>;
    /// Rates a window visit: the signed-in phone, once a day per window.
    async fn rate_window(&self, req: &Parts, id: i64, form: RatingForm) -> Result<(), AppError>;
}

/// The back office's side: bad reviews and their rectification.
#[async_trait::async_trait]
pub trait ReviewDeskPort: Send + Sync + 'static {
    async fn reviews(
        &self,
        req: &Parts,
        code: Option<String>,
        filter: Option<String>,
    ) -> Result<ReviewQueue, AppError>;
    /// A case of the caller's center (a city admin: any); others are "not found".
    async fn review(&self, req: &Parts, id: i64) -> Result<ReviewCase, AppError>;
    /// Takes a step (`CASE_ACTIONS`); `due` is a plan's deadline (YYYY-MM-DD).
    async fn act(
        &self,
        req: &Parts,
        id: i64,
        action: &str,
        note: &str,
        due: Option<String>,
    ) -> Result<(), AppError>;
}

/// 好差评 statistics: per center, window or staff member, by week or month.
#[async_trait::async_trait]
pub trait StatsPort: Send + Sync + 'static {
    async fn stats(
        &self,
        req: &Parts,
        code: Option<String>,
        by: Option<String>,
        period: Option<String>,
    ) -> Result<StatsView, AppError>;
}
