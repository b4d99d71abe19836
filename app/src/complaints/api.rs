//! Server functions of 有诉即办. Thin: the ports check the caller.
// The filing form has eight fields; the generated client function takes them all.
#![allow(clippy::too_many_arguments)]

use crate::complaints::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::*;
use leptos::prelude::*;

#[server(endpoint = "complain/form", input = server_fn::codec::GetUrl)]
pub async fn get_complain_form(
    category: Option<String>,
    center: Option<String>,
    seq: Option<i32>,
    booking: Option<String>,
) -> Result<ComplainForm, AppError> {
    let req = request()?;
    respond(
        services()?
            .complaints
            .form(&req, category, center, seq, booking)
            .await,
    )
}

/// Files a complaint. `anonymous` is the checkbox (`on` when ticked).
#[server(endpoint = "complain")]
pub async fn file_complaint(
    category: String,
    center: String,
    seq: Option<i32>,
    booking: Option<String>,
    subject: Option<String>,
    what: String,
    wants: Option<String>,
    anonymous: Option<String>,
) -> Result<(), AppError> {
    let req = request()?;
    let form = NewComplaint {
        category,
        center,
        seq,
        booking: booking.filter(|b| !b.trim().is_empty()),
        subject: subject.unwrap_or_default(),
        what,
        wants: wants.unwrap_or_default(),
        anonymous: anonymous.is_some_and(|a| !a.is_empty()),
    };
    let (no, cookies) = respond(services()?.complaints.file(&req, form).await)?;
    set_cookies(cookies);
    leptos_axum::redirect(&format!("/track/{no}?done=filed"));
    Ok(())
}

/// Opens a case by its number and the phone's last four digits. A help
/// request's number (`BB-…`) opens that request instead.
#[server(endpoint = "track/lookup")]
pub async fn track_lookup(tracking_no: String, last4: Option<String>) -> Result<(), AppError> {
    let req = request()?;
    if crate::help::normalize_help_no(&tracking_no).is_some() {
        let (no, cookies) = respond(
            services()?
                .help
                .lookup(&req, &tracking_no, last4.as_deref().unwrap_or(""))
                .await,
        )?;
        set_cookies(cookies);
        leptos_axum::redirect(&format!("/help/{no}"));
        return Ok(());
    }
    let (no, cookies) = respond(
        services()?
            .complaints
            .lookup(&req, &tracking_no, last4.as_deref().unwrap_or(""))
            .await,
    )?;
    set_cookies(cookies);
    leptos_axum::redirect(&format!("/track/{no}"));
    Ok(())
}

#[server(endpoint = "track", input = server_fn::codec::GetUrl)]
pub async fn get_track(tracking_no: String) -> Result<TrackView, AppError> {
    let req = request()?;
    respond(services()?.complaints.track(&req, &tracking_no).await)
}

#[server(endpoint = "track/feedback")]
pub async fn complaint_feedback(tracking_no: String, resolution: String) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .complaints
            .feedback(&req, &tracking_no, &resolution)
            .await,
    )?;
    leptos_axum::redirect(&format!("/track/{}?done=feedback", url_safe(&tracking_no)));
    Ok(())
}

#[server(endpoint = "track/rate")]
pub async fn rate_complaint(
    tracking_no: String,
    rating: i32,
    reasons: Option<Vec<String>>,
    comment: Option<String>,
) -> Result<(), AppError> {
    let req = request()?;
    let reasons = reasons.unwrap_or_default();
    respond(
        services()?
            .complaints
            .rate(
                &req,
                &tracking_no,
                rating,
                &reasons,
                comment.as_deref().unwrap_or(""),
            )
            .await,
    )?;
    leptos_axum::redirect(&format!("/track/{}?done=rated", url_safe(&tracking_no)));
    Ok(())
}

#[server(endpoint = "my/complaints", input = server_fn::codec::GetUrl)]
pub async fn get_my_complaints() -> Result<Vec<MyComplaint>, AppError> {
    let req = request()?;
    respond(services()?.complaints.mine(&req).await)
}

#[server(endpoint = "staff/complaints", input = server_fn::codec::GetUrl)]
pub async fn get_complaint_queue(
    scope: Option<String>,
    queue: Option<String>,
) -> Result<ComplaintQueue, AppError> {
    let req = request()?;
    respond(services()?.complaint_desk.queue(&req, scope, queue).await)
}

#[server(endpoint = "staff/complaint", input = server_fn::codec::GetUrl)]
pub async fn get_complaint_detail(tracking_no: String) -> Result<ComplaintDetail, AppError> {
    let req = request()?;
    respond(services()?.complaint_desk.detail(&req, &tracking_no).await)
}

/// Every staff step: `action` names it, `text`, `staff_id` and `target`
/// carry what it needs.
#[server(endpoint = "staff/complaint/act")]
pub async fn complaint_act(
    tracking_no: String,
    action: String,
    text: Option<String>,
    staff_id: Option<i64>,
    target: Option<String>,
) -> Result<(), AppError> {
    let req = request()?;
    let text = text.unwrap_or_default();
    let step = match action.as_str() {
        "accept" => DeskAction::Accept,
        "assign" => DeskAction::Assign {
            staff_id: staff_id.ok_or_else(|| AppError::validation("staff_id", "请选择承办人"))?,
        },
        "note" => DeskAction::Note { text },
        "reply" => DeskAction::Reply { text },
        "answer" => DeskAction::Answer { text },
        "transfer" => DeskAction::Transfer {
            to: target.unwrap_or_default(),
            reason: text,
        },
        "merge" => DeskAction::Merge {
            into: target.unwrap_or_default(),
        },
        "close" => DeskAction::Close { outcome: text },
        _ => return respond(Err(AppError::validation("action", "未知的操作"))),
    };
    let code = step.code();
    respond(
        services()?
            .complaint_desk
            .act(&req, &tracking_no, step)
            .await,
    )?;
    leptos_axum::redirect(&format!(
        "/staff/complaints/{}?done={code}",
        url_safe(&tracking_no)
    ));
    Ok(())
}

/// A tracking number as typed, made safe for a redirect path.
#[cfg(feature = "ssr")]
fn url_safe(no: &str) -> String {
    normalize_tracking(no).unwrap_or_default()
}
