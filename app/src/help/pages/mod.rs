//! 帮办代办 pages. So far the back office's list of village stations.

#[cfg(feature = "ssr")]
pub mod stations;
