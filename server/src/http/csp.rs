//! Content-Security-Policy: defence in depth against script injection.
//!
//! Pages rendered by Leptos allow script only from our own files and the
//! inline scripts that carry this response's nonce (Leptos generates one per
//! response and puts it on its hydration and resource scripts). WebAssembly
//! needs `'wasm-unsafe-eval'`, which lets no JavaScript string run. Every
//! other response (JSON, files, redirects) gets a policy that runs nothing.

use axum::http::{header, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// The policy of an HTML page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of every response that is not a page.
pub const NOTHING_RUNS: &str =
    "default-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Leptos context hook: gives the page being rendered the policy with its nonce.
pub fn provide_page_policy() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    // A nonce is URL-safe base64; a value that is not a header value cannot happen.
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_only_own_files_and_the_nonce() {
        let p = page_policy("abc_-123");
        assert!(p.contains("script-src 'self' 'nonce-abc_-123' 'wasm-unsafe-eval';"));
        assert!(!p.contains("unsafe-inline"));
        assert!(!p.contains("'unsafe-eval'"));
        for directive in [
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(p.contains(directive), "{directive}");
        }
        assert!(HeaderValue::from_str(&p).is_ok());
    }
}
