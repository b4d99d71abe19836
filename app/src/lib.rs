//! Bianmin's UI: pages, components, the shared wire types and thin server
//! functions. Compiled twice: with `ssr` into the server, with `hydrate` to wasm,
//! where only the `#[island]` components (and what they call) are kept.

pub mod account;
pub mod account_api;
pub mod api;
pub mod app;
#[cfg(feature = "ssr")]
pub mod backoffice;
pub mod booking;
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
    // Islands: the page stays as the server sent it; public/client.js then
    // hydrates each `<leptos-island>` (the parts a citizen acts on).
    leptos::mount::hydrate_islands();
}
