//! 帮办代办 (assisted and proxy handling). So far: the village stations.

pub mod stations;
