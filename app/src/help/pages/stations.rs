//! `/staff/stations`: a center's village stations (村/社区便民服务站). Its
//! admins add, change and retire them; its other staff read the list.
//! One form: `?edit={id}` loads a station into it.

use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::help::api::*;
use crate::help::{
    Station, StationsView, MAX_STATION_ADDRESS, MAX_STATION_HOURS, MAX_STATION_NAME,
};
use crate::staff::pages::{CenterShown, Flash};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StationsPage() -> impl IntoView {
    let query = use_query_map();
    let view_data = Resource::new(
        move || query.read().get("code").filter(|c| !c.is_empty()),
        get_stations,
    );
    let editing = move || query.read().get("edit").and_then(|e| e.parse::<i64>().ok());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let v = match view_data.await {
                    Ok(v) => v,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let edit = editing().and_then(|id| v.stations.iter().find(|s| s.id == id).cloned());
                view! { <StationsBody v edit /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn StationsBody(v: StationsView, edit: Option<Station>) -> impl IntoView {
    let title = format!("便民服务站：{}", v.center_name);
    let code = v.code.clone();
    let may_edit = v.may_edit;
    let rows = v.stations.clone();
    view! {
        <PageTitle text=title.clone() />
        <h1>{title}</h1>
        <Flash />
        <CenterShown choices=v.choices.clone() current=v.code.clone() />
        <p class="hint">"群众申请帮办代办时可以选择就近的村（社区）便民服务站。这里只列出中心管理员登记的服务站，请以实际为准。"</p>
        {if rows.is_empty() {
            view! { <p class="empty">"还没有登记服务站。"</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="便民服务站">
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">"服务站"</th>
                                <th scope="col">"村（社区）"</th>
                                <th scope="col">"地址"</th>
                                <th scope="col">"电话"</th>
                                <th scope="col">"值守时间"</th>
                                {may_edit.then(|| view! { <th scope="col">"操作"</th> })}
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|s| view! { <StationRow s code=code.clone() may_edit /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {may_edit.then(|| view! { <StationEditor code=v.code.clone() edit /> })}
    }
}

#[component]
fn StationRow(s: Station, code: String, may_edit: bool) -> impl IntoView {
    let retire = ServerAction::<RetireStation>::new();
    let edit_href = format!(
        "/staff/stations?code={}&edit={}#station-form",
        crate::text::url_encode(&code),
        s.id
    );
    view! {
        <tr>
            <td>{s.name.clone()}</td>
            <td>{s.village.clone()}</td>
            <td>{s.address.clone()}</td>
            <td>{s.phone.clone()}</td>
            <td>{s.duty_hours.clone()}</td>
            {may_edit.then(|| view! {
                <td>
                    <a href=edit_href>"修改"<span class="sr-only">{s.name.clone()}</span></a>
                    <ActionForm action=retire attr:class="inline-form">
                        <input type="hidden" name="code" value=code />
                        <input type="hidden" name="id" value=s.id.to_string() />
                        <button type="submit">"停用"<span class="sr-only">{s.name.clone()}</span></button>
                    </ActionForm>
                </td>
            })}
        </tr>
    }
}

/// Adds a station, or changes the one in `edit`.
#[component]
fn StationEditor(code: String, edit: Option<Station>) -> impl IntoView {
    let save = ServerAction::<SaveStation>::new();
    let retire = ServerAction::<RetireStation>::new();
    let result = save.value();
    let retired = retire.value();
    let err = move |f: &str| field_error(&result.get(), f);
    let heading = if edit.is_some() {
        "修改服务站"
    } else {
        "新增服务站"
    };
    let s = edit.clone();
    let value =
        move |f: fn(&Station) -> &String| s.as_ref().map(|s| f(s).clone()).unwrap_or_default();
    view! {
        <section aria-labelledby="station-form">
            <h2 id="station-form">{heading}</h2>
            {move || view! { <FormError message=form_error(&retired.get()) /> }}
            <ActionForm action=save attr:class="stack-form narrow">
                <input type="hidden" name="code" value=code.clone() />
                {edit.as_ref().map(|s| view! { <input type="hidden" name="id" value=s.id.to_string() /> })}
                <label for="st-name">"服务站名称"</label>
                <input id="st-name" name="station[name]" type="text" required maxlength=MAX_STATION_NAME.to_string() value=value(|s| &s.name) aria-describedby="st-name-error" aria-invalid=move || err("name").map(|_| "true") />
                {move || view! { <FieldError id="st-name-error" message=err("name") /> }}
                <label for="st-village">"所在村（社区）"</label>
                <input id="st-village" name="station[village]" type="text" required maxlength=MAX_STATION_NAME.to_string() value=value(|s| &s.village) aria-describedby="st-village-error" aria-invalid=move || err("village").map(|_| "true") />
                {move || view! { <FieldError id="st-village-error" message=err("village") /> }}
                <label for="st-address">"地址"</label>
                <input id="st-address" name="station[address]" type="text" maxlength=MAX_STATION_ADDRESS.to_string() value=value(|s| &s.address) aria-describedby="st-address-error" aria-invalid=move || err("address").map(|_| "true") />
                {move || view! { <FieldError id="st-address-error" message=err("address") /> }}
                <label for="st-phone">"电话"</label>
                <input id="st-phone" name="station[phone]" type="tel" maxlength="40" value=value(|s| &s.phone) aria-describedby="st-phone-error" aria-invalid=move || err("phone").map(|_| "true") />
                {move || view! { <FieldError id="st-phone-error" message=err("phone") /> }}
                <label for="st-hours">"值守时间"</label>
                <textarea id="st-hours" name="station[duty_hours]" rows="2" maxlength=MAX_STATION_HOURS.to_string() aria-describedby="st-hours-error" aria-invalid=move || err("duty_hours").map(|_| "true")>{value(|s| &s.duty_hours)}</textarea>
                {move || view! { <FieldError id="st-hours-error" message=err("duty_hours") /> }}
                {move || view! { <FormError message=form_error(&result.get()) /> }}
                <button type="submit" class="primary">"保存"</button>
                {edit.is_some().then(|| view! {
                    <a href=format!("/staff/stations?code={}", crate::text::url_encode(&code))>"取消修改"</a>
                })}
            </ActionForm>
        </section>
    }
}
