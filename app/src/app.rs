//! The document shell, the router and the page chrome.

use crate::catalog::pages::{
    catalog::CatalogPage, center::CenterPage, centers::CentersPage, event::EventPage,
    home::HomePage, item::ItemPage, search::SearchPage,
};
use crate::components::layout::{Footer, Header, StaffHeader};
use crate::components::not_found::NotFound;
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
    // Islands: outside an island nothing hydrates, so the server writes no
    // hydration markers or resource data for it (as HydrationScripts would
    // in islands mode; public/client.js takes that component's place).
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let elder = crate::components::elder::initial_elder_mode();
    let demo = use_context::<DemoData>().map(|_| "true");
    // The back office is server-rendered forms on the hall's PCs: no wasm.
    // Citizen pages load the islands (on idle) and the navigation script.
    let scripts = !is_back_office();
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
                {scripts
                    .then(|| {
                        let (js, wasm) = pkg_files(&options);
                        // Hints at low priority: the islands wait for an idle
                        // moment, the page's own paint comes first.
                        view! {
                            <link rel="modulepreload" href=js.clone() fetchpriority="low" />
                            <link rel="preload" href=wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="" fetchpriority="low" />
                            <script src="/client.js" defer data-js=js.clone() data-wasm=wasm.clone()></script>
                        }
                    })}
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
    // The back office has its own header and no citizen footer.
    let staff = is_back_office();
    view! {
        <Router>
            <a class="skip-link" href="#main">
                "跳到主要内容"
            </a>
            {if staff { view! { <StaffHeader /> }.into_any() } else { view! { <Header /> }.into_any() }}
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
            {(!staff).then(|| view! { <Footer /> })}
        </Router>
    }
}

/// Where the wasm-bindgen JS and the main wasm are: content-hashed names from
/// cargo-leptos's hash file beside the binary (read once).
fn pkg_files(options: &LeptosOptions) -> &'static (String, String) {
    static FILES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let name = options.output_name.to_string();
        let (mut js, mut wasm) = (name.clone(), name.clone());
        let hashes = options
            .hash_files
            .then(|| std::env::current_exe().ok())
            .flatten()
            .and_then(|exe| {
                std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
            });
        // Unhashed: cargo-leptos's names. Every build, cargo-leptos or plain
        // cargo, has LEPTOS_OUTPUT_NAME (.cargo/config.toml), so Leptos's own
        // script tags agree with these.
        if let Some(text) = hashes {
            for (file, hash) in text.lines().filter_map(|l| l.split_once(':')) {
                match file.trim() {
                    "js" => js = format!("{name}.{}", hash.trim()),
                    "wasm" => wasm = format!("{name}.{}", hash.trim()),
                    _ => {}
                }
            }
        }
        let pkg = &options.site_pkg_dir;
        (format!("/{pkg}/{js}.js"), format!("/{pkg}/{wasm}.wasm"))
    })
}

/// Whether the page being rendered belongs to the back office.
fn is_back_office() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|p| {
            let path = p.uri.path();
            path == "/staff" || path.starts_with("/staff/")
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
        use crate::booking::pages::book::*;
        use leptos_router::any_nested_route::IntoAnyNestedRoute;
        let citizen = view! {
            <Route path=path!("/my") view=crate::identity::pages::my::MyPage ssr=SsrMode::Async />
            <Route path=path!("/book") view=BookCentersPage ssr=SsrMode::Async />
            <Route path=path!("/book/:center") view=BookFormPage ssr=SsrMode::Async />
            <Route path=path!("/book/:center/check") view=BookCheckPage ssr=SsrMode::Async />
            <Route path=path!("/bookings/:code") view=BookingPage ssr=SsrMode::Async />
            <Route path=path!("/bookings/:code/reschedule") view=ReschedulePage ssr=SsrMode::Async />
            <Route path=path!("/complain") view=crate::complaints::pages::complain::ComplainPage ssr=SsrMode::Async />
            <Route path=path!("/track") view=crate::complaints::pages::track::TrackPage ssr=SsrMode::Async />
            <Route path=path!("/track/:no") view=crate::complaints::pages::track::TrackPage ssr=SsrMode::Async />
            <Route path=path!("/help") view=crate::help::pages::ask::HelpPage ssr=SsrMode::Async />
            <Route path=path!("/help/:no") view=crate::help::pages::track::HelpTrackPage ssr=SsrMode::Async />
            <Route path=path!("/centers/:code/poster") view=crate::hall::pages::poster::CenterPosterPage ssr=SsrMode::Async />
            <Route path=path!("/centers/:code/stickers") view=crate::hall::pages::poster::StickersPage ssr=SsrMode::Async />
            <Route path=path!("/items/:seq/poster") view=crate::hall::pages::poster::ItemPosterPage ssr=SsrMode::Async />
            <Route path=path!("/rate/:kind/:id") view=crate::ratings::pages::rate::RatePage ssr=SsrMode::Async />
        }
        .into_inner();
        (citizen, crate::staff::pages::staff_routes()).into_any_nested_route()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use leptos_router::any_nested_route::IntoAnyNestedRoute;
        ().into_any_nested_route()
    }
}
