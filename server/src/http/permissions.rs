//! Powerful browser features are off on every page (`Permissions-Policy`),
//! except the camera in the back office, where the desk page scans booking QR
//! codes (public/desk-scan.js). The policy binds to the document first
//! loaded, so every back-office page allows it: staff reach the desk from
//! their other pages. A script injected into a citizen page cannot turn on
//! the camera, microphone or location of a citizen's phone.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

const NOTHING: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
                       serial=(), bluetooth=(), display-capture=()";
const DESK: &str = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), \
                    serial=(), bluetooth=(), display-capture=()";

/// The back office, where the desk page scans with the camera.
pub const BACK_OFFICE: &str = "/staff";

pub async fn permissions_policy(req: Request, next: Next) -> Response {
    let desk = req.uri().path().starts_with(BACK_OFFICE);
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(
        "permissions-policy",
        HeaderValue::from_static(if desk { DESK } else { NOTHING }),
    );
    resp
}
