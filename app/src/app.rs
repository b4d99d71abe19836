//! The document shell, the router and the page chrome.

use crate::components::layout::{Footer, Header};
use crate::pages::{
    catalog::CatalogPage, center::CenterPage, centers::CentersPage, event::EventPage,
    home::HomePage, item::ItemPage, my::MyPage, not_found::NotFound, search::SearchPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// Name of the cookie that remembers 长辈模式.
pub const ELDER_COOKIE: &str = "bianmin_elder";

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let elder = crate::components::elder::initial_elder_mode();
    // The back office ships no wasm: its pages are server-rendered forms.
    let hydrate = !is_back_office();
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN" class=if elder { "elder" } else { "" }>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b5cad" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                {hydrate.then(|| view! { <HydrationScripts options /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/bianmin.css" />
        <Title formatter=|page: String| {
            if page.is_empty() {
                "济源便民服务".to_string()
            } else {
                format!("{page} - 济源便民服务")
            }
        } />
        <Router>
            <a class="skip-link" href="#main">
                "跳到主要内容"
            </a>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/items") view=CatalogPage ssr=SsrMode::Async />
                    <Route path=path!("/items/:seq") view=ItemPage ssr=SsrMode::Async />
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async />
                    <Route path=path!("/centers") view=CentersPage ssr=SsrMode::Async />
                    <Route path=path!("/centers/:code") view=CenterPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug") view=EventPage ssr=SsrMode::Async />
                    <Route path=path!("/my") view=MyPage ssr=SsrMode::Async />
                    <BackOfficeRoutes />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// Whether the page being rendered is in the back office (`/staff…`).
fn is_back_office() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .is_some_and(|p| p.uri.path() == "/staff" || p.uri.path().starts_with("/staff/"))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The back office's routes exist only on the server; the wasm router never
/// sees them (links to `/staff` are full page loads).
#[component(transparent)]
fn BackOfficeRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    #[cfg(feature = "ssr")]
    {
        crate::pages::staff::staff_routes()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use leptos_router::any_nested_route::IntoAnyNestedRoute;
        ().into_any_nested_route()
    }
}
