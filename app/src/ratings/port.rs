//! What the rating pages need from the server.

use super::*;
use http::request::Parts;

#[async_trait::async_trait]
pub trait RatingPort: Send + Sync + 'static {
    /// A subject's rating page (a window's is public; a booking's shows only
    /// to its booker).
    async fn page(&self, req: &Parts, kind: &str, id: &str) -> Result<RatingPage, AppError>;
    /// Rates it: a window visit once per phone per day, a booking once, by its booker.
    async fn rate(
        &self,
        req: &Parts,
        kind: &str,
        id: &str,
        form: RatingForm,
    ) -> Result<(), AppError>;
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
