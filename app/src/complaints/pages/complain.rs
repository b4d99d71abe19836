//! `/complain`: first who is complaining (a phone proven by a one-time code,
//! or anonymous, said plainly), then what about and what happened. Plain
//! posts answered with redirects; errors come back next to their field.

use crate::complaints::api::*;
use crate::complaints::{CategoryTerms, ComplainForm, CATEGORIES, MAX_WANTS_CHARS, MAX_WHAT_CHARS};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use crate::identity::api::{RequestCode, VerifyCode};
use crate::identity::pages::my::{CodeForm, PhoneForm};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What the complaint is about, as it came in the address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefill {
    pub category: Option<String>,
    pub center: Option<String>,
    pub seq: Option<i32>,
    pub booking: Option<String>,
}

impl Prefill {
    /// The address of `/complain` with this prefill, and the anonymous choice.
    pub fn url(&self, anonymous: bool) -> String {
        let mut query = Vec::new();
        let mut add = |k: &str, v: Option<&str>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                query.push(format!("{k}={}", crate::text::url_encode(v)));
            }
        };
        add("category", self.category.as_deref());
        add("center", self.center.as_deref());
        add("seq", self.seq.map(|s| s.to_string()).as_deref());
        add("booking", self.booking.as_deref());
        if anonymous {
            query.push("anonymous=1".into());
        }
        if query.is_empty() {
            "/complain".into()
        } else {
            format!("/complain?{}", query.join("&"))
        }
    }

    /// The prefill the server accepted.
    fn of(form: &ComplainForm) -> Prefill {
        Prefill {
            category: form.category.clone(),
            center: form.center.clone(),
            seq: form.item.as_ref().map(|(s, _)| *s),
            booking: form.booking.clone(),
        }
    }
}

/// "1个工作日内受理，5个工作日内答复".
fn terms_text(t: &CategoryTerms) -> String {
    format!(
        "{}个工作日内受理，{}个工作日内答复",
        t.accept_days, t.answer_days
    )
}

#[component]
pub fn ComplainPage() -> impl IntoView {
    let query = use_query_map();
    let text = move |k: &str| query.read().get(k).filter(|v| !v.trim().is_empty());
    let anonymous = move || query.read().get("anonymous").is_some_and(|a| a == "1");
    let form = Resource::new(
        move || {
            (
                text("category"),
                text("center"),
                text("seq").and_then(|s| s.trim().parse::<i32>().ok()),
                text("booking"),
            )
        },
        |(category, center, seq, booking)| get_complain_form(category, center, seq, booking),
    );
    let request = ServerAction::<RequestCode>::new();
    let verify = ServerAction::<VerifyCode>::new();
    let file = ServerAction::<FileComplaint>::new();
    view! {
        <PageTitle text="我要投诉" />
        <PageDescription text="有诉即办：对济源便民服务中心、窗口、办理事项或工作人员不满意，或事情没办成，都可以在这里投诉，凭投诉编号查询办理进度。".to_string() />
        <h1>"我要投诉"</h1>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let f = match form.await {
                    Ok(f) => f,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let anonymous = anonymous();
                if f.phone_masked.is_none() && !anonymous {
                    view! { <WhoStep form=f request verify file /> }.into_any()
                } else {
                    view! { <ComplaintForm form=f anonymous file /> }.into_any()
                }
            })}
        </Suspense>
        <p class="complain-link">
            "已经投诉过？"
            <a href="/track">"查询投诉办理进度"</a>
        </p>
    }
}

