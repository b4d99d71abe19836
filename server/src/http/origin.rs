//! Cross-origin protection for every mutating request (server functions, the
//! API, form posts): a browser that says the request comes from another site
//! gets 403. Follows the Fetch Metadata approach: `Sec-Fetch-Site` when the
//! browser sends it, else `Origin` against `Host`. Requests with neither are
//! not from a browser page (curl, the SMS gateway) and cannot carry a
//! victim's cookies, so they pass.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

pub async fn refuse_cross_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || same_origin(&req) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-origin request refused");
    // The body is left unread, so the connection must not carry another request.
    super::limits::closing(StatusCode::FORBIDDEN, "跨站请求已被拒绝")
}

fn same_origin(req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // "none": typed into the address bar or a bookmark.
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = h.get(header::ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(host)) = (
        origin.to_str(),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    // "null" (sandboxed frames, some redirects) is never same-origin.
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn req(headers: &[(&str, &str)]) -> Request {
        let mut b = axum::http::Request::builder().method("POST").uri("/api/x");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn decides_by_fetch_metadata_then_origin() {
        assert!(same_origin(&req(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&req(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://a"),
            ("host", "a")
        ])));
        assert!(!same_origin(&req(&[("sec-fetch-site", "same-site")])));
        assert!(same_origin(&req(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!same_origin(&req(&[
            ("origin", "https://evil.example"),
            ("host", "bianmin.example")
        ])));
        assert!(!same_origin(&req(&[
            ("origin", "null"),
            ("host", "bianmin.example")
        ])));
        assert!(same_origin(&req(&[("host", "bianmin.example")])));
    }
}
