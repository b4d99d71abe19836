//! 我的: the phone's help requests, and the consents it gave helpers to
//! file in its name, each of which it may withdraw.

use crate::components::form::{form_error, FormError};
use crate::components::notice::ErrorNotice;
use crate::help::api::*;
use crate::help::{filing_kind_label, normalize_help_no, MyConsent};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// Where a filing made under a consent opens: a help request, a complaint
/// or a booking, told by its number (and, for a booking, its kind).
pub fn filing_href(kind_label: &str, number: &str) -> Option<String> {
    if let Some(no) = normalize_help_no(number) {
        return Some(format!("/help/{no}"));
    }
    if let Some(no) = crate::complaints::normalize_tracking(number) {
        return Some(format!("/track/{no}"));
    }
    let code = number.trim();
    let plain = !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric());
    (kind_label == filing_kind_label("booking") && plain)
        .then(|| format!("/bookings/{}", crate::text::url_encode(code)))
}

/// The phone's help requests, newest first, each opening its page.
#[component]
pub fn MyHelpRequests() -> impl IntoView {
    let requests = Resource::new(|| (), |_| get_my_help());
    view! {
        <section aria-labelledby="help-title">
            <h2 id="help-title">"我的帮办申请"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match requests.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"还没有用此手机号提交的帮办申请。"</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="my-list">
                                {list.into_iter().map(|r| view! {
                                    <li>
                                        <a href=format!("/help/{}", r.tracking_no)>
                                            {format!("帮办 {} {}", r.tracking_no, r.about)}
                                        </a>
                                        <span class="item-context">{format!("{} · 提交于{}", r.status_label, r.filed_at)}</span>
                                        {r.on_behalf.then(|| view! {
                                            <span class="badge on-behalf-tag">"工作人员代您提交"</span>
                                        })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/help" class="button-link">"请工作人员帮我办"</a></p>
        </section>
    }
}

/// The consents the phone gave: who may file what in its name, until when,
/// what was filed; withdrawing one stops further filings under it.
#[component]
pub fn MyConsents() -> impl IntoView {
    let consents = Resource::new(|| (), |_| get_my_consents());
    let query = leptos_router::hooks::use_query_map();
    let withdrawn = query.read_untracked().get("done").as_deref() == Some("consent_withdrawn");
    view! {
        <section aria-labelledby="consents-title">
            <h2 id="consents-title">"我给工作人员的授权"</h2>
            {withdrawn.then(|| view! {
                <p class="flash" role="status">"授权已撤回，帮办员不能再用这个授权替您提交。"</p>
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match consents.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"您没有给工作人员授权过。帮办员替您提交申请或预约前，要先经过您的短信验证码或签字同意。"</p>
                        }.into_any(),
                        Ok(list) => view! { <ConsentList list /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ConsentList(list: Vec<MyConsent>) -> impl IntoView {
    let withdraw = ServerAction::<WithdrawConsent>::new();
    let result = withdraw.value();
    view! {
        <p class="hint">"帮办员凭授权替您提交申请、预约。不想再让他代办，可以撤回授权；已经提交的不受影响。"</p>
        {move || view! { <FormError message=form_error(&result.get()) /> }}
        <ul class="my-list consents">
            {list.into_iter().map(|c| {
                // The visible words first (WCAG 2.5.3, label in name), then whose.
                let label = format!("撤回授权（{}）", c.helper);
                view! {
                    <li>
                        <span class="consent-who">{format!("帮办员：{}", c.helper)}</span>
                        <span class="item-context">{format!("可以办：{}", c.scope)}</span>
                        <span class="item-context">{format!("{} · 有效期至{}", c.status_label, c.until)}</span>
                        {(!c.filings.is_empty()).then(|| view! {
                            <p class="consent-filings-title">"用这个授权办的事："</p>
                            <ul class="consent-filings">
                                {c.filings.iter().map(|(kind, no)| {
                                    let text = format!("{kind} {no}");
                                    match filing_href(kind, no) {
                                        Some(href) => view! { <li><a href=href>{text}</a></li> }.into_any(),
                                        None => view! { <li>{text}</li> }.into_any(),
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                        {c.can_withdraw.then(|| view! {
                            <ActionForm action=withdraw attr:class="inline-form">
                                <input type="hidden" name="id" value=c.id.to_string() />
                                <button type="submit" aria-label=label.clone()>"撤回授权"</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::filing_href;

    #[test]
    fn filings_open_their_own_pages() {
        assert_eq!(
            filing_href("帮办代办申请", "BB-7K4Q-P2M9").as_deref(),
            Some("/help/BB-7K4Q-P2M9")
        );
        assert_eq!(
            filing_href("投诉", "sx7k4qp2m9").as_deref(),
            Some("/track/SX-7K4Q-P2M9")
        );
        assert_eq!(
            filing_href("延时服务预约", "K7Q2M9").as_deref(),
            Some("/bookings/K7Q2M9")
        );
        // Anything else is shown, not linked.
        assert_eq!(filing_href("延时服务预约", "../x"), None);
        assert_eq!(filing_href("帮办代办申请", "K7Q2M9"), None);
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;

    #[test]
    fn a_consent_shows_what_was_filed_and_can_be_withdrawn() {
        Owner::new().with(|| {
            let list = vec![MyConsent {
                id: 9,
                helper: "王帮办".into(),
                scope: "帮办代办申请、延时服务预约".into(),
                status_label: "有效".into(),
                until: "2026-12-02 09:00".into(),
                can_withdraw: true,
                filings: vec![("帮办代办申请".into(), "BB-7K4Q-P2M9".into())],
            }];
            let page = view! { <ConsentList list /> }.to_html().replace("<!>", "");
            assert!(page.contains(r#"<a href="/help/BB-7K4Q-P2M9">帮办代办申请 BB-7K4Q-P2M9</a>"#));
            assert!(page.contains(r#"action="/api/my/consents/withdraw""#));
            assert!(page.contains(r#"name="id" value="9""#));
            assert!(page.contains(r#"aria-label="撤回授权（王帮办）""#));
        });
    }
}
