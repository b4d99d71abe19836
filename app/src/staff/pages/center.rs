//! A center's own settings: contact details and which items it (and its
//! village stations) handle. Center admins edit their own, city admins any.

use super::{CenterShown, Flash};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::staff::api::*;
use crate::staff::CenterItemRow;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CenterSettingsPage() -> impl IntoView {
    let query = use_query_map();
    let settings = Resource::new(
        move || query.read().get("code").filter(|c| !c.is_empty()),
        get_center_settings,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let s = match settings.await {
                    Ok(s) => s,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let save = ServerAction::<SaveCenterContact>::new();
                let result = save.value();
                let code = s.code.clone();
                let c = s.contact.clone();
                view! {
                    <PageTitle text=format!("中心设置：{}", s.center_name) />
                    <h1>{format!("中心设置：{}", s.center_name)}</h1>
                    <Flash />
                    <CenterShown choices=s.choices.clone() current=s.code.clone() />
                    <section aria-labelledby="contact-title">
                        <h2 id="contact-title">"地址、电话与办公时间"</h2>
                        <p class="hint">"这里填写的内容会显示在群众看到的中心页面上，请以实际为准。"</p>
                        <ActionForm action=save attr:class="stack-form narrow">
                            <input type="hidden" name="code" value=code.clone() />
                            <label for="c-address">"地址"</label>
                            <input id="c-address" name="contact[address]" type="text" maxlength="100" value=c.address aria-describedby="c-address-error" />
                            {move || view! { <FieldError id="c-address-error" message=field_error(&result.get(), "address") /> }}
                            <label for="c-phone">"咨询电话"</label>
                            <input id="c-phone" name="contact[phone]" type="tel" maxlength="40" value=c.phone aria-describedby="c-phone-error" />
                            {move || view! { <FieldError id="c-phone-error" message=field_error(&result.get(), "phone") /> }}
                            <label for="c-hours">"办公时间"</label>
                            <textarea id="c-hours" name="contact[hours]" rows="3" maxlength="300" aria-describedby="c-hours-error">{c.hours}</textarea>
                            {move || view! { <FieldError id="c-hours-error" message=field_error(&result.get(), "hours") /> }}
                            <label for="c-map">"地图链接（https://…）"</label>
                            <input id="c-map" name="contact[map_url]" type="url" maxlength="300" value=c.map_url aria-describedby="c-map-error" />
                            {move || view! { <FieldError id="c-map-error" message=field_error(&result.get(), "map_url") /> }}
                            {move || view! { <FormError message=form_error(&result.get()) /> }}
                            <button type="submit" class="primary">"保存"</button>
                        </ActionForm>
                    </section>
                    <section aria-labelledby="items-title">
                        <h2 id="items-title">"可办事项"</h2>
                        <p class="hint">"取消“本中心可办”即标为“本中心暂不可办”，并请选择可以办理的最近中心。"</p>
                        <ItemError />
                        <div class="table-wrap" tabindex="0" role="region" aria-label="可办事项">
                            <table class="data">
                                <thead>
                                    <tr>
                                        <th scope="col">"事项"</th>
                                        <th scope="col">"设置"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {s.items.iter().cloned().map(|row| view! { <ItemRow code=s.code.clone() row others=s.others.clone() /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn ItemRow(code: String, row: CenterItemRow, others: Vec<(String, String)>) -> impl IntoView {
    let set = ServerAction::<SetCenterItem>::new();
    let seq = row.seq;
    let alt = row.alternative_center.clone().unwrap_or_default();
    view! {
        <tr>
            <td>
                {format!("{} {}", row.seq, row.business_item)}
                {(!row.at_center).then(|| view! { <span class="badge badge-required">"本中心暂不可办"</span> })}
            </td>
            <td>
                <ActionForm action=set attr:class="item-setting">
                    <input type="hidden" name="code" value=code />
                    <input type="hidden" name="change[seq]" value=seq.to_string() />
                    <label class="check">
                        <input type="checkbox" name="change[at_center]" checked=row.at_center />
                        "本中心可办"
                    </label>
                    <label class="check">
                        <input type="checkbox" name="change[at_stations]" checked=row.at_stations />
                        "村（社区）便民服务站可办"
                    </label>
                    <label for=format!("alt-{seq}")>"暂不可办时，最近可办中心"</label>
                    <select id=format!("alt-{seq}") name="change[alternative]">
                        <option value="">"请选择"</option>
                        {others.iter().map(|(k, n)| view! { <option value=k.clone() selected=*k == alt>{n.clone()}</option> }).collect_view()}
                    </select>
                    <button type="submit">"保存"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// A failed item change, said once above the table: every row posts to the
/// same server function, so the error that comes back belongs to none of them.
#[component]
fn ItemError() -> impl IntoView {
    let set = ServerAction::<SetCenterItem>::new();
    let result = set.value();
    move || {
        form_error(&result.get())
            .or_else(|| field_error(&result.get(), "alternative"))
            .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    }
}