/// Step 1: prove a phone by SMS code, or complain anonymously.
#[component]
fn WhoStep(
    form: ComplainForm,
    request: ServerAction<RequestCode>,
    verify: ServerAction<VerifyCode>,
    file: ServerAction<FileComplaint>,
) -> impl IntoView {
    let prefill = Prefill::of(&form);
    let here = prefill.url(false);
    let anonymous_url = prefill.url(true);
    // A filing refused because the sign-in ran out meanwhile comes back here.
    let filed = file.value().get_untracked();
    let refused = form_error(&filed).or_else(|| field_error(&filed, "anonymous"));
    view! {
        <FormError message=refused />
        <p>"有诉即办：您在办事时遇到的问题，服务中心都会受理并答复，办理进度可以随时查询。请先选择提交方式："</p>
        <section class="choice-card" aria-labelledby="verify-title">
            <h2 id="verify-title">"方式一：验证手机号（推荐）"</h2>
            <p>"工作人员可以打电话向您了解情况，办理进度会短信通知您，在“我的”页面也能查看。手机号不会公开，页面只显示部分号码。"</p>
            {match form.pending {
                Some(pending) => view! { <CodeForm pending verify request next=here /> }.into_any(),
                None => view! { <PhoneForm request verify next=here /> }.into_any(),
            }}
        </section>
        <section class="choice-card" aria-labelledby="anonymous-title">
            <h2 id="anonymous-title">"方式二：匿名投诉"</h2>
            <p>"不留手机号。请注意："</p>
            <ul>
                <li>"匿名投诉只能凭投诉编号查询，提交后请务必记下或截图保存编号，丢失后无法找回。"</li>
                <li>"工作人员无法打电话联系您，也不会发短信通知您。"</li>
            </ul>
            <p>
                <a href=anonymous_url class="button-link">"匿名投诉"</a>
            </p>
        </section>
    }
}

