//! What the UI needs from the server, as traits the `server` crate implements
//! and provides through Leptos context.

use crate::error::AppError;
use crate::types::*;
use std::sync::Arc;

/// The read path a citizen uses: catalog, guides, centers, search.
#[async_trait::async_trait]
pub trait PortalPort: Send + Sync + 'static {
    async fn home(&self) -> Result<HomeData, AppError>;
    async fn catalog(&self, filter: CatalogFilter) -> Result<CatalogPage, AppError>;
    async fn item(&self, seq: i32) -> Result<ItemDetail, AppError>;
    async fn search(&self, query: &str, limit: u32) -> Result<SearchResults, AppError>;
    async fn centers(&self) -> Result<Vec<Center>, AppError>;
    async fn center(&self, code: &str) -> Result<CenterDetail, AppError>;
    async fn life_event(&self, slug: &str) -> Result<LifeEventDetail, AppError>;
}

/// Everything the server provides to server functions, by context.
#[derive(Clone)]
pub struct Services {
    pub portal: Arc<dyn PortalPort>,
}

/// The services of the current request; a missing context is a wiring bug.
pub fn services() -> Result<Services, AppError> {
    leptos::prelude::use_context::<Services>().ok_or_else(|| {
        leptos::logging::error!("Services missing from context");
        AppError::Internal
    })
}
