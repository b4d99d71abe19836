//! `/staff/windows`: a center's service windows. Its admins add, change and
//! retire them; its other staff read the list. `?edit={id}` loads one into
//! the form.

use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::hall::api::*;
use crate::hall::{
    window_kind_label, Window, WindowsView, MAX_WINDOW_NAME, MAX_WINDOW_NUMBER, WINDOW_KINDS,
};
use crate::staff::pages::{CenterShown, Flash};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WindowsPage() -> impl IntoView {
    let query = use_query_map();
    let view_data = Resource::new(
        move || query.read().get("code").filter(|c| !c.is_empty()),
        get_windows,
    );
    let editing = move || query.read().get("edit").and_then(|e| e.parse::<i64>().ok());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let v = match view_data.await {
                    Ok(v) => v,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let edit = editing().and_then(|id| v.windows.iter().find(|w| w.id == id).cloned());
                view! { <WindowsBody v edit /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn WindowsBody(v: WindowsView, edit: Option<Window>) -> impl IntoView {
    let title = format!("服务窗口：{}", v.center_name);
    let code = v.code.clone();
    let may_edit = v.may_edit;
    let rows = v.windows.clone();
    let c = crate::text::url_encode(&v.code);
    view! {
        <PageTitle text=title.clone() />
        <h1>{title}</h1>
        <Flash />
        <CenterShown choices=v.choices.clone() current=v.code.clone() />
        <p class="hint">
            "每个窗口有一张评价二维码贴纸，群众扫码即可评价本窗口的服务。"
            <a href=format!("/centers/{c}/stickers")>"打印窗口贴纸"</a>
        </p>
        {if rows.is_empty() {
            view! { <p class="empty">"还没有登记窗口。"</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="服务窗口">
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">"编号"</th>
                                <th scope="col">"窗口名称"</th>
                                <th scope="col">"类型"</th>
                                <th scope="col">"值班人员"</th>
                                {may_edit.then(|| view! { <th scope="col">"操作"</th> })}
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|w| view! { <WindowRow w code=code.clone() may_edit /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {may_edit.then(|| view! { <WindowEditor code=v.code.clone() staff=v.staff.clone() edit /> })}
    }
}

#[component]
fn WindowRow(w: Window, code: String, may_edit: bool) -> impl IntoView {
    let retire = ServerAction::<RetireWindow>::new();
    let edit_href = format!(
        "/staff/windows?code={}&edit={}#window-form",
        crate::text::url_encode(&code),
        w.id
    );
    let label = format!("{} 号窗口", w.number);
    view! {
        <tr>
            <td>{w.number.clone()}</td>
            <td>{w.name.clone()}</td>
            <td>{window_kind_label(&w.kind)}</td>
            <td>{w.staff_name.clone().unwrap_or_else(|| "未指定".to_string())}</td>
            {may_edit.then(|| view! {
                <td>
                    <a href=edit_href>"修改"<span class="sr-only">{label.clone()}</span></a>
                    <ActionForm action=retire attr:class="inline-form">
                        <input type="hidden" name="code" value=code />
                        <input type="hidden" name="id" value=w.id.to_string() />
                        <button type="submit">"停用"<span class="sr-only">{label}</span></button>
                    </ActionForm>
                </td>
            })}
        </tr>
    }
}

/// Adds a window, or changes the one in `edit`.
#[component]
fn WindowEditor(code: String, staff: Vec<(i64, String)>, edit: Option<Window>) -> impl IntoView {
    let save = ServerAction::<SaveWindow>::new();
    let retire = ServerAction::<RetireWindow>::new();
    let result = save.value();
    let retired = retire.value();
    let err = move |f: &str| field_error(&result.get(), f);
    let heading = if edit.is_some() {
        "修改窗口"
    } else {
        "新增窗口"
    };
    let number = edit.as_ref().map(|w| w.number.clone()).unwrap_or_default();
    let name = edit.as_ref().map(|w| w.name.clone()).unwrap_or_default();
    let kind = edit
        .as_ref()
        .map(|w| w.kind.clone())
        .unwrap_or_else(|| "general".to_string());
    let on_duty = edit.as_ref().and_then(|w| w.staff_user_id);
    view! {
        <section aria-labelledby="window-form">
            <h2 id="window-form">{heading}</h2>
            {move || view! { <FormError message=form_error(&retired.get()) /> }}
            <ActionForm action=save attr:class="stack-form narrow">
                <input type="hidden" name="code" value=code.clone() />
                {edit.as_ref().map(|w| view! { <input type="hidden" name="id" value=w.id.to_string() /> })}
                <label for="wi-number">"窗口编号"</label>
                <input id="wi-number" name="window[number]" type="text" required maxlength=MAX_WINDOW_NUMBER.to_string() value=number aria-describedby="wi-number-error" aria-invalid=move || err("number").map(|_| "true") />
                {move || view! { <FieldError id="wi-number-error" message=err("number") /> }}
                <label for="wi-name">"窗口名称"</label>
                <input id="wi-name" name="window[name]" type="text" required maxlength=MAX_WINDOW_NAME.to_string() value=name placeholder="如：综合受理窗口 3" aria-describedby="wi-name-error" aria-invalid=move || err("name").map(|_| "true") />
                {move || view! { <FieldError id="wi-name-error" message=err("name") /> }}
                <label for="wi-kind">"窗口类型"</label>
                <select id="wi-kind" name="window[kind]" aria-describedby="wi-kind-error">
                    {WINDOW_KINDS.iter().map(|(k, l)| view! { <option value=*k selected=*k == kind>{*l}</option> }).collect_view()}
                </select>
                {move || view! { <FieldError id="wi-kind-error" message=err("kind") /> }}
                <label for="wi-staff">"值班人员"</label>
                <select id="wi-staff" name="window[staff]" aria-describedby="wi-staff-error">
                    <option value="" selected=on_duty.is_none()>"不指定"</option>
                    {staff.into_iter().map(|(id, n)| view! { <option value=id.to_string() selected=on_duty == Some(id)>{n}</option> }).collect_view()}
                </select>
                {move || view! { <FieldError id="wi-staff-error" message=err("staff") /> }}
                {move || view! { <FormError message=form_error(&result.get()) /> }}
                <button type="submit" class="primary">"保存"</button>
                {edit.is_some().then(|| view! {
                    <a href=format!("/staff/windows?code={}", crate::text::url_encode(&code))>"取消修改"</a>
                })}
            </ActionForm>
        </section>
    }
}
