//! What 帮办代办 needs from the server (implemented in `server::help`).

use super::*;
use crate::identity::port::Cookies;
use http::request::Parts;

/// The village stations of a center. Any staff member of the center (and a
/// city admin) reads them; its admins (and a city admin) change them.
#[async_trait::async_trait]
pub trait StationPort: Send + Sync + 'static {
    async fn stations(&self, req: &Parts, code: Option<String>) -> Result<StationsView, AppError>;
    /// Adds a station (`id` None) or changes one of the center's.
    async fn save_station(
        &self,
        req: &Parts,
        code: &str,
        id: Option<i64>,
        form: StationForm,
    ) -> Result<(), AppError>;
    /// Takes a station off the list; the record stays for requests made there.
    async fn retire_station(&self, req: &Parts, code: &str, id: i64) -> Result<(), AppError>;
}

/// Help requests for citizens. A request opens for the phone it was filed
/// with, or for whoever proved its number and the phone's last four digits.
#[async_trait::async_trait]
pub trait HelpPort: Send + Sync + 'static {
    /// The `/help` page: the item (if any), what the situation suggests.
    async fn form(
        &self,
        req: &Parts,
        seq: Option<i32>,
        center: Option<String>,
        situation: Option<String>,
    ) -> Result<HelpForm, AppError>;
    /// Items a situation describes, as the citizen types it.
    async fn suggest(&self, situation: &str) -> Result<Vec<Suggestion>, AppError>;
    /// Files a request for the signed-in phone; returns its number and the
    /// cookie that lets this browser open it.
    async fn submit(
        &self,
        req: &Parts,
        form: NewHelpRequest,
    ) -> Result<(String, Cookies), AppError>;
    async fn lookup(
        &self,
        req: &Parts,
        tracking_no: &str,
        last4: &str,
    ) -> Result<(String, Cookies), AppError>;
    async fn track(&self, req: &Parts, tracking_no: &str) -> Result<HelpTrack, AppError>;
    async fn cancel(&self, req: &Parts, tracking_no: &str, reason: &str) -> Result<(), AppError>;
    async fn rate(
        &self,
        req: &Parts,
        tracking_no: &str,
        rating: i32,
        reasons: &[String],
        comment: &str,
    ) -> Result<(), AppError>;
    async fn mine(&self, req: &Parts) -> Result<Vec<MyHelp>, AppError>;
    async fn my_consents(&self, req: &Parts) -> Result<Vec<MyConsent>, AppError>;
    /// Stops further filings under a consent of the signed-in phone.
    async fn withdraw_consent(&self, req: &Parts, id: i64) -> Result<(), AppError>;
}

/// The back office's side of help requests: queues and steps. Each checks
/// role and center.
#[async_trait::async_trait]
pub trait HelpDeskPort: Send + Sync + 'static {
    async fn queue(
        &self,
        req: &Parts,
        scope: Option<String>,
        queue: Option<String>,
    ) -> Result<HelpQueue, AppError>;
    /// `shown`: the caller just revealed the phone (audited); show it.
    async fn detail(
        &self,
        req: &Parts,
        tracking_no: &str,
        shown: bool,
    ) -> Result<HelpDetail, AppError>;
    async fn act(&self, req: &Parts, tracking_no: &str, action: HelpAction)
        -> Result<(), AppError>;
    /// Assigns every unassigned request of `center` in turn among its
    /// helpers; returns how many were assigned.
    async fn auto_assign(&self, req: &Parts, center: &str) -> Result<i64, AppError>;
    /// Records (audits) that the caller looks at the full phone number.
    async fn reveal_phone(&self, req: &Parts, tracking_no: &str) -> Result<(), AppError>;
    async fn set_work_phone(&self, req: &Parts, phone: &str) -> Result<(), AppError>;
}

/// Consents and filing in a citizen's name: only a consent's helper files
/// under it, within its scope, before it expires or is withdrawn.
#[async_trait::async_trait]
pub trait ConsentPort: Send + Sync + 'static {
    /// Starts a consent; by code, sends the code to the citizen's phone.
    async fn start_consent(&self, req: &Parts, form: NewConsent) -> Result<i64, AppError>;
    /// The code the citizen read back to the helper.
    async fn prove_consent(&self, req: &Parts, id: i64, code: &str) -> Result<(), AppError>;
    async fn consents(&self, req: &Parts) -> Result<ConsentList, AppError>;
    async fn consent(&self, req: &Parts, id: i64) -> Result<ConsentView, AppError>;
    /// The `/help` form for a helper filing under `consent`.
    async fn help_form_for(
        &self,
        req: &Parts,
        consent: i64,
        seq: Option<i32>,
        situation: Option<String>,
    ) -> Result<HelpForm, AppError>;
    async fn file_help_for(
        &self,
        req: &Parts,
        consent: i64,
        form: NewHelpRequest,
    ) -> Result<String, AppError>;
    /// Files a complaint in the citizen's name; returns its tracking number.
    async fn file_complaint_for(
        &self,
        req: &Parts,
        consent: i64,
        form: crate::complaints::NewComplaint,
    ) -> Result<String, AppError>;
    /// Books a 延时 slot in the citizen's name; returns the booking code.
    async fn book_for(
        &self,
        req: &Parts,
        consent: i64,
        slot: i64,
        seq: i32,
        name: &str,
    ) -> Result<String, AppError>;
}
