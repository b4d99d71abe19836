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
