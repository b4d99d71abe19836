//! Error display: a Chinese message, and on the server the matching status code.

use crate::error::AppError;
use leptos::prelude::*;

/// Sets the HTTP status of the page being rendered (server only).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(resp), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        resp.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    set_status(error.status());
    let not_found = matches!(error, AppError::NotFound);
    view! {
        <section class="notice notice-error" role="alert">
            <h1>{if not_found { "页面不存在".to_string() } else { error.to_string() }}</h1>
            {not_found.then(|| view! { <p>"您访问的事项或页面不存在，可能已调整。"</p> })}
            <p>
                <a href="/search">"搜索事项"</a>
                " · "
                <a href="/">"返回首页"</a>
            </p>
        </section>
    }
}
