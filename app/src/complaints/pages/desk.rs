//! The back office's complaints: the queues with the 电子监察 counts per
//! center (`/staff/complaints`), and one case with its steps
//! (`/staff/complaints/{no}`). Server-rendered, plain forms.

use crate::complaints::api::*;
use crate::complaints::{rating_label, ComplaintDetail, QUEUES};
use crate::components::form::{field_error, form_error};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::text::label_in;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/staff/complaints?scope=…&queue=…`.
fn queue_url(scope: &str, queue: &str) -> String {
    let mut pairs = Vec::new();
    if !scope.is_empty() {
        pairs.push(format!("scope={}", crate::text::url_encode(scope)));
    }
    if !queue.is_empty() {
        pairs.push(format!("queue={}", crate::text::url_encode(queue)));
    }
    if pairs.is_empty() {
        "/staff/complaints".into()
    } else {
        format!("/staff/complaints?{}", pairs.join("&"))
    }
}

#[component]
pub fn ComplaintQueuePage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let data = Resource::new(
        move || (get("scope"), get("queue")),
        |(scope, queue)| get_complaint_queue(scope, queue),
    );
    view! {
        <PageTitle text="投诉处理" />
        <h1>"投诉处理"</h1>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let q = match data.await {
                    Ok(q) => q,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let scope = q.scope.clone();
                let queue_label = label_in(&QUEUES, q.queue.as_str()).unwrap_or("投诉");
                let scope_name = q
                    .scopes
                    .iter()
                    .find(|(c, _)| *c == q.scope)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                let choosable: Vec<String> = q.scopes.iter().map(|(c, _)| c.clone()).collect();
                view! {
                    // Centers are chosen in the staff header or from the table below.
                    {(choosable.iter().any(|c| c == "all") && q.scope != "all").then(|| view! {
                        <p><a href=queue_url("all", &q.queue)>"查看全部中心的投诉"</a></p>
                    })}
                    <nav class="queue-tabs" aria-label="投诉队列">
                        {QUEUES.iter().map(|(code, label)| view! {
                            <a
                                href=queue_url(&scope, code)
                                aria-current=(*code == q.queue).then_some("page")
                            >
                                {*label}
                            </a>
                        }).collect_view()}
                    </nav>
                    {(!q.notices.is_empty()).then(|| view! {
                        <section class="notice" aria-labelledby="notices-title">
                            <h2 id="notices-title">"超期提醒"</h2>
                            <ul>
                                {q.notices.iter().map(|(at, text)| view! {
                                    <li>{format!("{at} {text}")}</li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <h2 id="watch-title">"电子监察"</h2>
                    {if q.counts.is_empty() {
                        view! { <p class="empty">"没有未办结的投诉。"</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="watch-title">
                                <table class="data watch">
                                    <caption>"各中心未办结的投诉（超期的标为“已超期”）"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"中心"</th>
                                            <th scope="col">"待受理"</th>
                                            <th scope="col">"未办结"</th>
                                            <th scope="col">"即将到期"</th>
                                            <th scope="col">"已超期"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {q.counts.iter().map(|c| {
                                            let name = if choosable.contains(&c.code) {
                                                view! { <a href=queue_url(&c.code, &q.queue)>{c.name.clone()}</a> }.into_any()
                                            } else {
                                                c.name.clone().into_any()
                                            };
                                            view! {
                                                <tr>
                                                    <th scope="row">{name}</th>
                                                    <td>{c.new}</td>
                                                    <td>{c.open}</td>
                                                    <td class=(c.due_soon > 0).then_some("due-soon")>{c.due_soon}</td>
                                                    <td class=(c.overdue > 0).then_some("overdue")>
                                                        {if c.overdue > 0 { format!("{}（已超期）", c.overdue) } else { "0".to_string() }}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    <h2 id="rows-title">{if scope_name.is_empty() { queue_label.to_string() } else { format!("{scope_name} · {queue_label}") }}</h2>
                    {if q.rows.is_empty() {
                        view! { <p class="empty">"这个队列里没有投诉。"</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rows-title">
                                <table class="data complaints">
                                    <caption class="sr-only">{format!("{queue_label}的投诉")}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"编号"</th>
                                            <th scope="col">"类别"</th>
                                            <th scope="col">"投诉对象"</th>
                                            <th scope="col">"状态"</th>
                                            <th scope="col">"层级"</th>
                                            <th scope="col">"中心"</th>
                                            <th scope="col">"承办人"</th>
                                            <th scope="col">"期限"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {q.rows.into_iter().map(|r| {
                                            let class = if r.overdue { "overdue" } else if r.due_soon { "due-soon" } else { "" };
                                            view! {
                                                <tr class=class>
                                                    <td class="mono">
                                                        <a href=format!("/staff/complaints/{}", r.tracking_no)>{r.tracking_no.clone()}</a>
                                                    </td>
                                                    <td>{r.category_label.clone()}</td>
                                                    <td>{r.about.clone()}</td>
                                                    <td>{r.status_label.clone()}</td>
                                                    <td>{r.level_label.clone()}</td>
                                                    <td>{r.center_name.clone()}</td>
                                                    <td>{r.assignee.clone().unwrap_or_else(|| "未指派".into())}</td>
                                                    <td>
                                                        {r.due_label.clone()}
                                                        {r.overdue.then(|| view! { " " <strong class="due-flag">"已超期"</strong> })}
                                                        {(!r.overdue && r.due_soon).then(|| view! { " " <strong class="due-flag">"即将到期"</strong> })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn ComplaintCasePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("no").unwrap_or_default(),
        get_complaint_detail,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <CaseDetail d /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A confirmation after a step: `?done={action}`.
#[component]
fn DoneFlash() -> impl IntoView {
    let query = use_query_map();
    let message = query.read_untracked().get("done").and_then(|d| {
        Some(match d.as_str() {
            "accept" => "已受理。",
            "assign" => "已指派承办人。",
            "note" => "内部备注已保存（群众看不到）。",
            "reply" => "已回复群众。",
            "answer" => "答复已提交，等待群众确认。",
            "transfer" => "已转办。",
            "merge" => "已合并。",
            "close" => "已办结。",
            _ => return None,
        })
    });
    message.map(|m| view! { <p class="flash" role="status">{m}</p> })
}

#[component]
fn CaseDetail(d: ComplaintDetail) -> impl IntoView {
    let act = ServerAction::<ComplaintAct>::new();
    let result = act.value();
    let outcome = result.get_untracked();
    // All steps post to one server function: its refusal is shown once,
    // above the steps, and every field points at it.
    let refused = form_error(&outcome).or_else(|| {
        ["text", "staff_id", "target", "action"]
            .iter()
            .find_map(|f| field_error(&outcome, f))
    });
    let described = refused.is_some().then_some("act-error");
    let no = d.tracking_no.clone();
    view! {
        <PageTitle text=format!("投诉 {no}") />
        <nav class="breadcrumb" aria-label="位置">
            <a href="/staff/complaints">"投诉处理"</a>
            " › "
            {no.clone()}
        </nav>
        <h1>"投诉 " <span class="mono">{no.clone()}</span></h1>
        <DoneFlash />
        {d.on_behalf.clone().map(|text| view! {
            <p class="keep-this"><strong>{text}</strong></p>
        })}
        <dl class="facts">
            <dt>"状态"</dt>
            <dd>
                <strong>{d.status_label.clone()}</strong>
                {d.reopened.then_some("（群众不满意，已重新办理）")}
            </dd>
            <dt>"期限"</dt>
            <dd class=d.overdue.then_some("overdue")>
                {d.due_label.clone()}
                {d.overdue.then(|| view! { " " <strong class="due-flag">"已超期"</strong> })}
            </dd>
            <dt>"类别"</dt>
            <dd>{d.category_label.clone()}</dd>
            <dt>"投诉对象"</dt>
            <dd>{if d.about.is_empty() { "—".to_string() } else { d.about.clone() }}</dd>
            <dt>"投诉的中心"</dt>
            <dd>{d.center_name.clone()}</dd>
            <dt>"层级"</dt>
            <dd>{d.level_label.clone()}</dd>
            <dt>"承办中心"</dt>
            <dd>{d.handling_center.clone().unwrap_or_else(|| "市级".into())}</dd>
            <dt>"承办人"</dt>
            <dd>{d.assignee.clone().unwrap_or_else(|| "未指派".into())}</dd>
            <dt>"联系电话"</dt>
            <dd>{d.phone_masked.clone().unwrap_or_else(|| "匿名投诉（无法联系）".into())}</dd>
            <dt>"提交时间"</dt>
            <dd>{d.filed_at.clone()}</dd>
            {d.resolution.as_deref().map(|r| view! { <dt>"群众确认"</dt><dd>{super::resolution_text(r)}</dd> })}
            {d.rating.map(|r| view! { <dt>"群众评价"</dt><dd>{rating_label(r)}</dd> })}
        </dl>
        <section aria-labelledby="what-title">
            <h2 id="what-title">"投诉内容"</h2>
            <p class="pre">{d.what.clone()}</p>
            {(!d.wants.is_empty()).then(|| view! {
                <h3>"希望怎样解决"</h3>
                <p class="pre">{d.wants.clone()}</p>
            })}
        </section>
        {(!d.photos.is_empty()).then(|| view! {
            <section aria-labelledby="photos-title">
                <h2 id="photos-title">"照片"</h2>
                <ul class="photos">
                    {d.photos.iter().enumerate().map(|(i, sha)| view! {
                        <li>
                            <a href=format!("/track/{no}/photos/{sha}") rel="external">
                                <img src=format!("/track/{no}/photos/{sha}") alt=format!("投诉照片{}", i + 1) loading="lazy" />
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section aria-labelledby="events-title">
            <h2 id="events-title">"办理记录"</h2>
            <ol class="timeline">
                {d.events.iter().map(|e| view! {
                    <li class=(!e.public).then_some("internal")>
                        <span class="t-label">
                            {e.label.clone()}
                            {(!e.public).then(|| {
                                let badge = if e.label.contains("内部备注") { "群众看不到" } else { "内部备注（群众看不到）" };
                                view! { " " <span class="badge">{badge}</span> }
                            })}
                        </span>
                        <span class="t-meta">{format!("{} · {}", e.at, e.by)}</span>
                        {(!e.text.is_empty()).then(|| view! { <p class="pre">{e.text.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {(!d.actions.is_empty()).then(|| view! {
            <section aria-labelledby="act-title">
                <h2 id="act-title">"办理"</h2>
                {refused.clone().map(|m| view! { <p class="form-error" id="act-error" role="alert">{m}</p> })}
                {d.actions.iter().map(|a| view! {
                    <ActForm
                        act
                        no=no.clone()
                        action=a.clone()
                        assignees=d.assignees.clone()
                        transfer_to=d.transfer_to.clone()
                        described
                    />
                }).collect_view()}
            </section>
        })}
    }
}

/// One step on a case: a plain post of `action` and what it needs.
#[component]
fn ActForm(
    act: ServerAction<ComplaintAct>,
    no: String,
    action: String,
    assignees: Vec<(i64, String)>,
    transfer_to: Vec<(String, String)>,
    /// The id of the refusal message, when there is one.
    described: Option<&'static str>,
) -> impl IntoView {
    let id = |field: &str| format!("act-{action}-{field}");
    let text_field = |label: &'static str, required: bool| {
        view! {
            <label for=id("text")>{label}</label>
            <textarea
                id=id("text")
                name="text"
                rows="3"
                maxlength="2000"
                required=required
                aria-describedby=described
            ></textarea>
        }
    };
    let fields = match action.as_str() {
        "accept" => ().into_any(),
        "assign" => view! {
            <label for=id("staff")>"指派"</label>
            <select id=id("staff") name="staff_id" required aria-describedby=described>
                <option value="">"请选择承办人"</option>
                {assignees.into_iter().map(|(sid, name)| view! {
                    <option value=sid.to_string()>{name}</option>
                }).collect_view()}
            </select>
        }
        .into_any(),
        "note" => text_field("内部备注（群众看不到）", true).into_any(),
        "reply" => view! {
            {text_field("回复群众", true)}
            <p class="hint">"群众在查询页能看到，留了手机号的会收到短信。"</p>
        }
        .into_any(),
        "answer" => view! {
            {text_field("答复（办理结果）", true)}
            <p class="hint">"答复后由群众确认是否解决；未解决的会转上一级重新办理。"</p>
        }
        .into_any(),
        "transfer" => view! {
            <label for=id("target")>"转办"</label>
            <select id=id("target") name="target" required aria-describedby=described>
                <option value="">"请选择转到哪里"</option>
                {transfer_to.into_iter().map(|(code, name)| view! {
                    <option value=code>{name}</option>
                }).collect_view()}
            </select>
            {text_field("转办理由", true)}
        }
        .into_any(),
        "merge" => view! {
            <label for=id("target")>"合并到"</label>
            <p class="hint" id=id("hint")>"重复投诉时填写另一件投诉的编号，如 SX-7K4Q-P2M9"</p>
            <input
                id=id("target")
                name="target"
                type="text"
                class="mono"
                required
                maxlength="20"
                autocomplete="off"
                autocapitalize="characters"
                aria-describedby=match described {
                    Some(e) => format!("{} {e}", id("hint")),
                    None => id("hint"),
                }
            />
        }
        .into_any(),
        "close" => text_field("办结说明", true).into_any(),
        _ => return ().into_any(),
    };
    let button = match action.as_str() {
        "accept" => "受理",
        "assign" => "指派",
        "note" => "保存备注",
        "reply" => "发送回复",
        "answer" => "提交答复",
        "transfer" => "转办",
        "merge" => "合并",
        "close" => "办结",
        _ => "提交",
    };
    let primary = matches!(action.as_str(), "accept" | "answer" | "close");
    view! {
        <ActionForm action=act attr:class="stack-form narrow act-form">
            <input type="hidden" name="tracking_no" value=no />
            <input type="hidden" name="action" value=action.clone() />
            {fields}
            <button type="submit" class=if primary { "primary" } else { "secondary" }>{button}</button>
        </ActionForm>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    #[test]
    fn queue_links_keep_the_scope() {
        assert_eq!(super::queue_url("", ""), "/staff/complaints");
        assert_eq!(
            super::queue_url("jishui", "overdue"),
            "/staff/complaints?scope=jishui&queue=overdue"
        );
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;
    use leptos_router::components::Router;
    use leptos_router::location::RequestUrl;

    fn detail() -> ComplaintDetail {
        ComplaintDetail {
            tracking_no: "SX-7K4Q-P2M9".into(),
            category_label: "窗口".into(),
            center_name: "沁园街道便民服务中心".into(),
            about: "窗口 · 3号窗口".into(),
            what: "等了两个小时没人办理".into(),
            wants: String::new(),
            status: "received".into(),
            status_label: "待受理".into(),
            level_label: "中心".into(),
            handling_center: Some("沁园街道便民服务中心".into()),
            assignee: None,
            phone_masked: Some("138****0000".into()),
            filed_at: "2026-12-01 09:00".into(),
            due_label: "12月2日 周三前受理".into(),
            overdue: false,
            reopened: false,
            resolution: None,
            rating: None,
            photos: vec![],
            events: vec![],
            actions: vec![],
            assignees: vec![],
            transfer_to: vec![],
            on_behalf: Some("帮办员 王帮办 代群众 138****0000 提交，授权编号 5".into()),
        }
    }

    fn render(d: ComplaintDetail) -> String {
        Owner::new().with(|| {
            provide_context(RequestUrl::new("/staff/complaints/SX-7K4Q-P2M9"));
            view! { <Router><CaseDetail d /></Router> }
                .to_html()
                .replace("<!>", "")
        })
    }

    #[test]
    fn staff_see_a_complaint_was_filed_on_the_citizens_behalf() {
        let page = render(detail());
        assert!(
            page.contains(
                r#"<p class="keep-this"><strong>帮办员 王帮办 代群众 138****0000 提交，授权编号 5</strong></p>"#
            ),
            "{page}"
        );
        let mut own = detail();
        own.on_behalf = None;
        assert!(!render(own).contains("keep-this"));
    }
}
