//! `GET /q/{code}`: a scanned poster — counted, then sent on to its page.
//! `GET /q/{code}/qr.svg`: the code's QR image, for other print work.

use super::Hall;
use crate::http::api::ApiError;
use crate::time::now_ms;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn scan(State(hall): State<Arc<Hall>>, Path(code): Path<String>) -> Response {
    match hall.links().scan(&code, now_ms()).await {
        // 302 and no-store: every scan comes back here to be counted.
        Ok(Some(to)) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, to),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

pub async fn qr_svg(
    State(hall): State<Arc<Hall>>,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    match hall.qr_svg(&parts, &code).await {
        Ok(Some(svg)) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            svg,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// A mistyped code: a page that says so and leads on, in plain words.
fn not_found() -> Response {
    let page = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>没有这个二维码地址 - 便民服务</title></head><body><h1>没有这个二维码地址</h1><p>请核对海报上的网址，或到<a href=\"/\">便民服务首页</a>查找要办的事。</p></body></html>";
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}
