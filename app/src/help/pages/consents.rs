//! The back office's consents: a helper records the citizen's consent
//! (`/staff/consents/new`: a code the citizen reads back, or a signed paper
//! form), proves it (`/staff/consents/{id}`), then files under it: a help
//! request (`…/help`), a 延时 booking (`…/book`) or a complaint
//! (`…/complain`). Every filing is listed on the consent. Server-rendered,
//! plain forms.

use crate::booking::{BookCenters, BookingForm};
use crate::catalog::api::get_catalog;
use crate::catalog::{CatalogPage, Center};
use crate::complaints::{normalize_tracking, CATEGORIES, MAX_WANTS_CHARS, MAX_WHAT_CHARS};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use crate::help::api::*;
use crate::help::pages::fields::HelpRequestFields;
use crate::help::{
    normalize_help_no, ConsentList, ConsentView, HelpForm, DEFAULT_CONSENT_HOURS, FILING_KINDS,
    MAX_CONSENT_HOURS, MAX_SITUATION_CHARS,
};
use crate::staff::pages::Flash;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The consent's id from the path (0, which no consent has, when unreadable).
fn consent_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// The catalog's items by 主项: (主项, [(seq, 业务办理项)]), for a select.
fn item_groups(catalog: CatalogPage) -> Vec<(String, Vec<(i32, String)>)> {
    catalog
        .groups
        .into_iter()
        .map(|g| {
            let items = g
                .subs
                .into_iter()
                .flat_map(|s| s.items)
                .map(|i| (i.seq, i.business_item))
                .collect::<Vec<_>>();
            (g.main_item, items)
        })
        .collect()
}

/// The rules in one paragraph, for the list and the form.
const RULES: &str = "代群众办理前，先登记群众的授权：用短信验证码的，系统把6位验证码发到群众手机，群众当面或在电话里念给您，您输入后授权才生效；群众没有手机的，请群众当面在纸质授权书上签字，登记授权书编号并作声明。授权只能用于勾选的事情（选了事项的只限该事项），到期自动失效（默认24小时，最长72小时），群众可以随时在“我的”里撤回。以授权代办的每一件事都记录您的姓名和授权编号，并通知群众。";

