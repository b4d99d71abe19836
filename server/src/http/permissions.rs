//! Powerful browser features are off on every page (`Permissions-Policy`),
//! except the camera on the desk page, where staff scan booking QR codes
//! (public/desk-scan.js). A script injected anywhere else cannot turn on the
//! camera, microphone or location of a citizen's phone.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

const NOTHING: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
                       serial=(), bluetooth=(), display-capture=()";
const DESK: &str = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), \
                    serial=(), bluetooth=(), display-capture=()";

/// The desk page, the one page that scans with the camera.
pub const DESK_PAGE: &str = "/staff/desk";

pub async fn permissions_policy(req: Request, next: Next) -> Response {
    let desk = req.uri().path() == DESK_PAGE;
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(
        "permissions-policy",
        HeaderValue::from_static(if desk { DESK } else { NOTHING }),
    );
    resp
}
