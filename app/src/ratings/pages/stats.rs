//! `/staff/stats`: 好差评 statistics with charts drawn on the server and a
//! CSV of exactly the rows shown. City admins compare the 16 centers.

use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::ratings::api::*;
use crate::ratings::{permille_text, StatsView, LEVELS, STATS_BY, STATS_PERIODS};
use crate::staff::pages::CenterShown;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StatsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (q.get("code"), q.get("by"), q.get("period"))
        },
        |(code, by, period)| get_stats(code, by, period),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在统计…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <StatsBody v /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatsBody(v: StatsView) -> impl IntoView {
    let title = format!("好差评统计：{}", v.scope_label);
    let by_label = STATS_BY
        .iter()
        .find(|(c, _)| *c == v.by)
        .map(|(_, l)| *l)
        .unwrap_or("");
    let csv = format!(
        "/staff/stats.csv?code={}&by={}&period={}",
        crate::text::url_encode(&v.code),
        v.by,
        v.period
    );
    let row_view = |r: &crate::ratings::StatsRow, sum: bool| {
        let cells = r.levels.clone();
        view! {
            <tr class=sum.then_some("sum")>
                <th scope="row">{r.label.clone()}</th>
                {cells.into_iter().map(|n| view! { <td class="num">{n.to_string()}</td> }).collect_view()}
                <td class="num">{r.total.to_string()}</td>
                <td class="num">{permille_text(r.satisfaction)}</td>
                <td class="num">{r.bad.to_string()}</td>
                <td class="num">{r.rectified.to_string()}</td>
                <td class="num">{permille_text(r.rectification)}</td>
                <td class="num">{r.mean_hours.map(|h| h.to_string()).unwrap_or_else(|| "—".to_string())}</td>
            </tr>
        }
    };
    let rows = v.rows.iter().map(|r| row_view(r, false)).collect_view();
    let sum = row_view(&v.sum, true);
    view! {
        <PageTitle text=title.clone() />
        <h1>{title}</h1>
        <CenterShown choices=v.choices.clone() current=v.code.clone() />
        <form method="get" action="/staff/stats" class="filters">
            // The center (or the whole city) is chosen once, in the staff header.
            <input type="hidden" name="code" value=v.code.clone() />
            <label for="st-by">"按"</label>
            <select id="st-by" name="by">
                {v.by_choices.iter().map(|b| {
                    let label = STATS_BY.iter().find(|(c, _)| c == b).map(|(_, l)| *l).unwrap_or("");
                    view! { <option value=b.clone() selected=*b == v.by>{label}</option> }
                }).collect_view()}
            </select>
            <label for="st-period">"周期"</label>
            <select id="st-period" name="period">
                {STATS_PERIODS.iter().map(|(p, l)| view! { <option value=*p selected=*p == v.period>{*l}</option> }).collect_view()}
            </select>
            <button type="submit">"统计"</button>
        </form>
        <p class="hint">{format!("自 {} 起的窗口评价和延时预约评价。满意率 = 非常满意、满意、基本满意占全部评价的比例；整改率 = 已整改差评占差评（不含申诉成立）的比例。", v.since)}</p>
        <figure class="chart">
            <figcaption>{format!("各{by_label}评价数（好评与差评）")}</figcaption>
            <div class="chart-scroll" tabindex="0" role="img" aria-label=format!("各{by_label}评价数条形图，数据见下表") inner_html=v.bars_svg.clone()></div>
        </figure>
        <figure class="chart">
            <figcaption>"满意率变化"</figcaption>
            <div class="chart-scroll" tabindex="0" role="img" aria-label=format!("满意率折线图：{}", v.trend.iter().map(|(l, n, p)| format!("{l} {} 条 {}", n, permille_text(*p))).collect::<Vec<_>>().join("；")) inner_html=v.trend_svg.clone()></div>
        </figure>
        <p><a href=csv class="button-link">"导出本表（CSV）"</a></p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="好差评统计表">
            <table class="data">
                <caption>{format!("按{by_label}统计")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{by_label}</th>
                        {LEVELS.iter().map(|(_, l)| view! { <th scope="col" class="num">{*l}</th> }).collect_view()}
                        <th scope="col" class="num">"合计"</th>
                        <th scope="col" class="num">"满意率"</th>
                        <th scope="col" class="num">"差评"</th>
                        <th scope="col" class="num">"已整改"</th>
                        <th scope="col" class="num">"整改率"</th>
                        <th scope="col" class="num">"平均整改用时（小时）"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows}
                    {sum}
                </tbody>
            </table>
        </div>
    }
}
