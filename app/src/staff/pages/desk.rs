//! The counter's day: check in by code (typed, read from the QR code by a
//! scanner that types it, or by the tablet camera through public/desk-scan.js), the day's bookings by slot with names masked, 未到
//! after the grace period, 绿色通道 walk-ins, and the day's counts.

use super::Flash;
use crate::components::form::{field_error, form_error, FieldError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::staff::api::*;
use crate::staff::DaySlot;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let view_data = Resource::new(
        move || (get("code"), get("day")),
        |(c, d)| get_day_view(c, d),
    );
    let check = ServerAction::<CheckIn>::new();
    let checked = check.value();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let d = match view_data.await {
                    Ok(d) => d,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let code = d.code.clone();
                let form_code = d.code.clone();
                let c = d.counts.clone();
                let items = d.items.clone();
                view! {
                    <PageTitle text=format!("预约签到：{}", d.center_name) />
                    <h1>{format!("{} · {}", d.center_name, d.day_label)}</h1>
                    <Flash />
                    <ActionForm action=check attr:class="stack-form narrow" attr:data-scan="qr">
                        <input type="hidden" name="code" value=form_code />
                        <label for="booking">"预约码（输入或扫码）"</label>
                        <input id="booking" name="booking" type="text" autocomplete="off" autocapitalize="characters" required maxlength="20" aria-describedby="booking-error" />
                        {move || view! { <FieldError id="booking-error" message=field_error(&checked.get(), "booking") /> }}
                        <button type="submit" class="primary">"签到"</button>
                        <p class="scan-status" data-scan-status="" role="status"></p>
                    </ActionForm>
                    // A camera reads the QR code where the browser can (no wasm here).
                    <script src="/desk-scan.js" defer=""></script>
                    <form method="get" action="/staff/desk" class="filters">
                        // The center is chosen once, in the staff header; a link's `?code=` stays.
                        <input type="hidden" name="code" value=d.code.clone() />
                        <label for="d-day">"日期"</label>
                        <input id="d-day" name="day" type="date" value=d.day.clone() />
                        <button type="submit">"查看"</button>
                    </form>
                    <p class="counts">{format!(
                        "预约{}人 · 已签到{} · 未到{} · 已取消{} · 绿色通道{} · 候补递补{}",
                        c.booked, c.checked_in, c.no_show, c.cancelled, c.walk_ins, c.waitlist_served,
                    )}</p>
                    {if d.slots.is_empty() {
                        view! { <p class="empty">"这一天没有延时时段。"</p> }.into_any()
                    } else {
                        d.slots.into_iter().map(|s| view! { <SlotSection code=code.clone() row=s items=items.clone() /> }).collect_view().into_any()
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn SlotSection(code: String, row: DaySlot, items: Vec<(i32, String)>) -> impl IntoView {
    let slot = row;
    let no_show = ServerAction::<MarkNoShow>::new();
    let walk = ServerAction::<AddWalkIn>::new();
    let result = walk.value();
    let heading = format!(
        "{}{} · 已约{}/{}{}{}",
        slot.time,
        if slot.window_kind.is_empty() {
            String::new()
        } else {
            format!("（{}）", slot.window_kind)
        },
        slot.booked,
        slot.capacity,
        if slot.walk_ins > 0 {
            format!(" · 绿色通道{}", slot.walk_ins)
        } else {
            String::new()
        },
        if slot.waiting > 0 {
            format!(" · 候补{}人", slot.waiting)
        } else {
            String::new()
        },
    );
    let id = slot.id;
    view! {
        <section class="desk-slot" aria-label=heading.clone()>
            <h2>{heading.clone()}</h2>
            {if slot.bookings.is_empty() {
                view! { <p class="empty">"暂无预约"</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=format!("{} 的预约", slot.time)>
                        <table class="data">
                            <thead>
                                <tr>
                                    <th scope="col">"预约码"</th>
                                    <th scope="col">"姓名"</th>
                                    <th scope="col">"事项"</th>
                                    <th scope="col">"状态"</th>
                                    <th scope="col">"操作"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {slot.bookings.into_iter().map(|b| {
                                    let code = code.clone();
                                    view! {
                                        <tr>
                                            <td>{b.code.clone()}</td>
                                            <td>{b.name_masked.clone()}</td>
                                            <td>{b.item.clone()}</td>
                                            <td>{if b.walk_in { format!("{}（绿色通道）", b.status_label) } else { b.status_label.clone() }}</td>
                                            <td>
                                                {b.can_no_show.then(|| view! {
                                                    <ActionForm action=no_show attr:class="inline-form">
                                                        <input type="hidden" name="code" value=code />
                                                        <input type="hidden" name="booking" value=b.code.clone() />
                                                        <button type="submit" aria-label=format!("{} 标记未到", b.code)>"未到"</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <details class="walk-in">
                <summary>"绿色通道：加入现场群众（满额也可加）"</summary>
                <ActionForm action=walk attr:class="stack-form narrow">
                    <input type="hidden" name="code" value=code.clone() />
                    <input type="hidden" name="walk_in[slot]" value=id.to_string() />
                    <label for=format!("w-name-{id}")>"姓名"</label>
                    <input id=format!("w-name-{id}") name="walk_in[name]" type="text" required maxlength="30" />
                    <label for=format!("w-phone-{id}")>"手机号（选填）"</label>
                    <input id=format!("w-phone-{id}") name="walk_in[phone]" type="tel" inputmode="numeric" maxlength="20" />
                    <label for=format!("w-seq-{id}")>"办理事项"</label>
                    <select id=format!("w-seq-{id}") name="walk_in[seq]" required>
                        <option value="">"请选择"</option>
                        {items.iter().map(|(s, n)| view! { <option value=s.to_string()>{n.clone()}</option> }).collect_view()}
                    </select>
                    {move || form_error(&result.get()).or_else(|| {
                        ["name", "phone", "seq", "slot"].iter().find_map(|f| field_error(&result.get(), f))
                    }).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    <button type="submit">"加入"</button>
                </ActionForm>
            </details>
        </section>
    }
}
