//! The Bianmin server: configuration, storage, the read model and search,
//! HTTP routes, and start-up.

pub mod accounts;
pub mod audit;
pub mod back_office;
pub mod backup;
pub mod bookings;
pub mod calendar;
pub mod center_list;
pub mod cli;
pub mod complaints;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod hall;
pub mod help;
pub mod http;
pub mod notify;
pub mod open311;
pub mod photos;
pub mod portal;
pub mod qr;
pub mod ratings;
pub mod search;
pub mod seed;
pub mod startup;
pub mod storage;
pub mod time;
