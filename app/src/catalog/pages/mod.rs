//! The read path: home, catalog, search, guides, centers, life events.

pub mod catalog;
pub mod center;
pub mod centers;
pub mod event;
pub mod home;
pub mod item;
pub mod search;
