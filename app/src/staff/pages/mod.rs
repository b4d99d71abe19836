//! The staff back office (`/staff`). Rendered on the server only: no wasm is
//! shipped for it, every form is a plain post, so it stays out of the
//! citizen's download budget and works on any tablet browser.

mod audit;
mod calendar;
mod center;
mod desk;
mod guides;
mod schedule;
mod users;

use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use crate::identity::account::{Role, StaffMe};
use crate::staff::api::*;
use crate::staff::Paged;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::any_nested_route::{AnyNestedRoute, IntoAnyNestedRoute};
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route};
use leptos_router::hooks::use_query_map;
use leptos_router::{path, SsrMode};

/// The back office's routes, mounted by the app router on the server.
pub fn staff_routes() -> AnyNestedRoute {
    view! {
        <Route path=path!("/staff/login") view=StaffLogin ssr=SsrMode::Async />
        <ParentRoute path=path!("/staff") view=StaffLayout ssr=SsrMode::Async>
            <Route path=path!("") view=StaffHome />
            <Route path=path!("password") view=PasswordPage />
            <Route path=path!("users") view=users::UsersPage />
            <Route path=path!("guides") view=guides::GuidesPage />
            <Route path=path!("guides/:seq") view=guides::GuideEditPage />
            <Route path=path!("guides/:seq/diff") view=guides::GuideDiffPage />
            <Route path=path!("center") view=center::CenterSettingsPage />
            <Route path=path!("stations") view=crate::help::pages::stations::StationsPage />
            <Route path=path!("windows") view=crate::hall::pages::windows::WindowsPage />
            <Route path=path!("posters") view=crate::hall::pages::posters::PostersPage />
            <Route path=path!("reviews") view=crate::ratings::pages::desk::ReviewQueuePage />
            <Route path=path!("reviews/:id") view=crate::ratings::pages::desk::ReviewCasePage />
            <Route path=path!("stats") view=crate::ratings::pages::stats::StatsPage />
            <Route path=path!("schedule") view=schedule::SchedulePage />
            <Route path=path!("desk") view=desk::DeskPage />
            <Route path=path!("complaints") view=crate::complaints::pages::desk::ComplaintQueuePage />
            <Route path=path!("complaints/:no") view=crate::complaints::pages::desk::ComplaintCasePage />
            <Route path=path!("help") view=crate::help::pages::desk::HelpQueuePage />
            <Route path=path!("help/:no") view=crate::help::pages::desk::HelpCasePage />
            <Route path=path!("consents") view=crate::help::pages::consents::ConsentListPage />
            <Route path=path!("consents/new") view=crate::help::pages::consents::ConsentNewPage />
            <Route path=path!("consents/:id") view=crate::help::pages::consents::ConsentPage />
            <Route path=path!("consents/:id/help") view=crate::help::pages::consents::ConsentHelpPage />
            <Route path=path!("consents/:id/book") view=crate::help::pages::consents::ConsentBookPage />
            <Route path=path!("consents/:id/complain") view=crate::help::pages::consents::ConsentComplainPage />
            <Route path=path!("calendar") view=calendar::CalendarPage />
            <Route path=path!("audit") view=audit::AuditPage />
        </ParentRoute>
    }
    .into_inner()
    .into_any_nested_route()
}