/// Step 2: what it is about and what happened.
#[component]
fn ComplaintForm(
    form: ComplainForm,
    anonymous: bool,
    file: ServerAction<FileComplaint>,
) -> impl IntoView {
    let result = file.value();
    let outcome = result.get_untracked();
    let err = move |field: &str| field_error(&outcome, field);
    let prefill = Prefill::of(&form);
    let chosen_category = form.category.clone();
    let chosen_center = form.center.clone();
    let chosen_seq = form.item.as_ref().map(|(s, _)| *s);
    // The item the citizen came from, even if the chosen center's list lacks it.
    let mut items = form.items.clone();
    if let Some((seq, name)) = form.item.clone() {
        if !items.iter().any(|(s, _)| *s == seq) {
            items.insert(0, (seq, name));
        }
    }
    // One promise for every category, or one per category.
    let same_terms = form
        .terms
        .windows(2)
        .all(|w| (w[0].accept_days, w[0].answer_days) == (w[1].accept_days, w[1].answer_days));
    let terms_of = {
        let terms = form.terms.clone();
        move |code: &str| {
            terms
                .iter()
                .find(|t| t.code == code)
                .map(terms_text)
                .unwrap_or_default()
        }
    };
    let who = match (&form.phone_masked, anonymous) {
        (Some(phone), false) => view! {
            <p class="signed-in">
                "联系电话：" <strong>{phone.clone()}</strong> "（已验证）"
            </p>
            <p class="hint complain-link">
                "不想留手机号？"
                <a href=prefill.url(true)>"改为匿名投诉"</a>
            </p>
        }
        .into_any(),
        _ => view! {
            <section class="notice" aria-labelledby="anon-title">
                <h2 id="anon-title">"匿名投诉"</h2>
                <p>"不留手机号。投诉只能凭编号查询，提交后请务必记下或截图保存投诉编号；工作人员无法打电话联系您。"</p>
                <p class="complain-link">
                    <a href=prefill.url(false)>"改为验证手机号后投诉"</a>
                </p>
            </section>
        }
        .into_any(),
    };
    let booking = form.booking.clone();
    view! {
        {who}
        {same_terms.then(|| form.terms.first().map(|t| view! {
            <p class="promise">{format!("承诺：{}。", terms_text(t))}</p>
        })).flatten()}
        <ActionForm action=file attr:class="stack-form complain-form">
            <fieldset aria-describedby="category-error">
                <legend>"投诉什么"</legend>
                {CATEGORIES.iter().map(|(code, label)| {
                    let promise = (!same_terms).then(|| terms_of(code)).filter(|t| !t.is_empty());
                    view! {
                        <label class="big-choice">
                            <input
                                type="radio"
                                name="category"
                                value=*code
                                checked=chosen_category.as_deref() == Some(*code)
                                required
                            />
                            <span>
                                {*label}
                                {promise.map(|p| view! { <span class="choice-hint">{p}</span> })}
                            </span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <FieldError id="category-error" message=err("category") />

            <label for="c-center">"服务中心"</label>
            <select id="c-center" name="center" required aria-describedby="center-error">
                <option value="">"请选择服务中心"</option>
                {form.centers.iter().map(|(code, name)| view! {
                    <option value=code.clone() selected=chosen_center.as_deref() == Some(code.as_str())>
                        {name.clone()}
                    </option>
                }).collect_view()}
            </select>
            <FieldError id="center-error" message=err("center") />

            <label for="c-seq">"事项（投诉办理事项时选择）"</label>
            <select id="c-seq" name="seq" aria-describedby="seq-error">
                <option value="">"不涉及具体事项"</option>
                {items.into_iter().map(|(seq, name)| view! {
                    <option value=seq.to_string() selected=chosen_seq == Some(seq)>{name}</option>
                }).collect_view()}
            </select>
            <FieldError id="seq-error" message=err("seq") />

            <label for="c-subject">"窗口号或工作人员描述（选填）"</label>
            <p class="hint" id="subject-hint">"投诉窗口时必填，如“3号窗口”。投诉工作人员可写工牌号或当时的情形。"</p>
            <input
                id="c-subject"
                name="subject"
                type="text"
                maxlength="50"
                autocomplete="off"
                aria-describedby="subject-hint subject-error"
                aria-invalid=err("subject").map(|_| "true")
            />
            <FieldError id="subject-error" message=err("subject") />

            <label for="c-what">"发生了什么"</label>
            <p class="hint" id="what-hint">"时间、地点、经过，写清楚更快办理（至少5个字）。"</p>
            <textarea
                id="c-what"
                name="what"
                rows="6"
                required
                minlength="5"
                maxlength=MAX_WHAT_CHARS.to_string()
                aria-describedby="what-hint what-error"
                aria-invalid=err("what").map(|_| "true")
            ></textarea>
            <FieldError id="what-error" message=err("what") />

            <label for="c-wants">"您希望怎样解决（选填）"</label>
            <textarea
                id="c-wants"
                name="wants"
                rows="3"
                maxlength=MAX_WANTS_CHARS.to_string()
                aria-describedby="wants-error"
                aria-invalid=err("wants").map(|_| "true")
            ></textarea>
            <FieldError id="wants-error" message=err("wants") />

            {booking.clone().map(|b| view! {
                <p>{format!("关联的预约：{b}")}</p>
                <input type="hidden" name="booking" value=b />
            })}
            {anonymous.then(|| view! { <input type="hidden" name="anonymous" value="on" /> })}
            <p class="hint">"提交后会得到投诉编号。照片可以在下一页添加（最多3张）。"</p>
            <FormError message=err("anonymous") />
            {move || view! { <FormError message=form_error(&result.get()) /> }}
            <button type="submit" class="primary">"提交投诉"</button>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::Prefill;

    #[test]
    fn the_address_keeps_the_prefill() {
        assert_eq!(Prefill::default().url(false), "/complain");
        assert_eq!(Prefill::default().url(true), "/complain?anonymous=1");
        let p = Prefill {
            category: Some("center".into()),
            center: Some("jishui".into()),
            seq: None,
            booking: Some("K7Q2".into()),
        };
        assert_eq!(
            p.url(false),
            "/complain?category=center&center=jishui&booking=K7Q2"
        );
        let item = Prefill {
            category: Some("item".into()),
            seq: Some(201),
            ..Default::default()
        };
        assert_eq!(
            item.url(true),
            "/complain?category=item&seq=201&anonymous=1"
        );
        // What goes back after signing in is a path on this site.
        assert_eq!(
            crate::identity::safe_next(Some(&p.url(false))),
            p.url(false)
        );
    }
}
