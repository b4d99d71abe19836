//! Printable A4 posters and the window sticker sheet. Public: a center's
//! staff print them from any browser. Print CSS gives each poster a whole
//! A4 page with no browser margins, so no header or footer can cut into a
//! code; on screen a short how-to-print note comes first.

use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use crate::hall::api::*;
use crate::hall::{Poster, PosterKind, QrLink, StickerSheet};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/centers/{code}/poster?for=booking|complaint|help|track` (booking when absent).
#[component]
pub fn CenterPosterPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let poster = Resource::new(
        move || {
            (
                params.read().get("code").unwrap_or_default(),
                query.read().get("for"),
            )
        },
        |(code, kind)| get_center_poster(code, kind),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在生成海报…"</p> }>
            {move || Suspend::new(async move {
                let code = params.read_untracked().get("code").unwrap_or_default();
                match poster.await {
                    Ok(p) => view! { <PrintHelp warning=p.warning.clone() others=Some(code) /><PosterSheet p /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/items/{seq}/poster?center={code}`.
#[component]
pub fn ItemPosterPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let poster = Resource::new(
        move || {
            (
                params.read().get("seq").and_then(|s| s.parse::<i32>().ok()),
                query.read().get("center"),
            )
        },
        |(seq, center)| async move {
            match seq {
                Some(seq) => get_item_poster(seq, center).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在生成海报…"</p> }>
            {move || Suspend::new(async move {
                match poster.await {
                    Ok(p) => view! { <PrintHelp warning=p.warning.clone() others=None /><PosterSheet p /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/centers/{code}/stickers`: one sticker per window in service.
#[component]
pub fn StickersPage() -> impl IntoView {
    let params = use_params_map();
    let sheet = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        get_stickers,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在生成贴纸…"</p> }>
            {move || Suspend::new(async move {
                match sheet.await {
                    Ok(s) => view! { <Stickers s /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// How to print, what the code holds if it is not the public address, and
/// the center's other posters.
#[component]
fn PrintHelp(warning: Option<String>, others: Option<String>) -> impl IntoView {
    view! {
        <div class="print-help no-print">
            <p>"打印方法：在浏览器菜单中选择“打印”，纸张选 A4，页边距选“无”，缩放选 100%。"</p>
            {warning.map(|w| view! { <p class="warning-box" role="note">{w}</p> })}
            {others.map(|code| {
                let c = crate::text::url_encode(&code);
                view! {
                    <p>
                        "本中心的其他海报："
                        {PosterKind::CENTER_PAGES
                            .into_iter()
                            .map(|k| {
                                let href = if k == PosterKind::Booking {
                                    format!("/centers/{c}/poster")
                                } else {
                                    format!("/centers/{c}/poster?for={}", k.as_str())
                                };
                                view! { <a href=href class="chip">{k.label()}</a> " " }
                            })
                            .collect_view()}
                        <a href=format!("/centers/{c}/stickers") class="chip">"窗口评价贴纸"</a>
                    </p>
                }
            })}
        </div>
    }
}

/// The code, with its address for readers and for tests.
#[component]
fn QrFigure(qr: QrLink, class: &'static str) -> impl IntoView {
    view! {
        <figure class=class data-url=qr.url.clone()>
            <div role="img" aria-label=format!("二维码，内容为 {}", qr.url) inner_html=qr.svg></div>
        </figure>
    }
}

#[component]
fn PosterSheet(p: Poster) -> impl IntoView {
    let title = format!("海报：{} - {}", p.title, p.center_name);
    view! {
        <PageTitle text=title />
        <PageDescription text=format!("{}：{}", p.title, p.subtitle) />
        <article class="poster" aria-labelledby="poster-title">
            <p class="poster-center">{p.center_name.clone()}</p>
            <h1 id="poster-title" class="poster-title">{p.title.clone()}</h1>
            <p class="poster-sub">{p.subtitle.clone()}</p>
            <QrFigure qr=p.qr.clone() class="poster-qr" />
            <ol class="poster-steps">
                {p.steps.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}
            </ol>
            <p class="poster-url">"不方便扫码？在手机浏览器输入："<strong>{p.qr.text.clone()}</strong></p>
            {p.local.then(|| view! { <p class="poster-warning">"测试用：二维码是本机地址，手机扫码打不开，请勿张贴"</p> })}
        </article>
    }
}

#[component]
fn Stickers(s: StickerSheet) -> impl IntoView {
    let title = format!("窗口评价贴纸 - {}", s.center_name);
    let empty = s.stickers.is_empty();
    let center = s.center_name.clone();
    let local = s.local;
    view! {
        <PageTitle text=title.clone() />
        <PageDescription text=title.clone() />
        <div class="print-help no-print">
            <h1>{title}</h1>
            <p>"打印方法：在浏览器菜单中选择“打印”，纸张选 A4，页边距选“无”，缩放选 100%。沿虚线剪下，贴在窗口台面。"</p>
            {s.warning.clone().map(|w| view! { <p class="warning-box" role="note">{w}</p> })}
            {empty.then(|| view! {
                <p class="empty">
                    "本中心还没有登记窗口，请中心管理员先在后台“服务窗口”里登记。"
                </p>
            })}
        </div>
        <div class="sticker-sheet">
            {s.stickers.into_iter().map(|st| {
                let center = center.clone();
                view! {
                    <section class="sticker" aria-label=format!("{} 号窗口评价贴纸", st.number)>
                        <p class="sticker-center">{center}</p>
                        <p class="sticker-window"><strong>{format!("{} 号窗口", st.number)}</strong>" "{st.name.clone()}</p>
                        <p class="sticker-call">"扫码评价本窗口服务"</p>
                        <QrFigure qr=st.qr.clone() class="sticker-qr" />
                        <p class="sticker-url">{st.qr.text.clone()}</p>
                        {local.then(|| view! { <p class="poster-warning">"测试地址，勿张贴"</p> })}
                    </section>
                }
            }).collect_view()}
        </div>
    }
}
