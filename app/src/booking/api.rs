//! Server functions of 延时预约. Thin: the port checks the caller.

use crate::booking::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::*;
use leptos::prelude::*;

#[server(endpoint = "book/centers", input = server_fn::codec::GetUrl)]
pub async fn get_book_centers(seq: Option<i32>) -> Result<BookCenters, AppError> {
    respond(services()?.bookings.centers(seq).await)
}

#[server(endpoint = "book/form", input = server_fn::codec::GetUrl)]
pub async fn get_booking_form(
    center: String,
    seq: Option<i32>,
    day: Option<String>,
) -> Result<BookingForm, AppError> {
    respond(services()?.bookings.form(&center, seq, day).await)
}

#[server(endpoint = "book/check", input = server_fn::codec::GetUrl)]
pub async fn get_check_answers(slot: i64, seq: i32) -> Result<CheckAnswers, AppError> {
    let req = request()?;
    respond(services()?.bookings.check(&req, slot, seq).await)
}

#[server(endpoint = "book")]
pub async fn book_slot(slot: i64, seq: i32, name: String, notes: String) -> Result<(), AppError> {
    let req = request()?;
    let code = respond(
        services()?
            .bookings
            .book(&req, slot, seq, &name, &notes)
            .await,
    )?;
    leptos_axum::redirect(&format!("/bookings/{code}"));
    Ok(())
}

#[server(endpoint = "booking", input = server_fn::codec::GetUrl)]
pub async fn get_booking(code: String) -> Result<BookingView, AppError> {
    let req = request()?;
    respond(services()?.bookings.booking(&req, &code).await)
}

#[server(endpoint = "booking/cancel")]
pub async fn cancel_booking(code: String) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.bookings.cancel(&req, &code).await)?;
    leptos_axum::redirect(&format!("/bookings/{code}?done=cancelled"));
    Ok(())
}

#[server(endpoint = "my/bookings", input = server_fn::codec::GetUrl)]
pub async fn get_my_bookings() -> Result<Vec<MyBooking>, AppError> {
    let req = request()?;
    respond(services()?.bookings.mine(&req).await)
}

#[server(endpoint = "book/waitlist")]
pub async fn join_waitlist(
    slot: i64,
    seq: i32,
    name: String,
    notes: String,
) -> Result<(), AppError> {
    let req = request()?;
    let position = respond(
        services()?
            .bookings
            .join_waitlist(&req, slot, seq, &name, &notes)
            .await,
    )?;
    leptos_axum::redirect(&format!("/my?waitlist={position}#filed-title"));
    Ok(())
}

#[server(endpoint = "my/waitlist", input = server_fn::codec::GetUrl)]
pub async fn get_my_waitlist() -> Result<Vec<MyWait>, AppError> {
    let req = request()?;
    respond(services()?.bookings.my_waitlist(&req).await)
}

#[server(endpoint = "waitlist/accept")]
pub async fn accept_offer(id: i64) -> Result<(), AppError> {
    let req = request()?;
    let code = respond(services()?.bookings.accept_offer(&req, id).await)?;
    leptos_axum::redirect(&format!("/bookings/{code}?done=waitlisted"));
    Ok(())
}

#[server(endpoint = "waitlist/leave")]
pub async fn leave_waitlist(id: i64) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.bookings.leave_waitlist(&req, id).await)?;
    leptos_axum::redirect("/my?waitlist=left#filed-title");
    Ok(())
}

#[server(endpoint = "booking/reschedule-form", input = server_fn::codec::GetUrl)]
pub async fn get_reschedule_form(
    code: String,
    day: Option<String>,
) -> Result<RescheduleForm, AppError> {
    let req = request()?;
    respond(services()?.bookings.reschedule_form(&req, &code, day).await)
}

#[server(endpoint = "booking/reschedule")]
pub async fn reschedule_booking(code: String, slot: i64) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.bookings.reschedule(&req, &code, slot).await)?;
    leptos_axum::redirect(&format!("/bookings/{code}?done=rescheduled"));
    Ok(())
}
