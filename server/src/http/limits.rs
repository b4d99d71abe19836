//! Limits every request meets before any handler: a URL or a declared body
//! too long for any real form is refused at once (414/413), a body that grows
//! past the limit while streaming is cut off (413), and a handler that has not
//! answered in time answers 503 instead of holding a citizen's phone forever.
//! Refusals sent before the body was read close the connection: what is left
//! of the body must not be read as the next request.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// The largest real form: a complaint with 3 photos of at most 5 MB each,
/// its text and the multipart framing.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Path and query. The longest real URL is a search of a few hundred
/// percent-encoded characters.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// How long any request may take (`BIANMIN_REQUEST_TIMEOUT_SECS`, 30).
#[derive(Clone, Copy)]
pub struct RequestTimeout(pub Duration);

pub async fn refuse_oversized(req: Request, next: Next) -> Response {
    let url_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if url_len > MAX_URL_BYTES {
        tracing::info!(url_len, "URL too long refused");
        return closing(StatusCode::URI_TOO_LONG, "网址过长，请求已被拒绝");
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        tracing::info!(path = %req.uri().path(), "oversized body refused");
        return too_large();
    }
    // Chunked or lying bodies: reading past the limit fails inside the
    // handler, which answers with a 4xx (axum's extractors 413, server
    // functions 400).
    let (parts, body) = req.into_parts();
    let req = Request::from_parts(
        parts,
        Body::new(http_body_util::Limited::new(body, MAX_BODY_BYTES)),
    );
    next.run(req).await
}

pub async fn time_limit(
    axum::extract::State(RequestTimeout(limit)): axum::extract::State<RequestTimeout>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            // A handler of ours that did not finish: worth a look, so WARN.
            tracing::warn!(%path, secs = limit.as_secs(), "request timed out");
            let mut resp = closing(
                StatusCode::SERVICE_UNAVAILABLE,
                "服务繁忙，本次请求未完成，请稍后重试。",
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            resp
        }
    }
}

pub fn too_large() -> Response {
    closing(
        StatusCode::PAYLOAD_TOO_LARGE,
        "提交的内容过大（每张照片不超过5MB），请求已被拒绝",
    )
}

/// A plain-text refusal that ends the connection.
pub fn closing(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CONNECTION, "close"),
        ],
        message,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_handler_that_never_answers_gets_503() {
        let app = Router::new()
            .route("/stuck", get(std::future::pending::<&'static str>))
            .route("/quick", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(
                RequestTimeout(Duration::from_millis(50)),
                time_limit,
            ));
        let stuck = app
            .clone()
            .oneshot(Request::get("/stuck").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(stuck.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(stuck.headers()[header::RETRY_AFTER], "5");
        let quick = app
            .oneshot(Request::get("/quick").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(quick.status(), StatusCode::OK);
    }
}
