//! The back office's help requests: the queues with the 电子监察 counts per
//! center (`/staff/help`), and one request with its steps
//! (`/staff/help/{no}`). Server-rendered, plain forms; the tables turn into
//! cards on a phone.

use crate::complaints::rating_label;
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use crate::help::api::*;
use crate::help::{HelpDetail, HelpQueue, DELIVERIES, MAX_STEP_CHARS, PLACES, QUEUES};
use crate::staff::pages::Flash;
use crate::text::label_in;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/staff/help?scope=…&queue=…`.
fn queue_url(scope: &str, queue: &str) -> String {
    let pairs: Vec<String> = [("scope", scope), ("queue", queue)]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::text::url_encode(v)))
        .collect();
    if pairs.is_empty() {
        "/staff/help".into()
    } else {
        format!("/staff/help?{}", pairs.join("&"))
    }
}

#[component]
pub fn HelpQueuePage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let data = Resource::new(
        move || (get("scope"), get("queue")),
        |(scope, queue)| get_help_queue(scope, queue),
    );
    view! {
        <PageTitle text="帮办代办" />
        <h1>"帮办代办"</h1>
        <Flash />
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
fn QueueBody(q: HelpQueue) -> impl IntoView {
    let scope = q.scope.clone();
    let queue_label = label_in(&QUEUES, q.queue.as_str()).unwrap_or("帮办申请");
    let scope_name = q
        .scopes
        .iter()
        .find(|(c, _)| *c == q.scope)
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    let choosable: Vec<String> = q.scopes.iter().map(|(c, _)| c.clone()).collect();
    // Auto-assignment works on one center; a city-wide view has none.
    let assign_here = q.may_assign && q.counts.iter().any(|c| c.code == q.scope);
    let rows_title = if scope_name.is_empty() {
        queue_label.to_string()
    } else {
        format!("{scope_name} · {queue_label}")
    };
    view! {
        <nav class="queue-tabs" aria-label="帮办队列">
            {QUEUES.iter().map(|(code, label)| view! {
                <a href=queue_url(&scope, code) aria-current=(*code == q.queue).then_some("page")>
                    {*label}
                </a>
            }).collect_view()}
        </nav>
        <h2 id="rows-title">{rows_title}</h2>
        {if q.rows.is_empty() {
            view! { <p class="empty">"这个队列里没有帮办申请。"</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rows-title">
                    <table class="data cards">
                        <caption class="sr-only">{format!("{queue_label}的帮办申请")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"编号"</th>
                                <th scope="col">"方式"</th>
                                <th scope="col">"事项"</th>
                                <th scope="col">"地点"</th>
                                <th scope="col">"状态"</th>
                                <th scope="col">"帮办员"</th>
                                <th scope="col">"提交时间"</th>
                                <th scope="col">"期限"</th>
                                <th scope="col">"手机号"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {q.rows.iter().map(|r| view! {
                                <tr class=r.overdue.then_some("overdue")>
                                    <td class="mono">
                                        <a href=format!("/staff/help/{}", r.tracking_no)>{r.tracking_no.clone()}</a>
                                    </td>
                                    <td data-label="方式">{r.mode_label.clone()}</td>
                                    <td data-label="事项">{r.about.clone()}</td>
                                    <td data-label="地点">{r.place.clone()}</td>
                                    <td data-label="状态">{r.status_label.clone()}</td>
                                    <td data-label="帮办员">{r.assignee.clone().unwrap_or_else(|| "未分派".into())}</td>
                                    <td data-label="提交时间">{r.filed_at.clone()}</td>
                                    <td data-label="期限">
                                        {r.due_label.clone()}
                                        {r.overdue.then(|| view! { " " <strong class="due-flag">"已超期"</strong> })}
                                    </td>
                                    <td data-label="手机号" class="mono">{r.phone_masked.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {assign_here.then(|| view! { <AutoAssign center=q.scope.clone() name=scope_name.clone() /> })}
        <h2 id="watch-title">"电子监察"</h2>
        {if q.counts.is_empty() {
            view! { <p class="empty">"没有未办结的帮办申请。"</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="watch-title">
                    <table class="data watch cards">
                        <caption>"各中心的帮办申请（提交后超过1个工作日仍未分派的为超期）"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"中心"</th>
                                <th scope="col">"待分派"</th>
                                <th scope="col">"未办结"</th>
                                <th scope="col">"超期未分派"</th>
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
                                        <td data-label="待分派">{c.unassigned}</td>
                                        <td data-label="未办结">{c.open}</td>
                                        <td data-label="超期未分派" class=(c.overdue > 0).then_some("overdue")>
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
        <WorkPhone current=q.work_phone.clone() />
    }
}

/// Assigns the center's waiting requests in turn among its helpers.
#[component]
fn AutoAssign(center: String, name: String) -> impl IntoView {
    let assign = ServerAction::<HelpAutoAssign>::new();
    let result = assign.value();
    view! {
        <section aria-labelledby="auto-title">
            <h2 id="auto-title">"自动分派"</h2>
            <p class="hint" id="auto-hint">{format!(
                "把{name}所有待分派的申请依次轮流分给本中心的帮办员（按顺序轮换，每人轮到一件再轮下一人），每件都会短信告诉群众帮办员的姓名和工作电话。要指定某位帮办员，请打开申请逐件分派。"
            )}</p>
            <ActionForm action=assign attr:class="inline-form">
                <input type="hidden" name="center" value=center />
                <button type="submit" aria-describedby="auto-hint">"自动分派"</button>
            </ActionForm>
            {move || view! { <FormError message=form_error(&result.get()).or_else(|| field_error(&result.get(), "center")) /> }}
        </section>
    }
}

/// The caller's own work phone, which citizens are told.
#[component]
fn WorkPhone(current: Option<String>) -> impl IntoView {
    let save = ServerAction::<SetWorkPhone>::new();
    let result = save.value();
    view! {
        <section aria-labelledby="phone-title">
            <h2 id="phone-title">"我的工作电话"</h2>
            <ActionForm action=save attr:class="stack-form narrow">
                <label for="work-phone">"工作电话"</label>
                <p class="hint" id="work-phone-hint">
                    "申请分派给您时，群众收到的短信里会写上这个号码，方便群众联系您。请填写工作手机或办公电话，不要填私人号码。"
                </p>
                <input
                    id="work-phone"
                    name="phone"
                    type="tel"
                    inputmode="tel"
                    autocomplete="off"
                    required
                    maxlength="40"
                    value=current.unwrap_or_default()
                    aria-describedby="work-phone-hint work-phone-error"
                    aria-invalid=move || field_error(&result.get(), "phone").map(|_| "true")
                />
                {move || view! { <FieldError id="work-phone-error" message=field_error(&result.get(), "phone") /> }}
                {move || view! { <FormError message=form_error(&result.get()) /> }}
                <button type="submit" class="secondary">"保存工作电话"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn HelpCasePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("no").unwrap_or_default(),
                query.read().get("shown").is_some_and(|s| s == "1"),
            )
        },
        |(no, shown)| get_help_detail(no, Some(shown)),
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

/// The inputs of each step, by the names `help_act` reads.
fn step_fields(action: &str) -> &'static [&'static str] {
    match action {
        "assign" => &["staff_id"],
        "handoff" => &["place", "name", "text"],
        "result" => &["place", "text"],
        "contact" | "receive" | "done" | "cancel" | "note" => &["text"],
        _ => &[],
    }
}

/// Where a refused step's message belongs: (step, input). The port may name
/// the field of the step (`to_place`, `delivery`, `reason`…) or the input
/// (`place`, `text`); an input several present steps share is placed only
/// when one of them is on the page, else None (shown above the steps).
fn error_home(field: &str, present: &[String]) -> Option<(String, &'static str)> {
    let (step, input): (Option<&str>, &'static str) = match field {
        "staff_id" => (Some("assign"), "staff_id"),
        "to_place" => (Some("handoff"), "place"),
        "to_name" | "name" => (Some("handoff"), "name"),
        "delivery" => (Some("result"), "place"),
        "reason" => (Some("cancel"), "text"),
        "place" => (None, "place"),
        "text" | "note" => (None, "text"),
        _ => return None,
    };
    let mut having = present
        .iter()
        .filter(|a| step.is_none_or(|s| s == a.as_str()))
        .filter(|a| step_fields(a).contains(&input));
    match (having.next(), having.next()) {
        (Some(a), None) => Some((a.clone(), input)),
        _ => None,
    }
}

#[component]
fn CaseDetail(d: HelpDetail) -> impl IntoView {
    let act = ServerAction::<HelpAct>::new();
    let outcome = act.value().get_untracked();
    // All steps post to one server function: a refusal tied to one step's
    // input is shown there; any other, once above the steps.
    let placed = match &outcome {
        Some(Err(AppError::Validation { field, message })) => {
            error_home(field, &d.actions).map(|(a, f)| (a, f, message.clone()))
        }
        _ => None,
    };
    let refused = if placed.is_some() {
        None
    } else {
        match &outcome {
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        }
    };
    let described = refused.is_some().then_some("act-error");
    let no = d.tracking_no.clone();
    let may_reveal = d.actions.iter().any(|a| a == "reveal") && d.phone_full.is_none();
    let steps: Vec<String> = d
        .actions
        .iter()
        .filter(|a| !step_fields(a).is_empty())
        .cloned()
        .collect();
    view! {
        <PageTitle text=format!("帮办申请 {no}") />
        <nav class="breadcrumb" aria-label="位置">
            <a href="/staff/help">"帮办代办"</a>
            " › "
            {no.clone()}
        </nav>
        <h1>"帮办申请 " <span class="mono">{no.clone()}</span></h1>
        <Flash />
        {d.on_behalf.clone().map(|text| view! {
            <p class="keep-this"><strong>{text}</strong></p>
        })}
        <dl class="facts">
            <dt>"状态"</dt>
            <dd><strong>{d.status_label.clone()}</strong></dd>
            {(!d.due_label.is_empty() || d.overdue).then(|| view! {
                <dt>"期限"</dt>
                <dd class=d.overdue.then_some("overdue")>
                    {d.due_label.clone()}
                    {d.overdue.then(|| view! { " " <strong class="due-flag">"已超期"</strong> })}
                </dd>
            })}
            <dt>"方式"</dt>
            <dd>
                {d.mode_label.clone()}
                {d.visit_reason.clone().map(|r| format!("（{r}）"))}
            </dd>
            <dt>"事项"</dt>
            <dd>{if d.about.is_empty() { "未确定".to_string() } else { d.about.clone() }}</dd>
            <dt>"地点"</dt>
            <dd>{d.place.clone()}</dd>
            <dt>"方便时间"</dt>
            <dd>{d.when_label.clone()}</dd>
            <dt>"帮办员"</dt>
            <dd>{d.assignee.clone().unwrap_or_else(|| "未分派".into())}</dd>
            <dt>"群众手机"</dt>
            <dd>
                {match d.phone_full.clone() {
                    Some(full) => view! {
                        <a class="mono" href=format!("tel:{full}")>{full.clone()}</a>
                        <span class="hint">" （已记录您的查看）"</span>
                    }.into_any(),
                    None => view! {
                        <span class="mono">{d.phone_masked.clone()}</span>
                        {may_reveal.then(|| view! { <RevealPhone no=no.clone() /> })}
                    }.into_any(),
                }}
            </dd>
            <dt>"提交时间"</dt>
            <dd>{d.filed_at.clone()}</dd>
            {d.rating.map(|r| view! { <dt>"群众评价"</dt><dd>{rating_label(r)}</dd> })}
        </dl>
        {(!d.situation.is_empty()).then(|| view! {
            <section aria-labelledby="situation-title">
                <h2 id="situation-title">"群众说的情况"</h2>
                <p class="pre">{d.situation.clone()}</p>
            </section>
        })}
        {(!d.notes.is_empty()).then(|| view! {
            <section aria-labelledby="notes-title">
                <h2 id="notes-title">"补充说明"</h2>
                <p class="pre">{d.notes.clone()}</p>
            </section>
        })}
        <section aria-labelledby="materials-title">
            <h2 id="materials-title">"材料清单"</h2>
            {if d.materials.is_empty() {
                view! { <p class="empty">"事项还没有确定，或这个事项没有材料清单。"</p> }.into_any()
            } else {
                let have = d.materials.iter().filter(|(_, h)| *h).count();
                view! {
                    <p class="hint">{format!("群众说已有{}项，共{}项。", have, d.materials.len())}</p>
                    <ul class="have-list">
                        {d.materials.iter().map(|(name, has)| view! {
                            <li class=if *has { "has" } else { "lacks" }>
                                <span class="mark">{if *has { "✓ 已有" } else { "✗ 还没有" }}</span>
                                " "
                                {name.clone()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="handoff-title">
            <h2 id="handoff-title">"材料在哪里"</h2>
            <p>
                {match d.holder.clone() {
                    Some(h) => view! { "现在在：" <strong>{h}</strong> }.into_any(),
                    None => "还没有收到群众的材料。".into_any(),
                }}
            </p>
            {(!d.handoffs.is_empty()).then(|| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="handoff-title">
                    <table class="data cards">
                        <caption class="sr-only">"材料交接记录"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"时间"</th>
                                <th scope="col">"从"</th>
                                <th scope="col">"交给"</th>
                                <th scope="col">"交出人"</th>
                                <th scope="col">"接收人"</th>
                                <th scope="col">"备注"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {d.handoffs.iter().map(|h| view! {
                                <tr>
                                    <td>{h.at.clone()}</td>
                                    <td data-label="从">{h.from_place.clone()}</td>
                                    <td data-label="交给">{h.to_place.clone()}</td>
                                    <td data-label="交出人">{h.from_name.clone()}</td>
                                    <td data-label="接收人">{h.to_name.clone()}</td>
                                    <td data-label="备注">{h.note.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
        <section aria-labelledby="events-title">
            <h2 id="events-title">"办理记录"</h2>
            <ol class="timeline">
                {d.events.iter().map(|e| view! {
                    <li class=(!e.public).then_some("internal")>
                        <span class="t-label">
                            {e.label.clone()}
                            " "
                            {if e.public {
                                view! { <span class="badge">"群众可见"</span> }.into_any()
                            } else {
                                view! { <span class="badge">"内部（群众看不到）"</span> }.into_any()
                            }}
                        </span>
                        <span class="t-meta">{format!("{} · {}", e.at, e.by)}</span>
                        {(!e.text.is_empty()).then(|| view! { <p class="pre">{e.text.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {(!steps.is_empty()).then(|| view! {
            <section aria-labelledby="act-title">
                <h2 id="act-title">"办理"</h2>
                {refused.clone().map(|m| view! { <p class="form-error" id="act-error" role="alert">{m}</p> })}
                {steps.iter().map(|a| {
                    let error = placed
                        .as_ref()
                        .filter(|(step, _, _)| step == a)
                        .map(|(_, f, m)| (*f, m.clone()));
                    view! {
                        <ActForm
                            act
                            no=no.clone()
                            action=a.clone()
                            helpers=d.helpers.clone()
                            described
                            error
                        />
                    }
                }).collect_view()}
            </section>
        })}
    }
}

/// One tap shows the full number; the port records who looked, when, at which request.
#[component]
fn RevealPhone(no: String) -> impl IntoView {
    let reveal = ServerAction::<HelpRevealPhone>::new();
    let refused = form_error(&reveal.value().get_untracked());
    view! {
        " "
        <ActionForm action=reveal attr:class="inline-form">
            <input type="hidden" name="tracking_no" value=no />
            <button type="submit" class="secondary" aria-describedby="reveal-hint">"显示完整号码"</button>
        </ActionForm>
        <p class="hint" id="reveal-hint">"查看会被记录（谁、何时、哪条申请）。"</p>
        <FormError message=refused />
    }
}

/// One step on a request: a plain post of `action` and what it needs.
#[component]
fn ActForm(
    act: ServerAction<HelpAct>,
    no: String,
    action: String,
    helpers: Vec<(i64, String)>,
    /// The id of the refusal above the steps, when there is one.
    described: Option<&'static str>,
    /// A refusal of this step's input: (input, message).
    error: Option<(&'static str, String)>,
) -> impl IntoView {
    let id = |field: &str| format!("act-{action}-{field}");
    let message = |field: &str| {
        error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
    };
    // What an input's `aria-describedby` names: its hint, its message, the
    // refusal above the steps.
    let describe = |field: &str, hint: bool| {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{}-hint", id(field)));
        }
        if message(field).is_some() {
            ids.push(format!("{}-error", id(field)));
        }
        ids.extend(described.map(str::to_string));
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let invalid = |field: &str| message(field).map(|_| "true");
    let error_of = |field: &str| {
        view! { <FieldError id=format!("{}-error", id(field)) message=message(field) /> }
    };
    let text = |label: &'static str, hint: Option<&'static str>, required: bool| {
        view! {
            <label for=id("text")>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{}-hint", id("text"))>{h}</p> })}
            <textarea
                id=id("text")
                name="text"
                rows="3"
                maxlength=MAX_STEP_CHARS.to_string()
                required=required
                aria-describedby=describe("text", hint.is_some())
                aria-invalid=invalid("text")
            ></textarea>
            {error_of("text")}
        }
    };
    let place_select = |label: &'static str, choices: &'static [(&'static str, &'static str)]| {
        view! {
            <label for=id("place")>{label}</label>
            <select
                id=id("place")
                name="place"
                required
                aria-describedby=describe("place", false)
                aria-invalid=invalid("place")
            >
                <option value="">"请选择"</option>
                {choices.iter().map(|(code, label)| view! {
                    <option value=*code>{*label}</option>
                }).collect_view()}
            </select>
            {error_of("place")}
        }
    };
    let (title, fields, button) = match action.as_str() {
        "assign" if helpers.is_empty() => {
            return view! {
                <h3>"分派帮办员"</h3>
                <p class="empty">"这个中心还没有可分派的帮办员。请中心管理员在“人员账号”里为帮办员建账号。"</p>
            }
            .into_any()
        }
        "assign" => (
            "分派帮办员",
            view! {
                <label for=id("staff_id")>"分派给"</label>
                <p class="hint" id=format!("{}-hint", id("staff_id"))>"群众会收到短信，写明帮办员的姓名和工作电话。"</p>
                <select
                    id=id("staff_id")
                    name="staff_id"
                    required
                    aria-describedby=describe("staff_id", true)
                    aria-invalid=invalid("staff_id")
                >
                    <option value="">"请选择帮办员"</option>
                    {helpers.into_iter().map(|(sid, name)| view! {
                        <option value=sid.to_string()>{name}</option>
                    }).collect_view()}
                </select>
                {error_of("staff_id")}
            }
            .into_any(),
            "分派",
        ),
        "contact" => (
            "已联系群众",
            text("联系情况（选填）", Some("如：已电话联系，约定周三上午在村便民服务站见面。"), false).into_any(),
            "记录已联系",
        ),
        "receive" => (
            "收取材料",
            text("收到的材料", Some("写明收到哪些材料、原件还是复印件，如：身份证原件、户口簿复印件。"), true).into_any(),
            "记录收到材料",
        ),
        "handoff" => (
            "材料交接",
            view! {
                {place_select("交给哪里", &PLACES)}
                <label for=id("name")>"接收人姓名"</label>
                <input
                    id=id("name")
                    name="name"
                    type="text"
                    required
                    maxlength="40"
                    autocomplete="off"
                    aria-describedby=describe("name", false)
                    aria-invalid=invalid("name")
                />
                {error_of("name")}
                {text("备注（选填）", None, false)}
            }
            .into_any(),
            "记录交接",
        ),
        "result" => (
            "办好了",
            view! {
                {place_select("结果怎么交给群众", &DELIVERIES)}
                {text("说明", Some("邮寄的请填写快递单号；领取的请写领取地点和时间。"), false)}
            }
            .into_any(),
            "记录结果",
        ),
        "done" => (
            "办结",
            text("办结说明（选填）", None, false).into_any(),
            "办结",
        ),
        "cancel" => (
            "取消申请",
            text("取消原因", Some("群众能看到，并会收到通知。"), true).into_any(),
            "取消申请",
        ),
        "note" => (
            "内部备注",
            text("内部备注（群众看不到）", None, true).into_any(),
            "保存备注",
        ),
        _ => return ().into_any(),
    };
    let primary = matches!(action.as_str(), "assign" | "result" | "done");
    view! {
        <h3>{title}</h3>
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
    use super::*;

    #[test]
    fn queue_links_keep_the_scope() {
        assert_eq!(queue_url("", ""), "/staff/help");
        assert_eq!(
            queue_url("jishui", "overdue"),
            "/staff/help?scope=jishui&queue=overdue"
        );
    }

    #[test]
    fn a_refusal_goes_to_the_one_step_that_has_the_input() {
        let present = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = present(&["assign", "contact", "handoff", "result", "cancel", "note"]);
        assert_eq!(
            error_home("staff_id", &all),
            Some(("assign".to_string(), "staff_id"))
        );
        assert_eq!(
            error_home("delivery", &all),
            Some(("result".to_string(), "place"))
        );
        assert_eq!(
            error_home("reason", &all),
            Some(("cancel".to_string(), "text"))
        );
        // Shared inputs: placed only when one step on the page has them.
        assert_eq!(error_home("place", &all), None);
        assert_eq!(error_home("text", &all), None);
        assert_eq!(
            error_home("place", &present(&["result", "note"])),
            Some(("result".to_string(), "place"))
        );
        // A step not on the page, or an unknown field: above the steps.
        assert_eq!(error_home("staff_id", &present(&["note"])), None);
        assert_eq!(error_home("action", &all), None);
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    fn step(action: &str, error: Option<(&'static str, String)>) -> String {
        let owner = Owner::new();
        owner.with(|| {
            let act = ServerAction::<HelpAct>::new();
            view! {
                <ActForm
                    act
                    no="BB-7K4Q-P2M9".to_string()
                    action=action.to_string()
                    helpers=vec![(3, "王帮办".to_string())]
                    described=None
                    error
                />
            }
            .to_html()
        })
    }

    #[test]
    fn each_step_posts_the_names_help_act_reads() {
        for (action, names) in [
            (
                "assign",
                &[r#"name="staff_id""#, r#"<option value="3">王帮办"#][..],
            ),
            ("contact", &[r#"name="text""#][..]),
            ("receive", &[r#"name="text""#, "收到的材料"][..]),
            (
                "handoff",
                &[
                    r#"name="place""#,
                    r#"value="department""#,
                    r#"name="name""#,
                    r#"name="text""#,
                ][..],
            ),
            (
                "result",
                &[r#"name="place""#, r#"value="mail""#, r#"name="text""#][..],
            ),
            ("cancel", &[r#"name="text""#, "required"][..]),
            ("note", &[r#"name="text""#][..]),
        ] {
            let page = step(action, None);
            assert!(
                page.contains(&format!(r#"name="action" value="{action}""#)),
                "{page}"
            );
            assert!(page.contains(r#"name="tracking_no" value="BB-7K4Q-P2M9""#));
            for name in names {
                assert!(page.contains(name), "{action}: {name} missing in {page}");
            }
        }
    }

    #[test]
    fn a_refusal_shows_next_to_its_input() {
        let page = step("handoff", Some(("name", "请填写接收人姓名".into())));
        assert!(page.contains("请填写接收人姓名"));
        assert!(page.contains(r#"id="act-handoff-name-error""#));
        assert!(page.contains(r#"aria-describedby="act-handoff-name-error""#));
    }
}
