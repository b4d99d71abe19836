//! What the back office needs from the server (implemented in `server::back_office`).

use super::*;
use crate::error::AppError;
use http::request::Parts;

/// The staff back office. Each method checks the caller's role and scope.
#[async_trait::async_trait]
pub trait BackOfficePort: Send + Sync + 'static {
    async fn users(&self, req: &Parts, filter: UserFilter)
        -> Result<Paged<StaffUserRow>, AppError>;
    async fn create_user(&self, req: &Parts, new: NewStaffUser) -> Result<(), AppError>;
    async fn set_user_disabled(&self, req: &Parts, id: i64, disabled: bool)
        -> Result<(), AppError>;
    /// Sets a new password for someone who forgot theirs; also unlocks the account.
    async fn reset_user_password(
        &self,
        req: &Parts,
        id: i64,
        password: &str,
    ) -> Result<(), AppError>;
    async fn guides(
        &self,
        req: &Parts,
        filter: GuideFilter,
    ) -> Result<Paged<GuideListRow>, AppError>;
    async fn guide_editor(&self, req: &Parts, seq: i32) -> Result<GuideEditor, AppError>;
    /// Saves the form as a draft; with `publish`, then validates and publishes it.
    async fn save_guide(
        &self,
        req: &Parts,
        seq: i32,
        form: GuideForm,
        publish: bool,
    ) -> Result<(), AppError>;
    async fn guide_diff(
        &self,
        req: &Parts,
        seq: i32,
        from: i32,
        to: i32,
    ) -> Result<GuideDiff, AppError>;
    async fn center_settings(
        &self,
        req: &Parts,
        code: Option<String>,
    ) -> Result<CenterSettings, AppError>;
    async fn save_center_contact(
        &self,
        req: &Parts,
        code: &str,
        form: CenterContactForm,
    ) -> Result<(), AppError>;
    async fn set_center_item(
        &self,
        req: &Parts,
        code: &str,
        change: CenterItemChange,
    ) -> Result<(), AppError>;
    async fn audit(&self, req: &Parts, filter: AuditFilter) -> Result<Paged<AuditEntry>, AppError>;
    async fn schedule(&self, req: &Parts, code: Option<String>) -> Result<ScheduleView, AppError>;
    /// The desk: a center's bookings of one day, by slot.
    async fn day_view(
        &self,
        req: &Parts,
        code: Option<String>,
        day: Option<String>,
    ) -> Result<DayView, AppError>;
    async fn check_in(&self, req: &Parts, code: &str, booking: &str) -> Result<(), AppError>;
    async fn no_show(&self, req: &Parts, code: &str, booking: &str) -> Result<(), AppError>;
    async fn walk_in(&self, req: &Parts, code: &str, form: WalkInForm) -> Result<(), AppError>;
    async fn add_window(&self, req: &Parts, code: &str, form: WindowForm) -> Result<(), AppError>;
    async fn calendar(&self, req: &Parts) -> Result<Vec<CalendarDay>, AppError>;
    async fn import_calendar(&self, req: &Parts, csv: &str) -> Result<(), AppError>;
    async fn add_closure(
        &self,
        req: &Parts,
        code: &str,
        day: &str,
        reason: &str,
    ) -> Result<(), AppError>;
    async fn delete_window(&self, req: &Parts, code: &str, id: i64) -> Result<(), AppError>;
}

/// The 工作台's figures.
#[async_trait::async_trait]
pub trait WorkbenchPort: Send + Sync + 'static {
    async fn today(&self, req: &Parts) -> Result<Today, AppError>;
}
