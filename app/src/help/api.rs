//! Server functions of 帮办代办. Thin: the ports check the caller.

use crate::error::AppError;
use crate::help::*;
#[cfg(feature = "ssr")]
use crate::services::*;
use leptos::prelude::*;

#[server(endpoint = "staff/stations", input = server_fn::codec::GetUrl)]
pub async fn get_stations(code: Option<String>) -> Result<StationsView, AppError> {
    let req = request()?;
    respond(services()?.stations.stations(&req, code).await)
}

/// Adds a station (no `id`) or changes one.
#[server(endpoint = "staff/stations/save")]
pub async fn save_station(
    code: String,
    id: Option<i64>,
    station: StationForm,
) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .stations
            .save_station(&req, &code, id, station)
            .await,
    )?;
    leptos_axum::redirect(&format!(
        "/staff/stations?code={}&done=station",
        crate::text::url_encode(&code)
    ));
    Ok(())
}

#[server(endpoint = "staff/stations/retire")]
pub async fn retire_station(code: String, id: i64) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.stations.retire_station(&req, &code, id).await)?;
    leptos_axum::redirect(&format!(
        "/staff/stations?code={}&done=station_retired",
        crate::text::url_encode(&code)
    ));
    Ok(())
}

// ---- Help requests: the citizen's side.

#[server(endpoint = "help/form", input = server_fn::codec::GetUrl)]
pub async fn get_help_form(
    seq: Option<i32>,
    center: Option<String>,
    situation: Option<String>,
) -> Result<HelpForm, AppError> {
    let req = request()?;
    respond(services()?.help.form(&req, seq, center, situation).await)
}

/// Items a situation describes, for suggestions as the citizen types.
#[server(endpoint = "help/suggest", input = server_fn::codec::GetUrl)]
pub async fn suggest_items(situation: String) -> Result<Vec<Suggestion>, AppError> {
    respond(services()?.help.suggest(&situation).await)
}

/// Files a help request. `materials` are the ticked boxes (repeated field).
#[server(endpoint = "help")]
pub async fn submit_help(request: HelpFormFields) -> Result<(), AppError> {
    let req = self::request()?;
    let (no, cookies) = respond(services()?.help.submit(&req, request.into()).await)?;
    set_cookies(cookies);
    leptos_axum::redirect(&format!("/help/{no}?done=filed"));
    Ok(())
}

/// The `/help` form's fields as posted (materials repeat).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HelpFormFields {
    pub seq: Option<i32>,
    #[serde(default)]
    pub situation: String,
    #[serde(default)]
    pub mode: String,
    pub visit_reason: Option<String>,
    #[serde(default)]
    pub center: String,
    pub station: Option<String>,
    #[serde(default)]
    pub when_suits: String,
    #[serde(default)]
    pub materials: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

impl From<HelpFormFields> for NewHelpRequest {
    fn from(f: HelpFormFields) -> NewHelpRequest {
        NewHelpRequest {
            seq: f.seq,
            situation: f.situation,
            mode: f.mode,
            visit_reason: f.visit_reason.filter(|r| !r.is_empty()),
            center: f.center,
            // "" (the center itself) or a station's id.
            station: f.station.and_then(|s| s.trim().parse().ok()),
            when_suits: f.when_suits,
            materials: f.materials,
            notes: f.notes,
        }
    }
}

#[server(endpoint = "help/track", input = server_fn::codec::GetUrl)]
pub async fn get_help_track(tracking_no: String) -> Result<HelpTrack, AppError> {
    let req = request()?;
    respond(services()?.help.track(&req, &tracking_no).await)
}

#[server(endpoint = "help/cancel")]
pub async fn cancel_help(tracking_no: String, reason: String) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.help.cancel(&req, &tracking_no, &reason).await)?;
    leptos_axum::redirect(&format!("/help/{}?done=cancelled", help_no(&tracking_no)));
    Ok(())
}

#[server(endpoint = "help/rate")]
pub async fn rate_help(
    tracking_no: String,
    rating: i32,
    reasons: Option<Vec<String>>,
    comment: Option<String>,
) -> Result<(), AppError> {
    let req = request()?;
    let reasons = reasons.unwrap_or_default();
    respond(
        services()?
            .help
            .rate(
                &req,
                &tracking_no,
                rating,
                &reasons,
                comment.as_deref().unwrap_or(""),
            )
            .await,
    )?;
    leptos_axum::redirect(&format!("/help/{}?done=rated", help_no(&tracking_no)));
    Ok(())
}

#[server(endpoint = "my/help", input = server_fn::codec::GetUrl)]
pub async fn get_my_help() -> Result<Vec<MyHelp>, AppError> {
    let req = request()?;
    respond(services()?.help.mine(&req).await)
}

