//! Bianmin's UI: pages, components, the shared wire types and thin server
//! functions. Compiled twice: with `ssr` into the server, with `hydrate` to wasm,
//! where only the `#[island]` components (and what they call) are kept.
//!
//! One folder per feature (`catalog`, `identity`, `booking`, `staff`): its wire
//! types in `mod.rs`, server functions in `api.rs`, what it needs from the
//! server in `port.rs`, its pages in `pages/`. Shared chrome in `components/`.

pub mod app;
pub mod booking;
pub mod catalog;
pub mod complaints;
pub mod components;
pub mod error;
#[cfg(feature = "ssr")]
pub mod hall;
pub mod help;
pub mod identity;
pub mod ratings;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod staff;
pub mod text;

pub use app::{shell, App, DemoData};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Islands: the page stays as the server sent it; public/client.js then
    // hydrates each `<leptos-island>` (the parts a citizen acts on).
    leptos::mount::hydrate_islands();
}
