//! `GET /bookings/{code}/ics`: the booking as a calendar file, for its phone.

use crate::bookings::service::BookingService;
use crate::http::api::ApiError;
use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn booking_ics(
    State(service): State<Arc<BookingService>>,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    match service.ics(&parts, &code).await {
        Ok(text) => (
            [
                (
                    header::CONTENT_TYPE,
                    "text/calendar; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"booking-{}.ics\"",
                        code.trim().to_uppercase()
                    ),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            text,
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