#[server(endpoint = "my/consents", input = server_fn::codec::GetUrl)]
pub async fn get_my_consents() -> Result<Vec<MyConsent>, AppError> {
    let req = request()?;
    respond(services()?.help.my_consents(&req).await)
}

#[server(endpoint = "my/consents/withdraw")]
pub async fn withdraw_consent(id: i64) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.help.withdraw_consent(&req, id).await)?;
    leptos_axum::redirect("/my?done=consent_withdrawn");
    Ok(())
}

// ---- The back office.

#[server(endpoint = "staff/help", input = server_fn::codec::GetUrl)]
pub async fn get_help_queue(
    scope: Option<String>,
    queue: Option<String>,
) -> Result<HelpQueue, AppError> {
    let req = request()?;
    respond(services()?.help_desk.queue(&req, scope, queue).await)
}

#[server(endpoint = "staff/help/detail", input = server_fn::codec::GetUrl)]
pub async fn get_help_detail(
    tracking_no: String,
    shown: Option<bool>,
) -> Result<HelpDetail, AppError> {
    let req = request()?;
    respond(
        services()?
            .help_desk
            .detail(&req, &tracking_no, shown.unwrap_or(false))
            .await,
    )
}

/// Every step on a request: `action` names it; the other fields carry what
/// it needs.
#[server(endpoint = "staff/help/act")]
pub async fn help_act(
    tracking_no: String,
    action: String,
    text: Option<String>,
    staff_id: Option<i64>,
    place: Option<String>,
    name: Option<String>,
) -> Result<(), AppError> {
    let req = request()?;
    let text = text.unwrap_or_default();
    let step = match action.as_str() {
        "assign" => HelpAction::Assign {
            staff_id: staff_id.ok_or_else(|| AppError::validation("staff_id", "请选择帮办员"))?,
        },
        "contact" => HelpAction::Contact { note: text },
        "receive" => HelpAction::Receive { note: text },
        "handoff" => HelpAction::Handoff {
            to_place: place.unwrap_or_default(),
            to_name: name.unwrap_or_default(),
            note: text,
        },
        "result" => HelpAction::Result {
            delivery: place.unwrap_or_default(),
            note: text,
        },
        "done" => HelpAction::Done { note: text },
        "cancel" => HelpAction::Cancel { reason: text },
        "note" => HelpAction::Note { text },
        _ => return respond(Err(AppError::validation("action", "未知的操作"))),
    };
    let code = step.code();
    respond(services()?.help_desk.act(&req, &tracking_no, step).await)?;
    leptos_axum::redirect(&format!(
        "/staff/help/{}?done=help_{code}",
        help_no(&tracking_no)
    ));
    Ok(())
}

#[server(endpoint = "staff/help/auto-assign")]
pub async fn help_auto_assign(center: String) -> Result<(), AppError> {
    let req = request()?;
    let n = respond(services()?.help_desk.auto_assign(&req, &center).await)?;
    leptos_axum::redirect(&format!(
        "/staff/help?scope={}&queue=unassigned&done=help_auto_assigned&n={n}",
        crate::text::url_encode(&center)
    ));
    Ok(())
}

/// Shows the citizen's full number to the caller, audited.
#[server(endpoint = "staff/help/reveal")]
pub async fn help_reveal_phone(tracking_no: String) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.help_desk.reveal_phone(&req, &tracking_no).await)?;
    leptos_axum::redirect(&format!("/staff/help/{}?shown=1", help_no(&tracking_no)));
    Ok(())
}

#[server(endpoint = "staff/help/work-phone")]
pub async fn set_work_phone(phone: String) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.help_desk.set_work_phone(&req, &phone).await)?;
    leptos_axum::redirect("/staff/help?done=work_phone");
    Ok(())
}

#[server(endpoint = "staff/consents", input = server_fn::codec::GetUrl)]
pub async fn get_consents() -> Result<ConsentList, AppError> {
    let req = request()?;
    respond(services()?.consents.consents(&req).await)
}

#[server(endpoint = "staff/consent", input = server_fn::codec::GetUrl)]
pub async fn get_consent(id: i64) -> Result<ConsentView, AppError> {
    let req = request()?;
    respond(services()?.consents.consent(&req, id).await)
}

/// Starts a consent. `kinds` repeat; `declared` is the checkbox.
#[server(endpoint = "staff/consents/start")]
pub async fn start_consent(
    phone: String,
    method: String,
    paper_form_no: Option<String>,
    declared: Option<String>,
    #[server(default)] kinds: Vec<String>,
    seq: Option<i32>,
    hours: Option<i32>,
) -> Result<(), AppError> {
    let req = request()?;
    let form = NewConsent {
        phone,
        method,
        paper_form_no: paper_form_no.unwrap_or_default(),
        declared: declared.is_some_and(|d| !d.is_empty()),
        kinds,
        seq,
        hours: hours.unwrap_or(DEFAULT_CONSENT_HOURS),
    };
    let id = respond(services()?.consents.start_consent(&req, form).await)?;
    leptos_axum::redirect(&format!("/staff/consents/{id}?done=consent_started"));
    Ok(())
}

