//! 帮办代办 pages: the citizen's request form, tracking page and 我的
//! sections, the fields a helper's "file on behalf" form shares, and the
//! back office's pages: village stations, help requests (`desk`) and
//! consents.

pub mod ask;
#[cfg(feature = "ssr")]
pub mod consents;
#[cfg(feature = "ssr")]
pub mod desk;
pub mod fields;
pub mod mine;
#[cfg(feature = "ssr")]
pub mod stations;
pub mod track;
