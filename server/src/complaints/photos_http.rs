//! Complaint photos over HTTP: a plain multipart form post (works without
//! JavaScript, one photo at a time, answered with a redirect back to the
//! tracking page), and the photos served from the database to the citizen
//! who may open the case and to the staff who handle it.

use super::service::ComplaintService;
use super::store;
use super::{add_event, Actor, Complaints};
use crate::accounts::{internal, Accounts};
use crate::photos::{self, PhotoError};
use crate::time::now_ms;
use app::complaints::{normalize_tracking, MAX_PHOTOS};
use app::identity::account::Role;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::Row;
use std::sync::Arc;

#[derive(Clone)]
pub struct PhotoRoutes {
    pub complaints: Arc<Complaints>,
    pub service: Arc<ComplaintService>,
    pub accounts: Arc<Accounts>,
}

/// The largest upload body the route reads: the server-wide limit
/// (http::limits). A photo over 5 MB is read to its end and refused with a
/// message, so the browser gets the answer rather than a reset connection.
pub const UPLOAD_BODY_LIMIT: usize = 16 * 1024 * 1024;

fn back(no: &str, query: &str) -> Response {
    Redirect::to(&format!("/track/{no}?{query}#photos")).into_response()
}

fn error_code(e: &PhotoError) -> &'static str {
    match e {
        PhotoError::TooLarge => "size",
        PhotoError::NotAcceptedKind => "type",
        PhotoError::TooManyPixels => "pixels",
        PhotoError::Undecodable | PhotoError::Encode => "corrupt",
    }
}

/// `POST /track/{no}/photos`: adds one photo to an open case the caller may open.
pub async fn upload(
    State(routes): State<PhotoRoutes>,
    Path(no): Path<String>,
    req: Request,
) -> Response {
    let Some(no) = normalize_tracking(&no) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = req.into_parts();
    let case = match routes.service.may_see(&parts, &no).await {
        Ok(c) => c,
        // Not proved: back to the page, which asks for the number and digits.
        Err(_) => return back(&no, "photo_error=access"),
    };
    let mut multipart = match Multipart::from_request(Request::from_parts(parts, body), &()).await {
        Ok(m) => m,
        Err(_) => return back(&no, "photo_error=type"),
    };
    let mut bytes = Vec::new();
    let mut too_large = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return back(&no, "photo_error=size"),
        };
        if field.name() != Some("photo") {
            continue;
        }
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if too_large || bytes.len() + chunk.len() > photos::MAX_BYTES {
                        too_large = true;
                        bytes.clear();
                        continue;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) => return back(&no, "photo_error=size"),
            }
        }
        break;
    }
    if too_large {
        return back(&no, "photo_error=size");
    }
    if bytes.is_empty() {
        return back(&no, "photo_error=empty");
    }
    if !case.open() {
        return back(&no, "photo_error=closed");
    }
    // Decoding and re-encoding is CPU work: off the async threads.
    let clean = match tokio::task::spawn_blocking(move || photos::clean(&bytes)).await {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return back(&no, &format!("photo_error={}", error_code(&e))),
        Err(e) => {
            tracing::error!(error = %e, "photo worker failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    match store_photo(&routes.complaints, case.id, &clean).await {
        Ok(true) => back(&no, "photo=ok"),
        Ok(false) => back(&no, "photo_error=count"),
        Err(e) => e.into_response(),
    }
}

/// Stores the photo (once per content) and links it to the case, in one
/// transaction; false when the case already has its 3 photos.
async fn store_photo(
    complaints: &Complaints,
    case_id: i64,
    photo: &photos::CleanPhoto,
) -> Result<bool, StoreError> {
    let now = now_ms();
    let mut tx = complaints
        .db()
        .pool()
        .begin()
        .await
        .map_err(StoreError::from)?;
    // Lock the case row first (SQLite: the write lock), then count.
    let open = sqlx::query(
        "UPDATE complaints SET updated_at = $2 WHERE id = $1 AND status IN ('received', 'accepted', 'answered')",
    )
    .bind(case_id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from)?
    .rows_affected();
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM complaint_photos WHERE complaint_id = $1")
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?
        .try_get(0)
        .map_err(StoreError::from)?;
    if open != 1 || count >= MAX_PHOTOS {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO photos (sha256, mime, bytes, width, height, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&photo.sha256_hex)
    .bind(photo.mime)
    .bind(&photo.bytes)
    .bind(i64::from(photo.width))
    .bind(i64::from(photo.height))
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from)?;
    let added = sqlx::query(
        "INSERT INTO complaint_photos (complaint_id, sha256, added_at) VALUES ($1, $2, $3)
         ON CONFLICT (complaint_id, sha256) DO NOTHING",
    )
    .bind(case_id)
    .bind(&photo.sha256_hex)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from)?
    .rows_affected();
    if added == 1 {
        add_event(
            &mut tx,
            case_id,
            Actor::CITIZEN,
            "photo",
            true,
            "补充了一张照片",
            now,
        )
        .await
        .map_err(StoreError::App)?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(true)
}

/// A storage failure, answered as the rest of the app answers it.
enum StoreError {
    App(app::error::AppError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::App(internal(e))
    }
}

impl IntoResponse for StoreError {
    fn into_response(self) -> Response {
        let StoreError::App(e) = self;
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, e.to_string()).into_response()
    }
}

/// `GET /track/{no}/photos/{sha}`: for whoever may open the case, or staff
/// who handle it (or whose center it is about).
pub async fn serve(
    State(routes): State<PhotoRoutes>,
    Path((no, sha)): Path<(String, String)>,
    req: Request,
) -> Response {
    let Some(no) = normalize_tracking(&no) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (parts, _) = req.into_parts();
    let allowed = match routes.service.may_see(&parts, &no).await {
        Ok(_) => true,
        Err(_) => match routes.accounts.caller(&parts).await {
            Ok(staff) => {
                let mut conn = match routes.complaints.db().pool().acquire().await {
                    Ok(c) => c,
                    Err(e) => return StoreError::from(e).into_response(),
                };
                match store::by_no(&mut conn, &no).await {
                    Ok(Some(case)) => {
                        staff.role == Role::CityAdmin
                            || staff.center_code.as_deref() == Some(case.center_code.as_str())
                            || staff.center_code.is_some()
                                && staff.center_code == case.handling_center
                    }
                    Ok(None) => false,
                    Err(e) => return StoreError::App(e).into_response(),
                }
            }
            Err(_) => false,
        },
    };
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    let row = sqlx::query(
        "SELECT p.mime, p.bytes FROM photos p
         JOIN complaint_photos cp ON cp.sha256 = p.sha256
         JOIN complaints c ON c.id = cp.complaint_id
         WHERE c.tracking_no = $1 AND p.sha256 = $2",
    )
    .bind(&no)
    .bind(sha.to_ascii_lowercase())
    .fetch_optional(routes.complaints.db().pool())
    .await;
    match row {
        Ok(Some(r)) => {
            let mime: String = r.try_get(0).unwrap_or_default();
            let bytes: Vec<u8> = r.try_get(1).unwrap_or_default();
            // Personal: no-store, as every /track answer (http::private).
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(&mime)
                        .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                )],
                bytes,
            )
                .into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => StoreError::from(e).into_response(),
    }
}