#[server(endpoint = "staff/consents/prove")]
pub async fn prove_consent(id: i64, code: String) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.consents.prove_consent(&req, id, &code).await)?;
    leptos_axum::redirect(&format!("/staff/consents/{id}?done=consent_proven"));
    Ok(())
}

#[server(endpoint = "staff/consents/help-form", input = server_fn::codec::GetUrl)]
pub async fn get_help_form_for(
    consent: i64,
    seq: Option<i32>,
    situation: Option<String>,
) -> Result<HelpForm, AppError> {
    let req = request()?;
    respond(
        services()?
            .consents
            .help_form_for(&req, consent, seq, situation)
            .await,
    )
}

#[server(endpoint = "staff/consents/help")]
pub async fn file_help_for(consent: i64, request: HelpFormFields) -> Result<(), AppError> {
    let req = self::request()?;
    let no = respond(
        services()?
            .consents
            .file_help_for(&req, consent, request.into())
            .await,
    )?;
    leptos_axum::redirect(&format!("/staff/help/{no}?done=help_filed_for"));
    Ok(())
}

/// Files a complaint in the citizen's name (the `/complain` form's fields).
#[server(endpoint = "staff/consents/complain")]
#[allow(clippy::too_many_arguments)]
pub async fn file_complaint_for(
    consent: i64,
    category: String,
    center: String,
    seq: Option<i32>,
    subject: Option<String>,
    what: String,
    wants: Option<String>,
) -> Result<(), AppError> {
    let req = request()?;
    let form = crate::complaints::NewComplaint {
        category,
        center,
        seq,
        booking: None,
        subject: subject.unwrap_or_default(),
        what,
        wants: wants.unwrap_or_default(),
        anonymous: false,
    };
    let no = respond(
        services()?
            .consents
            .file_complaint_for(&req, consent, form)
            .await,
    )?;
    leptos_axum::redirect(&format!(
        "/staff/consents/{consent}?done=complaint_filed_for&code={no}"
    ));
    Ok(())
}

#[server(endpoint = "staff/consents/book")]
pub async fn book_for(consent: i64, slot: i64, seq: i32, name: String) -> Result<(), AppError> {
    let req = request()?;
    let code = respond(
        services()?
            .consents
            .book_for(&req, consent, slot, seq, &name)
            .await,
    )?;
    leptos_axum::redirect(&format!(
        "/staff/consents/{consent}?done=booked_for&code={code}"
    ));
    Ok(())
}

/// A request number as typed, made safe for a redirect path.
#[cfg(feature = "ssr")]
fn help_no(no: &str) -> String {
    normalize_help_no(no).unwrap_or_default()
}

/// What the helper's booking page needs, in one call (the consent, the
/// centers offering its item, and a chosen center's days and slots): one
/// request context for every read, so no read runs after the page is sent.
#[server(endpoint = "staff/consents/book-form", input = server_fn::codec::GetUrl)]
pub async fn get_book_for_form(
    consent: i64,
    center: Option<String>,
    seq: Option<i32>,
    day: Option<String>,
) -> Result<
    (
        ConsentView,
        crate::booking::BookCenters,
        Option<crate::booking::BookingForm>,
    ),
    AppError,
> {
    let req = request()?;
    let svc = services()?;
    let consent = respond(svc.consents.consent(&req, consent).await)?;
    // A consent for one item books only that item.
    let seq = consent.seq.or(seq);
    let centers = respond(svc.bookings.centers(seq).await)?;
    let form = match center {
        Some(center) => Some(respond(svc.bookings.form(&center, seq, day).await)?),
        None => None,
    };
    Ok((consent, centers, form))
}

/// What the helper's complaint page needs, in one call: the consent and,
/// when it may be used for a complaint, the centers and the catalog.
#[server(endpoint = "staff/consents/complain-form", input = server_fn::codec::GetUrl)]
#[allow(clippy::type_complexity)]
pub async fn get_complain_for_form(
    consent: i64,
) -> Result<
    (
        ConsentView,
        Option<(Vec<crate::catalog::Center>, crate::catalog::CatalogPage)>,
    ),
    AppError,
> {
    let req = request()?;
    let svc = services()?;
    let consent = respond(svc.consents.consent(&req, consent).await)?;
    let usable = consent.usable && consent.kinds.iter().any(|k| k == "complaint");
    let choices = if usable {
        let centers = respond(svc.catalog.centers().await)?;
        let catalog = respond(svc.catalog.catalog(Default::default()).await)?;
        Some((centers, catalog))
    } else {
        None
    };
    Ok((consent, choices))
}
