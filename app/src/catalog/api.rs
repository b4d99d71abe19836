//! Thin server functions: parse, call the port, return. The read path is
//! public, so none of these needs an identity; write paths will check it here.

use crate::catalog::*;
use crate::error::AppError;
use leptos::prelude::*;

/// Longest query we take; citizens type a few words.
pub const MAX_QUERY_CHARS: usize = 50;

#[server(endpoint = "home", input = server_fn::codec::GetUrl)]
pub async fn get_home() -> Result<HomeData, AppError> {
    crate::services::services()?.catalog.home().await
}

/// Filters as separate optional arguments: an empty filter is an empty query string.
#[server(endpoint = "catalog", input = server_fn::codec::GetUrl)]
pub async fn get_catalog(
    department: Option<String>,
    item_type: Option<String>,
    level: Option<String>,
    provincial: Option<bool>,
) -> Result<CatalogPage, AppError> {
    let filter = CatalogFilter {
        department,
        item_type,
        level,
        provincial,
    };
    crate::services::services()?.catalog.catalog(filter).await
}

#[server(endpoint = "item", input = server_fn::codec::GetUrl)]
pub async fn get_item(seq: i32) -> Result<ItemDetail, AppError> {
    crate::services::services()?.catalog.item(seq).await
}

#[server(endpoint = "search", input = server_fn::codec::GetUrl)]
pub async fn search_items(q: String) -> Result<SearchResults, AppError> {
    let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
    crate::services::services()?.catalog.search(&q, 30).await
}

#[server(endpoint = "centers", input = server_fn::codec::GetUrl)]
pub async fn get_centers() -> Result<Vec<Center>, AppError> {
    crate::services::services()?.catalog.centers().await
}

#[server(endpoint = "center", input = server_fn::codec::GetUrl)]
pub async fn get_center(code: String) -> Result<CenterDetail, AppError> {
    crate::services::services()?.catalog.center(&code).await
}

#[server(endpoint = "event", input = server_fn::codec::GetUrl)]
pub async fn get_life_event(slug: String) -> Result<LifeEventDetail, AppError> {
    crate::services::services()?.catalog.life_event(&slug).await
}
