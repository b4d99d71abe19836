//! 我的: sign-in by one-time code, profile, the citizen's bookings.

pub mod my;
