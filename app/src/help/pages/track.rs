//! `/help/{no}`: a help request as its citizen follows it — what happens
//! next, the helper and their work phone, where the papers are, the timeline;
//! cancel while it is open, rate when it is done. Whoever has not proved the
//! number (and the phone's last four digits) gets the lookup form, which
//! never says whether a number exists.

use crate::complaints::pages::track::Lookup;
use crate::complaints::{rating_label, RATINGS};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use crate::help::api::*;
use crate::help::{place_label, HelpTrack};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A place as the citizen reads it, whether the server sent its code
/// (`station`) or already its words.
pub fn place_text(place: &str) -> String {
    match place_label(place) {
        "" => place.to_string(),
        label => label.to_string(),
    }
}

/// The `tel:` address of a work phone as people write it ("0391-6612345",
/// several numbers separated by 、): the first number's digits (and a
/// leading +); None when there is no number in it.
pub fn tel_href(phone: &str) -> Option<String> {
    let first = phone
        .split(['、', '，', ',', '/', ';', '；'])
        .map(str::trim)
        .find(|p| p.chars().any(|c| c.is_ascii_digit()))?;
    let mut out = String::new();
    for c in first.chars() {
        if c.is_ascii_digit() || (c == '+' && out.is_empty()) {
            out.push(c);
        }
    }
    out.chars()
        .any(|c| c.is_ascii_digit())
        .then(|| format!("tel:{out}"))
}

/// "某某村便民服务站（张三）", or the place alone (also when the name only
/// repeats it, as "群众本人" does for the citizen's own hands).
fn place_and_name(place: &str, name: &str) -> String {
    let place = place_text(place);
    if name.trim().is_empty() || name.trim() == place {
        place
    } else {
        format!("{place}（{name}）")
    }
}

