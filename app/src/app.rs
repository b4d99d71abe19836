//! The document shell, the router and the page chrome.

use crate::components::layout::{Footer, Header};
use crate::pages::{
    catalog::CatalogPage, center::CenterPage, centers::CentersPage, event::EventPage,
    home::HomePage, item::ItemPage, not_found::NotFound, search::SearchPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// Name of the cookie that remembers 长辈模式.
pub const ELDER_COOKIE: &str = "bianmin_elder";

/// In context when the portal runs as `bianmin demo`: every page says 演示数据
/// (a banner drawn by the stylesheet from `<html data-demo>`, outside what
/// hydrates, so the wasm needs no flag of its own).
#[derive(Clone, Copy, Debug)]
pub struct DemoData;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let elder = crate::components::elder::initial_elder_mode();
    let demo = use_context::<DemoData>().map(|_| "true");
    // Pages made of forms (我的, the back office) ship no wasm: they are
    // server-rendered and work as plain posts, which keeps the download of
    // the reading pages (search, catalog, guides) within budget.
    let hydrate = !is_server_only();
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN" class=if elder { "elder" } else { "" } data-demo=demo>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b5cad" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
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
                    <ServerOnlyRoutes />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// Paths served without wasm; links to them are full page loads (`rel="external"`).
pub const SERVER_ONLY: [&str; 4] = ["/my", "/staff", "/book", "/bookings"];

/// Whether the page being rendered is one of the server-only pages.
fn is_server_only() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|p| {
            let path = p.uri.path();
            SERVER_ONLY
                .iter()
                .any(|s| path == *s || path.starts_with(&format!("{s}/")))
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// Routes of the server-only pages: the wasm router never sees them.
#[component(transparent)]
fn ServerOnlyRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    #[cfg(feature = "ssr")]
    {
        use crate::pages::book::*;
        use leptos_router::any_nested_route::IntoAnyNestedRoute;
        let citizen = view! {
            <Route path=path!("/my") view=crate::pages::my::MyPage ssr=SsrMode::Async />
            <Route path=path!("/book") view=BookCentersPage ssr=SsrMode::Async />
            <Route path=path!("/book/:center") view=BookFormPage ssr=SsrMode::Async />
            <Route path=path!("/book/:center/check") view=BookCheckPage ssr=SsrMode::Async />
            <Route path=path!("/bookings/:code") view=BookingPage ssr=SsrMode::Async />
            <Route path=path!("/bookings/:code/reschedule") view=ReschedulePage ssr=SsrMode::Async />
        }
        .into_inner();
        (citizen, crate::pages::staff::staff_routes()).into_any_nested_route()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use leptos_router::any_nested_route::IntoAnyNestedRoute;
        ().into_any_nested_route()
    }
}