#[component]
pub fn ConsentListPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_consents());
    view! {
        <PageTitle text="群众授权" />
        <h1>"群众授权"</h1>
        <Flash />
        <p class="hint">{RULES}</p>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <ConsentTable list /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsentTable(list: ConsentList) -> impl IntoView {
    view! {
        {list.may_create.then(|| view! {
            <p><a class="button-link" href="/staff/consents/new">"登记群众授权"</a></p>
        })}
        <h2 id="consents-title">"授权记录"</h2>
        {if list.consents.is_empty() {
            view! { <p class="empty">"还没有群众授权。"</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="consents-title">
                    <table class="data cards">
                        <caption class="sr-only">"群众授权记录"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"授权"</th>
                                <th scope="col">"群众手机"</th>
                                <th scope="col">"方式"</th>
                                <th scope="col">"可代办"</th>
                                <th scope="col">"帮办员"</th>
                                <th scope="col">"状态"</th>
                                <th scope="col">"有效期至"</th>
                                <th scope="col">"已代办"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.consents.into_iter().map(|c| view! {
                                <tr>
                                    <td><a href=format!("/staff/consents/{}", c.id)>{format!("授权 #{}", c.id)}</a></td>
                                    <td data-label="群众手机" class="mono">{c.phone_masked}</td>
                                    <td data-label="方式">{c.method_label}</td>
                                    <td data-label="可代办">{c.scope}</td>
                                    <td data-label="帮办员">{c.helper}</td>
                                    <td data-label="状态">{c.status_label}</td>
                                    <td data-label="有效期至">{c.until}</td>
                                    <td data-label="已代办">{format!("{}件", c.filings.len())}</td>
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
pub fn ConsentNewPage() -> impl IntoView {
    // The items a consent may be limited to.
    let catalog = Resource::new(|| (), |_| get_catalog(None, None, None, None));
    view! {
        <PageTitle text="登记群众授权" />
        <nav class="breadcrumb" aria-label="位置">
            <a href="/staff/consents">"群众授权"</a>
            " › 登记"
        </nav>
        <h1>"登记群众授权"</h1>
        <p class="hint">{RULES}</p>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match catalog.await {
                    Ok(c) => view! { <ConsentForm groups=item_groups(c) /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The consent form; `groups` are the catalog's items by 主项.
#[component]
fn ConsentForm(groups: Vec<(String, Vec<(i32, String)>)>) -> impl IntoView {
    let start = ServerAction::<StartConsent>::new();
    let outcome = start.value().get_untracked();
    let whole = form_error(&outcome);
    let invalid = {
        let outcome = outcome.clone();
        move |f: &str| field_error(&outcome, f).map(|_| "true")
    };
    let err = move |f: &str| field_error(&outcome, f);
    view! {
        <ActionForm action=start attr:class="stack-form narrow">
            <label for="c-phone">"群众的手机号"</label>
            <p class="hint" id="c-phone-hint">"代办的每一步都会发短信告诉群众。用短信验证码授权时，验证码也发到这个号码。群众没有手机的，填写家属的手机号（纸质授权书上写明）。"</p>
            <input
                id="c-phone"
                name="phone"
                type="tel"
                inputmode="numeric"
                autocomplete="off"
                required
                maxlength="20"
                aria-describedby="c-phone-hint c-phone-error"
                aria-invalid=invalid("phone")
            />
            <FieldError id="c-phone-error" message=err("phone") />

            <fieldset aria-describedby="c-method-error">
                <legend>"授权方式"</legend>
                <label class="big-choice">
                    <input type="radio" name="method" value="code" required checked />
                    <span>
                        "短信验证码"
                        <span class="choice-hint">"发短信验证码给群众，群众把验证码念给您"</span>
                    </span>
                </label>
                <label class="big-choice">
                    <input type="radio" name="method" value="paper" required />
                    <span>
                        "纸质授权书"
                        <span class="choice-hint">"群众没有手机：填写纸质授权书编号，并声明群众已当面签字"</span>
                    </span>
                </label>
            </fieldset>
            <FieldError id="c-method-error" message=err("method") />

            <label for="c-paper">"纸质授权书编号（选纸质授权书时填写）"</label>
            <input
                id="c-paper"
                name="paper_form_no"
                type="text"
                maxlength="40"
                autocomplete="off"
                aria-describedby="c-paper-error"
                aria-invalid=invalid("paper_form_no")
            />
            <FieldError id="c-paper-error" message=err("paper_form_no") />
            <label class="check">
                <input type="checkbox" name="declared" value="1" aria-describedby="c-declared-error" />
                "我声明：群众已当面在这份纸质授权书上签字（选纸质授权书时勾选）"
            </label>
            <FieldError id="c-declared-error" message=err("declared") />

            <fieldset aria-describedby="c-kinds-error">
                <legend>"授权代办哪些事情"</legend>
                {FILING_KINDS.iter().map(|(code, label)| view! {
                    <label class="big-choice">
                        <input type="checkbox" name="kinds[]" value=*code />
                        <span>{*label}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldError id="c-kinds-error" message=err("kinds") />

            <label for="c-seq">"只限一个事项（选填）"</label>
            <select id="c-seq" name="seq" aria-describedby="c-seq-error" aria-invalid=invalid("seq")>
                <option value="">"不限事项"</option>
                {groups.into_iter().map(|(main, items)| view! {
                    <optgroup label=main>
                        {items.into_iter().map(|(seq, name)| view! {
                            <option value=seq.to_string()>{name}</option>
                        }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
            <FieldError id="c-seq-error" message=err("seq") />

            <label for="c-hours">"有效时长（小时）"</label>
            <p class="hint" id="c-hours-hint">{format!("默认{DEFAULT_CONSENT_HOURS}小时，1到{MAX_CONSENT_HOURS}小时。")}</p>
            <input
                id="c-hours"
                name="hours"
                type="number"
                inputmode="numeric"
                min="1"
                max=MAX_CONSENT_HOURS.to_string()
                value=DEFAULT_CONSENT_HOURS.to_string()
                required
                aria-describedby="c-hours-hint c-hours-error"
                aria-invalid=invalid("hours")
            />
            <FieldError id="c-hours-error" message=err("hours") />
            <FormError message=whole />
            <button type="submit" class="primary">"登记授权"</button>
        </ActionForm>
    }
}

#[component]
pub fn ConsentPage() -> impl IntoView {
    let id = consent_id();
    let data = Resource::new(id, get_consent);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => view! { <ConsentDetail c /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Breadcrumb of the pages under one consent.
#[component]
fn ConsentCrumbs(id: i64, #[prop(optional)] here: Option<&'static str>) -> impl IntoView {
    view! {
        <nav class="breadcrumb" aria-label="位置">
            <a href="/staff/consents">"群众授权"</a>
            " › "
            {match here {
                Some(here) => view! {
                    <a href=format!("/staff/consents/{id}")>{format!("授权 #{id}")}</a>
                    {format!(" › {here}")}
                }.into_any(),
                None => format!("授权 #{id}").into_any(),
            }}
        </nav>
    }
}

#[component]
fn ConsentDetail(c: ConsentView) -> impl IntoView {
    let id = c.id;
    let may = |kind: &str| c.usable && c.kinds.iter().any(|k| k == kind);
    let (help, book, complain) = (may("help"), may("booking"), may("complaint"));
    view! {
        <PageTitle text=format!("群众授权 #{id}") />
        <ConsentCrumbs id />
        <h1>{format!("群众授权 #{id}")}</h1>
        <Flash />
        <dl class="facts">
            <dt>"状态"</dt>
            <dd><strong>{c.status_label.clone()}</strong></dd>
            <dt>"群众手机"</dt>
            <dd class="mono">{c.phone_masked.clone()}</dd>
            <dt>"授权方式"</dt>
            <dd>{c.method_label.clone()}</dd>
            <dt>"可代办"</dt>
            <dd>{c.scope.clone()}</dd>
            <dt>"帮办员"</dt>
            <dd>{c.helper.clone()}</dd>
            <dt>"登记时间"</dt>
            <dd>{c.created_at.clone()}</dd>
            <dt>"有效期至"</dt>
            <dd>{c.until.clone()}</dd>
        </dl>
        {(c.status == "pending").then(|| view! { <ProveForm id phone=c.phone_masked.clone() /> })}
        {if c.usable {
            view! {
                <section aria-labelledby="file-title">
                    <h2 id="file-title">"代群众办理"</h2>
                    <p class="hint">"以下办理都会记录“帮办员代群众办理，授权 #编号”，并短信通知群众。"</p>
                    <ul class="task-grid">
                        {help.then(|| view! {
                            <li>
                                <a href=format!("/staff/consents/{id}/help")>
                                    <span class="task-name">"代群众提交帮办申请"</span>
                                    <span class="task-what">"帮办、代办或上门服务"</span>
                                </a>
                            </li>
                        })}
                        {book.then(|| view! {
                            <li>
                                <a href=format!("/staff/consents/{id}/book")>
                                    <span class="task-name">"代群众预约延时服务"</span>
                                    <span class="task-what">"中午、傍晚和周末的时段"</span>
                                </a>
                            </li>
                        })}
                        {complain.then(|| view! {
                            <li>
                                <a href=format!("/staff/consents/{id}/complain")>
                                    <span class="task-name">"代群众投诉"</span>
                                    <span class="task-what">"对服务中心、窗口、事项或工作人员的投诉"</span>
                                </a>
                            </li>
                        })}
                    </ul>
                    {(!help && !book && !complain).then(|| view! {
                        <p class="empty">"这个授权的范围里暂时没有可以在这里代办的事情。"</p>
                    })}
                </section>
            }.into_any()
        } else if c.status != "pending" {
            view! {
                <p class="notice">"这个授权现在不能用来代办（已过期、已撤回，或不是您登记的）。需要时请重新登记授权。"</p>
            }.into_any()
        } else {
            ().into_any()
        }}
        <section aria-labelledby="filings-title">
            <h2 id="filings-title">"在这个授权下代办的事情"</h2>
            {if c.filings.is_empty() {
                view! { <p class="empty">"还没有。"</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="filings-title">
                        <table class="data cards">
                            <caption class="sr-only">"授权下的代办记录"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"类别"</th>
                                    <th scope="col">"编号"</th>
                                    <th scope="col">"时间"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {c.filings.iter().map(|(kind, number, at)| view! {
                                    <tr>
                                        <td>{kind.clone()}</td>
                                        <td data-label="编号" class="mono">
                                            {match filing_href(number) {
                                                Some(href) => view! { <a href=href>{number.clone()}</a> }.into_any(),
                                                None => number.clone().into_any(),
                                            }}
                                        </td>
                                        <td data-label="时间">{at.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// Where a filing opens in the back office: a help request or a complaint,
/// told by its number (bookings have no page of their own here).
fn filing_href(number: &str) -> Option<String> {
    normalize_help_no(number)
        .map(|no| format!("/staff/help/{no}"))
        .or_else(|| normalize_tracking(number).map(|no| format!("/staff/complaints/{no}")))
}

/// The code the citizen reads back from their text message.
#[component]
fn ProveForm(id: i64, phone: String) -> impl IntoView {
    let prove = ServerAction::<ProveConsent>::new();
    let outcome = prove.value().get_untracked();
    let error = field_error(&outcome, "code");
    view! {
        <section aria-labelledby="prove-title">
            <h2 id="prove-title">"等待群众念出验证码"</h2>
            <ActionForm action=prove attr:class="stack-form narrow">
                <input type="hidden" name="id" value=id.to_string() />
                <label for="consent-code">"请群众念出短信里的6位验证码"</label>
                <p class="hint" id="consent-code-hint">{format!("验证码已发到群众的手机 {phone}。输入后授权才生效。")}</p>
                <input
                    id="consent-code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    pattern="[0-9]{6}"
                    maxlength="6"
                    autocomplete="off"
                    required
                    class="mono"
                    aria-describedby="consent-code-hint consent-code-error"
                    aria-invalid=error.as_ref().map(|_| "true")
                />
                <FieldError id="consent-code-error" message=error />
                <FormError message=form_error(&outcome) />
                <button type="submit" class="primary">"确认授权"</button>
            </ActionForm>
        </section>
    }
}

/// `/staff/consents/{id}/help?seq=…&situation=…`: a help request in the
/// citizen's name, with the citizen's page's "find the item" form.
#[component]
pub fn ConsentHelpPage() -> impl IntoView {
    let id = consent_id();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                id(),
                q.get("seq").and_then(|s| s.parse::<i32>().ok()),
                q.get("situation").filter(|s| !s.trim().is_empty()),
            )
        },
        |(id, seq, situation)| get_help_form_for(id, seq, situation),
    );
    view! {
        <PageTitle text="代群众提交帮办申请" />
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(form) => view! { <HelpForOne id=id() form /> }.into_any(),
                    Err(error) => view! {
                        <ConsentCrumbs id=id() here="代群众提交帮办申请" />
                        <ErrorNotice error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HelpForOne(id: i64, form: HelpForm) -> impl IntoView {
    let file = ServerAction::<FileHelpFor>::new();
    let outcome = file.value().get_untracked();
    let consent_error = field_error(&outcome, "consent");
    let no_item = form.item.is_none();
    // As on the citizen's page: the request once the item or the situation is known.
    let described = !no_item || !form.situation.is_empty();
    let here = format!("/staff/consents/{id}/help");
    view! {
        <ConsentCrumbs id here="代群众提交帮办申请" />
        <h1>"代群众提交帮办申请"</h1>
        {form.on_behalf.clone().map(|text| view! { <p class="keep-this"><strong>{text}</strong></p> })}
        <h2>"要办什么事"</h2>
        {if no_item {
            view! { <FindItem action=here.clone() form=form.clone() /> }.into_any()
        } else {
            view! {
                <p class="help-item">"要办的事项：" <strong>{form.item.clone().map(|(_, name)| name)}</strong></p>
                <p><a href=here.clone()>"不是这个事项？记下群众的情况"</a></p>
            }.into_any()
        }}
        {if described {
            view! {
                <h2>"怎么帮群众"</h2>
                <ActionForm action=file attr:class="stack-form help-form">
                    <input type="hidden" name="consent" value=id.to_string() />
                    <HelpRequestFields form outcome=outcome.clone() situation_above=no_item />
                    <FieldError id="consent-error" message=consent_error />
                    <FormError message=form_error(&outcome) />
                    <button type="submit" class="primary">"代群众提交"</button>
                </ActionForm>
            }.into_any()
        } else {
            view! {
                <p class="hint">"写好群众的情况后点“帮我找事项”，再选择帮助方式、地点和时间。"</p>
            }.into_any()
        }}
    }
}

/// 帮我找事项: the situation in the citizen's words (a GET to this page),
/// the items it suggests (chosen in the request below) and, when none, the
/// closest life events.
#[component]
fn FindItem(action: String, form: HelpForm) -> impl IntoView {
    let nothing_found = !form.situation.is_empty() && form.suggestions.is_empty();
    view! {
        <form method="get" action=action class="stack-form">
            <label for="find-situation">"群众遇到了什么情况"</label>
            <p class="hint" id="find-situation-hint">
                "把群众的话记下来，如“我奶奶腿脚不好想办个残疾证”，下面会列出可能要办的事项供选择。"
            </p>
            <textarea
                id="find-situation"
                name="situation"
                rows="3"
                required
                minlength="4"
                maxlength=MAX_SITUATION_CHARS.to_string()
                aria-describedby="find-situation-hint"
            >
                {form.situation.clone()}
            </textarea>
            <button type="submit" class="secondary">"帮我找事项"</button>
        </form>
        {nothing_found.then(|| view! {
            <div class="notice" role="status">
                <p>"没有找到完全对应的事项。仍可提交申请，由帮办员判断要办哪个事项。"</p>
                {(!form.events.is_empty()).then(|| view! {
                    <p>"相近的“一件事”："</p>
                    <ul class="event-hits" aria-label="相关的一件事">
                        {form.events.iter().map(|(slug, title)| view! {
                            <li>
                                <a href=format!("/events/{}", crate::text::url_encode(slug))>
                                    {format!("一件事：{title}")}
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </div>
        })}
    }
}

/// `/staff/consents/{id}/book?center=…&seq=…&day=…`: a 延时 slot in the
/// citizen's name. GET forms choose the center, the item and the day; the
/// slots then post to `book_for`.
#[component]
pub fn ConsentBookPage() -> impl IntoView {
    let id = consent_id();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
            (
                id(),
                get("center"),
                get("seq").and_then(|s| s.parse::<i32>().ok()),
                get("day"),
            )
        },
        |(id, center, seq, day)| get_book_for_form(id, center, seq, day),
    );
    view! {
        <PageTitle text="代群众预约延时服务" />
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((consent, centers, form)) => view! { <BookForOne consent centers form /> }.into_any(),
                    Err(error) => view! {
                        <ConsentCrumbs id=id() here="代群众预约延时服务" />
                        <ErrorNotice error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BookForOne(
    consent: ConsentView,
    centers: BookCenters,
    form: Option<BookingForm>,
) -> impl IntoView {
    let id = consent.id;
    let book = ServerAction::<BookFor>::new();
    let outcome = book.value().get_untracked();
    let err = |f: &str| field_error(&outcome, f);
    let (slot_error, seq_error, name_error) = (err("slot"), err("seq"), err("name"));
    let (consent_error, whole) = (err("consent"), form_error(&outcome));
    let action = format!("/staff/consents/{id}/book");
    let center = form.as_ref().map(|f| f.center.code.clone());
    let fixed_item = consent.seq;
    let seq = form.as_ref().and_then(|f| f.seq).or(fixed_item);
    let usable = consent.usable && consent.kinds.iter().any(|k| k == "booking");
    view! {
        <ConsentCrumbs id here="代群众预约延时服务" />
        <h1>"代群众预约延时服务"</h1>
        <p class="hint">{format!("授权 #{id}：群众手机 {}，{}。预约码会短信发给群众，群众在“我的”里能看到，并标明是帮办员代为预约。", consent.phone_masked, consent.scope)}</p>
        {(!usable).then(|| view! {
            <p class="notice">"这个授权现在不能用来代约（未生效、已过期、已撤回，或不包括延时预约）。"</p>
        })}
        <form method="get" action=action class="stack-form narrow">
            <label for="b-center">"1. 便民服务中心"</label>
            <select id="b-center" name="center" required>
                <option value="">"请选择服务中心"</option>
                {centers.centers.into_iter().filter(|c| c.handles).map(|c| {
                    let selected = center.as_deref() == Some(c.center.code.as_str());
                    let label = if c.places_left > 0 {
                        c.center.center_name.clone()
                    } else {
                        format!("{}（暂无可约时段）", c.center.center_name)
                    };
                    view! { <option value=c.center.code.clone() selected=selected>{label}</option> }
                }).collect_view()}
            </select>
            {form.as_ref().map(|f| {
                let item = match fixed_item {
                    Some(s) => {
                        let name = f.items.iter().find(|(i, _)| *i == s).map(|(_, n)| n.clone())
                            .or_else(|| centers.item.as_ref().map(|(_, n)| n.clone()))
                            .unwrap_or_default();
                        view! {
                            <p>"2. 办理事项：" <strong>{name}</strong> "（授权只限这个事项）"</p>
                            <input type="hidden" name="seq" value=s.to_string() />
                        }.into_any()
                    }
                    None => view! {
                        <label for="b-seq">"2. 办理事项"</label>
                        <select id="b-seq" name="seq" required>
                            <option value="">"请选择要办理的事项"</option>
                            {f.items.iter().map(|(s, name)| view! {
                                <option value=s.to_string() selected=Some(*s) == seq>{name.clone()}</option>
                            }).collect_view()}
                        </select>
                    }.into_any(),
                };
                let days = (!f.days.is_empty()).then(|| view! {
                    <fieldset>
                        <legend>"3. 日期"</legend>
                        {f.days.iter().map(|d| view! {
                            <label class="check">
                                <input type="radio" name="day" required value=d.day.clone() checked=f.day.as_deref() == Some(d.day.as_str()) />
                                {if d.places_left > 0 { format!("{}（余{}）", d.label, d.places_left) } else { format!("{}（已约满）", d.label) }}
                            </label>
                        }).collect_view()}
                    </fieldset>
                });
                view! { {item} {days} }
            })}
            <button type="submit" class="secondary">{if form.is_some() { "查看可约时段" } else { "下一步" }}</button>
        </form>
        {form.map(|f| {
            if f.days.is_empty() {
                return view! { <p class="empty">"这个中心暂未开放延时预约，或近14天的时段已约满，请选择其他中心。"</p> }.into_any();
            }
            if f.slots.is_empty() {
                return view! { <p class="empty">"请选择日期，查看可约时段。"</p> }.into_any();
            }
            view! {
                <ActionForm action=book attr:class="stack-form narrow">
                    <input type="hidden" name="consent" value=id.to_string() />
                    {seq.map(|s| view! { <input type="hidden" name="seq" value=s.to_string() /> })}
                    <fieldset aria-describedby="b-slot-error">
                        <legend>"4. 时段"</legend>
                        {f.slots.iter().map(|s| {
                            let full = s.closed || s.places_left <= 0;
                            let state = if s.closed {
                                "已停止预约".to_string()
                            } else if s.places_left > 0 {
                                format!("余{}个名额", s.places_left)
                            } else {
                                "已约满".to_string()
                            };
                            let kind = if s.window_kind.is_empty() { String::new() } else { format!("（{}窗口）", s.window_kind) };
                            view! {
                                <label class="check slot">
                                    <input type="radio" name="slot" value=s.id.to_string() required disabled=full />
                                    {format!("{} {state}{kind}", s.time)}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <FieldError id="b-slot-error" message=slot_error />
                    {seq.is_none().then(|| view! { <p class="form-error" role="alert">"请先在上面选择办理事项，再查看时段。"</p> })}
                    <FieldError id="b-seq-error" message=seq_error />
                    <label for="b-name">"群众姓名"</label>
                    <p class="hint" id="b-name-hint">"来办事的群众本人的姓名，窗口核对用。"</p>
                    <input
                        id="b-name"
                        name="name"
                        type="text"
                        required
                        maxlength="30"
                        autocomplete="off"
                        aria-describedby="b-name-hint b-name-error"
                        aria-invalid=name_error.as_ref().map(|_| "true")
                    />
                    <FieldError id="b-name-error" message=name_error />
                    <FieldError id="b-consent-error" message=consent_error />
                    <FormError message=whole />
                    <button type="submit" class="primary">"代群众预约"</button>
                </ActionForm>
            }.into_any()
        })}
    }
}

/// Why a consent cannot be used to file `kind` now, in words for the
/// helper; None when it can.
fn unusable_reason(c: &ConsentView, kind: &str) -> Option<String> {
    let reason = match c.status.as_str() {
        "pending" => "授权还没有生效：请先请群众念出短信里的验证码，确认授权后再代办。".to_string(),
        "expired" => {
            "授权已过期，不能再以群众的名义办理。需要时请重新征得群众同意并登记授权。".to_string()
        }
        "withdrawn" => "群众已撤回这个授权，不能再以群众的名义办理。".to_string(),
        _ if !c.usable => {
            "这个授权不是您登记的：只有登记授权的帮办员可以用它代群众办理。".to_string()
        }
        _ if !c.kinds.iter().any(|k| k == kind) => format!(
            "这个授权的范围不包括{}（可代办：{}）。需要时请重新征得群众同意并登记授权。",
            crate::help::filing_kind_label(kind),
            c.scope
        ),
        _ => return None,
    };
    Some(reason)
}

/// `/staff/consents/{id}/complain`: a complaint in the citizen's name, with
/// the `/complain` form's fields, posted to `file_complaint_for`.
#[component]
pub fn ConsentComplainPage() -> impl IntoView {
    let id = consent_id();
    let data = Resource::new(id, |id| async move {
        let (consent, choices) = get_complain_for_form(id).await?;
        Ok::<_, AppError>((
            consent,
            choices.map(|(centers, catalog)| (centers, item_groups(catalog))),
        ))
    });
    view! {
        <PageTitle text="代群众投诉" />
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((consent, Some((centers, groups)))) => {
                        view! { <ComplaintForOne consent centers groups /> }.into_any()
                    }
                    Ok((consent, None)) => {
                        let why = unusable_reason(&consent, "complaint").unwrap_or_default();
                        view! {
                            <ConsentCrumbs id=consent.id here="代群众投诉" />
                            <h1>"代群众投诉"</h1>
                            <p class="notice">{why}</p>
                            <p><a href=format!("/staff/consents/{}", consent.id)>{format!("返回授权 #{}", consent.id)}</a></p>
                        }.into_any()
                    }
                    Err(error) => view! {
                        <ConsentCrumbs id=id() here="代群众投诉" />
                        <ErrorNotice error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The complaint form under a usable consent. `groups` are the catalog's
/// items by 主项, offered when the consent is not limited to one item.
#[component]
fn ComplaintForOne(
    consent: ConsentView,
    centers: Vec<Center>,
    groups: Vec<(String, Vec<(i32, String)>)>,
) -> impl IntoView {
    let id = consent.id;
    let file = ServerAction::<FileComplaintFor>::new();
    let outcome = file.value().get_untracked();
    let err = |f: &str| field_error(&outcome, f);
    let invalid = |f: &str| field_error(&outcome, f).map(|_| "true");
    let (category_error, center_error, seq_error) = (err("category"), err("center"), err("seq"));
    let (subject_error, what_error, wants_error) = (err("subject"), err("what"), err("wants"));
    let (consent_error, whole) = (err("consent"), form_error(&outcome));
    let (subject_invalid, what_invalid, wants_invalid) =
        (invalid("subject"), invalid("what"), invalid("wants"));
    let center = consent.center_code.clone();
    // A consent for one item complains only about that item.
    let fixed_item = consent.seq.map(|seq| {
        let name = groups
            .iter()
            .flat_map(|(_, items)| items)
            .find(|(s, _)| *s == seq)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| format!("事项 {seq}"));
        (seq, name)
    });
    view! {
        <ConsentCrumbs id here="代群众投诉" />
        <h1>"代群众投诉"</h1>
        <p class="keep-this">
            <strong>{format!("授权 #{id}：群众手机 {}，可代办：{}。", consent.phone_masked, consent.scope)}</strong>
            "这件投诉会记为由您（帮办员）在这个授权下代群众提交，群众会收到短信通知，在“我的”和进度查询里都能看到，并标明由工作人员代为提交。"
        </p>
        <ActionForm action=file attr:class="stack-form complain-form">
            <input type="hidden" name="consent" value=id.to_string() />
            <fieldset aria-describedby="cf-category-error">
                <legend>"投诉什么"</legend>
                {CATEGORIES.iter().map(|(code, label)| view! {
                    <label class="big-choice">
                        <input type="radio" name="category" value=*code required />
                        <span>{*label}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldError id="cf-category-error" message=category_error />

            <label for="cf-center">"服务中心"</label>
            <select id="cf-center" name="center" required aria-describedby="cf-center-error">
                <option value="">"请选择服务中心"</option>
                {centers.into_iter().map(|c| {
                    let selected = c.code == center;
                    view! { <option value=c.code selected=selected>{c.center_name}</option> }
                }).collect_view()}
            </select>
            <FieldError id="cf-center-error" message=center_error />

            {match fixed_item {
                Some((seq, name)) => view! {
                    <p>"事项：" <strong>{name}</strong> "（授权只限这个事项）"</p>
                    <input type="hidden" name="seq" value=seq.to_string() />
                }.into_any(),
                None => view! {
                    <label for="cf-seq">"事项（投诉办理事项时选择）"</label>
                    <select id="cf-seq" name="seq" aria-describedby="cf-seq-error">
                        <option value="">"不涉及具体事项"</option>
                        {groups.into_iter().map(|(main, items)| view! {
                            <optgroup label=main>
                                {items.into_iter().map(|(seq, name)| view! {
                                    <option value=seq.to_string()>{name}</option>
                                }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select>
                }.into_any(),
            }}
            <FieldError id="cf-seq-error" message=seq_error />

            <label for="cf-subject">"窗口号或工作人员描述（选填）"</label>
            <p class="hint" id="cf-subject-hint">"投诉窗口时必填，如“3号窗口”。投诉工作人员可写工牌号或当时的情形。"</p>
            <input
                id="cf-subject"
                name="subject"
                type="text"
                maxlength="50"
                autocomplete="off"
                aria-describedby="cf-subject-hint cf-subject-error"
                aria-invalid=subject_invalid
            />
            <FieldError id="cf-subject-error" message=subject_error />

            <label for="cf-what">"发生了什么"</label>
            <p class="hint" id="cf-what-hint">"按群众说的记下时间、地点、经过（至少5个字）。"</p>
            <textarea
                id="cf-what"
                name="what"
                rows="6"
                required
                minlength="5"
                maxlength=MAX_WHAT_CHARS.to_string()
                aria-describedby="cf-what-hint cf-what-error"
                aria-invalid=what_invalid
            ></textarea>
            <FieldError id="cf-what-error" message=what_error />

            <label for="cf-wants">"群众希望怎样解决（选填）"</label>
            <textarea
                id="cf-wants"
                name="wants"
                rows="3"
                maxlength=MAX_WANTS_CHARS.to_string()
                aria-describedby="cf-wants-error"
                aria-invalid=wants_invalid
            ></textarea>
            <FieldError id="cf-wants-error" message=wants_error />

            <FieldError id="cf-consent-error" message=consent_error />
            <FormError message=whole />
            <button type="submit" class="primary">"代群众提交投诉"</button>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent_form() -> String {
        let owner = Owner::new();
        owner.with(|| {
            let groups = vec![("户籍".to_string(), vec![(7, "户口迁移".to_string())])];
            view! { <ConsentForm groups /> }.to_html()
        })
    }

    #[test]
    fn the_consent_form_posts_the_names_start_consent_reads() {
        let page = consent_form();
        for name in [
            r#"name="phone""#,
            r#"name="method" value="code""#,
            r#"name="method" value="paper""#,
            r#"name="paper_form_no""#,
            r#"name="declared" value="1""#,
            r#"name="kinds[]" value="help""#,
            r#"name="kinds[]" value="booking""#,
            r#"<option value="">不限事项</option>"#,
            r#"<option value="7">户口迁移"#,
            r#"name="hours""#,
            r#"value="24""#,
            &format!(
                r#"action="{}""#,
                <StartConsent as leptos::server_fn::ServerFn>::PATH
            ),
        ] {
            assert!(page.contains(name), "{name} missing in {page}");
        }
    }

    pub(super) fn consent() -> ConsentView {
        ConsentView {
            id: 5,
            phone_masked: "138****0000".into(),
            method_label: "短信验证码".into(),
            scope: "投诉".into(),
            kinds: vec!["complaint".into()],
            seq: None,
            helper: "王帮办".into(),
            center_code: "qinyuan".into(),
            status: "active".into(),
            status_label: "有效".into(),
            created_at: "2026-12-01 09:00".into(),
            until: "2026-12-02 09:00".into(),
            usable: true,
            filings: vec![],
        }
    }

    #[test]
    fn a_consent_says_why_it_cannot_file_a_complaint() {
        assert_eq!(unusable_reason(&consent(), "complaint"), None);
        let mut c = consent();
        c.kinds = vec!["help".into()];
        c.scope = "帮办代办申请".into();
        let why = unusable_reason(&c, "complaint").unwrap();
        assert!(
            why.contains("不包括投诉") && why.contains("帮办代办申请"),
            "{why}"
        );
        for (status, words) in [
            ("pending", "验证码"),
            ("expired", "已过期"),
            ("withdrawn", "已撤回"),
        ] {
            let mut c = consent();
            c.status = status.into();
            c.usable = false;
            assert!(unusable_reason(&c, "complaint").unwrap().contains(words));
        }
        let mut c = consent();
        c.usable = false;
        assert!(unusable_reason(&c, "complaint")
            .unwrap()
            .contains("不是您登记的"));
    }

    fn centers() -> Vec<Center> {
        ["jishui", "qinyuan"]
            .into_iter()
            .map(|code| Center {
                code: code.into(),
                name: code.into(),
                kind: "街道".into(),
                center_name: format!("{code}便民服务中心"),
                address: String::new(),
                phone: String::new(),
                hours: String::new(),
                map_url: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_complaint_form_posts_the_names_file_complaint_for_reads() {
        Owner::new().with(|| {
            let groups = vec![("户籍".to_string(), vec![(7, "户口迁移".to_string())])];
            let page = view! { <ComplaintForOne consent=consent() centers=centers() groups /> }
                .to_html()
                .replace("<!>", "");
            for part in [
                &format!(
                    r#"action="{}""#,
                    <FileComplaintFor as leptos::server_fn::ServerFn>::PATH
                ),
                r#"name="consent" value="5""#,
                r#"name="category" value="center""#,
                r#"name="category" value="undone""#,
                r#"<option value="qinyuan" selected>qinyuan便民服务中心</option>"#,
                r#"<option value="jishui">jishui便民服务中心</option>"#,
                r#"<option value="">不涉及具体事项</option>"#,
                r#"<option value="7">户口迁移</option>"#,
                r#"name="subject""#,
                r#"name="what""#,
                r#"minlength="5""#,
                r#"name="wants""#,
                "代群众提交",
                "群众会收到短信",
            ] {
                assert!(page.contains(part), "{part} missing in {page}");
            }

            // A consent for one item: that item, fixed.
            let mut one = consent();
            one.seq = Some(7);
            let groups = vec![("户籍".to_string(), vec![(7, "户口迁移".to_string())])];
            let page = view! { <ComplaintForOne consent=one centers=centers() groups /> }
                .to_html()
                .replace("<!>", "");
            assert!(
                page.contains(r#"<input type="hidden" name="seq" value="7">"#),
                "{page}"
            );
            assert!(page.contains("<strong>户口迁移</strong>"));
            assert!(!page.contains("不涉及具体事项"));
        });
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;
    use leptos_router::components::Router;
    use leptos_router::location::RequestUrl;

    #[test]
    fn a_consent_for_complaints_offers_the_complaint_and_links_its_filings() {
        Owner::new().with(|| {
            provide_context(RequestUrl::new(
                "/staff/consents/5?done=complaint_filed_for&code=SX-7K4Q-P2M9",
            ));
            let mut c = tests::consent();
            c.filings = vec![
                (
                    "投诉".into(),
                    "SX-7K4Q-P2M9".into(),
                    "2026-12-01 10:00".into(),
                ),
                (
                    "帮办代办申请".into(),
                    "BB-7K4Q-P2M9".into(),
                    "2026-12-01 11:00".into(),
                ),
                (
                    "延时服务预约".into(),
                    "K7Q2M9".into(),
                    "2026-12-01 12:00".into(),
                ),
            ];
            let page = view! { <Router><ConsentDetail c /></Router> }
                .to_html()
                .replace("<!>", "");
            for part in [
                r#"<a href="/staff/consents/5/complain">"#,
                "代群众投诉",
                r#"<a href="/staff/complaints/SX-7K4Q-P2M9">SX-7K4Q-P2M9</a>"#,
                r#"<a href="/staff/help/BB-7K4Q-P2M9">BB-7K4Q-P2M9</a>"#,
                "<tbody>",
                // The flash names the complaint and opens it.
                "已代群众提交投诉",
                r#"<a href="/staff/complaints/SX-7K4Q-P2M9" class="mono">SX-7K4Q-P2M9</a>"#,
            ] {
                assert!(page.contains(part), "{part} missing in {page}");
            }
            assert!(!page.contains("暂时没有可以在这里代办的事情"));
            assert!(!page.contains(r#"href="/staff/consents/5/help""#));
            assert!(!page.contains(r#"href="/staff/consents/5/book""#));
        });
    }
}
