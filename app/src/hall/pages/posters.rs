//! `/staff/posters`: a center's posters and stickers, each with its short
//! link and how often it was scanned, week by week.

use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::hall::api::*;
use crate::hall::PostersView;
use crate::staff::pages::CenterShown;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PostersPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("code").filter(|c| !c.is_empty()),
        get_posters,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <PostersBody v /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PostersBody(v: PostersView) -> impl IntoView {
    let title = format!("海报与二维码：{}", v.center_name);
    // Weeks as 11/23 (the Monday), newest first.
    let weeks: Vec<String> = v
        .weeks
        .iter()
        .map(|w| {
            let mut parts = w.split('-').skip(1);
            match (parts.next(), parts.next()) {
                (Some(m), Some(d)) => format!(
                    "{}/{}",
                    m.trim_start_matches('0'),
                    d.trim_start_matches('0')
                ),
                _ => w.clone(),
            }
        })
        .collect();
    view! {
        <PageTitle text=title.clone() />
        <h1>{title}</h1>
        <CenterShown choices=v.choices.clone() current=v.code.clone() />
        <p class="hint">
            "每张海报有自己的短网址，群众扫码一次计一次（不记录是谁扫的）。按周统计，每周从周一开始。办事指南海报在事项页面的“打印二维码海报”生成后出现在这里。"
        </p>
        {v.warning.clone().map(|w| view! { <p class="warning-box" role="note">{w}</p> })}
        <div class="table-wrap" tabindex="0" role="region" aria-label="海报扫码次数">
            <table class="data">
                <caption>"各海报每周扫码次数"</caption>
                <thead>
                    <tr>
                        <th scope="col">"海报"</th>
                        <th scope="col">"短网址"</th>
                        {weeks.iter().map(|w| view! { <th scope="col" class="num">{format!("{w}周")}</th> }).collect_view()}
                        <th scope="col" class="num">{format!("{}周合计", v.weeks.len())}</th>
                    </tr>
                </thead>
                <tbody>
                    {v.rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row"><a href=r.poster_href.clone()>{r.label.clone()}</a></th>
                            <td class="mono">{format!("/q/{}", r.code)}</td>
                            {r.scans.iter().map(|n| view! { <td class="num">{n.to_string()}</td> }).collect_view()}
                            <td class="num"><strong>{r.total.to_string()}</strong></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
