//! Server functions answer every error with 500 (server_fn's
//! `error_response`) unless the function itself set a status, and a call
//! whose arguments do not parse never reaches the function. This gives such
//! answers the status of the error they carry: malformed or missing arguments
//! are the caller's fault (400), not ours, and must not page anyone.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// The header server_fn puts on an error answer.
const SERVER_FN_ERROR: &str = "serverfnerror";
/// Error bodies are a few hundred bytes; anything longer is left alone.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn status_from_error(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !resp.headers().contains_key(SERVER_FN_ERROR)
    {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        // Too long to be one of ours: an internal error either way.
        return Response::from_parts(parts, Body::empty());
    };
    if let Some(status) = status_for(&bytes) {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The status an encoded `AppError` maps to; None for an internal error.
fn status_for(body: &[u8]) -> Option<StatusCode> {
    let status = match serde_json::from_slice::<AppError>(body).ok()? {
        AppError::Internal => return None,
        // Arguments that did not parse name no field: a bad request.
        AppError::Validation { field, .. } if field.is_empty() => 400,
        other => other.status(),
    };
    StatusCode::from_u16(status).ok()
}

#[cfg(test)]
mod tests {
    use super::status_for;

    #[test]
    fn each_error_gets_its_status() {
        let bad_args =
            serde_json::to_vec(&app::error::AppError::validation("", "请求参数不正确")).unwrap();
        assert_eq!(status_for(&bad_args).map(|s| s.as_u16()), Some(400));
        let field =
            serde_json::to_vec(&app::error::AppError::validation("phone", "手机号码不正确"))
                .unwrap();
        assert_eq!(status_for(&field).map(|s| s.as_u16()), Some(422));
        let missing = serde_json::to_vec(&app::error::AppError::NotFound).unwrap();
        assert_eq!(status_for(&missing).map(|s| s.as_u16()), Some(404));
        let ours = serde_json::to_vec(&app::error::AppError::Internal).unwrap();
        assert_eq!(status_for(&ours), None);
        assert_eq!(status_for(b"not json"), None);
    }
}
