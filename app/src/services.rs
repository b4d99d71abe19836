//! The server's side of the server functions: the feature ports the `server`
//! crate implements (each feature's `port.rs`), provided through Leptos
//! context, and the request and response around a call.

use crate::booking::port::BookingPort;
use crate::catalog::port::CatalogPort;
use crate::complaints::port::{ComplaintDeskPort, ComplaintPort};
use crate::error::AppError;
use crate::hall::port::HallPort;
use crate::help::port::{ConsentPort, HelpDeskPort, HelpPort, StationPort};
use crate::identity::port::{AccountPort, Cookies};
use crate::ratings::port::{RatingPort, ReviewDeskPort, StatsPort};
use crate::staff::port::{BackOfficePort, WorkbenchPort};
use http::request::Parts;
use std::sync::Arc;

/// Everything the server provides to server functions, by context.
#[derive(Clone)]
pub struct Services {
    pub catalog: Arc<dyn CatalogPort>,
    pub accounts: Arc<dyn AccountPort>,
    pub back_office: Arc<dyn BackOfficePort>,
    pub bookings: Arc<dyn BookingPort>,
    pub complaints: Arc<dyn ComplaintPort>,
    pub complaint_desk: Arc<dyn ComplaintDeskPort>,
    pub stations: Arc<dyn StationPort>,
    pub help: Arc<dyn HelpPort>,
    pub help_desk: Arc<dyn HelpDeskPort>,
    pub consents: Arc<dyn ConsentPort>,
    pub hall: Arc<dyn HallPort>,
    pub ratings: Arc<dyn RatingPort>,
    pub review_desk: Arc<dyn ReviewDeskPort>,
    pub stats: Arc<dyn StatsPort>,
    pub workbench: Arc<dyn WorkbenchPort>,
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
