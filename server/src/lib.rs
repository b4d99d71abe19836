//! The Bianmin server: configuration, storage, the read model and search,
//! HTTP routes, and start-up.

pub mod config;
pub mod http;
pub mod portal;
pub mod search;
pub mod seed;
pub mod startup;
pub mod storage;
pub mod time;
