//! 延时预约: centers, day and slot, check, confirmation, reschedule.

pub mod book;
