//! Bianmin's UI: pages, components, the shared wire types and thin server
//! functions. Compiled twice: with `ssr` into the server, with `hydrate` to wasm.

pub mod account;
#[cfg(feature = "ssr")]
pub mod account_api;
pub mod api;
pub mod app;
#[cfg(feature = "ssr")]
pub mod backoffice;
#[cfg(feature = "ssr")]
pub mod booking;
#[cfg(feature = "ssr")]
pub mod booking_api;
pub mod components;
pub mod error;
pub mod identity;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
#[cfg(feature = "ssr")]
pub mod staff_api;
pub mod text;
pub mod types;

pub use app::{shell, App, DemoData};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // A marker for the end2end tests (and for CSS that needs JavaScript).
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "1");
    }
}
