//! `/help`: ask for 帮办 / 代办 / 上门. First the phone, proved by a one-time
//! code (a helper has to call back, so there is no anonymous way); then what
//! to do — the item, or the situation in the citizen's own words, which a
//! GET form turns into suggested items — and the request itself. Plain forms
//! answered with redirects; errors come back next to their field.

use crate::components::form::{form_error, FormError};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use crate::help::api::*;
use crate::help::pages::fields::HelpRequestFields;
use crate::help::suggest::SituationBox;
use crate::help::{HelpForm, MODES};
use crate::identity::api::{RequestCode, VerifyCode};
use crate::identity::pages::my::{CodeForm, PhoneForm};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The longest address a sign-in may come back to (`identity::safe_next`).
const MAX_NEXT: usize = 300;

/// The address of `/help` with what the citizen has said so far. A
/// situation too long for the way back after signing in is left out (it is
/// typed again, rather than the sign-in failing).
pub fn help_url(seq: Option<i32>, center: Option<&str>, situation: &str) -> String {
    let mut query = Vec::new();
    if let Some(seq) = seq {
        query.push(format!("seq={seq}"));
    }
    if let Some(center) = center.filter(|c| !c.is_empty()) {
        query.push(format!("center={}", crate::text::url_encode(center)));
    }
    let base = |query: &[String]| {
        if query.is_empty() {
            "/help".to_string()
        } else {
            format!("/help?{}", query.join("&"))
        }
    };
    let situation = situation.trim();
    if !situation.is_empty() {
        let mut with = query.clone();
        with.push(format!("situation={}", crate::text::url_encode(situation)));
        let url = base(&with);
        if url.len() <= MAX_NEXT {
            return url;
        }
    }
    base(&query)
}

fn url_of(form: &HelpForm) -> String {
    help_url(
        form.item.as_ref().map(|(seq, _)| *seq),
        form.center.as_deref(),
        &form.situation,
    )
}

