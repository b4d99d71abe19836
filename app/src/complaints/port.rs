//! What 有诉即办 needs from the server (implemented in `server::complaints`).

use super::*;
use crate::identity::port::Cookies;
use http::request::Parts;

/// Complaints for citizens. A case is shown only to the phone that filed it,
/// or to whoever proved its number and the phone's last four digits (the
/// number alone for an anonymous case).
#[async_trait::async_trait]
pub trait ComplaintPort: Send + Sync + 'static {
    async fn form(
        &self,
        req: &Parts,
        category: Option<String>,
        center: Option<String>,
        seq: Option<i32>,
        booking: Option<String>,
    ) -> Result<ComplainForm, AppError>;
    /// Files the complaint; returns its tracking number and the cookie that
    /// lets this browser open it.
    async fn file(&self, req: &Parts, form: NewComplaint) -> Result<(String, Cookies), AppError>;
    /// Proves a tracking number (and the last four digits); returns the
    /// normalised number and the cookie that opens it.
    async fn lookup(
        &self,
        req: &Parts,
        tracking_no: &str,
        last4: &str,
    ) -> Result<(String, Cookies), AppError>;
    /// Forbidden until the caller proved the number.
    async fn track(&self, req: &Parts, tracking_no: &str) -> Result<TrackView, AppError>;
    async fn feedback(
        &self,
        req: &Parts,
        tracking_no: &str,
        resolution: &str,
    ) -> Result<(), AppError>;
    async fn rate(
        &self,
        req: &Parts,
        tracking_no: &str,
        rating: i32,
        reasons: &[String],
        comment: &str,
    ) -> Result<(), AppError>;
    async fn mine(&self, req: &Parts) -> Result<Vec<MyComplaint>, AppError>;
}

/// The back office's queues and case steps; each checks role and scope.
#[async_trait::async_trait]
pub trait ComplaintDeskPort: Send + Sync + 'static {
    async fn queue(
        &self,
        req: &Parts,
        scope: Option<String>,
        queue: Option<String>,
    ) -> Result<ComplaintQueue, AppError>;
    async fn detail(&self, req: &Parts, tracking_no: &str) -> Result<ComplaintDetail, AppError>;
    async fn act(&self, req: &Parts, tracking_no: &str, action: DeskAction)
        -> Result<(), AppError>;
}
