pub mod catalog;
pub mod center;
pub mod centers;
pub mod event;
pub mod home;
pub mod item;
pub mod not_found;
pub mod search;
