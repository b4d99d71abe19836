//! `/track` and `/track/{no}`: the public tracking page. Whoever proved the
//! number (and the phone's last four digits) sees the case's timeline, adds
//! photos, confirms the answer and rates the handling; anyone else gets the
//! lookup form, which never says whether a number exists.

use crate::complaints::api::*;
use crate::complaints::{rating_label, TrackView, MAX_PHOTOS, RATINGS, RESOLUTIONS};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The message for `?photo_error=…` (the photo upload's redirect).
pub fn photo_error_message(code: &str) -> &'static str {
    match code {
        "size" => "照片不能超过5MB，请换一张或缩小后再试。",
        "type" => "只能上传JPG、PNG或WebP格式的照片。",
        "corrupt" => "这张照片无法识别，可能已损坏，请换一张。",
        "count" => "每件投诉最多添加3张照片。",
        "closed" => "投诉已办结，不能再添加照片。",
        "pixels" => "照片尺寸过大（不能超过4000万像素），请缩小后再上传。",
        "empty" => "请先选择一张照片。",
        "access" => "请先输入投诉编号和手机号后4位，再添加照片。",
        _ => "照片没有上传成功，请重试。",
    }
}

#[component]
pub fn TrackPage() -> impl IntoView {
    let params = use_params_map();
    let no = move || params.read().get("no").unwrap_or_default();
    let case = Resource::new(no, |no| async move {
        if no.trim().is_empty() {
            Err(AppError::Forbidden)
        } else {
            get_track(no).await
        }
    });
    view! {
        <PageDescription text="输入投诉编号或帮办申请编号和手机号后4位，查询投诉和帮办代办的办理进度。".to_string() />
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(view) => view! { <CaseView case=view /> }.into_any(),
                    // Not proved yet, or nothing to prove: the same form
                    // either way, so a guess learns nothing.
                    Err(AppError::Forbidden | AppError::NotFound | AppError::Unauthenticated) => {
                        view! { <Lookup no=no() /> }.into_any()
                    }
                    Err(error @ AppError::Validation { .. }) => {
                        view! { <Lookup no=no() refused=error.to_string() /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The number (a complaint's or a help request's) and the phone's last
/// four digits; the help request page shows it too.
#[component]
pub fn Lookup(no: String, #[prop(optional, into)] refused: Option<String>) -> impl IntoView {
    let lookup = ServerAction::<TrackLookup>::new();
    let result = lookup.value();
    let outcome = result.get_untracked();
    let no_error = field_error(&outcome, "tracking_no").or(refused);
    let last4_error = field_error(&outcome, "last4");
    view! {
        <PageTitle text="查询办理进度" />
        <h1>"查询投诉和帮办申请的办理进度"</h1>
        <p>"请输入投诉编号或帮办申请编号，以及提交时所留手机号的后4位。匿名投诉只需输入编号。"</p>
        <ActionForm action=lookup attr:class="stack-form narrow">
            <label for="tracking_no">"投诉编号或帮办申请编号"</label>
            <p class="hint" id="tracking_no-hint">"投诉编号如 SX-7K4Q-P2M9，帮办申请编号如 BB-7K4Q-P2M9。不分大小写，短横线可以不输。"</p>
            <input
                id="tracking_no"
                name="tracking_no"
                type="text"
                class="mono"
                value=no
                required
                maxlength="20"
                autocomplete="off"
                autocapitalize="characters"
                spellcheck="false"
                aria-describedby="tracking_no-hint tracking_no-error"
                aria-invalid=no_error.as_ref().map(|_| "true")
            />
            <FieldError id="tracking_no-error" message=no_error />
            <label for="last4">"手机号后4位（匿名投诉不用填）"</label>
            <input
                id="last4"
                name="last4"
                type="text"
                inputmode="numeric"
                maxlength="4"
                autocomplete="off"
                aria-describedby="last4-error"
                aria-invalid=last4_error.as_ref().map(|_| "true")
            />
            <FieldError id="last4-error" message=last4_error />
            {move || view! { <FormError message=form_error(&result.get()) /> }}
            <button type="submit" class="primary">"查询"</button>
        </ActionForm>
        <p class="complain-link">
            "还没有投诉？"
            <a href="/complain">"我要投诉"</a>
        </p>
        <p class="complain-link">
            "需要工作人员帮您办事？"
            <a href="/help">"申请帮办代办"</a>
        </p>
    }
}

/// One case as its citizen sees it.
#[component]
fn CaseView(case: TrackView) -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.read_untracked().get(k);
    let filed = q("done").as_deref() == Some("filed");
    let done = match q("done").as_deref() {
        Some("filed") => Some("投诉已提交。".to_string()),
        Some("feedback") if case.resolution.as_deref().is_some_and(super::is_resolved) => {
            Some("感谢您的确认。请为这次办理评价。".to_string())
        }
        Some("feedback") if case.status == "closed" => {
            Some("已收到您的确认，投诉已办结。请为这次办理评价。".to_string())
        }
        Some("feedback") => {
            Some("已收到您的确认：投诉已交给上一级重新办理，会在新的期限内答复您。".to_string())
        }
        Some("rated") => Some("感谢您的评价。".to_string()),
        _ => None,
    }
    .or_else(|| (q("photo").as_deref() == Some("ok")).then(|| "照片已添加。".to_string()));
    let photo_error = q("photo_error").map(|code| photo_error_message(&code));
    let no = case.tracking_no.clone();
    // The server's summary starts with the category ("窗口 · 3号窗口").
    let about = if case.about.is_empty() {
        case.category_label.clone()
    } else {
        case.about.clone()
    };
    view! {
        <PageTitle text=format!("投诉 {no}") />
        <h1>"投诉办理进度"</h1>
        {done.map(|m| view! { <p class="flash" role="status">{m}</p> })}
        <section class="tracking" aria-labelledby="no-title">
            <h2 id="no-title">"投诉编号"</h2>
            <p class="tracking-no">{no.clone()}</p>
            {filed.then(|| view! {
                <p class="keep-this">
                    <strong>"请记下或截图保存此编号。"</strong>
                    {if case.anonymous {
                        "匿名投诉只能凭此编号查询办理进度，丢失后无法找回。"
                    } else {
                        "凭此编号和手机号后4位可以随时查询，短信也会发送到您的手机。"
                    }}
                </p>
            })}
        </section>
        {case.on_behalf.clone().map(|line| view! { <p class="keep-this on-behalf">{line}</p> })}
        <dl class="facts">
            <dt>"状态"</dt>
            <dd><strong>{case.status_label.clone()}</strong></dd>
            <dt>"投诉对象"</dt>
            <dd>{about}</dd>
            <dt>"服务中心"</dt>
            <dd>{case.center_name.clone()}</dd>
            <dt>"提交时间"</dt>
            <dd>{case.filed_at.clone()}</dd>
            {case.accept_by.clone().map(|d| view! { <dt>"承诺受理"</dt><dd>{format!("{d}前受理")}</dd> })}
            {case.answer_by.clone().map(|d| view! { <dt>"承诺答复"</dt><dd>{format!("{d}前答复")}</dd> })}
            {case.resolution.as_deref().map(|r| view! { <dt>"您的确认"</dt><dd>{super::resolution_text(r)}</dd> })}
            {case.rating.map(|r| view! { <dt>"您的评价"</dt><dd>{rating_label(r)}</dd> })}
        </dl>
        {case.anonymous.then(|| view! {
            <p class="notice">"这是匿名投诉：只能凭投诉编号查询，工作人员无法打电话联系您。"</p>
        })}
        <section aria-labelledby="what-title">
            <h2 id="what-title">"投诉内容"</h2>
            <p class="pre">{case.what.clone()}</p>
            {(!case.wants.is_empty()).then(|| view! {
                <h3>"希望怎样解决"</h3>
                <p class="pre">{case.wants.clone()}</p>
            })}
        </section>
        <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">"办理过程"</h2>
            <ol class="timeline">
                {case.timeline.iter().map(|e| view! {
                    <li>
                        <span class="t-label">{e.label.clone()}</span>
                        <span class="t-meta">{if e.by.is_empty() { e.at.clone() } else { format!("{} · {}", e.at, e.by) }}</span>
                        {(!e.text.is_empty()).then(|| view! { <p class="pre">{e.text.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <Photos no=no.clone() photos=case.photos.clone() can_add=case.can_add_photo error=photo_error />
        {case.can_feedback.then(|| view! { <Feedback no=no.clone() /> })}
        {case.can_rate.then(|| view! { <Rate no=no.clone() /> })}
        <p class="complain-link">
            <a href="/track">"查询其他投诉"</a>
        </p>
    }
}

/// The case's photos, and a plain multipart form to add one.
#[component]
fn Photos(
    no: String,
    photos: Vec<String>,
    can_add: bool,
    error: Option<&'static str>,
) -> impl IntoView {
    let count = photos.len() as i64;
    if photos.is_empty() && !can_add {
        return ().into_any();
    }
    view! {
        <section id="photos" aria-labelledby="photos-title">
            <h2 id="photos-title">"照片"</h2>
            {(!photos.is_empty()).then(|| view! {
                <ul class="photos">
                    {photos.iter().enumerate().map(|(i, sha)| view! {
                        <li>
                            <img src=format!("/track/{no}/photos/{sha}") alt=format!("投诉照片{}", i + 1) loading="lazy" />
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {can_add.then(|| view! {
                <form
                    method="post"
                    action=format!("/track/{no}/photos")
                    enctype="multipart/form-data"
                    class="stack-form narrow"
                >
                    <label for="photo">{format!("添加照片（还可添加{}张）", (MAX_PHOTOS - count).max(0))}</label>
                    <p class="hint" id="photo-hint">"JPG、PNG或WebP格式，每张不超过5MB。照片里的拍摄地点等信息会被去除。"</p>
                    <input
                        id="photo"
                        name="photo"
                        type="file"
                        accept="image/jpeg,image/png,image/webp"
                        required
                        aria-describedby="photo-hint photo-error"
                        aria-invalid=error.map(|_| "true")
                    />
                    <FieldError id="photo-error" message=error.map(str::to_string) />
                    <button type="submit">"上传照片"</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// After the answer: 已解决 / 部分解决 / 未解决.
#[component]
fn Feedback(no: String) -> impl IntoView {
    let feedback = ServerAction::<ComplaintFeedback>::new();
    let result = feedback.value();
    let outcome = result.get_untracked();
    view! {
        <section class="act-card" aria-labelledby="feedback-title">
            <h2 id="feedback-title">"问题解决了吗？"</h2>
            <p>"请看上面的答复后选择。选“部分解决”或“未解决”，投诉会交给上一级重新办理。"</p>
            <ActionForm action=feedback attr:class="stack-form">
                <input type="hidden" name="tracking_no" value=no />
                <fieldset aria-describedby="resolution-error">
                    <legend>"您的确认"</legend>
                    {RESOLUTIONS.iter().map(|(code, label)| view! {
                        <label class="big-choice">
                            <input type="radio" name="resolution" value=*code required />
                            <span>{*label}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <FieldError id="resolution-error" message=field_error(&outcome, "resolution") />
                {move || view! { <FormError message=form_error(&result.get()) /> }}
                <button type="submit" class="primary">"提交确认"</button>
            </ActionForm>
        </section>
    }
}

/// After closing: the five levels of 好差评 and an optional comment.
#[component]
fn Rate(no: String) -> impl IntoView {
    let rate = ServerAction::<RateComplaint>::new();
    let result = rate.value();
    let outcome = result.get_untracked();
    let comment_error = field_error(&outcome, "comment");
    view! {
        <section class="act-card" aria-labelledby="rate-title">
            <h2 id="rate-title">"请为这次办理评价"</h2>
            <ActionForm action=rate attr:class="stack-form">
                <input type="hidden" name="tracking_no" value=no />
                <fieldset aria-describedby="rating-error">
                    <legend>"您对办理结果满意吗"</legend>
                    {RATINGS.iter().map(|(value, label)| view! {
                        <label class="big-choice">
                            <input type="radio" name="rating" value=value.to_string() data-tone=crate::ratings::level_tone(i64::from(*value)) required />
                            <span>{*label}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <FieldError id="rating-error" message=field_error(&outcome, "rating") />
                <crate::ratings::pages::aspects::AspectChoices prefix="rate" name="reasons[]" hint="可不选；勾选后，中心能更快知道做得好或需要改进的地方。" />
                <FieldError id="rate-reasons-error" message=field_error(&outcome, "reasons") />
                <label for="rate-comment">"想说的话（选填）"</label>
                <textarea
                    id="rate-comment"
                    name="comment"
                    rows="3"
                    maxlength="500"
                    aria-describedby="rate-comment-error"
                    aria-invalid=comment_error.as_ref().map(|_| "true")
                ></textarea>
                <FieldError id="rate-comment-error" message=comment_error />
                {move || view! { <FormError message=form_error(&result.get()) /> }}
                <button type="submit" class="primary">"提交评价"</button>
            </ActionForm>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_photo_refusal_has_its_own_words() {
        let codes = [
            "size", "type", "corrupt", "count", "closed", "pixels", "empty", "access",
        ];
        let texts: std::collections::HashSet<_> = codes
            .iter()
            .map(|c| super::photo_error_message(c))
            .collect();
        assert_eq!(texts.len(), codes.len());
        assert!(super::photo_error_message("size").contains("5MB"));
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;
    use leptos_router::components::Router;
    use leptos_router::location::RequestUrl;

    fn case() -> TrackView {
        TrackView {
            tracking_no: "SX-7K4Q-P2M9".into(),
            category_label: "窗口".into(),
            center_name: "沁园街道便民服务中心".into(),
            about: "窗口 · 3号窗口".into(),
            what: "等了两个小时没人办理".into(),
            wants: String::new(),
            status: "received".into(),
            status_label: "待受理".into(),
            filed_at: "2026-12-01 09:00".into(),
            accept_by: Some("12月2日 周三".into()),
            answer_by: None,
            anonymous: false,
            timeline: vec![],
            photos: vec![],
            can_add_photo: false,
            can_feedback: false,
            can_rate: false,
            resolution: None,
            rating: None,
            on_behalf: Some("由帮办员 王帮办 经您授权代您提交（授权编号 5）".into()),
        }
    }

    fn render(case: TrackView) -> String {
        Owner::new().with(|| {
            provide_context(RequestUrl::new("/track/SX-7K4Q-P2M9"));
            view! { <Router><CaseView case /></Router> }
                .to_html()
                .replace("<!>", "")
        })
    }

    #[test]
    fn a_complaint_filed_for_the_citizen_says_so() {
        let page = render(case());
        assert!(
            page.contains(
                r#"<p class="keep-this on-behalf">由帮办员 王帮办 经您授权代您提交（授权编号 5）</p>"#
            ),
            "{page}"
        );
        // Near the top: before the facts.
        assert!(page.find("on-behalf") < page.find(r#"<dl class="facts">"#));
        let mut own = case();
        own.on_behalf = None;
        assert!(!render(own).contains("on-behalf"));
    }
}
