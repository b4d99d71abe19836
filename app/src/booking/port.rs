//! What 延时预约 needs from the server (implemented in `server::bookings`).

use super::*;
use crate::error::AppError;
use http::request::Parts;

/// 延时预约 for citizens. Every method checks who is asking: a booking is
/// shown and changed only for the phone it was made with.
#[async_trait::async_trait]
pub trait BookingPort: Send + Sync + 'static {
    /// Every center with its places left; for `seq`, whether it handles the
    /// item and, if not, the nearest center that does.
    async fn centers(&self, seq: Option<i32>) -> Result<BookCenters, AppError>;
    async fn form(
        &self,
        center: &str,
        seq: Option<i32>,
        day: Option<String>,
    ) -> Result<BookingForm, AppError>;
    async fn check(&self, req: &Parts, slot: i64, seq: i32) -> Result<CheckAnswers, AppError>;
    /// Books and returns the booking code.
    async fn book(
        &self,
        req: &Parts,
        slot: i64,
        seq: i32,
        name: &str,
        notes: &str,
    ) -> Result<String, AppError>;
    async fn booking(&self, req: &Parts, code: &str) -> Result<BookingView, AppError>;
    async fn cancel(&self, req: &Parts, code: &str) -> Result<(), AppError>;
    async fn mine(&self, req: &Parts) -> Result<Vec<MyBooking>, AppError>;
    /// Joins the waitlist of a full slot; returns the place in the queue.
    async fn join_waitlist(
        &self,
        req: &Parts,
        slot: i64,
        seq: i32,
        name: &str,
        notes: &str,
    ) -> Result<i64, AppError>;
    async fn my_waitlist(&self, req: &Parts) -> Result<Vec<MyWait>, AppError>;
    /// Takes a place held for the caller; returns the new booking's code.
    async fn accept_offer(&self, req: &Parts, id: i64) -> Result<String, AppError>;
    async fn leave_waitlist(&self, req: &Parts, id: i64) -> Result<(), AppError>;
    async fn reschedule_form(
        &self,
        req: &Parts,
        code: &str,
        day: Option<String>,
    ) -> Result<RescheduleForm, AppError>;
    async fn reschedule(&self, req: &Parts, code: &str, slot: i64) -> Result<(), AppError>;
}
