//! 好差评 pages.

pub mod desk;
pub mod stats;
pub mod window;
