//! "我的": sign in with a phone and a one-time code, then see everything filed
//! with that phone. Every form is a plain post answered with a redirect, and
//! errors come back next to their field; islands check phone, name and ID
//! number as they are typed, and count down to when a code may be resent.

use crate::components::checked_input::{Checked, CheckedInput};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use crate::identity::account::{CitizenMe, PendingLogin};
use crate::identity::api::*;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn MyPage() -> impl IntoView {
    let request = ServerAction::<RequestCode>::new();
    let verify = ServerAction::<VerifyCode>::new();
    let logout = ServerAction::<CitizenLogout>::new();
    let profile = ServerAction::<SaveProfile>::new();
    // Refetch after any of the actions; with JavaScript off the page reloads anyway.
    let page = Resource::new(
        move || {
            (
                request.version().get(),
                verify.version().get(),
                logout.version().get(),
                profile.version().get(),
            )
        },
        |_| get_my_page(),
    );
    view! {
        <PageTitle text="我的" />
        <PageDescription text="用手机号查看和管理您的延时预约：改约、取消、候补。".to_string() />
        <h1>"我的"</h1>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => {
                        match (p.me, p.pending) {
                            (Some(me), _) => view! { <Signed me profile logout /> }.into_any(),
                            (None, Some(pending)) => {
                                view! { <CodeForm pending verify request /> }.into_any()
                            }
                            (None, None) => view! { <PhoneForm request verify /> }.into_any(),
                        }
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Step one of signing in: the phone number. `next` is the page to come
/// back to once signed in (a hidden field; "我的" without it).
#[component]
pub fn PhoneForm(
    request: ServerAction<RequestCode>,
    verify: ServerAction<VerifyCode>,
    #[prop(optional)] next: Option<String>,
) -> impl IntoView {
    let result = request.value();
    let intro = next.is_none();
    // A code that just expired or ran out of tries brings the citizen back here: say why.
    let verify_error = move || match verify.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    view! {
        {move || view! { <FormError message=verify_error() /> }}
        {intro.then(|| view! {
            <p>"输入手机号，获取短信验证码后即可查看用此手机号提交的预约、求助、投诉和评价。无需注册。"</p>
        })}
        <ActionForm action=request attr:class="stack-form">
            <NextField next=next.clone() />
            <label for="phone">"手机号码"</label>
            <CheckedInput
                kind=Checked::Phone
                id="phone".to_string()
                name="phone".to_string()
                error=field_error(&result.get_untracked(), "phone")
                required=true
            />
            {move || view! { <FormError message=form_error(&result.get()) /> }}
            <button type="submit" class="primary">"获取验证码"</button>
        </ActionForm>
    }
}

/// Step two: the code sent to the phone, resend, or another phone. `next`
/// as for [`PhoneForm`].
#[component]
pub fn CodeForm(
    pending: PendingLogin,
    verify: ServerAction<VerifyCode>,
    request: ServerAction<RequestCode>,
    #[prop(optional)] next: Option<String>,
) -> impl IntoView {
    let result = verify.value();
    let again = request.value();
    let (next_verify, next_other) = (next.clone(), next.clone());
    // The resend post comes back here; its refusal (too soon, code used) is shown by the button.
    let resent = ServerAction::<ResendCode>::new().value().get_untracked();
    view! {
        <p class="notice" role="status">
            {format!(
                "验证码已发送至 {}，{}分钟内有效。",
                pending.phone_masked,
                pending.minutes_left,
            )}
        </p>
        <ActionForm action=verify attr:class="stack-form">
            <NextField next=next_verify.clone() />
            <label for="code">"短信验证码（6位数字）"</label>
            <input
                id="code"
                name="code"
                type="text"
                inputmode="numeric"
                autocomplete="one-time-code"
                maxlength="6"
                required
                aria-describedby="code-error"
            />
            {move || view! { <FieldError id="code-error" message=field_error(&result.get(), "code") /> }}
            {move || view! { <FormError message=form_error(&result.get()) /> }}
            <button type="submit" class="primary">"登录"</button>
        </ActionForm>
        <ResendButton
            wait_secs=pending.resend_in_secs.clamp(0, 600) as u32
            error=resent.and_then(|r| r.err()).map(|e| e.to_string())
            next=next
        />
        <details class="other-phone" open=move || matches!(again.get(), Some(Err(_)))>
            <summary>"没收到验证码或要换个手机号？"</summary>
            <ActionForm action=request attr:class="stack-form">
                <NextField next=next_other.clone() />
                <label for="phone2">"手机号码"</label>
                <CheckedInput
                    kind=Checked::Phone
                    id="phone2".to_string()
                    name="phone".to_string()
                    error=field_error(&again.get_untracked(), "phone")
                    required=true
                />
                {move || view! { <FormError message=form_error(&again.get()) /> }}
                <button type="submit">"重新获取验证码"</button>
            </ActionForm>
        </details>
    }
}

/// Sends the code again to the same phone. A plain post without JavaScript
/// (the server refuses a second code within a minute, and says so); once
/// hydrated, the button counts down to when it may be pressed.
#[island(lazy)]
fn ResendButton(wait_secs: u32, error: Option<String>, next: Option<String>) -> impl IntoView {
    let left = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        left.set(wait_secs);
        if wait_secs > 0 {
            let tick = set_interval_with_handle(
                move || left.update(|n| *n = n.saturating_sub(1)),
                std::time::Duration::from_secs(1),
            );
            if let Ok(tick) = tick {
                on_cleanup(move || tick.clear());
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = wait_secs;
    let post = <ResendCode as leptos::server_fn::ServerFn>::url();
    view! {
        <form method="post" action=post class="inline-form resend">
            {next.map(|next| view! { <input type="hidden" name="next" value=next /> })}
            <FormError message=error />
            <button type="submit" disabled=move || left.get() != 0 aria-live="polite">
                {move || match left.get() {
                    0 => "重新发送验证码".to_string(),
                    n => format!("{n}秒后可重新发送"),
                }}
            </button>
        </form>
    }
}

/// Where the sign-in goes back to, when not "我的".
#[component]
fn NextField(next: Option<String>) -> impl IntoView {
    next.map(|next| view! { <input type="hidden" name="next" value=next /> })
}

#[component]
fn Signed(
    me: CitizenMe,
    profile: ServerAction<SaveProfile>,
    logout: ServerAction<CitizenLogout>,
) -> impl IntoView {
    let result = profile.value();
    let has_profile = me.id_masked.is_some() || me.name_masked.is_some();
    view! {
        <p class="signed-in">
            "已登录：" <strong>{me.phone_masked.clone()}</strong>
        </p>
        <MyBookings />
        <MyComplaints />
        <crate::help::pages::mine::MyHelpRequests />
        <crate::help::pages::mine::MyConsents />
        <section aria-labelledby="profile-title">
            <h2 id="profile-title">"实名信息（选填）"</h2>
            {has_profile.then(|| view! {
                <dl class="facts">
                    <dt>"姓名"</dt>
                    <dd>{me.name_masked.clone().unwrap_or_else(|| "未填写".into())}</dd>
                    <dt>"身份证号"</dt>
                    <dd>{me.id_masked.clone().unwrap_or_else(|| "未填写".into())}</dd>
                </dl>
            })}
            <p>"部分事项办理时需要核对身份。均为选填，信息加密保存，页面只显示部分内容；清空后保存即删除。"</p>
            <ActionForm action=profile attr:class="stack-form">
                <label for="name">"姓名"</label>
                <CheckedInput
                    kind=Checked::PersonName
                    id="name".to_string()
                    name="name".to_string()
                    error=field_error(&result.get_untracked(), "name")
                    required=false
                />
                <label for="id_number">"身份证号码（18位）"</label>
                <CheckedInput
                    kind=Checked::ResidentId
                    id="id_number".to_string()
                    name="id_number".to_string()
                    error=field_error(&result.get_untracked(), "id_number")
                    required=false
                />
                {move || view! { <FormError message=form_error(&result.get()) /> }}
                <button type="submit">{if has_profile { "更新实名信息" } else { "保存实名信息" }}</button>
            </ActionForm>
        </section>
        <ActionForm action=logout attr:class="inline-form">
            <button type="submit">"退出登录"</button>
        </ActionForm>
    }
}

/// Everything filed with this phone; for now, its 延时预约 and waitlists.
#[component]
fn MyBookings() -> impl IntoView {
    let bookings = Resource::new(|| (), |_| crate::booking::api::get_my_bookings());
    let waits = Resource::new(|| (), |_| crate::booking::api::get_my_waitlist());
    let query = leptos_router::hooks::use_query_map();
    let flash = move || match query.read_untracked().get("waitlist") {
        Some(left) if left == "left" => Some("已放弃候补。".to_string()),
        Some(n) => n
            .parse::<i64>()
            .ok()
            .map(|n| format!("已加入候补，您排在第{n}位。有空位时会短信通知您。")),
        None => None,
    };
    view! {
        <section aria-labelledby="filed-title">
            <h2 id="filed-title">"我的办件"</h2>
            {flash().map(|m| view! { <p class="flash" role="status">{m}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match waits.await {
                        Ok(list) if list.is_empty() => ().into_any(),
                        Ok(list) => view! { <MyWaitlist list /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match bookings.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">
                                "用此手机号提交的预约、求助、投诉和评价会显示在这里。目前还没有记录。"
                                <a href="/book">"预约延时服务"</a>
                            </p>
                        }.into_any(),
                        Ok(list) => view! { <MyBookingList list /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The phone's complaints (有诉即办), newest first, each opening its tracking page.
#[component]
fn MyComplaints() -> impl IntoView {
    let complaints = Resource::new(|| (), |_| crate::complaints::api::get_my_complaints());
    view! {
        <section aria-labelledby="complaints-title">
            <h2 id="complaints-title">"我的投诉"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match complaints.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"还没有用此手机号提交的投诉。"</p>
                        }.into_any(),
                        Ok(list) => view! { <MyComplaintList list /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/complain" class="button-link">"我要投诉"</a></p>
        </section>
    }
}

/// The phone's complaints; one filed by a helper under the citizen's
/// consent says so.
#[component]
fn MyComplaintList(list: Vec<crate::complaints::MyComplaint>) -> impl IntoView {
    view! {
        <ul class="my-list">
            {list.into_iter().map(|c| view! {
                <li>
                    <a href=format!("/track/{}", c.tracking_no)>
                        {format!("投诉 {} {}", c.tracking_no, c.about)}
                    </a>
                    <span class="item-context">{format!("{} · 提交于{}", c.status_label, c.filed_at)}</span>
                    {c.on_behalf.then(|| view! {
                        <span class="badge on-behalf-tag">"工作人员代您提交"</span>
                    })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Waitlist places: a held place is confirmed (or given up) right here.
#[component]
fn MyWaitlist(list: Vec<crate::booking::MyWait>) -> impl IntoView {
    let accept = ServerAction::<crate::booking::api::AcceptOffer>::new();
    let leave = ServerAction::<crate::booking::api::LeaveWaitlist>::new();
    let accepted = accept.value();
    let left = leave.value();
    view! {
        <h3>"候补"</h3>
        {move || view! { <FormError message=form_error(&accepted.get()).or_else(|| form_error(&left.get())) /> }}
        <ul class="my-list">
            {list.into_iter().map(|w| {
                let detail = match (&w.offer_until, w.status.as_str()) {
                    (Some(until), _) => format!("{} · 名额为您保留到{}", w.status_label, until),
                    (None, "waiting") => format!("{} · 排在第{}位", w.status_label, w.position),
                    _ => w.status_label.clone(),
                };
                let open = matches!(w.status.as_str(), "waiting" | "offered");
                view! {
                    <li class=if w.offer_until.is_some() { "offer" } else { "" }>
                        <span>{format!("延时预约候补 {} {}", w.when, w.item)}</span>
                        <span class="item-context">{format!("{} · {}", w.center_name, detail)}</span>
                        {w.booking_code.clone().map(|code| view! {
                            <a href=format!("/bookings/{code}")>{format!("查看预约 {code}")}</a>
                        })}
                        {w.offer_until.is_some().then(|| view! {
                            <ActionForm action=accept attr:class="inline-form">
                                <input type="hidden" name="id" value=w.id.to_string() />
                                <button type="submit" class="primary">"确认预约"</button>
                            </ActionForm>
                        })}
                        {open.then(|| view! {
                            <ActionForm action=leave attr:class="inline-form">
                                <input type="hidden" name="id" value=w.id.to_string() />
                                <button type="submit">"放弃候补"</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The phone's bookings; open ones can be moved or cancelled right here.
#[component]
fn MyBookingList(list: Vec<crate::booking::MyBooking>) -> impl IntoView {
    let cancel = ServerAction::<crate::booking::api::CancelBooking>::new();
    let cancelled = cancel.value();
    view! {
        {move || view! { <FormError message=form_error(&cancelled.get()) /> }}
        <ul class="my-list">
            {list.into_iter().map(|b| view! {
                <li>
                    <a href=format!("/bookings/{}", b.code)>{format!("延时预约 {} {}", b.when, b.item)}</a>
                    <span class="item-context">{format!("{} · {} · 预约码 {}", b.center_name, b.status_label, b.code)}</span>
                    {b.on_behalf.then(|| view! {
                        <span class="badge on-behalf-tag">"帮办员代您预约"</span>
                    })}
                    {b.changeable.then(|| view! {
                        <a href=format!("/bookings/{}/reschedule", b.code) aria-label=format!("改约 {}", b.code)>"改约"</a>
                        <ActionForm action=cancel attr:class="inline-form">
                            <input type="hidden" name="code" value=b.code.clone() />
                            <button type="submit" aria-label=format!("取消预约 {}", b.code)>"取消预约"</button>
                        </ActionForm>
                    })}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;
    use crate::booking::MyBooking;
    use crate::complaints::MyComplaint;

    #[test]
    fn what_a_helper_filed_is_marked_in_my() {
        Owner::new().with(|| {
            let booking = |code: &str, on_behalf| MyBooking {
                code: code.into(),
                center_name: "沁园街道便民服务中心".into(),
                item: "户口迁移".into(),
                when: "12月5日 周六 09:00".into(),
                status_label: "已预约".into(),
                changeable: true,
                on_behalf,
            };
            let list = vec![booking("K7Q2M9", true), booking("P2M9K7", false)];
            let page = view! { <MyBookingList list /> }
                .to_html()
                .replace("<!>", "");
            assert_eq!(
                page.matches(r#"<span class="badge on-behalf-tag">帮办员代您预约</span>"#)
                    .count(),
                1,
                "{page}"
            );

            let complaint = |no: &str, on_behalf| MyComplaint {
                tracking_no: no.into(),
                about: "窗口 · 3号窗口".into(),
                status_label: "待受理".into(),
                filed_at: "2026-12-01 09:00".into(),
                on_behalf,
            };
            let list = vec![
                complaint("SX-7K4Q-P2M9", true),
                complaint("SX-P2M9-7K4Q", false),
            ];
            let page = view! { <MyComplaintList list /> }
                .to_html()
                .replace("<!>", "");
            assert_eq!(
                page.matches(r#"<span class="badge on-behalf-tag">工作人员代您提交</span>"#)
                    .count(),
                1,
                "{page}"
            );
            assert!(page.contains(r#"<a href="/track/SX-7K4Q-P2M9">"#));
        });
    }
}
