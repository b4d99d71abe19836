use crate::portal::Portal;
use axum::extract::State;
use axum::http::StatusCode;
use std::sync::Arc;

/// 200 when the database answers, 503 otherwise.
pub async fn healthz(State(portal): State<Arc<Portal>>) -> (StatusCode, &'static str) {
    match portal.db().ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
