//! 延时预约 for citizens: pick a center, an item, a day and a slot; check the
//! answers and confirm; the confirmation page has the code, a QR code for
//! check-in, the materials to bring, an .ics file and cancel. Each step is a
//! plain GET or POST that works without JavaScript; the day and slot pickers
//! are islands that show places live once hydrated.

use crate::booking::api::*;
use crate::booking::{BookingForm, DayOption, RescheduleForm, SlotOption};
use crate::catalog::pages::center::CenterContact;
use crate::components::checked_input::{Checked, CheckedInput};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BookCentersPage() -> impl IntoView {
    // Coming from an item page: keep the item through the choice of center.
    let query = use_query_map();
    let seq = query
        .read_untracked()
        .get("seq")
        .and_then(|s| s.parse::<i32>().ok());
    let centers = Resource::new(move || seq, get_book_centers);
    view! {
        <PageTitle text="延时预约" />
        <PageDescription text="预约济源便民服务中心中午、傍晚和周末的延时服务时段，选择中心、日期和时段，凭预约码到窗口办理。".to_string() />
        <h1>"延时预约"</h1>
        <p>"上班时间来不及办事？可以预约中午、晚上或周末的延时服务时段。请先选择便民服务中心。"</p>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let list = match centers.await {
                    Ok(list) => list,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let q = list.item.as_ref().map(|(s, _)| format!("?seq={s}")).unwrap_or_default();
                view! {
                    {list.item.clone().map(|(_, name)| view! {
                        <p class="notice">{format!(
                            "办理「{name}」：请选择离您近的中心。本中心暂不可办的，会指向中心设定的最近可办中心。"
                        )}</p>
                    })}
                    <ul class="center-grid">
                        {list.centers.into_iter().map(|c| {
                            let places = if c.places_left > 0 {
                                format!("近14天可约{}人次", c.places_left)
                            } else {
                                "暂未开放延时预约".to_string()
                            };
                            if c.handles {
                                view! {
                                    <li>
                                        <a href=format!("/book/{}{}", c.center.code, q)>
                                            <span class="center-name">{c.center.center_name.clone()}</span>
                                            <span class="center-meta">{places}</span>
                                        </a>
                                    </li>
                                }.into_any()
                            } else {
                                view! {
                                    <li class="unavailable">
                                        <span class="center-name">{c.center.center_name.clone()}</span>
                                        <span class="center-meta">"本中心暂不可办此事项"</span>
                                        {match c.alternative {
                                            Some(alt) => view! {
                                                <a href=format!("/book/{}{}", alt.code, q)>{format!("去最近可办的{}预约", alt.center_name)}</a>
                                            }.into_any(),
                                            None => view! { <span class="center-meta">"请选择其他中心"</span> }.into_any(),
                                        }}
                                    </li>
                                }.into_any()
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn BookFormPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let form = Resource::new(
        move || {
            (
                params.read().get("center").unwrap_or_default(),
                query.read().get("seq").and_then(|s| s.parse::<i32>().ok()),
                query.read().get("day").filter(|d| !d.is_empty()),
            )
        },
        |(center, seq, day)| get_booking_form(center, seq, day),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let f = match form.await {
                    Ok(f) => f,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                view! {
                    <PageTitle text=format!("延时预约：{}", f.center.center_name) />
                    <PageDescription text=format!("{}延时服务：选择日期和时段，查看剩余名额，提交预约。", f.center.center_name) />
                    <nav class="breadcrumb" aria-label="位置">
                        <a href="/book">"延时预约"</a>
                        " › "
                        {f.center.center_name.clone()}
                    </nav>
                    <h1>{format!("预约{}", f.center.center_name)}</h1>
                    {if f.days.is_empty() {
                        view! { <p class="empty">"本中心暂未开放延时预约，或近14天的时段已约满。请选择其他中心，或在工作时间前往办理。"</p> }.into_any()
                    } else {
                        // Live once the citizen picks or returns to the tab
                        // (public/client.js); the server's answer until then.
                        view! { <div data-hydrate="on-use"><BookPicker form=f /></div> }.into_any()
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

/// Item, day and slot of a new booking. Without JavaScript two GET forms
/// (the day's slots, then the check page). Hydrated, a change of item or day
/// shows that day's slots and places at once, and the places are asked again
/// whenever the citizen comes back to the tab.
#[island(lazy)]
fn BookPicker(form: BookingForm) -> impl IntoView {
    let code = form.center.code.clone();
    let items = form.items.clone();
    let first_seq = form.seq;
    let first_day = form.day.clone();
    let seq = RwSignal::new(form.seq);
    let day = RwSignal::new(form.day.clone());
    let chosen = RwSignal::new(None::<i64>);
    let state = RwSignal::new(form);
    let hydrated = hydrated();
    let root = NodeRef::<leptos::html::Div>::new();
    let refresh = live(state, {
        let code = code.clone();
        move || {
            let (code, seq, day) = (code.clone(), seq.get_untracked(), day.get_untracked());
            #[cfg(feature = "hydrate")]
            replace_address(&book_address(&code, seq, day.as_deref()));
            get_booking_form(code, seq, day)
        }
    });
    refresh_on_return(root, refresh.clone());
    let pick_day = {
        let refresh = refresh.clone();
        Callback::new(move |d: String| {
            day.set(Some(d));
            refresh();
        })
    };
    let days = Signal::derive(move || state.with(|f| f.days.clone()));
    let action = format!("/book/{code}");
    let check = format!("/book/{code}/check");
    view! {
        <div node_ref=root>
            <form method="get" action=action class="stack-form">
                <label for="seq">"1. 办理事项"</label>
                <select
                    id="seq"
                    name="seq"
                    required
                    on:change=move |ev| {
                        seq.set(event_target_value(&ev).parse::<i32>().ok());
                        refresh();
                    }
                >
                    <option value="">"请选择要办理的事项"</option>
                    {items
                        .into_iter()
                        .map(|(s, name)| {
                            view! {
                                <option value=s.to_string() selected=Some(s) == first_seq>
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <DayChoices days day=first_day legend="2. 日期" waitlist=true on_pick=pick_day />
                <button type="submit" hidden=move || hydrated.get()>
                    "查看可约时段"
                </button>
            </form>
            {move || {
                let slots = state.with(|f| f.slots.clone());
                (!slots.is_empty())
                    .then(|| {
                        view! {
                            <form method="get" action=check.clone() class="stack-form">
                                <input type="hidden" name="seq" value=move || seq.get().map(|s| s.to_string()).unwrap_or_default() />
                                <SlotChoices slots legend="3. 时段" current=None chosen />
                                {move || seq.get().is_none().then(|| view! { <p class="form-error" role="alert">"请先在上面选择办理事项。"</p> })}
                                <button type="submit" class="primary">"下一步：核对信息"</button>
                            </form>
                        }
                    })
            }}
        </div>
    }
}

/// The address of the booking form for an item and a day.
#[cfg(any(feature = "hydrate", test))]
fn book_address(code: &str, seq: Option<i32>, day: Option<&str>) -> String {
    let mut query = Vec::new();
    if let Some(seq) = seq {
        query.push(format!("seq={seq}"));
    }
    if let Some(day) = day {
        query.push(format!("day={}", crate::text::url_encode(day)));
    }
    if query.is_empty() {
        format!("/book/{code}")
    } else {
        format!("/book/{code}?{}", query.join("&"))
    }
}

/// A refresh of `state`: each call asks `fetch` again and shows the answer,
/// unless a later call overtook it. A failed refresh keeps what is shown
/// (the forms still post).
fn live<T, Fut>(
    state: RwSignal<T>,
    fetch: impl Fn() -> Fut + Clone + 'static,
) -> impl Fn() + Clone + 'static
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    let asked = StoredValue::new(0u32);
    move || {
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        let answer = fetch();
        leptos::task::spawn_local(async move {
            if let Ok(value) = answer.await {
                if asked.get_value() == this {
                    state.set(value);
                }
            }
        });
    }
}

/// True once the island holding it runs in the browser.
fn hydrated() -> RwSignal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated
}

/// Keeps the address in step with what the island shows, so that reload
/// and the JavaScript-free forms agree with it.
#[cfg(feature = "hydrate")]
fn replace_address(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// Runs `refresh` whenever the page becomes visible again (the citizen
/// comes back to the tab), while the island under `root` is on the page.
fn refresh_on_return(root: NodeRef<leptos::html::Div>, refresh: impl Fn() + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::visibilitychange, move |_| {
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
            // The navigation script may have swapped the island out.
            let here = root.get_untracked().is_some_and(|el| el.is_connected());
            if visible && here {
                refresh();
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (root, refresh);
}

/// Days of the booking window; full days can be picked too, for the waitlist.
/// The radios are the first answer's; their places follow `days`.
#[component]
fn DayChoices(
    #[prop(into)] days: Signal<Vec<DayOption>>,
    day: Option<String>,
    legend: &'static str,
    /// Full days lead to a waitlist (new bookings, not moves).
    waitlist: bool,
    on_pick: Callback<String>,
) -> impl IntoView {
    let places =
        move |d: &str| days.with(|list| list.iter().find(|o| o.day == d).map(|o| o.places_left));
    view! {
        <fieldset>
            <legend>{legend}</legend>
            {days.get_untracked().into_iter().map(|d| {
                let value = d.day.clone();
                let key = d.day.clone();
                view! {
                    <label class="check">
                        <input
                            type="radio"
                            name="day"
                            value=d.day.clone()
                            checked=day.as_deref() == Some(d.day.as_str())
                            required
                            on:change=move |_| on_pick.run(value.clone())
                        />
                        {move || format!("{}（{}）", d.label, match (places(&key), waitlist) {
                            (Some(n), _) if n > 0 => format!("余{n}"),
                            (None, _) => "已停止预约".into(),
                            (_, true) => "已约满，可候补".into(),
                            (_, false) => "已约满".into(),
                        })}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A day's slots with places left; a full slot leads to its waitlist.
#[component]
fn SlotChoices(
    slots: Vec<SlotOption>,
    legend: &'static str,
    current: Option<i64>,
    /// The slot picked, kept when the places are asked again.
    chosen: RwSignal<Option<i64>>,
) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{legend}</legend>
            {slots.into_iter().map(|s| {
                let is_current = current == Some(s.id);
                let state = if is_current {
                    "原预约时段".to_string()
                } else if s.places_left > 0 {
                    format!("余{}个名额", s.places_left)
                } else if current.is_some() {
                    "已约满".into()
                } else if s.waiting > 0 {
                    format!("已约满，{}人候补，可排队", s.waiting)
                } else {
                    "已约满，可排队候补".into()
                };
                // Moving a booking needs a free place; a new booking may queue.
                let disabled = is_current || (current.is_some() && s.places_left == 0);
                let id = s.id;
                view! {
                    <label class="check slot">
                        <input
                            type="radio"
                            name="slot"
                            value=s.id.to_string()
                            disabled=disabled
                            required
                            aria-describedby=current.map(|_| "slot-error")
                            prop:checked=move || !disabled && chosen.get() == Some(id)
                            on:change=move |_| chosen.set(Some(id))
                        />
                        {format!(
                            "{} {}{}",
                            s.time,
                            state,
                            if s.window_kind.is_empty() { String::new() } else { format!("（{}窗口）", s.window_kind) },
                        )}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn BookCheckPage() -> impl IntoView {
    let query = use_query_map();
    let num = move |k: &str| query.read().get(k).and_then(|v| v.parse::<i64>().ok());
    let check = Resource::new(
        move || (num("slot"), num("seq")),
        |(slot, seq)| async move {
            match (slot, seq) {
                (Some(slot), Some(seq)) => get_check_answers(slot, seq as i32).await,
                _ => Err(AppError::validation("seq", "请先选择办理事项和时段")),
            }
        },
    );
    let book = ServerAction::<BookSlot>::new();
    let result = book.value();
    let wait = ServerAction::<JoinWaitlist>::new();
    let waited = wait.value();
    view! {
        <PageTitle text="核对预约信息" />
        <h1>"核对预约信息"</h1>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let c = match check.await {
                    Ok(c) => c,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let back = format!("/book/{}?seq={}", c.center.code, c.item.seq);
                view! {
                    <dl class="facts">
                        <dt>"服务中心"</dt>
                        <dd>{c.center.center_name.clone()}</dd>
                        <dt>"办理事项"</dt>
                        <dd>{c.item.business_item.clone()}</dd>
                        <dt>"时间"</dt>
                        <dd>{format!("{} {}", c.day_label, c.slot.time)}</dd>
                        <dt>"手机号"</dt>
                        <dd>{c.phone_masked.clone().unwrap_or_else(|| "未验证".into())}</dd>
                    </dl>
                    <p><a href=back.clone()>"修改事项或时段"</a></p>
                    {match (c.phone_masked.is_some(), c.slot.closed, c.slot.places_left > 0) {
                        (_, true, _) => view! { <p class="form-error" role="alert">{format!("该时段已停止预约（开始前{}截止），请选择其他时段。", c.cutoff)}</p> }.into_any(),
                        (false, _, _) => view! {
                            <p class="notice">"预约需要验证手机号：请先在“我的”页面用短信验证码登录，再回到本页确认。"</p>
                            <p><a href="/my" class="button-link">"去验证手机号"</a></p>
                        }.into_any(),
                        (true, _, true) => view! {
                            <ActionForm action=book attr:class="stack-form narrow">
                                <input type="hidden" name="slot" value=c.slot.id.to_string() />
                                <input type="hidden" name="seq" value=c.item.seq.to_string() />
                                <PersonFields result=result />
                                <button type="submit" class="primary">"确认预约"</button>
                            </ActionForm>
                        }.into_any(),
                        (true, _, false) => view! {
                            {move || view! { <FormError message=form_error(&result.get()) /> }}
                            <section class="notice" aria-labelledby="waitlist-title">
                                <h2 id="waitlist-title">"该时段已约满，可以排队候补"</h2>
                                <p>{format!(
                                    "目前{}人在候补。有人取消或改约时，名额按排队顺序留给候补的人：我们会发短信通知您，名额为您保留最长{}分钟（不超过预约截止时间），请在此期间到“我的”确认预约，逾期顺延给下一位。预约截止后仍未轮到的，候补自动结束。",
                                    c.slot.waiting,
                                    c.hold_minutes,
                                )}</p>
                            </section>
                            <ActionForm action=wait attr:class="stack-form narrow">
                                <input type="hidden" name="slot" value=c.slot.id.to_string() />
                                <input type="hidden" name="seq" value=c.item.seq.to_string() />
                                <PersonFields result=waited />
                                <button type="submit" class="primary">"加入候补"</button>
                            </ActionForm>
                        }.into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

/// Name and notes of the one who will come, with their errors.
#[component]
fn PersonFields(#[prop(into)] result: Signal<Option<Result<(), AppError>>>) -> impl IntoView {
    view! {
        <label for="name">"办事人姓名"</label>
        <CheckedInput
            kind=Checked::PersonName
            id="name".to_string()
            name="name".to_string()
            error=field_error(&result.get_untracked(), "name")
            required=true
        />
        <label for="notes">"备注（选填）"</label>
        <textarea id="notes" name="notes" rows="2" maxlength="200" aria-describedby="notes-error"></textarea>
        {move || view! { <FieldError id="notes-error" message=field_error(&result.get(), "notes") /> }}
        {move || view! { <FormError message=form_error(&result.get()) /> }}
    }
}

#[component]
pub fn BookingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let cancel = ServerAction::<CancelBooking>::new();
    let result = cancel.value();
    let booking = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        get_booking,
    );
    view! {
        <PageTitle text="预约详情" />
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let b = match booking.await {
                    Ok(b) => b,
                    Err(AppError::Unauthenticated) => return view! {
                        <h1>"预约详情"</h1>
                        <p class="notice">"请先在“我的”页面用预约时的手机号验证后查看。"</p>
                        <p><a href="/my">"去验证手机号"</a></p>
                    }.into_any(),
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let done = match query.read_untracked().get("done").as_deref() {
                    Some("cancelled") => Some("预约已取消，名额已释放。"),
                    Some("rescheduled") => Some("已改约到新的时段，预约码不变。"),
                    Some("waitlisted") => Some("候补成功，预约已确认。"),
                    _ => None,
                };
                view! {
                    <h1>{if b.status == "active" { "预约成功" } else { "预约详情" }}</h1>
                    {done.map(|m| view! { <p class="flash" role="status">{m}</p> })}
                    <section class="booking-code" aria-labelledby="code-title">
                        <h2 id="code-title">"预约码"</h2>
                        <p class="code">{b.code.clone()}</p>
                        <p>{format!("状态：{}", b.status_label)}</p>
                        {(b.status == "active").then(|| view! {
                            <figure class="qr">
                                <div role="img" aria-label=format!("签到二维码，内容为预约码 {}", b.code) inner_html=b.qr_svg.clone()></div>
                                <figcaption>"到中心后向工作人员出示此二维码或报预约码签到。"</figcaption>
                            </figure>
                        })}
                    </section>
                    {(b.status == "checked_in").then(|| view! {
                        <p><a class="button-link" href=format!("/rate/booking/{}", b.code)>"评价这次办事"</a></p>
                    })}
                    <dl class="facts">
                        <dt>"时间"</dt>
                        <dd>{b.when.clone()}</dd>
                        <dt>"事项"</dt>
                        <dd><a href=format!("/items/{}", b.item.seq)>{b.item.business_item.clone()}</a></dd>
                        <dt>"办事人"</dt>
                        <dd>{format!("{} {}", b.name_masked, b.phone_masked)}</dd>
                        {(!b.notes.is_empty()).then(|| view! { <dt>"备注"</dt><dd>{b.notes.clone()}</dd> })}
                    </dl>
                    <h2>{b.center.center_name.clone()}</h2>
                    <CenterContact center=b.center.clone() />
                    <p><a href=format!("/bookings/{}/ics", b.code) download=format!("预约-{}.ics", b.code)>"加入手机日历（.ics）"</a></p>
                    <section class="checklist" aria-labelledby="bring-title">
                        <h2 id="bring-title">"请带齐以下材料"</h2>
                        {b.materials_sample.then(|| view! { <p class="sample-banner">"示例内容，以窗口告知为准"</p> })}
                        {if b.materials.is_empty() {
                            view! { <p>"该事项的办事指南正在编制中，请带好身份证件，或先致电中心咨询。"</p> }.into_any()
                        } else {
                            view! {
                                <ul class="materials">
                                    {b.materials.iter().map(|m| view! {
                                        <li>{format!(
                                            "{}（{}，{}份{}）",
                                            m.name,
                                            m.form,
                                            m.copies,
                                            if m.required { String::new() } else { format!("，{}时提供", m.condition) },
                                        )}</li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    <p class="complain-link">
                        "预约或办理中遇到问题？"
                        <a href=format!("/complain?category=center&center={}&booking={}", b.center.code, b.code)>"我要投诉"</a>
                    </p>
                    {b.cancellable.then(|| view! {
                        <ActionForm action=cancel attr:class="stack-form narrow">
                            <input type="hidden" name="code" value=b.code.clone() />
                            <p>{format!("不能按时前来？开始前{}之前都可以改约或取消，名额会留给其他人。", b.cutoff)}</p>
                            <p><a href=format!("/bookings/{}/reschedule", b.code) class="button-link">"改约到其他时段"</a></p>
                            {move || view! { <FormError message=form_error(&result.get()) /> }}
                            <button type="submit">"取消预约"</button>
                        </ActionForm>
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}

/// Moves a booking to another slot of the same center in one step: the
/// new place is taken before the old one is given up.
#[component]
pub fn ReschedulePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let form = Resource::new(
        move || {
            (
                params.read().get("code").unwrap_or_default(),
                query.read().get("day").filter(|d| !d.is_empty()),
            )
        },
        |(code, day)| get_reschedule_form(code, day),
    );
    // A refused move comes back here (without JavaScript, in the address).
    let result = ServerAction::<RescheduleBooking>::new().value();
    view! {
        <PageTitle text="改约" />
        <h1>"改约到其他时段"</h1>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let f = match form.await {
                    Ok(f) => f,
                    Err(AppError::Unauthenticated) => return view! {
                        <p class="notice">"请先在“我的”页面用预约时的手机号验证后改约。"</p>
                        <p><a href="/my">"去验证手机号"</a></p>
                    }.into_any(),
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let back = format!("/bookings/{}", f.code);
                let outcome = result.get_untracked();
                let slot_error = field_error(&outcome, "slot");
                let other_error = form_error(&outcome);
                view! {
                    <dl class="facts">
                        <dt>"服务中心"</dt>
                        <dd>{f.center_name.clone()}</dd>
                        <dt>"办理事项"</dt>
                        <dd>{f.item.clone()}</dd>
                        <dt>"原预约时间"</dt>
                        <dd>{f.when.clone()}</dd>
                    </dl>
                    <p>{format!("选好新时段后一步完成：先占到新名额，再释放原名额；新时段约不上时原预约不变。开始前{}截止改约。", f.cutoff)}</p>
                    <div data-hydrate="on-use"><ReschedulePicker form=f slot_error other_error /></div>
                    <p><a href=back>"不改了，返回预约详情"</a></p>
                }.into_any()
            })}
        </Suspense>
    }
}

/// Day and slot of a move; like [`BookPicker`], live once hydrated. The
/// move itself is a plain post to the server function (no JavaScript needed).
#[island(lazy)]
fn ReschedulePicker(
    form: RescheduleForm,
    slot_error: Option<String>,
    other_error: Option<String>,
) -> impl IntoView {
    let code = form.code.clone();
    let current = form.current_slot;
    let first_day = form.day.clone();
    let day = RwSignal::new(form.day.clone());
    let chosen = RwSignal::new(None::<i64>);
    let state = RwSignal::new(form);
    let hydrated = hydrated();
    let root = NodeRef::<leptos::html::Div>::new();
    let refresh = live(state, {
        let code = code.clone();
        move || {
            let (code, day) = (code.clone(), day.get_untracked());
            #[cfg(feature = "hydrate")]
            replace_address(&match &day {
                Some(d) => format!(
                    "/bookings/{code}/reschedule?day={}",
                    crate::text::url_encode(d)
                ),
                None => format!("/bookings/{code}/reschedule"),
            });
            get_reschedule_form(code, day)
        }
    });
    refresh_on_return(root, refresh.clone());
    let pick_day = Callback::new(move |d: String| {
        day.set(Some(d));
        refresh();
    });
    let days = Signal::derive(move || state.with(|f| f.days.clone()));
    let action = format!("/bookings/{code}/reschedule");
    let post = <RescheduleBooking as leptos::server_fn::ServerFn>::url();
    view! {
        <div node_ref=root>
            <form method="get" action=action class="stack-form">
                <DayChoices days day=first_day legend="1. 新日期" waitlist=false on_pick=pick_day />
                <button type="submit" hidden=move || hydrated.get()>
                    "查看可约时段"
                </button>
            </form>
            {move || {
                let slots = state.with(|f| f.slots.clone());
                let (slot_error, other_error) = (slot_error.clone(), other_error.clone());
                (!slots.is_empty())
                    .then(|| {
                        view! {
                            <form method="post" action=post class="stack-form">
                                <input type="hidden" name="code" value=code.clone() />
                                <SlotChoices slots legend="2. 新时段" current=Some(current) chosen />
                                <FieldError id="slot-error" message=slot_error />
                                <FormError message=other_error />
                                <button type="submit" class="primary">"确认改约"</button>
                            </form>
                        }
                    })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_address_follows_the_choices() {
        assert_eq!(super::book_address("qinyuan", None, None), "/book/qinyuan");
        assert_eq!(
            super::book_address("qinyuan", Some(201), Some("2026-12-02")),
            "/book/qinyuan?seq=201&day=2026-12-02"
        );
    }
}
