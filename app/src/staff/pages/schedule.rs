//! A center's 延时 schedule: weekly windows cut into slots. Center admins edit
//! their own, city admins any. Removing a window keeps booked slots and lists
//! them here for staff to contact the citizens (who are notified).

use super::{CenterShown, Flash};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::staff::api::*;
use crate::staff::WINDOW_KINDS;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

#[component]
pub fn SchedulePage() -> impl IntoView {
    let query = use_query_map();
    let schedule = Resource::new(
        move || query.read().get("code").filter(|c| !c.is_empty()),
        get_schedule,
    );
    let add = ServerAction::<AddWindow>::new();
    let result = add.value();
    let delete = ServerAction::<DeleteWindow>::new();
    let closure = ServerAction::<AddClosure>::new();
    let closed = closure.value();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let s = match schedule.await {
                    Ok(s) => s,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let code = s.code.clone();
                let rows = s.windows.clone();
                let add_code = code.clone();
                let closure_code = code.clone();
                view! {
                    <PageTitle text=format!("延时时段：{}", s.center_name) />
                    <h1>{format!("延时时段：{}", s.center_name)}</h1>
                    <Flash />
                    <CenterShown choices=s.choices.clone() current=s.code.clone() />
                    {(!s.orphans.is_empty()).then(|| view! {
                        <section class="notice" aria-labelledby="orphans-title">
                            <h2 id="orphans-title">"需要联系的预约"</h2>
                            <p>"以下已预约的时段不在现行安排内，预约仍然有效，群众已收到短信通知，请联系确认："</p>
                            <ul>
                                {s.orphans.iter().map(|o| view! { <li>{format!("{}：{}人", o.when, o.booked)}</li> }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <h2>"每周时段"</h2>
                    {if rows.is_empty() {
                        view! { <p class="empty">"尚未设置延时时段，群众暂时无法预约本中心。"</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label="每周时段">
                                <table class="data">
                                    <thead>
                                        <tr>
                                            <th scope="col">"星期"</th>
                                            <th scope="col">"时间"</th>
                                            <th scope="col">"每段"</th>
                                            <th scope="col">"每段人数"</th>
                                            <th scope="col">"窗口"</th>
                                            <th scope="col">"操作"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows.into_iter().map(|w| {
                                            let code = code.clone();
                                            view! {
                                            <tr>
                                                <td>{w.weekday_label.clone()}</td>
                                                <td>{w.time.clone()}</td>
                                                <td>{format!("{}分钟", w.slot_minutes)}</td>
                                                <td>{w.capacity}</td>
                                                <td>{if w.window_kind.is_empty() { "不限".to_string() } else { w.window_kind.clone() }}</td>
                                                <td>
                                                    <ActionForm action=delete attr:class="inline-form">
                                                        <input type="hidden" name="code" value=code.clone() />
                                                        <input type="hidden" name="id" value=w.id.to_string() />
                                                        <button type="submit" aria-label=format!("删除 {} {}", w.weekday_label, w.time)>"删除"</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    <h2>"本中心休息日"</h2>
                    <p class="hint">"节假日和调休由市级管理员统一设置；这里只填本中心自己的临时休息。已有的预约不会被删除，会列在上方并短信通知群众。"</p>
                    {if s.closures.is_empty() {
                        view! { <p class="empty">"没有设置休息日。"</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {s.closures.iter().map(|(d, r)| view! { <li>{format!("{d} {r}")}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <ActionForm action=closure attr:class="stack-form narrow">
                        <input type="hidden" name="code" value=closure_code />
                        <label for="c-day">"日期"</label>
                        <input id="c-day" name="day" type="date" required aria-describedby="c-day-error" />
                        {move || view! { <FieldError id="c-day-error" message=field_error(&closed.get(), "day") /> }}
                        <label for="c-reason">"原因（选填）"</label>
                        <input id="c-reason" name="reason" type="text" maxlength="50" />
                        <button type="submit">"设为休息日"</button>
                    </ActionForm>
                    <h2>"增加时段"</h2>
                    <ActionForm action=add attr:class="stack-form narrow">
                        <input type="hidden" name="code" value=add_code />
                        <fieldset aria-describedby="w-days-error">
                            <legend>"星期"</legend>
                            {DAYS.iter().enumerate().map(|(i, d)| view! {
                                <label class="check">
                                    <input type="checkbox" name=format!("window[weekdays][{i}]") value=(i + 1).to_string() />
                                    {*d}
                                </label>
                            }).collect_view()}
                        </fieldset>
                        {move || view! { <FieldError id="w-days-error" message=field_error(&result.get(), "weekdays") /> }}
                        <label for="w-start">"开始时间（如 12:00）"</label>
                        <input id="w-start" name="window[start]" type="text" inputmode="numeric" required aria-describedby="w-start-error" />
                        {move || view! { <FieldError id="w-start-error" message=field_error(&result.get(), "start") /> }}
                        <label for="w-end">"结束时间（如 14:30）"</label>
                        <input id="w-end" name="window[end]" type="text" inputmode="numeric" required aria-describedby="w-end-error" />
                        {move || view! { <FieldError id="w-end-error" message=field_error(&result.get(), "end") /> }}
                        <label for="w-len">"每个时段（分钟）"</label>
                        <input id="w-len" name="window[slot_minutes]" type="text" inputmode="numeric" value="30" required aria-describedby="w-len-error" />
                        {move || view! { <FieldError id="w-len-error" message=field_error(&result.get(), "slot_minutes") /> }}
                        <label for="w-cap">"每个时段可接待人数"</label>
                        <input id="w-cap" name="window[capacity]" type="text" inputmode="numeric" required aria-describedby="w-cap-error" />
                        {move || view! { <FieldError id="w-cap-error" message=field_error(&result.get(), "capacity") /> }}
                        <label for="w-kind">"限定窗口（选填）"</label>
                        <select id="w-kind" name="window[window_kind]">
                            <option value="">"不限"</option>
                            {WINDOW_KINDS.iter().map(|k| view! { <option value=*k>{*k}</option> }).collect_view()}
                        </select>
                        {move || view! { <FormError message=form_error(&result.get()) /> }}
                        <button type="submit" class="primary">"增加"</button>
                    </ActionForm>
                }.into_any()
            })}
        </Suspense>
    }
}
