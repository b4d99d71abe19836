//! Citizen sign-in by phone and one-time code, and "我的". Thin: the port
//! checks everything; these pass the request along and set the cookies.

use crate::error::AppError;
use crate::identity::account::MyPage;
#[cfg(feature = "ssr")]
use crate::services::*;
use leptos::prelude::*;

#[server(endpoint = "my", input = server_fn::codec::GetUrl)]
pub async fn get_my_page() -> Result<MyPage, AppError> {
    let req = request()?;
    respond(services()?.accounts.my_page(&req).await)
}

/// Sends a code to `phone`; the browser keeps the challenge in a cookie.
/// `next`: the page to go back to (a path on this site; else "我的").
#[server(endpoint = "otp/request")]
pub async fn request_code(phone: String, next: Option<String>) -> Result<(), AppError> {
    let req = request()?;
    let cookies = respond(services()?.accounts.request_code(&req, &phone).await)?;
    set_cookies(cookies);
    leptos_axum::redirect(&crate::identity::safe_next(next.as_deref()));
    Ok(())
}

/// Sends a new code to the phone of the pending sign-in.
#[server(endpoint = "otp/resend")]
pub async fn resend_code(next: Option<String>) -> Result<(), AppError> {
    let req = request()?;
    let cookies = respond(services()?.accounts.resend_code(&req).await)?;
    set_cookies(cookies);
    leptos_axum::redirect(&crate::identity::safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "otp/verify")]
pub async fn verify_code(code: String, next: Option<String>) -> Result<(), AppError> {
    let req = request()?;
    let cookies = respond(services()?.accounts.verify_code(&req, &code).await)?;
    set_cookies(cookies);
    leptos_axum::redirect(&crate::identity::safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "my/logout")]
pub async fn citizen_logout() -> Result<(), AppError> {
    let req = request()?;
    let cookies = respond(services()?.accounts.citizen_logout(&req).await)?;
    set_cookies(cookies);
    leptos_axum::redirect("/my");
    Ok(())
}

/// Optional real name and resident ID number, stored encrypted.
#[server(endpoint = "my/profile")]
pub async fn save_profile(name: String, id_number: String) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .accounts
            .save_profile(&req, &name, &id_number)
            .await,
    )?;
    leptos_axum::redirect("/my");
    Ok(())
}
