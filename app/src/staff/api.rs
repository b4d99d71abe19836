//! Server functions of the staff back office. The port checks the caller's
//! session, role and scope on every call: a guarded page protects nothing.

use crate::error::AppError;
use crate::identity::account::StaffMe;
use crate::services::*;
use crate::staff::*;
use leptos::prelude::*;

#[server(endpoint = "staff/me", input = server_fn::codec::GetUrl)]
pub async fn get_staff_me() -> Result<Option<StaffMe>, AppError> {
    let req = request()?;
    respond(services()?.accounts.staff(&req).await)
}

#[server(endpoint = "staff/login")]
pub async fn staff_login(username: String, password: String) -> Result<(), AppError> {
    let req = request()?;
    let cookies = respond(
        services()?
            .accounts
            .staff_login(&req, &username, &password)
            .await,
    )?;
    set_cookies(cookies);
    leptos_axum::redirect("/staff");
    Ok(())
}

#[server(endpoint = "staff/logout")]
pub async fn staff_logout(everywhere: Option<String>) -> Result<(), AppError> {
    let req = request()?;
    let all = everywhere.is_some_and(|v| !v.is_empty());
    let cookies = respond(services()?.accounts.staff_logout(&req, all).await)?;
    set_cookies(cookies);
    leptos_axum::redirect("/staff/login");
    Ok(())
}

/// The center switcher in the staff header: remembered in a cookie, then
/// back to the page it was used on (without its own `?code=`).
#[server(endpoint = "staff/view")]
pub async fn view_center(code: String, back: Option<String>) -> Result<(), AppError> {
    let req = request()?;
    let cookies = respond(services()?.accounts.view_center(&req, code.trim()).await)?;
    set_cookies(cookies);
    let back = back
        .as_deref()
        .map(crate::text::safe_back_path)
        .filter(|b| (*b == "/staff" || b.starts_with("/staff/")) && !b.contains('?'))
        .unwrap_or("/staff");
    leptos_axum::redirect(back);
    Ok(())
}

#[server(endpoint = "staff/password")]
pub async fn change_password(
    current: String,
    new: String,
    confirm: String,
) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .accounts
            .change_password(&req, &current, &new, &confirm)
            .await,
    )?;
    leptos_axum::redirect("/staff?done=password");
    Ok(())
}

#[server(endpoint = "staff/users", input = server_fn::codec::GetUrl)]
pub async fn list_users(
    page: Option<i64>,
    role: Option<String>,
    center: Option<String>,
    q: Option<String>,
) -> Result<Paged<StaffUserRow>, AppError> {
    let req = request()?;
    let filter = UserFilter {
        page,
        role,
        center,
        q,
    };
    respond(services()?.back_office.users(&req, filter).await)
}

#[server(endpoint = "staff/users/create")]
pub async fn create_user(user: NewStaffUser) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.back_office.create_user(&req, user).await)?;
    leptos_axum::redirect("/staff/users?done=created");
    Ok(())
}

#[server(endpoint = "staff/users/disable")]
pub async fn set_user_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .set_user_disabled(&req, id, disabled)
            .await,
    )
}

#[server(endpoint = "staff/users/reset")]
pub async fn reset_user_password(id: i64, password: String) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .reset_user_password(&req, id, &password)
            .await,
    )?;
    leptos_axum::redirect("/staff/users?done=reset");
    Ok(())
}

#[server(endpoint = "staff/guides", input = server_fn::codec::GetUrl)]
pub async fn list_guides(
    page: Option<i64>,
    q: Option<String>,
) -> Result<Paged<GuideListRow>, AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .guides(&req, GuideFilter { page, q })
            .await,
    )
}

#[server(endpoint = "staff/guide", input = server_fn::codec::GetUrl)]
pub async fn get_guide_editor(seq: i32) -> Result<GuideEditor, AppError> {
    let req = request()?;
    respond(services()?.back_office.guide_editor(&req, seq).await)
}

/// One form, two buttons: `intent=draft` saves, `intent=publish` saves then
/// publishes, so a publish that fails validation still keeps what was typed.
#[server(endpoint = "staff/guide/save")]
pub async fn save_guide(seq: i32, guide: GuideForm, intent: String) -> Result<(), AppError> {
    let req = request()?;
    let publish = intent == "publish";
    respond(
        services()?
            .back_office
            .save_guide(&req, seq, guide, publish)
            .await,
    )?;
    let done = if publish { "published" } else { "draft" };
    leptos_axum::redirect(&format!("/staff/guides/{seq}?done={done}"));
    Ok(())
}

