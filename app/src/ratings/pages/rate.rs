//! `/rate/{kind}/{id}`: what a window's sticker opens (`window`), and the
//! rating of a 延时 appointment after check-in (`booking`, its booker only).
//! Prove the phone, pick a level, tick the aspects, say more if you like.
//! Plain posts: works with JavaScript off.

use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use crate::identity::api::{RequestCode, VerifyCode};
use crate::identity::pages::my::{CodeForm, PhoneForm};
use crate::ratings::api::*;
use crate::ratings::pages::aspects::AspectChoices;
use crate::ratings::{level_tone, RatingPage, LEVELS, MAX_COMMENT};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn RatePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let request = ServerAction::<RequestCode>::new();
    let verify = ServerAction::<VerifyCode>::new();
    let rate = ServerAction::<Rate>::new();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("kind").unwrap_or_default(),
                p.get("id").unwrap_or_default(),
                request.version().get(),
                verify.version().get(),
                rate.version().get(),
            )
        },
        |(kind, id, ..)| get_rating_page(kind, id),
    );
    let done = move || query.read().get("done").is_some();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <RatingBody p done=done() request verify rate /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RatingBody(
    p: RatingPage,
    done: bool,
    request: ServerAction<RequestCode>,
    verify: ServerAction<VerifyCode>,
    rate: ServerAction<Rate>,
) -> impl IntoView {
    let here = format!(
        "/rate/{}/{}",
        crate::text::url_encode(&p.kind),
        crate::text::url_encode(&p.id)
    );
    let body = if let Some(level) = p.rated.clone() {
        let thanks = if done {
            "感谢您的评价！"
        } else {
            "您已经评价过了。"
        };
        view! {
            <div class="flash" role="status">
                <p>{thanks}{format!("您的评价：{level}。")}</p>
                <p>"选择不满意的评价，中心会在1个工作日内电话回访，整改结果会短信告诉您。"</p>
            </div>
            <p><a href="/">"返回首页"</a></p>
        }
        .into_any()
    } else if let Some(why) = p.closed.clone() {
        view! { <p class="notice" role="status">{why}" 如对服务有意见，可以"<a href="/complain">"投诉建议"</a>"。"</p> }.into_any()
    } else if p.phone_masked.is_none() {
        view! {
            <p>{format!("评价前请先验证手机号。{}号码不会公开，只用于回访。", p.once)}</p>
            {match p.pending.clone() {
                Some(pending) => view! { <CodeForm pending verify request next=here.clone() /> }.into_any(),
                None => view! { <PhoneForm request verify next=here.clone() /> }.into_any(),
            }}
        }
        .into_any()
    } else {
        view! { <RatingForm kind=p.kind.clone() id=p.id.clone() phone=p.phone_masked.clone().unwrap_or_default() rate /> }.into_any()
    };
    view! {
        <PageTitle text=p.title.clone() />
        <PageDescription text=format!("{}：{}", p.title, p.detail) />
        <h1>{p.title.clone()}</h1>
        {(!p.detail.is_empty()).then(|| view! { <p class="lead">{p.detail.clone()}</p> })}
        {body}
    }
}

#[component]
fn RatingForm(kind: String, id: String, phone: String, rate: ServerAction<Rate>) -> impl IntoView {
    let result = rate.value();
    let err = move |f: &str| field_error(&result.get(), f);
    view! {
        <ActionForm action=rate attr:class="stack-form rating-form">
            <input type="hidden" name="kind" value=kind />
            <input type="hidden" name="id" value=id />
            <p class="hint">{format!("评价人手机：{phone}")}</p>
            <fieldset aria-describedby="rt-level-error">
                <legend>"您对这次服务满意吗？"</legend>
                {LEVELS.iter().map(|(value, label)| view! {
                    <label class="choice">
                        <input id=format!("rt-level-{value}") type="radio" name="rating[level]" value=value.to_string() data-tone=level_tone(*value) required />
                        {*label}
                    </label>
                }).collect_view()}
            </fieldset>
            {move || view! { <FieldError id="rt-level-error" message=err("level") /> }}
            <AspectChoices prefix="rt" name="rating[reasons][]" hint="满意请勾选做得好的方面；不满意请至少勾选一项需要改进的方面。" />
            {move || view! { <FieldError id="rt-reasons-error" message=err("reasons") /> }}
            <label for="rt-comment">"想说的话（可不填）"</label>
            <textarea id="rt-comment" name="rating[comment]" rows="3" maxlength=MAX_COMMENT.to_string() aria-describedby="rt-comment-error"></textarea>
            {move || view! { <FieldError id="rt-comment-error" message=err("comment") /> }}
            {move || view! { <FormError message=form_error(&result.get()) /> }}
            <button type="submit" class="primary">"提交评价"</button>
        </ActionForm>
    }
}
