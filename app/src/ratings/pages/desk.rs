//! `/staff/reviews`: a center's bad reviews with the 电子监察 counts, and
//! `/staff/reviews/{id}`: one case, its steps, and the next step's form.

use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::ratings::api::*;
use crate::ratings::{ReviewCase, ReviewQueue, CASE_ACTIONS, MAX_CASE_NOTE};
use crate::staff::pages::CenterShown;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (q.get("code").filter(|c| !c.is_empty()), q.get("filter"))
        },
        |(code, filter)| get_reviews(code, filter),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(q) => view! { <QueueBody q /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueBody(q: ReviewQueue) -> impl IntoView {
    let title = format!("差评整改：{}", q.center_name);
    let c = crate::text::url_encode(&q.code);
    let link = move |filter: &str| format!("/staff/reviews?code={c}&filter={filter}");
    let counts = [
        ("open", "待回访", q.awaiting_callback, false),
        (
            "overdue",
            "回访或整改超期",
            q.callback_overdue + q.plan_overdue,
            true,
        ),
        ("planned", "整改中", q.planned, false),
        ("appealed", "申诉复核中", q.appealed, false),
    ];
    let empty = q.rows.is_empty();
    view! {
        <PageTitle text=title.clone() />
        <h1>{title}</h1>
        <CenterShown choices=q.choices.clone() current=q.code.clone() />
        <section aria-labelledby="review-watch">
            <h2 id="review-watch">"电子监察"</h2>
            <ul class="watch-counts">
                {counts.into_iter().map(|(f, label, n, alarm)| view! {
                    <li class=(alarm && n > 0).then_some("overdue")>
                        <a href=link(f)>{format!("{label}：{n}")}</a>
                    </li>
                }).collect_view()}
                <li><a href=link("all")>"全部"</a></li>
            </ul>
            <p class="hint">"不满意、非常不满意的评价自动立案：1个工作日内回访，核实后立行立改或制定整改计划（默认5个工作日），结果短信告知评价人。"</p>
        </section>
        {if empty {
            view! { <p class="empty">"没有需要处理的差评。"</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="差评列表">
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">"评价对象"</th>
                                <th scope="col">"评价"</th>
                                <th scope="col">"评价时间"</th>
                                <th scope="col">"状态"</th>
                                <th scope="col">"期限"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {q.rows.into_iter().map(|r| view! {
                                <tr class=r.overdue.then_some("overdue")>
                                    <td><a href=format!("/staff/reviews/{}", r.id)>{if r.subject.is_empty() { "窗口".to_string() } else { r.subject.clone() }}</a></td>
                                    <td>{r.level.clone()}{(!r.reasons.is_empty()).then(|| format!("（{}）", r.reasons.join("；")))}</td>
                                    <td>{r.rated_at.clone()}</td>
                                    <td>{r.status_label.clone()}</td>
                                    <td>
                                        {r.due.clone()}
                                        {r.overdue.then(|| view! { " " <strong class="due-flag">"已超期"</strong> })}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
pub fn ReviewCasePage() -> impl IntoView {
    let params = use_params_map();
    let act = ServerAction::<ActOnReview>::new();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").and_then(|i| i.parse::<i64>().ok()),
                act.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => get_review(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => view! { <CaseBody c act /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseBody(c: ReviewCase, act: ServerAction<ActOnReview>) -> impl IntoView {
    let title = format!("差评整改：{}", c.subject);
    let query = use_query_map();
    let done = move || {
        query.read().get("done").map(|d| match d.as_str() {
            "review_callback" => "已记录回访。",
            "review_rectify" => "已记录整改结果，评价人会收到短信。",
            "review_plan" => "已记录整改计划，评价人会收到短信。",
            "review_appeal" => "已提出申诉，等待市级管理员复核。",
            _ => "已记录复核结论。",
        })
    };
    let result = act.value();
    let err = move |f: &str| field_error(&result.get(), f);
    let actions = c.actions.clone();
    let default_due = c.default_plan_due.clone();
    view! {
        <PageTitle text=title.clone() />
        <h1>{title}</h1>
        {move || done().map(|m| view! { <p class="flash" role="status">{m}</p> })}
        <dl class="facts">
            <dt>"中心"</dt><dd>{c.center_name.clone()}</dd>
            <dt>"评价"</dt><dd>{c.level.clone()}{(!c.reasons.is_empty()).then(|| format!("（{}）", c.reasons.join("；")))}</dd>
            <dt>"意见"</dt><dd>{if c.comment.is_empty() { "（未填写）".to_string() } else { c.comment.clone() }}</dd>
            <dt>"评价人手机"</dt><dd>{c.phone_masked.clone()}</dd>
            <dt>"评价时间"</dt><dd>{c.rated_at.clone()}</dd>
            <dt>"状态"</dt>
            <dd class=c.overdue.then_some("overdue")>
                {c.status_label.clone()}
                {(!c.due.is_empty()).then(|| format!("，{}", c.due))}
                {c.overdue.then(|| view! { " " <strong class="due-flag">"已超期"</strong> })}
            </dd>
        </dl>
        <section aria-labelledby="case-steps">
            <h2 id="case-steps">"办理经过"</h2>
            <ol class="timeline">
                {c.steps.iter().map(|s| view! {
                    <li>
                        <strong>{s.what.clone()}</strong>
                        {format!(" · {} · {}", s.at, s.who)}
                        {(!s.note.is_empty()).then(|| view! { <p>{s.note.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {(!actions.is_empty()).then(|| view! {
            <section aria-labelledby="case-next">
                <h2 id="case-next">"下一步"</h2>
                <ActionForm action=act attr:class="stack-form narrow">
                    <input type="hidden" name="id" value=c.id.to_string() />
                    <fieldset>
                        <legend>"操作"</legend>
                        {actions.iter().enumerate().map(|(i, a)| {
                            let label = CASE_ACTIONS.iter().find(|(k, _)| k == a).map(|(_, l)| *l).unwrap_or("");
                            view! {
                                <label class="choice">
                                    <input type="radio" name="action" value=a.clone() checked=i == 0 required />
                                    {label}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    {move || view! { <FieldError id="rv-action-error" message=err("action") /> }}
                    <label for="rv-note">"情况说明（回访情况、整改结果、计划或申诉理由）"</label>
                    <textarea id="rv-note" name="note" rows="4" required maxlength=MAX_CASE_NOTE.to_string() aria-describedby="rv-note-error" aria-invalid=move || err("note").map(|_| "true")></textarea>
                    {move || view! { <FieldError id="rv-note-error" message=err("note") /> }}
                    {actions.iter().any(|a| a == "plan").then(|| view! {
                        <label for="rv-due">"整改期限（制定整改计划时填写）"</label>
                        <input id="rv-due" name="due" type="date" value=default_due.clone() aria-describedby="rv-due-error" />
                        {move || view! { <FieldError id="rv-due-error" message=err("due") /> }}
                    })}
                    {move || view! { <FormError message=form_error(&result.get()) /> }}
                    <button type="submit" class="primary">"提交"</button>
                </ActionForm>
            </section>
        })}
        <p><a href="/staff/reviews">"返回差评列表"</a></p>
    }
}
