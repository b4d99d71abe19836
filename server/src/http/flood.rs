//! Per-address limits on the expensive public reads (search, item and guide
//! pages, Open311; the tracking page joins them when it lands), so one address
//! flooding them cannot slow the portal for everyone else. A token bucket per client address (an IPv6 client by its
//! /64) in this instance's memory: these are reads, checked thousands of times
//! a second, where a database counter would cost more than the page. With
//! several instances each allows the rate. A center hall shares one Wi-Fi
//! address, so the rate is set well above what a hall of people typing needs.

use crate::accounts::request::RequestInfo;
use crate::config::IdentityConfig;
use app::error::AppError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Paths the limit covers: what costs a search, a page render or a
/// database query per request. The tracking page also has its own limit on
/// wrong guesses (in the database); this one caps plain hammering.
const EXPENSIVE: [&str; 14] = [
    "/q/",
    "/api/posters",
    "/search",
    "/items/",
    "/events/",
    "/api/search",
    "/api/item",
    "/api/v1/search",
    "/api/v1/items/",
    "/open311/",
    "/track",
    "/api/track",
    "/help",
    "/api/help",
];

/// Buckets kept before idle ones are dropped.
const MAX_TRACKED: usize = 100_000;

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct FloodGuard {
    per_second: f64,
    burst: f64,
    identity: IdentityConfig,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl FloodGuard {
    /// `per_second` sustained per address, bursts of four seconds' worth.
    pub fn new(per_second: u32, identity: IdentityConfig) -> Arc<FloodGuard> {
        Arc::new(FloodGuard {
            per_second: per_second as f64,
            burst: per_second as f64 * 4.0,
            identity,
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// Takes a token for `key`; false when its bucket is empty.
    fn take(&self, key: &str, now: Instant) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(key) {
            // Full buckets are as good as none: forget them.
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let b = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        b.tokens =
            (b.tokens + now.duration_since(b.at).as_secs_f64() * self.per_second).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

pub async fn limit(State(guard): State<Arc<FloodGuard>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !EXPENSIVE.iter().any(|p| path.starts_with(p)) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let key = RequestInfo::from_parts(&parts, &guard.identity).rate_key();
    if guard.take(&key, Instant::now()) {
        return next.run(Request::from_parts(parts, body)).await;
    }
    tracing::debug!(path = %parts.uri.path(), "flood limit");
    refusal(parts.uri.path())
}

/// 429 in the form the caller reads: the API's JSON, Open311's error array,
/// a server function's error, or a line of text for a page.
fn refusal(path: &str) -> Response {
    const MESSAGE: &str = "请求过于频繁，请稍后再试";
    let mut resp = if path.starts_with("/open311/") {
        crate::open311::Refusal::new(StatusCode::TOO_MANY_REQUESTS, MESSAGE).into_response()
    } else if path.starts_with("/api/v1/") {
        (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(serde_json::json!({
                "error": { "code": "rate_limited", "message": MESSAGE, "field": null }
            })),
        )
            .into_response()
    } else if path.starts_with("/api/") {
        let body =
            serde_json::to_string(&AppError::RateLimited(MESSAGE.into())).unwrap_or_default();
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    } else {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            MESSAGE,
        )
            .into_response()
    };
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_then_the_rate_per_address() {
        let g = FloodGuard::new(10, IdentityConfig::default());
        let t0 = Instant::now();
        let taken = (0..100).filter(|_| g.take("a", t0)).count();
        assert_eq!(taken, 40, "a burst of four seconds' worth");
        assert!(g.take("b", t0), "another address is untouched");
        assert!(!g.take("a", t0 + Duration::from_millis(50)));
        let later = t0 + Duration::from_secs(1);
        let taken = (0..100).filter(|_| g.take("a", later)).count();
        assert_eq!(taken, 10, "then the sustained rate");
    }
}
