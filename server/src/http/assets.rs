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

use axum::http::{header, HeaderValue};
use std::path::{Path, PathBuf};
use tower::Layer;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

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
pub fn pkg(site_root: &str, hashed: bool) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = ServeDir::new(Path::new(site_root).join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let policy = if hashed { IMMUTABLE } else { REVALIDATE };
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(policy))
        .layer(dir)
}