/// The signed-in frame: who, navigation by role, sign out. Sends anyone
/// without a staff session to the login page.
#[component]
fn StaffLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_staff_me());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <StaffFrame me /> }.into_any(),
                    Ok(None) | Err(AppError::Unauthenticated) => {
                        view! { <Redirect path="/staff/login" /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StaffFrame(me: StaffMe) -> impl IntoView {
    let logout = ServerAction::<StaffLogout>::new();
    let admin = matches!(me.role, Role::CenterAdmin | Role::CityAdmin);
    let city = me.role == Role::CityAdmin;
    view! {
        <div class="staff">
            <div class="staff-bar">
                <span>
                    <strong>{me.display_name.clone()}</strong>
                    {format!(" · {}", me.role.label())}
                    {me.center_name.clone().map(|c| format!(" · {c}"))}
                </span>
                <ActionForm action=logout attr:class="inline-form">
                    <button type="submit">"退出"</button>
                </ActionForm>
            </div>
            {city.then(|| view! { <CenterSwitch centers=me.centers.clone() viewing=me.viewing.clone() /> })}
            <nav class="staff-nav" aria-label="后台导航">
                <a href="/staff">"工作台"</a>
                <a href="/staff/desk">"预约签到"</a>
                <a href="/staff/complaints">"投诉处理"</a>
                <a href="/staff/help">"帮办代办"</a>
                <a href="/staff/consents">"群众授权"</a>
                <a href="/staff/reviews">"差评整改"</a>
                <a href="/staff/stats">"好差评统计"</a>
                {city.then(|| view! { <a href="/staff/guides">"办事指南"</a> })}
                {admin.then(|| view! { <a href="/staff/center">"中心设置"</a> })}
                <a href="/staff/stations">"便民服务站"</a>
                <a href="/staff/windows">"服务窗口"</a>
                <a href="/staff/posters">"海报与二维码"</a>
                {admin.then(|| view! { <a href="/staff/schedule">"延时时段"</a> })}
                {admin.then(|| view! { <a href="/staff/users">"人员账号"</a> })}
                {city.then(|| view! { <a href="/staff/calendar">"节假日"</a> })}
                {city.then(|| view! { <a href="/staff/audit">"审计日志"</a> })}
                <a href="/staff/password">"修改密码"</a>
            </nav>
            <Outlet />
        </div>
    }
}

#[component]
fn StaffLogin() -> impl IntoView {
    let login = ServerAction::<StaffLogin>::new();
    let result = login.value();
    view! {
        <PageTitle text="工作人员登录" />
        <h1>"工作人员登录"</h1>
        <ActionForm action=login attr:class="stack-form narrow">
            <label for="username">"用户名"</label>
            <input id="username" name="username" type="text" autocomplete="username" required maxlength="40" aria-describedby="username-error" />
            {move || view! { <FieldError id="username-error" message=field_error(&result.get(), "username") /> }}
            <label for="password">"密码"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="128" aria-describedby="password-error" />
            {move || view! { <FieldError id="password-error" message=field_error(&result.get(), "password") /> }}
            {move || view! { <FormError message=form_error(&result.get()) /> }}
            <button type="submit" class="primary">"登录"</button>
        </ActionForm>
        <p class="hint">"连续输错5次密码，将暂停登录30分钟。忘记密码请联系本中心管理员重置。"</p>
    }
}

/// What each role comes here to do.
#[component]
fn StaffHome() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_staff_me());
    let today = Resource::new(|| (), |_| get_today());
    view! {
        <PageTitle text="工作台" />
        <Flash />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match today.await {
                    Ok(t) => view! { <TodayFigures t /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Some(me)) = me.await else { return ().into_any() };
                let tasks: Vec<(&str, &str, &str)> = match me.role {
                    Role::CityAdmin => vec![
                        ("/staff/guides", "办事指南", "编辑、发布标准办事指南，查看历史版本"),
                        ("/staff/center", "中心设置", "各中心地址、电话、时间与可办事项"),
                        ("/staff/users", "人员账号", "创建、停用各中心工作人员账号"),
                        ("/staff/audit", "审计日志", "查看所有修改数据和查看完整号码的操作"),
                        ("/staff/help", "帮办代办", "各中心帮办代办申请的电子监察"),
                    ],
                    Role::CenterAdmin => vec![
                        ("/staff/center", "中心设置", "本中心地址、电话、时间、地图与可办事项"),
                        ("/staff/schedule", "延时时段", "午间、晚间、周末的预约时段与人数"),
                        ("/staff/users", "人员账号", "本中心帮办员和窗口人员账号"),
                        ("/staff/help", "帮办代办", "分派本中心和服务站的帮办代办申请"),
                    ],
                    Role::Window | Role::Helper => vec![
                        ("/staff/desk", "预约签到", "今天的延时预约：签到、未到、绿色通道"),
                        ("/staff/help", "帮办代办", "我的帮办申请：联系群众、收材料、交接、办结"),
                        ("/staff/consents", "群众授权", "群众授权后，代群众申请帮办或预约"),
                    ],
                };
                view! {
                    <h1>{format!("{}，您好", me.display_name)}</h1>
                    {tasks.is_empty().then(|| view! {
                        <p class="empty">"预约签到、帮办代办等工作将在这里开展，目前暂无待办事项。"</p>
                    })}
                    <ul class="task-grid">
                        {tasks.into_iter().map(|(href, name, what)| view! {
                            <li>
                                <a href=href>
                                    <span class="task-name">{name}</span>
                                    <span class="task-what">{what}</span>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}

/// Today's figures, each a link to its queue; overdue ones stand out.
#[component]
fn TodayFigures(t: crate::staff::Today) -> impl IntoView {
    let figures = [
        (
            "/staff/desk",
            "今日预约",
            t.appointments,
            format!("已签到 {}", t.checked_in),
            false,
        ),
        (
            "/staff/complaints",
            "未办结投诉",
            t.complaints_open,
            format!("超期 {}", t.complaints_overdue),
            t.complaints_overdue > 0,
        ),
        (
            "/staff/help",
            "帮办代办申请",
            t.help_open,
            format!("超期未分派 {}", t.help_overdue),
            t.help_overdue > 0,
        ),
        (
            "/staff/reviews",
            "差评待回访",
            t.reviews_awaiting,
            format!("回访或整改超期 {}", t.reviews_overdue),
            t.reviews_overdue > 0,
        ),
    ];
    view! {
        <section aria-labelledby="today-title">
            <h2 id="today-title">{format!("今日概况 · {}", t.scope_label)}</h2>
            <ul class="today-grid">
                {figures.into_iter().map(|(href, name, n, more, alarm)| view! {
                    <li class=alarm.then_some("overdue")>
                        <a href=href>
                            <span class="today-name">{name}</span>
                            <span class="today-n">{n.to_string()}</span>
                            <span class="today-more">{more}</span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn PasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let result = change.value();
    let logout = ServerAction::<StaffLogout>::new();
    view! {
        <PageTitle text="修改密码" />
        <h1>"修改密码"</h1>
        <ActionForm action=change attr:class="stack-form narrow">
            <label for="current">"当前密码"</label>
            <input id="current" name="current" type="password" autocomplete="current-password" required aria-describedby="current-error" />
            {move || view! { <FieldError id="current-error" message=field_error(&result.get(), "current") /> }}
            <label for="new">"新密码"</label>
            <input id="new" name="new" type="password" autocomplete="new-password" required aria-describedby="new-error new-hint" />
            <p class="hint" id="new-hint">"至少8位，包含大写字母、小写字母、数字、符号中的至少三类。"</p>
            {move || view! { <FieldError id="new-error" message=field_error(&result.get(), "new") /> }}
            <label for="confirm">"再次输入新密码"</label>
            <input id="confirm" name="confirm" type="password" autocomplete="new-password" required aria-describedby="confirm-error" />
            {move || view! { <FieldError id="confirm-error" message=field_error(&result.get(), "confirm") /> }}
            {move || view! { <FormError message=form_error(&result.get()) /> }}
            <button type="submit" class="primary">"修改密码"</button>
        </ActionForm>
        <h2>"退出所有设备"</h2>
        <p>"怀疑密码泄露或设备丢失时使用：所有已登录的设备都需要重新登录。"</p>
        <ActionForm action=logout attr:class="inline-form">
            <input type="hidden" name="everywhere" value="1" />
            <button type="submit">"退出所有设备"</button>
        </ActionForm>
    }
}

/// A confirmation after a redirect: `?done=…` names what just succeeded
/// (`n`: how many were auto-assigned; `code`: the booking made, or the
/// complaint filed, which links to its case).
#[component]
pub(crate) fn Flash() -> impl IntoView {
    let query = use_query_map();
    let complaint = move || {
        let q = query.read();
        (q.get("done").as_deref() == Some("complaint_filed_for")).then(|| {
            q.get("code")
                .and_then(|c| crate::complaints::normalize_tracking(&c))
        })
    };
    let message = move || {
        let q = query.read();
        let done = q.get("done")?;
        Some(match done.as_str() {
            "help_auto_assigned" => match q.get("n").and_then(|n| n.parse::<i64>().ok()) {
                Some(n) if n > 0 => {
                    format!("已自动分派{n}件申请，群众会收到帮办员的姓名和工作电话。")
                }
                _ => "没有分派任何申请：没有待分派的申请，或本中心还没有帮办员。".to_string(),
            },
            "booked_for" => {
                let code = q
                    .get("code")
                    .filter(|c| {
                        c.len() <= 20 && c.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    })
                    .unwrap_or_default();
                format!("已代群众预约，预约码 {code}。群众会收到短信，在“我的”里能看到这条预约，并标明由帮办员代约。")
            }
            other => flash_text(other)?.to_string(),
        })
    };
    move || match complaint() {
        Some(no) => view! {
            <p class="flash" role="status">
                "已代群众提交投诉"
                {no.map(|no| view! {
                    "，投诉编号 "
                    <a href=format!("/staff/complaints/{no}") class="mono">{no.clone()}</a>
                })}
                "。群众会收到短信，在“我的”和进度查询里能看到这件投诉，并标明由工作人员代为提交。"
            </p>
        }
        .into_any(),
        None => message()
            .map(|m| view! { <p class="flash" role="status">{m}</p> })
            .into_any(),
    }
}

/// The fixed confirmations of [`Flash`].
fn flash_text(done: &str) -> Option<&'static str> {
    Some(match done {
        "password" => "密码已修改。",
        "created" => "账号已创建。",
        "reset" => "密码已重置，账号已解锁。请当面告知本人并提醒修改。",
        "draft" => "草稿已保存。",
        "published" => "已发布，群众页面已更新。",
        "contact" => "中心信息已保存。",
        "schedule" => "延时时段已更新。",
        "checked_in" => "签到成功。",
        "walk_in" => "已加入绿色通道。",
        "calendar" => "节假日已导入，各中心时段已更新。",
        "station" => "服务站已保存。",
        "station_retired" => "服务站已停用，不再供群众选择。",
        "window" => "窗口已保存。窗口评价二维码在“海报与二维码”里打印。",
        "window_retired" => "窗口已停用。已贴出的评价二维码仍可打开，但页面会说明窗口已停用。",
        "work_phone" => "工作电话已保存。",
        "help_assign" => "已分派帮办员，群众会收到帮办员的姓名和工作电话。",
        "help_contact" => "已记录联系群众。",
        "help_receive" => "已记录收到的材料。",
        "help_handoff" => "已记录材料交接。",
        "help_result" => "已记录办理结果，群众会收到通知。",
        "help_done" => "已办结。",
        "help_cancel" => "申请已取消，群众会收到通知。",
        "help_note" => "内部备注已保存（群众看不到）。",
        "help_filed_for" => "已代群众提交帮办申请，群众会收到短信通知。",
        "consent_started" => "授权已登记。用短信验证码的，请群众念出收到的验证码。",
        "consent_proven" => "群众已授权，可以代群众办理。",
        _ => return None,
    })
}

/// Which center a page shows, for a city admin who may look at any: the
/// switch itself is once, in the staff header ([`CenterSwitch`]).
#[component]
pub(crate) fn CenterShown(choices: Vec<(String, String)>, current: String) -> impl IntoView {
    (choices.len() > 1).then(|| {
        let name = choices
            .iter()
            .find(|(k, _)| *k == current)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        view! {
            <p class="center-shown">
                "本页显示："<strong>{name}</strong>
                <span class="hint">"（在页面顶部“查看中心”切换）"</span>
            </p>
        }
    })
}

/// A city admin's one center switcher: remembered (a cookie) for every page
/// of the back office until changed; "全市" leaves pages that compare centers
/// on the whole city. A plain post, like the rest of the back office.
#[component]
fn CenterSwitch(centers: Vec<(String, String)>, viewing: Option<String>) -> impl IntoView {
    let switch = ServerAction::<ViewCenter>::new();
    let back = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let viewing = viewing.unwrap_or_default();
    view! {
        <ActionForm action=switch attr:class="center-switch">
            <label for="view-center">"查看中心"</label>
            <select id="view-center" name="code">
                <option value="" selected=viewing.is_empty()>"全市"</option>
                {centers
                    .into_iter()
                    .map(|(k, n)| {
                        let selected = k == viewing;
                        view! { <option value=k selected=selected>{n}</option> }
                    })
                    .collect_view()}
            </select>
            <input type="hidden" name="back" value=back />
            <button type="submit">"切换"</button>
        </ActionForm>
    }
}

/// Previous / next links that keep the other query parameters.
#[component]
fn Pager<T: 'static>(paged: Paged<T>, base: String) -> impl IntoView {
    let pages = paged.pages();
    let page = paged.page;
    let link = move |p: i64| {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}page={p}")
    };
    view! {
        <nav class="pager" aria-label="分页">
            <span>{format!("共{}条，第{}/{}页", paged.total, page, pages)}</span>
            {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">"上一页"</a> })}
            {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">"下一页"</a> })}
        </nav>
    }
}

/// `name=value` pairs for links, URL-encoded, skipping empty values.
fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", crate::text::url_encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}
