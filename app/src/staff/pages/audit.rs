//! The audit log, for city admins: filter by who, what and when.

use super::{query_string, Pager};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::staff::api::get_audit;
use crate::staff::{audit_action_label, AUDIT_ACTIONS};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let log = Resource::new(
        move || {
            (
                get("page").and_then(|p| p.parse().ok()),
                get("actor"),
                get("action"),
                get("from"),
                get("to"),
            )
        },
        |(page, actor, action, from, to)| get_audit(page, actor, action, from, to),
    );
    view! {
        <PageTitle text="审计日志" />
        <h1>"审计日志"</h1>
        <p class="hint">"记录所有修改数据和查看完整证件号、手机号的操作，只可追加，不可修改或删除。"</p>
        <form method="get" action="/staff/audit" class="filters">
            <label for="a-actor">"操作人（用户名）"</label>
            <input id="a-actor" name="actor" type="search" value=move || get("actor").unwrap_or_default() />
            <label for="a-action">"操作"</label>
            <select id="a-action" name="action">
                <option value="">"全部"</option>
                {AUDIT_ACTIONS.iter().map(|(code, label)| {
                    let code = *code;
                    view! { <option value=code selected=move || get("action").as_deref() == Some(code)>{*label}</option> }
                }).collect_view()}
            </select>
            <label for="a-from">"开始日期"</label>
            <input id="a-from" name="from" type="date" value=move || get("from").unwrap_or_default() />
            <label for="a-to">"结束日期"</label>
            <input id="a-to" name="to" type="date" value=move || get("to").unwrap_or_default() />
            <button type="submit">"筛选"</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let entries = match log.await {
                    Ok(e) => e,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let base = format!(
                    "/staff/audit?{}",
                    query_string(&[("actor", get("actor")), ("action", get("action")), ("from", get("from")), ("to", get("to"))])
                );
                if entries.rows.is_empty() {
                    return view! { <p class="empty">"没有符合条件的记录。"</p> }.into_any();
                }
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="审计记录">
                        <table class="data">
                            <thead>
                                <tr>
                                    <th scope="col">"时间"</th>
                                    <th scope="col">"操作人"</th>
                                    <th scope="col">"操作"</th>
                                    <th scope="col">"对象"</th>
                                    <th scope="col">"说明"</th>
                                    <th scope="col">"来源地址"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {entries.rows.iter().map(|e| view! {
                                    <tr>
                                        <td>{e.at.clone()}</td>
                                        <td>{format!("{}（{}）", e.actor, e.role)}</td>
                                        <td>{audit_action_label(&e.action).to_string()}</td>
                                        <td>{e.target.clone()}</td>
                                        <td>{e.detail.clone()}</td>
                                        <td>{e.client_addr.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager paged=entries base />
                }.into_any()
            })}
        </Suspense>
    }
}
