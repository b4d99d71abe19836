//! What sign-in and 我的 need from the server (implemented in `server::accounts`).

use super::account::*;
use crate::error::AppError;
use http::request::Parts;

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
    /// A city admin picks the center the back office shows ("": the whole city).
    async fn view_center(&self, req: &Parts, code: &str) -> Result<Cookies, AppError>;
    async fn change_password(
        &self,
        req: &Parts,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError>;
}
