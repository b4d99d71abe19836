//! 好差评 pages.

pub mod window;
