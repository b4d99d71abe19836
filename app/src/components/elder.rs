//! 长辈模式: larger text and targets, remembered in a cookie so the server
//! renders it from the first byte. The toggle is a form post that works
//! without JavaScript; once its island is hydrated, it switches at once.

use crate::app::ELDER_COOKIE;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Whether the page is rendered in 长辈模式: from the request cookie.
pub fn initial_elder_mode() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(cookie_says_elder)
            })
            .unwrap_or(false)
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// True when a `Cookie:` header value holds `bianmin_elder=1`.
pub fn cookie_says_elder(cookies: &str) -> bool {
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .any(|(k, v)| k == ELDER_COOKIE && v == "1")
}

/// The path and query to come back to after the toggle's post.
pub fn back_path(pathname: &str, search: &str) -> String {
    let search = search.trim_start_matches('?');
    if search.is_empty() {
        pathname.to_string()
    } else {
        format!("{pathname}?{search}")
    }
}

#[cfg(feature = "hydrate")]
fn apply_elder_mode(on: bool) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = doc.document_element() {
        let _ = if on {
            root.class_list().add_1("elder")
        } else {
            root.class_list().remove_1("elder")
        };
    }
    if let Ok(html) = doc.dyn_into::<web_sys::HtmlDocument>() {
        let value = if on { "1" } else { "0" };
        let _ = html.set_cookie(&format!(
            "{ELDER_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
        ));
    }
}

/// The 长辈模式 switch in the header, placed where the page is rendered:
/// the server knows the mode (cookie) and the path to come back to.
#[component]
pub fn ElderSwitch() -> impl IntoView {
    let location = use_location();
    // The router's `search` has no leading `?`: put it back, or the post
    // returns the citizen to a path that does not exist.
    let back = back_path(
        &location.pathname.get_untracked(),
        &location.search.get_untracked(),
    );
    view! { <ElderToggle elder=initial_elder_mode() back /> }
}

/// An island: a form post without JavaScript, an instant switch with it.
#[island]
fn ElderToggle(elder: bool, back: String) -> impl IntoView {
    let elder = RwSignal::new(elder);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = !elder.get_untracked();
        elder.set(next);
        #[cfg(feature = "hydrate")]
        apply_elder_mode(next);
    };
    view! {
        <form method="post" action="/prefs/elder" class="elder-toggle" on:submit=on_submit>
            <input type="hidden" name="back" value=back />
            <input type="hidden" name="on" value=move || if elder.get() { "0" } else { "1" } />
            <button type="submit" aria-pressed=move || if elder.get() { "true" } else { "false" }>
                {move || if elder.get() { "标准字号" } else { "长辈模式" }}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::{back_path, cookie_says_elder};

    #[test]
    fn comes_back_to_the_whole_path_and_query() {
        assert_eq!(back_path("/search", "q=yibao"), "/search?q=yibao");
        assert_eq!(back_path("/search", "?q=yibao"), "/search?q=yibao");
        assert_eq!(
            back_path("/items", "dept=%E5%B8%82&type=x"),
            "/items?dept=%E5%B8%82&type=x"
        );
        assert_eq!(back_path("/items/83", ""), "/items/83");
    }

    #[test]
    fn reads_the_cookie() {
        assert!(cookie_says_elder("a=b; bianmin_elder=1"));
        assert!(!cookie_says_elder("bianmin_elder=0"));
        assert!(!cookie_says_elder("xbianmin_elder=1"));
        assert!(!cookie_says_elder(""));
    }
}
