//! The public JSON API under `/api/v1` (open data: catalog, guides, centers, search).

use crate::portal::Portal;
use app::catalog::api::MAX_QUERY_CHARS;
use app::catalog::{CatalogItem, Center, ItemDetail, SearchHit};
use app::error::AppError;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub fn router(portal: Arc<Portal>) -> Router {
    Router::new()
        .route("/search", get(search))
        .route("/catalog", get(catalog))
        .route("/items/{seq}", get(item))
        .route("/centers", get(centers))
        .route("/openapi.json", get(openapi))
        .with_state(portal)
}

/// API errors: `{"error": {"code": …, "message": …}}` with the matching status.
pub struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = match &self.0 {
            AppError::Validation { .. } => "invalid",
            AppError::Unauthenticated => "unauthenticated",
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited(_) => "rate_limited",
            AppError::Internal => "internal",
        };
        let field = match &self.0 {
            AppError::Validation { field, .. } => Some(field.clone()),
            _ => None,
        };
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({
            "error": { "code": code, "message": self.0.to_string(), "field": field }
        });
        (status, Json(body)).into_response()
    }
}

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize)]
pub struct SearchResponse {
    items: Vec<SearchHit>,
}

async fn search(
    State(portal): State<Arc<Portal>>,
    Query(p): Query<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let q = p.q.unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError(AppError::validation("q", "搜索词不能超过50个字")));
    }
    let limit = match p.limit.as_deref() {
        None | Some("") => 10,
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=50).contains(&n) => n as usize,
            _ => {
                return Err(ApiError(AppError::validation(
                    "limit",
                    "limit 须为1到50之间的整数",
                )))
            }
        },
    };
    Ok(Json(SearchResponse {
        items: portal.model().index.search(&q, limit),
    }))
}

#[derive(Serialize)]
pub struct CatalogResponse {
    total: i32,
    items: Vec<CatalogItem>,
}

async fn catalog(State(portal): State<Arc<Portal>>) -> Json<CatalogResponse> {
    let m = portal.model();
    Json(CatalogResponse {
        total: m.items.len() as i32,
        items: m.items.clone(),
    })
}

async fn item(
    State(portal): State<Arc<Portal>>,
    Path(seq): Path<String>,
) -> Result<Json<ItemDetail>, ApiError> {
    let seq: i32 = seq.parse().map_err(|_| ApiError(AppError::NotFound))?;
    portal
        .model()
        .item_detail(seq)
        .map(Json)
        .ok_or(ApiError(AppError::NotFound))
}

async fn centers(State(portal): State<Arc<Portal>>) -> Json<Vec<Center>> {
    Json(portal.model().centers.clone())
}

async fn openapi() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
}
