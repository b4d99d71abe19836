//! 好差评 pages.

pub mod desk;
pub mod rate;
pub mod stats;
