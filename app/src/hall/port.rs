//! What the hall's pages need from the server.

use super::*;
use http::request::Parts;

#[async_trait::async_trait]
pub trait HallPort: Send + Sync + 'static {
    /// A center's windows (staff of the center; a city admin: any).
    async fn windows(&self, req: &Parts, code: Option<String>) -> Result<WindowsView, AppError>;
    /// Adds a window (`id` None) or changes one of the center's (its admins).
    async fn save_window(
        &self,
        req: &Parts,
        code: &str,
        id: Option<i64>,
        form: WindowForm,
    ) -> Result<(), AppError>;
    /// Takes a window off the list; its sticker and ratings keep pointing at it.
    async fn retire_window(&self, req: &Parts, code: &str, id: i64) -> Result<(), AppError>;
    /// A poster for one of a center's pages (public: anyone may print one).
    async fn center_poster(
        &self,
        req: &Parts,
        code: &str,
        kind: PosterKind,
    ) -> Result<Poster, AppError>;
    /// A poster for an item's guide, hung in `center`'s hall if given.
    async fn item_poster(
        &self,
        req: &Parts,
        seq: i32,
        center: Option<String>,
    ) -> Result<Poster, AppError>;
    /// Stickers for the center's windows in service.
    async fn stickers(&self, req: &Parts, code: &str) -> Result<StickerSheet, AppError>;
    /// The center's posters with scans per week (staff of the center).
    async fn posters(&self, req: &Parts, code: Option<String>) -> Result<PostersView, AppError>;
}
