//! 帮办代办: village stations, help requests (the citizen's side and the
//! back office's), and consents for filing in a citizen's name.

pub mod consent;
pub mod desk;
pub mod filing;
pub mod requests;
pub mod service;
pub mod stations;
