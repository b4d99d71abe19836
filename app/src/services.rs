//! What the UI needs from the server, as traits the `server` crate implements
//! and provides through Leptos context.

use crate::account::*;
use crate::backoffice::*;
use crate::error::AppError;
use crate::types::*;
use http::request::Parts;
use std::sync::Arc;

/// The read path a citizen uses: catalog, guides, centers, search.
#[async_trait::async_trait]
pub trait PortalPort: Send + Sync + 'static {
    async fn home(&self) -> Result<HomeData, AppError>;
    async fn catalog(&self, filter: CatalogFilter) -> Result<CatalogPage, AppError>;
    async fn item(&self, seq: i32) -> Result<ItemDetail, AppError>;
    async fn search(&self, query: &str, limit: u32) -> Result<SearchResults, AppError>;
    async fn centers(&self) -> Result<Vec<Center>, AppError>;
    async fn center(&self, code: &str) -> Result<CenterDetail, AppError>;
    async fn life_event(&self, slug: &str) -> Result<LifeEventDetail, AppError>;
}

/// `Set-Cookie` header values a call wants sent back.
pub type Cookies = Vec<String>;

/// Identity: citizens by phone and one-time code, staff by password. Every
/// method reads the caller from the request itself (cookies, client address).
#[async_trait::async_trait]
pub trait AccountPort: Send + Sync + 'static {
    async fn my_page(&self, req: &Parts) -> Result<MyPage, AppError>;
    async fn request_code(&self, req: &Parts, phone: &str) -> Result<Cookies, AppError>;
    /// A new code to the phone of the pending sign-in (no need to type it again).
    async fn resend_code(&self, req: &Parts) -> Result<Cookies, AppError>;
    async fn verify_code(&self, req: &Parts, code: &str) -> Result<Cookies, AppError>;
    async fn citizen_logout(&self, req: &Parts) -> Result<Cookies, AppError>;
    async fn save_profile(&self, req: &Parts, name: &str, id_number: &str) -> Result<(), AppError>;

    /// The signed-in staff member, or None.
    async fn staff(&self, req: &Parts) -> Result<Option<StaffMe>, AppError>;
    async fn staff_login(
        &self,
        req: &Parts,
        username: &str,
        password: &str,
    ) -> Result<Cookies, AppError>;
    async fn staff_logout(&self, req: &Parts, everywhere: bool) -> Result<Cookies, AppError>;
    async fn change_password(
        &self,
        req: &Parts,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError>;
}

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

/// 延时预约 for citizens. Every method checks who is asking: a booking is
/// shown and changed only for the phone it was made with.
#[async_trait::async_trait]
pub trait BookingPort: Send + Sync + 'static {
    /// Every center with its places left; for `seq`, whether it handles the
    /// item and, if not, the nearest center that does.
    async fn centers(&self, seq: Option<i32>) -> Result<crate::booking::BookCenters, AppError>;
    async fn form(
        &self,
        center: &str,
        seq: Option<i32>,
        day: Option<String>,
    ) -> Result<crate::booking::BookingForm, AppError>;
    async fn check(
        &self,
        req: &Parts,
        slot: i64,
        seq: i32,
    ) -> Result<crate::booking::CheckAnswers, AppError>;
    /// Books and returns the booking code.
    async fn book(
        &self,
        req: &Parts,
        slot: i64,
        seq: i32,
        name: &str,
        notes: &str,
    ) -> Result<String, AppError>;
    async fn booking(
        &self,
        req: &Parts,
        code: &str,
    ) -> Result<crate::booking::BookingView, AppError>;
    async fn cancel(&self, req: &Parts, code: &str) -> Result<(), AppError>;
    async fn mine(&self, req: &Parts) -> Result<Vec<crate::booking::MyBooking>, AppError>;
    /// Joins the waitlist of a full slot; returns the place in the queue.
    async fn join_waitlist(
        &self,
        req: &Parts,
        slot: i64,
        seq: i32,
        name: &str,
        notes: &str,
    ) -> Result<i64, AppError>;
    async fn my_waitlist(&self, req: &Parts) -> Result<Vec<crate::booking::MyWait>, AppError>;
    /// Takes a place held for the caller; returns the new booking's code.
    async fn accept_offer(&self, req: &Parts, id: i64) -> Result<String, AppError>;
    async fn leave_waitlist(&self, req: &Parts, id: i64) -> Result<(), AppError>;
    async fn reschedule_form(
        &self,
        req: &Parts,
        code: &str,
        day: Option<String>,
    ) -> Result<crate::booking::RescheduleForm, AppError>;
    async fn reschedule(&self, req: &Parts, code: &str, slot: i64) -> Result<(), AppError>;
}

/// Everything the server provides to server functions, by context.
#[derive(Clone)]
pub struct Services {
    pub portal: Arc<dyn PortalPort>,
    pub accounts: Arc<dyn AccountPort>,
    pub back_office: Arc<dyn BackOfficePort>,
    pub bookings: Arc<dyn BookingPort>,
}

/// The services of the current request; a missing context is a wiring bug.
pub fn services() -> Result<Services, AppError> {
    leptos::prelude::use_context::<Services>().ok_or_else(|| {
        leptos::logging::error!("Services missing from context");
        AppError::Internal
    })
}

/// The request being served (headers, cookies, client address).
pub fn request() -> Result<Parts, AppError> {
    leptos::prelude::use_context::<Parts>().ok_or_else(|| {
        leptos::logging::error!("request parts missing from context");
        AppError::Internal
    })
}

/// Queues `Set-Cookie` headers on the response.
pub fn set_cookies(cookies: Cookies) {
    if let Some(resp) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        for c in cookies {
            if let Ok(v) = http::HeaderValue::from_str(&c) {
                resp.append_header(http::header::SET_COOKIE, v);
            }
        }
    }
}

/// Gives a failed call its HTTP status, except for plain form posts: those
/// are redirected back to the form with the error, which needs the 302.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        let form_post = use_parts_accepts_html();
        if !form_post {
            crate::components::notice::set_status(e.status());
        }
    }
    result
}

fn use_parts_accepts_html() -> bool {
    leptos::prelude::use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}
