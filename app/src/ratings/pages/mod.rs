//! 好差评 pages.

pub mod aspects;
#[cfg(feature = "ssr")]
pub mod desk;
#[cfg(feature = "ssr")]
pub mod rate;
#[cfg(feature = "ssr")]
pub mod stats;
