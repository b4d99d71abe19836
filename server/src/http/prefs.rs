//! 长辈模式 without JavaScript: the toggle form posts here, we set the cookie
//! and send the citizen back to the page they were on. Not HttpOnly: the
//! hydrated toggle rewrites the same cookie from JavaScript.

use app::app::ELDER_COOKIE;
use app::text::safe_back_path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ElderForm {
    on: String,
    back: Option<String>,
}

pub async fn set_elder(Form(form): Form<ElderForm>) -> Response {
    let value = if form.on == "1" { "1" } else { "0" };
    let back = header_safe(safe_back_path(form.back.as_deref().unwrap_or("/")));
    let cookie = format!("{ELDER_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax");
    let mut resp = StatusCode::SEE_OTHER.into_response();
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&back) {
        headers.insert(header::LOCATION, v);
    } else {
        headers.insert(header::LOCATION, HeaderValue::from_static("/"));
    }
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, v);
    }
    resp
}

/// Percent-encodes what a `Location` header cannot carry (spaces, non-ASCII),
/// keeping the rest of the path and query, including existing `%XX`.
fn header_safe(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if (0x21..=0x7e).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::header_safe;

    #[test]
    fn keeps_the_query_and_encodes_what_a_header_cannot_carry() {
        assert_eq!(header_safe("/search?q=yibao"), "/search?q=yibao");
        assert_eq!(header_safe("/search?q=%E7%A4%BE"), "/search?q=%E7%A4%BE");
        assert_eq!(
            header_safe("/search?q=社 保"),
            "/search?q=%E7%A4%BE%20%E4%BF%9D"
        );
    }
}
