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
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn router(portal: Arc<Portal>) -> Router {
    Router::new()
        .route("/search", get(search))
        .route("/catalog", get(catalog))
        .route("/items/{seq}", get(item))
        .route("/centers", get(centers))
        .route("/openapi.json", get(super::openapi::document_json))
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

/// The `/api/v1` part of the OpenAPI document (`super::openapi`).
#[derive(OpenApi)]
#[openapi(
    paths(search, catalog, item, centers),
    components(schemas(ErrorBody), responses(Malformed, TooMany, Unavailable)),
    tags((name = "open data", description = "The city's catalog, guides, centers and search"))
)]
pub struct ApiV1Doc;

/// API errors: `{"error": {"code": …, "message": …}}` with the matching status.
pub struct ApiError(AppError);

/// The body of every `/api/v1` error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid`, `not_found`, `rate_limited`, `unavailable`, …
    pub code: String,
    pub message: String,
    /// The parameter at fault, for `invalid`.
    pub field: Option<String>,
}

/// The request did not parse (duplicate or mistyped parameters, invalid UTF-8).
#[derive(utoipa::ToResponse)]
#[allow(dead_code)]
pub struct Malformed(ErrorBody);

/// More than the per-address rate (BIANMIN_PUBLIC_PER_IP_SECOND); retry after Retry-After seconds.
#[derive(utoipa::ToResponse)]
#[allow(dead_code)]
pub struct TooMany(ErrorBody);

/// The database cannot be reached or written at the moment.
#[derive(utoipa::ToResponse)]
#[allow(dead_code)]
pub struct Unavailable(ErrorBody);

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
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message: self.0.to_string(),
                field,
            },
        };
        (status, Json(body)).into_response()
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words, pinyin or initials.
    #[param(max_length = 50)]
    q: Option<String>,
    /// How many hits, 1 to 50 (default 10).
    #[param(value_type = Option<i32>, minimum = 1, maximum = 50, default = 10)]
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    items: Vec<SearchHit>,
}

/// Search business items in rank order.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "open data",
    params(SearchParams),
    responses(
        (status = 200, description = "Hits", body = SearchResponse),
        (status = 400, response = Malformed),
        (status = 414, response = super::openapi::TooLong),
        (status = 422, description = "Invalid parameter", body = ErrorBody),
        (status = 429, response = TooMany),
        (status = 503, response = Unavailable),
    )
)]
pub async fn search(
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

#[derive(Serialize, ToSchema)]
pub struct CatalogResponse {
    total: i32,
    items: Vec<CatalogItem>,
}

/// All catalog items with every column of the city's catalog.
#[utoipa::path(
    get,
    path = "/api/v1/catalog",
    tag = "open data",
    responses(
        (status = 200, description = "Catalog", body = CatalogResponse),
        (status = 414, response = super::openapi::TooLong),
    )
)]
pub async fn catalog(State(portal): State<Arc<Portal>>) -> Json<CatalogResponse> {
    let m = portal.model();
    Json(CatalogResponse {
        total: m.items.len() as i32,
        items: m.items.clone(),
    })
}

/// One item with its latest published guide.
#[utoipa::path(
    get,
    path = "/api/v1/items/{seq}",
    tag = "open data",
    params(("seq" = i32, Path, description = "The item's catalog seq")),
    responses(
        (status = 200, description = "Item", body = ItemDetail),
        (status = 400, response = Malformed),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 414, response = super::openapi::TooLong),
        (status = 429, response = TooMany),
        (status = 503, response = Unavailable),
    )
)]
pub async fn item(
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

/// The 16 convenience service centers.
#[utoipa::path(
    get,
    path = "/api/v1/centers",
    tag = "open data",
    responses(
        (status = 200, description = "Centers", body = Vec<Center>),
        (status = 414, response = super::openapi::TooLong),
    )
)]
pub async fn centers(State(portal): State<Arc<Portal>>) -> Json<Vec<Center>> {
    Json(portal.model().centers.clone())
}
