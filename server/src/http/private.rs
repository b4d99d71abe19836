//! Pages and calls that show who is signed in must never be kept by a shared
//! cache or the browser's back-forward cache: `Cache-Control: no-store`.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// `/book/{center}/check` shows the signed-in (masked) phone.
/// Complaint pages show the case to whoever proved its number.
const PRIVATE_PREFIXES: [&str; 17] = [
    "/rate",
    "/api/rate",
    "/my",
    "/book/",
    "/staff",
    "/bookings",
    "/api/my",
    "/api/staff",
    "/api/otp",
    "/api/book",
    "/api/booking",
    "/complain",
    "/track",
    "/api/complain",
    "/api/track",
    "/help",
    "/api/help",
];

pub async fn no_store_for_private(req: Request, next: Next) -> Response {
    let private = PRIVATE_PREFIXES
        .iter()
        .any(|p| req.uri().path().starts_with(p));
    let mut resp = next.run(req).await;
    if private {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
