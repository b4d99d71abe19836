//! What the catalog pages need from the server (implemented in `server::portal`).

use super::*;
use crate::error::AppError;

/// The read path a citizen uses: catalog, guides, centers, search.
#[async_trait::async_trait]
pub trait CatalogPort: Send + Sync + 'static {
    async fn home(&self) -> Result<HomeData, AppError>;
    async fn catalog(&self, filter: CatalogFilter) -> Result<CatalogPage, AppError>;
    async fn item(&self, seq: i32) -> Result<ItemDetail, AppError>;
    async fn search(&self, query: &str, limit: u32) -> Result<SearchResults, AppError>;
    async fn centers(&self) -> Result<Vec<Center>, AppError>;
    async fn center(&self, code: &str) -> Result<CenterDetail, AppError>;
    async fn life_event(&self, slug: &str) -> Result<LifeEventDetail, AppError>;
}
