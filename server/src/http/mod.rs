//! HTTP routes besides the Leptos pages: the JSON API, health, preferences.

pub mod api;
pub mod assets;
pub mod csp;
pub mod flood;
pub mod fn_errors;
pub mod health;
pub mod ics;
pub mod isolate;
pub mod limits;
pub mod openapi;
pub mod origin;
pub mod permissions;
pub mod prefs;
pub mod private;