#[server(endpoint = "staff/guide/diff", input = server_fn::codec::GetUrl)]
pub async fn get_guide_diff(seq: i32, from: i32, to: i32) -> Result<GuideDiff, AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .guide_diff(&req, seq, from, to)
            .await,
    )
}

#[server(endpoint = "staff/center", input = server_fn::codec::GetUrl)]
pub async fn get_center_settings(code: Option<String>) -> Result<CenterSettings, AppError> {
    let req = request()?;
    respond(services()?.back_office.center_settings(&req, code).await)
}

#[server(endpoint = "staff/center/contact")]
pub async fn save_center_contact(code: String, contact: CenterContactForm) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .save_center_contact(&req, &code, contact)
            .await,
    )?;
    leptos_axum::redirect(&format!("/staff/center?code={code}&done=contact"));
    Ok(())
}

#[server(endpoint = "staff/center/item")]
pub async fn set_center_item(code: String, change: CenterItemChange) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .set_center_item(&req, &code, change)
            .await,
    )
}

#[server(endpoint = "staff/audit", input = server_fn::codec::GetUrl)]
pub async fn get_audit(
    page: Option<i64>,
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Paged<AuditEntry>, AppError> {
    let req = request()?;
    let filter = AuditFilter {
        page,
        actor,
        action,
        from,
        to,
    };
    respond(services()?.back_office.audit(&req, filter).await)
}

#[server(endpoint = "staff/schedule", input = server_fn::codec::GetUrl)]
pub async fn get_schedule(code: Option<String>) -> Result<ScheduleView, AppError> {
    let req = request()?;
    respond(services()?.back_office.schedule(&req, code).await)
}

#[server(endpoint = "staff/schedule/add")]
pub async fn add_window(code: String, window: WindowForm) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .add_window(&req, &code, window)
            .await,
    )?;
    leptos_axum::redirect(&format!("/staff/schedule?code={code}&done=schedule"));
    Ok(())
}

#[server(endpoint = "staff/schedule/delete")]
pub async fn delete_window(code: String, id: i64) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.back_office.delete_window(&req, &code, id).await)?;
    leptos_axum::redirect(&format!("/staff/schedule?code={code}&done=schedule"));
    Ok(())
}

#[server(endpoint = "staff/desk", input = server_fn::codec::GetUrl)]
pub async fn get_day_view(code: Option<String>, day: Option<String>) -> Result<DayView, AppError> {
    let req = request()?;
    respond(services()?.back_office.day_view(&req, code, day).await)
}

#[server(endpoint = "staff/desk/check-in")]
pub async fn check_in(code: String, booking: String) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .check_in(&req, &code, &booking)
            .await,
    )?;
    leptos_axum::redirect(&format!("/staff/desk?code={code}&done=checked_in"));
    Ok(())
}

#[server(endpoint = "staff/desk/no-show")]
pub async fn mark_no_show(code: String, booking: String) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.back_office.no_show(&req, &code, &booking).await)
}

#[server(endpoint = "staff/desk/walk-in")]
pub async fn add_walk_in(code: String, walk_in: WalkInForm) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.back_office.walk_in(&req, &code, walk_in).await)?;
    leptos_axum::redirect(&format!("/staff/desk?code={code}&done=walk_in"));
    Ok(())
}

#[server(endpoint = "staff/calendar", input = server_fn::codec::GetUrl)]
pub async fn get_calendar() -> Result<Vec<CalendarDay>, AppError> {
    let req = request()?;
    respond(services()?.back_office.calendar(&req).await)
}

#[server(endpoint = "staff/calendar/import")]
pub async fn import_calendar(csv: String) -> Result<(), AppError> {
    let req = request()?;
    respond(services()?.back_office.import_calendar(&req, &csv).await)?;
    leptos_axum::redirect("/staff/calendar?done=calendar");
    Ok(())
}

#[server(endpoint = "staff/schedule/closure")]
pub async fn add_closure(code: String, day: String, reason: String) -> Result<(), AppError> {
    let req = request()?;
    respond(
        services()?
            .back_office
            .add_closure(&req, &code, &day, &reason)
            .await,
    )?;
    leptos_axum::redirect(&format!("/staff/schedule?code={code}&done=schedule"));
    Ok(())
}

#[server(endpoint = "staff/today", input = server_fn::codec::GetUrl)]
pub async fn get_today() -> Result<Today, AppError> {
    let req = request()?;
    respond(services()?.workbench.today(&req).await)
}
