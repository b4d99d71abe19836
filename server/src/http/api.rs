//! The public JSON API under `/api/v1` (open data: catalog, guides, centers, search).

use crate::portal::Portal;
use app::catalog::api::MAX_QUERY_CHARS;
use app::catalog::{CatalogItem, Center, ItemDetail, SearchHit};
use app::error::AppError;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
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
        // Unknown API paths answer in the API's JSON, not with the HTML 404 page.
        .fallback(|| async { ApiError(AppError::NotFound) })
        .with_state(portal)
}

/// Query parameters and path segments that do not parse (duplicates, wrong
/// types, invalid UTF-8) get the API's own 400 body, not axum's plain text.
pub struct Params<T>(T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Params(v))
            .map_err(|e| bad_request(&e.body_text()))
    }
}

/// A path segment, as text.
pub struct Segment(String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Segment(v))
            .map_err(|e| bad_request(&e.body_text()))
    }
}

/// The caller's mistake: logged for debugging only, never at ERROR.
fn bad_request(why: &str) -> ApiError {
    tracing::debug!(why, "malformed API request");
    ApiError(AppError::validation("", "请求参数不正确"))
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
            AppError::Unavailable => "unavailable",
        };
        let field = match &self.0 {
            AppError::Validation { field, .. } => Some(field.clone()),
            _ => None,
        };
        let status = match &self.0 {
            // Naming no field: the request itself did not parse.
            AppError::Validation { field, .. } if field.is_empty() => StatusCode::BAD_REQUEST,
            e => StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
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
    Params(p): Params<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let q = p.q.unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError(AppError::validation("q", "搜索词不能超过50个字")));
    }
    let limit = match p.limit.as_deref() {
        // An empty `limit=` is a malformed integer, as the OpenAPI document says.
        None => 10,
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
    Segment(seq): Segment,
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
