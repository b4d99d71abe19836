//! The built site's files: the wasm, JS and CSS under `/pkg`, and the public
//! files (favicon, robots.txt, scripts of the back office).
//!
//! A release build (`cargo leptos build --release --precompress`, with
//! `hash-files` in Cargo.toml) names `/pkg` files by their content hash and
//! writes `.br`/`.gz` beside them, and `hash.txt` beside the binary. Then
//! `/pkg` answers from those files as they are (no compressing per request)
//! and may be cached for a year: a new build has new names. Without
//! `hash.txt` (tests, a plain `cargo run`) names are fixed and every file is
//! revalidated.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

/// A year, and never revalidated: for content-hashed file names only.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Stored, but checked with the server before each use.
pub const REVALIDATE: &str = "no-cache";

/// `hash.txt` beside the running binary, where cargo-leptos writes it.
pub fn hash_file() -> Option<PathBuf> {
    let path = std::env::current_exe().ok()?.parent()?.join("hash.txt");
    path.is_file().then_some(path)
}

/// Serves `{site_root}/pkg`, precompressed when the client takes it.
pub fn pkg(site_root: &str, hashed: bool) -> Router {
    let dir = ServeDir::new(Path::new(site_root).join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(dir)
        .layer(axum::middleware::map_response(move |r: Response| {
            std::future::ready(cache_headers(r, hashed))
        }))
}

/// Only a file found is kept for a year (a name another instance of a
/// rolling deploy does not have yet must not stay a 404); the encoding
/// depends on the request's Accept-Encoding, which caches must key on.
fn cache_headers(mut r: Response, hashed: bool) -> Response {
    let found = matches!(r.status(), StatusCode::OK | StatusCode::NOT_MODIFIED);
    let policy = if hashed && found {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = r.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: StatusCode, hashed: bool) -> Response {
        let mut r = Response::new(axum::body::Body::empty());
        *r.status_mut() = status;
        cache_headers(r, hashed)
    }

    #[test]
    fn only_hashed_files_found_are_kept_for_a_year() {
        let r = answered(StatusCode::OK, true);
        assert_eq!(r.headers()[header::CACHE_CONTROL], IMMUTABLE);
        assert_eq!(r.headers()[header::VARY], "accept-encoding");
        assert_eq!(
            answered(StatusCode::NOT_MODIFIED, true).headers()[header::CACHE_CONTROL],
            IMMUTABLE
        );
        for (status, hashed) in [
            (StatusCode::NOT_FOUND, true),
            (StatusCode::OK, false),
            (StatusCode::NOT_FOUND, false),
        ] {
            assert_eq!(
                answered(status, hashed).headers()[header::CACHE_CONTROL],
                REVALIDATE,
                "{status} {hashed}"
            );
        }
    }
}