#[component]
pub fn HelpPage() -> impl IntoView {
    let query = use_query_map();
    let text = move |k: &str| query.read().get(k).filter(|v| !v.trim().is_empty());
    let form = Resource::new(
        move || {
            (
                text("seq").and_then(|s| s.trim().parse::<i32>().ok()),
                text("center"),
                text("situation"),
            )
        },
        |(seq, center, situation)| get_help_form(seq, center, situation),
    );
    let request = ServerAction::<RequestCode>::new();
    let verify = ServerAction::<VerifyCode>::new();
    let submit = ServerAction::<SubmitHelp>::new();
    view! {
        <PageTitle text="帮办代办" />
        <PageDescription text="请便民服务中心的帮办员帮您办事：一对一带着办（帮办）、替您办（代办），行动不便的可以上门服务。不知道办哪个事项，说说情况就行。".to_string() />
        <h1>"请工作人员帮我办"</h1>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(f) if f.phone_masked.is_none() => {
                        view! { <PhoneStep form=f request verify submit /> }.into_any()
                    }
                    Ok(f) => view! { <AskStep form=f submit /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <p class="complain-link">
            "已经申请过？"
            <a href="/track">"查询办理进度"</a>
        </p>
    }
}

/// What the three kinds of help are, in a sentence each.
#[component]
fn Modes() -> impl IntoView {
    view! {
        <ul class="help-modes">
            {MODES.iter().map(|(_, label, means)| view! {
                <li>
                    <strong>{*label}</strong>
                    "："
                    {*means}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Step 1: who is asking, proved by a code sent to the phone.
#[component]
fn PhoneStep(
    form: HelpForm,
    request: ServerAction<RequestCode>,
    verify: ServerAction<VerifyCode>,
    submit: ServerAction<SubmitHelp>,
) -> impl IntoView {
    let here = url_of(&form);
    // A request refused because the sign-in ran out meanwhile comes back here.
    let refused = form_error(&submit.value().get_untracked());
    view! {
        <FormError message=refused />
        <p>"便民服务中心和村（社区）便民服务站有帮办员，可以免费帮您办事："</p>
        <Modes />
        {form.item.map(|(_, name)| view! {
            <p class="help-item">"要办的事项：" <strong>{name}</strong></p>
        })}
        <section class="choice-card" aria-labelledby="phone-title">
            <h2 id="phone-title">"第一步：验证手机号"</h2>
            <p>"帮办员要打电话和您约时间，办理进度会短信通知您，在“我的”页面也能查看。手机号不会公开，页面只显示部分号码。"</p>
            {match form.pending {
                Some(pending) => view! { <CodeForm pending verify request next=here /> }.into_any(),
                None => view! { <PhoneForm request verify next=here /> }.into_any(),
            }}
        </section>
    }
}

/// Step 2: what to do, then how, where and when.
#[component]
fn AskStep(form: HelpForm, submit: ServerAction<SubmitHelp>) -> impl IntoView {
    let result = submit.value();
    let outcome = result.get_untracked();
    let phone = form.phone_masked.clone().unwrap_or_default();
    let has_item = form.item.is_some();
    let described = has_item || !form.situation.is_empty();
    let center = form.center.clone().filter(|c| !c.is_empty());
    let nothing_found =
        form.item.is_none() && !form.situation.is_empty() && form.suggestions.is_empty();
    let what = match form.item.clone() {
        // The item is the first line of the request form below.
        Some(_) => ().into_any(),
        None => view! {
            <form method="get" action="/help" class="stack-form">
                {center.clone().map(|c| view! { <input type="hidden" name="center" value=c /> })}
                <label for="situation">"您遇到了什么情况，想办什么事"</label>
                <p class="hint" id="situation-hint">
                    "用自己的话说就行，如“我奶奶腿脚不好，想办个残疾证”“离婚了要把户口分出来”。"
                </p>
                <SituationBox
                    id="situation"
                    name="situation"
                    value=form.situation.clone()
                    link=match &center {
                        Some(c) => format!("/help?center={}&seq=", crate::text::url_encode(c)),
                        None => "/help?seq=".to_string(),
                    }
                    describedby="situation-hint"
                />
                <button type="submit">"帮我找事项"</button>
            </form>
            {nothing_found.then(|| view! {
                <div class="notice" role="status">
                    <p>"没有找到完全对应的事项。没关系，提交申请后，帮办员会帮您弄清楚要办哪个事项。"</p>
                    {(!form.events.is_empty()).then(|| view! {
                        <p>"也可以先看看这些“一件事”，里面列出了要办的事项和材料："</p>
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
        .into_any(),
    };
    view! {
        <p class="signed-in">
            "联系电话：" <strong>{phone}</strong> "（已验证）"
        </p>
        {(!has_item).then(|| view! { <h2>"要办什么事"</h2> })}
        {what}
        {if described {
            view! {
                <h2>"填写申请"</h2>
                <ActionForm action=submit attr:class="stack-form help-form">
                    <HelpRequestFields form=form.clone() outcome situation_above=true />
                    <p class="promise">"提交后会得到申请编号，帮办员会在1个工作日内与您联系。"</p>
                    {move || view! { <FormError message=form_error(&result.get()) /> }}
                    <button type="submit" class="primary">"提交申请"</button>
                </ActionForm>
                {has_item.then(|| view! {
                    <p class="complain-link">
                        "不是要办这个事项？"
                        <a href=help_url(None, center.as_deref(), "")>"说说您的情况"</a>
                    </p>
                })}
            }
            .into_any()
        } else {
            view! {
                <p class="hint">
                    "写好情况后点“帮我找事项”，再选择帮助方式、地点和时间。知道事项名称的，也可以先"
                    <a href="/search">"搜索事项"</a>
                    "，在事项页点“请工作人员帮我办”。"
                </p>
            }
            .into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::help_url;

    #[test]
    fn the_address_keeps_what_was_said() {
        assert_eq!(help_url(None, None, ""), "/help");
        assert_eq!(
            help_url(Some(12), Some("jishui"), " "),
            "/help?seq=12&center=jishui"
        );
        assert_eq!(
            help_url(None, Some(""), "办证"),
            "/help?situation=%E5%8A%9E%E8%AF%81"
        );
        // What goes back after signing in is a path on this site.
        let url = help_url(Some(3), None, "离婚了要把户口分出来");
        assert_eq!(crate::identity::safe_next(Some(&url)), url);
    }

    #[test]
    fn a_long_situation_is_left_out_rather_than_losing_the_way_back() {
        let long = "我".repeat(200);
        assert_eq!(help_url(Some(7), None, &long), "/help?seq=7");
        let fits = "我".repeat(30);
        assert!(help_url(None, None, &fits).contains("situation="));
        assert!(help_url(None, None, &fits).len() <= super::MAX_NEXT);
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;

    fn form() -> HelpForm {
        HelpForm {
            item: None,
            materials: vec![],
            situation: "女儿嫁到外地去了".into(),
            suggestions: vec![],
            events: vec![("marriage".into(), "结婚".into())],
            center: Some("jishui".into()),
            centers: vec![("jishui".into(), "济水街道".into())],
            stations: vec![],
            phone_masked: Some("138****0000".into()),
            pending: None,
            on_behalf: None,
        }
    }

    #[test]
    fn nothing_found_still_leads_somewhere_and_the_sign_in_comes_back() {
        Owner::new().with(|| {
            let submit = ServerAction::<SubmitHelp>::new();
            let request = ServerAction::<RequestCode>::new();
            let verify = ServerAction::<VerifyCode>::new();
            let page = view! { <AskStep form=form() submit /> }
                .to_html()
                .replace("<!>", "");
            assert!(page.contains(r#"<form method="get" action="/help""#));
            assert!(page.contains(r#"<a href="/events/marriage">一件事：结婚</a>"#));
            assert!(page.contains("帮办员会帮您弄清楚要办哪个事项"));
            assert!(page.contains(r#"name="request[situation]" value="女儿嫁到外地去了""#));
            assert!(page.contains("提交申请"));

            // Nothing said yet: only the question, no request form.
            let mut f = form();
            f.situation.clear();
            let page = view! { <AskStep form=f submit /> }
                .to_html()
                .replace("<!>", "");
            assert!(!page.contains("request[mode]"));

            let mut f = form();
            f.phone_masked = None;
            f.item = Some((3, "残疾人证".into()));
            let page = view! { <PhoneStep form=f request verify submit /> }
                .to_html()
                .replace("<!>", "");
            assert!(
                page.contains(r#"name="next" value="/help?seq=3&amp;center=jishui&amp;situation="#)
            );
            assert!(!page.contains("request[mode]"));
        });
    }
}