#[component]
pub fn HelpTrackPage() -> impl IntoView {
    let params = use_params_map();
    let no = move || params.read().get("no").unwrap_or_default();
    let request = Resource::new(no, |no| async move {
        if no.trim().is_empty() {
            Err(AppError::Forbidden)
        } else {
            get_help_track(no).await
        }
    });
    view! {
        <PageDescription text="输入帮办申请编号和手机号后4位，查询帮办代办的办理进度。".to_string() />
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match request.await {
                    Ok(track) => view! { <RequestView track /> }.into_any(),
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

/// One request as its citizen sees it.
#[component]
fn RequestView(track: HelpTrack) -> impl IntoView {
    let query = use_query_map();
    let done = match query.read_untracked().get("done").as_deref() {
        Some("filed") => Some("申请已提交。"),
        Some("cancelled") => Some("申请已取消。"),
        Some("rated") => Some("感谢您的评价。"),
        _ => None,
    };
    let no = track.tracking_no.clone();
    let about = if track.about.is_empty() {
        "还没有确定事项，帮办员会帮您判断".to_string()
    } else {
        track.about.clone()
    };
    let helper = track.helper.clone().map(|(name, phone)| {
        let tel = tel_href(&phone);
        view! {
            <section class="helper-card" aria-labelledby="helper-title">
                <h2 id="helper-title">"您的帮办员"</h2>
                <p class="helper-name">{name}</p>
                {match tel {
                    Some(href) => view! {
                        <p>
                            <a class="button-link" href=href>{format!("打电话：{phone}")}</a>
                        </p>
                    }
                    .into_any(),
                    None => view! { <p>{format!("工作电话：{phone}")}</p> }.into_any(),
                }}
            </section>
        }
    });
    // Once it is over, papers not yet handed back are still somewhere: say so.
    let over = matches!(track.status.as_str(), "done" | "cancelled");
    let papers = (track.holder.is_some() || !track.handoffs.is_empty()).then(|| {
        view! {
            <section aria-labelledby="papers-title">
                <h2 id="papers-title">"您的材料"</h2>
                {track.holder.as_deref().map(|h| {
                    let back = place_text(h) == crate::help::place_label("citizen");
                    if over && !back {
                        view! {
                            <p class="holder">
                                "材料最后交到：" <strong>{place_text(h)}</strong>
                                "。原件如需取回，请联系帮办员。"
                            </p>
                        }.into_any()
                    } else {
                        view! { <p class="holder">"您的材料现在在：" <strong>{place_text(h)}</strong></p> }.into_any()
                    }
                })}
                {(!track.handoffs.is_empty()).then(|| view! {
                    <ol class="timeline handoffs" aria-label="材料交接记录">
                        {track.handoffs.iter().map(|h| view! {
                            <li>
                                <span class="t-label">
                                    {format!(
                                        "{} → {}",
                                        place_and_name(&h.from_place, &h.from_name),
                                        place_and_name(&h.to_place, &h.to_name),
                                    )}
                                </span>
                                <span class="t-meta">{h.at.clone()}</span>
                                {(!h.note.is_empty()).then(|| view! { <p class="pre">{h.note.clone()}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                })}
            </section>
        }
    });
    view! {
        <PageTitle text=format!("帮办申请 {no}") />
        <h1>"帮办申请办理进度"</h1>
        {done.map(|m| view! { <p class="flash" role="status">{m}</p> })}
        <section class="tracking" aria-labelledby="no-title">
            <h2 id="no-title">"申请编号"</h2>
            <p class="tracking-no">{no.clone()}</p>
            <p class="keep-this">
                <strong>"请记下编号。"</strong>
                "凭编号和手机号后4位可以随时在“进度查询”里查看，办理进度也会短信通知您。"
            </p>
        </section>
        <section class="next-step" aria-labelledby="next-title">
            <h2 id="next-title">"接下来"</h2>
            <p>{track.next_step.clone()}</p>
        </section>
        <dl class="facts">
            <dt>"状态"</dt>
            <dd><strong>{track.status_label.clone()}</strong></dd>
            <dt>"帮助方式"</dt>
            <dd>{track.mode_label.clone()}</dd>
            <dt>"要办的事"</dt>
            <dd>{about}</dd>
            <dt>"地点"</dt>
            <dd>{track.place.clone()}</dd>
            <dt>"方便的时间"</dt>
            <dd>{track.when_label.clone()}</dd>
            <dt>"提交时间"</dt>
            <dd>{track.filed_at.clone()}</dd>
            {track.rating.map(|r| view! { <dt>"您的评价"</dt><dd>{rating_label(r)}</dd> })}
        </dl>
        {track.on_behalf.clone().map(|line| view! { <p class="notice on-behalf">{line}</p> })}
        {helper}
        {papers}
        <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">"办理过程"</h2>
            <ol class="timeline">
                {track.timeline.iter().map(|e| view! {
                    <li>
                        <span class="t-label">{e.label.clone()}</span>
                        <span class="t-meta">{if e.by.is_empty() { e.at.clone() } else { format!("{} · {}", e.at, e.by) }}</span>
                        {(!e.text.is_empty()).then(|| view! { <p class="pre">{e.text.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {track.can_rate.then(|| view! { <Rate no=no.clone() /> })}
        {track.can_cancel.then(|| view! { <Cancel no=no.clone() /> })}
        <p class="complain-link">
            <a href="/track">"查询其他申请"</a>
        </p>
    }
}

/// While the request is open: cancel it, with a reason.
#[component]
fn Cancel(no: String) -> impl IntoView {
    let cancel = ServerAction::<CancelHelp>::new();
    let result = cancel.value();
    let outcome = result.get_untracked();
    let reason_error = field_error(&outcome, "reason");
    view! {
        <section class="act-card" aria-labelledby="cancel-title">
            <h2 id="cancel-title">"不需要帮办了？"</h2>
            <p>"取消后帮办员不再为您办理。材料已交给帮办员的，会联系您取回。"</p>
            <ActionForm action=cancel attr:class="stack-form">
                <input type="hidden" name="tracking_no" value=no />
                <label for="cancel-reason">"取消的原因"</label>
                <p class="hint" id="cancel-reason-hint">"如：已经自己办好了、不用办了。"</p>
                <textarea
                    id="cancel-reason"
                    name="reason"
                    rows="3"
                    required
                    maxlength=crate::help::MAX_STEP_CHARS.to_string()
                    aria-describedby="cancel-reason-hint cancel-reason-error"
                    aria-invalid=reason_error.as_ref().map(|_| "true")
                ></textarea>
                <FieldError id="cancel-reason-error" message=reason_error />
                {move || view! { <FormError message=form_error(&result.get()) /> }}
                <button type="submit">"取消申请"</button>
            </ActionForm>
        </section>
    }
}

/// When done: the five levels of 好差评 and an optional comment.
#[component]
fn Rate(no: String) -> impl IntoView {
    let rate = ServerAction::<RateHelp>::new();
    let result = rate.value();
    let outcome = result.get_untracked();
    let comment_error = field_error(&outcome, "comment");
    view! {
        <section class="act-card" aria-labelledby="rate-title">
            <h2 id="rate-title">"请为这次帮办评价"</h2>
            <ActionForm action=rate attr:class="stack-form">
                <input type="hidden" name="tracking_no" value=no />
                <fieldset aria-describedby="rating-error">
                    <legend>"您对帮办员的服务满意吗"</legend>
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
    use super::*;

    #[test]
    fn places_read_the_same_as_code_or_words() {
        assert_eq!(place_text("station"), "村（社区）便民服务站");
        assert_eq!(place_text("克井镇便民服务中心"), "克井镇便民服务中心");
        assert_eq!(place_and_name("window", "李四"), "受理窗口（李四）");
        assert_eq!(place_and_name("citizen", " "), "已交还本人");
        assert_eq!(place_and_name("群众本人", "群众本人"), "群众本人");
    }

    #[test]
    fn work_phones_become_tel_links() {
        assert_eq!(tel_href("0391-6612345").as_deref(), Some("tel:03916612345"));
        assert_eq!(
            tel_href("138 0000 0000、0391-6612345").as_deref(),
            Some("tel:13800000000")
        );
        assert_eq!(
            tel_href("+86 138-0000-0000").as_deref(),
            Some("tel:+8613800000000")
        );
        assert_eq!(tel_href("（无）、0391-1"), Some("tel:03911".to_string()));
        assert_eq!(tel_href(""), None);
        assert_eq!(tel_href("暂无"), None);
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;
    use crate::complaints::TimelineEntry;
    use crate::help::Handoff;
    use leptos_router::components::Router;
    use leptos_router::location::RequestUrl;

    fn track() -> HelpTrack {
        HelpTrack {
            tracking_no: "BB-7K4Q-P2M9".into(),
            mode: "proxy".into(),
            mode_label: "代办".into(),
            about: "残疾人证".into(),
            place: "济水街道便民服务中心".into(),
            when_label: "工作日上午".into(),
            status: "in_progress".into(),
            status_label: "正在办理".into(),
            next_step: "帮办员正在替您办理。".into(),
            filed_at: "2026-12-01 09:00".into(),
            helper: Some(("王帮办".into(), "0391-6612345".into())),
            holder: Some("window".into()),
            handoffs: vec![Handoff {
                at: "2026-12-02 10:00".into(),
                from_place: "station".into(),
                to_place: "window".into(),
                from_name: "王帮办".into(),
                to_name: "李窗口".into(),
                note: String::new(),
            }],
            timeline: vec![TimelineEntry {
                at: "2026-12-01 09:00".into(),
                label: "已提交".into(),
                by: "您".into(),
                text: String::new(),
            }],
            can_cancel: true,
            can_rate: false,
            rating: None,
            on_behalf: Some("由帮办员 王帮办 代您提交（授权 #3）".into()),
        }
    }

    #[test]
    fn the_citizen_sees_who_helps_where_the_papers_are_and_can_cancel() {
        Owner::new().with(|| {
            provide_context(RequestUrl::new("/help/BB-7K4Q-P2M9?done=filed"));
            let page = view! { <Router><RequestView track=track() /></Router> }
                .to_html()
                .replace("<!>", "");
            for part in [
                r#"<p class="tracking-no">BB-7K4Q-P2M9</p>"#,
                "请记下编号。",
                "申请已提交。",
                r#"href="tel:03916612345""#,
                "您的材料现在在：<strong>受理窗口</strong>",
                "村（社区）便民服务站（王帮办） → 受理窗口（李窗口）",
                "由帮办员 王帮办 代您提交",
                r#"name="reason""#,
            ] {
                assert!(page.contains(part), "{part} missing in {page}");
            }
            assert!(!page.contains(r#"name="rating""#));
        });
    }
}
