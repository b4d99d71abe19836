//! 延时预约 for citizens: pick a center, an item, a day and a slot; check the
//! answers and confirm; the confirmation page has the code, a QR code for
//! check-in, the materials to bring, an .ics file and cancel. Server-rendered
//! forms (no wasm), each step a plain GET or POST.

use crate::booking_api::*;
use crate::components::form::{field_error, form_error, FieldError};
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use crate::pages::center::CenterContact;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BookCentersPage() -> impl IntoView {
    let centers = Resource::new(|| (), |_| get_book_centers());
    // Coming from an item page: keep the item through the choice of center.
    let query = use_query_map();
    let seq = move || {
        query
            .read_untracked()
            .get("seq")
            .and_then(|s| s.parse::<i32>().ok())
            .map(|s| format!("?seq={s}"))
            .unwrap_or_default()
    };
    view! {
        <Title text="延时预约" />
        <h1>"延时预约"</h1>
        <p>"上班时间来不及办事？可以预约中午、晚上或周末的延时服务时段。请先选择便民服务中心。"</p>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match centers.await {
                    Ok(list) => view! {
                        <ul class="center-grid">
                            {list.into_iter().map(|c| view! {
                                <li>
                                    <a href=format!("/book/{}{}", c.center.code, seq())>
                                        <span class="center-name">{c.center.center_name.clone()}</span>
                                        <span class="center-meta">{if c.places_left > 0 {
                                            format!("近14天可约{}人次", c.places_left)
                                        } else {
                                            "暂未开放延时预约".to_string()
                                        }}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
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
                let code = f.center.code.clone();
                let seq = f.seq;
                view! {
                    <Title text=format!("延时预约：{}", f.center.center_name) />
                    <nav class="breadcrumb" aria-label="位置">
                        <a href="/book">"延时预约"</a>
                        " › "
                        {f.center.center_name.clone()}
                    </nav>
                    <h1>{format!("预约{}", f.center.center_name)}</h1>
                    {if f.days.is_empty() {
                        view! { <p class="empty">"本中心暂未开放延时预约，或近14天的时段已约满。请选择其他中心，或在工作时间前往办理。"</p> }.into_any()
                    } else {
                        view! {
                            <form method="get" action=format!("/book/{code}") class="stack-form">
                                <label for="seq">"1. 办理事项"</label>
                                <select id="seq" name="seq" required>
                                    <option value="">"请选择要办理的事项"</option>
                                    {f.items.iter().map(|(s, name)| view! {
                                        <option value=s.to_string() selected=Some(*s) == seq>{name.clone()}</option>
                                    }).collect_view()}
                                </select>
                                <fieldset>
                                    <legend>"2. 日期"</legend>
                                    {f.days.iter().map(|d| view! {
                                        <label class="check">
                                            <input type="radio" name="day" value=d.day.clone() checked=f.day.as_deref() == Some(d.day.as_str()) disabled=d.places_left == 0 required />
                                            {format!("{}（{}）", d.label, if d.places_left > 0 { format!("余{}", d.places_left) } else { "已约满".into() })}
                                        </label>
                                    }).collect_view()}
                                </fieldset>
                                <button type="submit">"查看可约时段"</button>
                            </form>
                        }.into_any()
                    }}
                    {(!f.slots.is_empty()).then(|| view! {
                        <form method="get" action=format!("/book/{code}/check") class="stack-form">
                            <input type="hidden" name="seq" value=seq.map(|s| s.to_string()).unwrap_or_default() />
                            <fieldset>
                                <legend>"3. 时段"</legend>
                                {f.slots.iter().map(|s| view! {
                                    <label class="check slot">
                                        <input type="radio" name="slot" value=s.id.to_string() disabled=s.places_left == 0 required />
                                        {format!(
                                            "{} {}{}",
                                            s.time,
                                            if s.places_left > 0 { format!("余{}个名额", s.places_left) } else { "已约满".into() },
                                            if s.window_kind.is_empty() { String::new() } else { format!("（{}窗口）", s.window_kind) },
                                        )}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                            {seq.is_none().then(|| view! { <p class="form-error" role="alert">"请先在上面选择办理事项。"</p> })}
                            <button type="submit" class="primary">"下一步：核对信息"</button>
                        </form>
                    })}
                }.into_any()
            })}
        </Suspense>
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
    view! {
        <Title text="核对预约信息" />
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
                    {match (c.phone_masked.is_some(), c.slot.closed) {
                        (_, true) => view! { <p class="form-error" role="alert">"该时段已停止预约（开始前1小时截止），请选择其他时段。"</p> }.into_any(),
                        (false, _) => view! {
                            <p class="notice">"预约需要验证手机号：请先在“我的”页面用短信验证码登录，再回到本页确认。"</p>
                            <p><a href="/my" class="button-link">"去验证手机号"</a></p>
                        }.into_any(),
                        (true, _) => view! {
                            <ActionForm action=book attr:class="stack-form narrow">
                                <input type="hidden" name="slot" value=c.slot.id.to_string() />
                                <input type="hidden" name="seq" value=c.item.seq.to_string() />
                                <label for="name">"办事人姓名"</label>
                                <input id="name" name="name" type="text" autocomplete="name" required maxlength="30" aria-describedby="name-error" />
                                {move || view! { <FieldError id="name-error" message=field_error(&result.get(), "name") /> }}
                                <label for="notes">"备注（选填）"</label>
                                <textarea id="notes" name="notes" rows="2" maxlength="200" aria-describedby="notes-error"></textarea>
                                {move || view! { <FieldError id="notes-error" message=field_error(&result.get(), "notes") /> }}
                                {move || form_error(&result.get()).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                                <button type="submit" class="primary">"确认预约"</button>
                            </ActionForm>
                        }.into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
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
        <Title text="预约详情" />
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
                let cancelled = query.read_untracked().get("done").as_deref() == Some("cancelled");
                view! {
                    <h1>{if b.status == "active" { "预约成功" } else { "预约详情" }}</h1>
                    {cancelled.then(|| view! { <p class="flash" role="status">"预约已取消，名额已释放。"</p> })}
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
                    {b.cancellable.then(|| view! {
                        <ActionForm action=cancel attr:class="stack-form narrow">
                            <input type="hidden" name="code" value=b.code.clone() />
                            <p>"不能按时前来？开始前1小时之前都可以取消，名额会留给其他人。"</p>
                            {move || form_error(&result.get()).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                            <button type="submit">"取消预约"</button>
                        </ActionForm>
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}
