//! An item: its catalog facts and its guide, with a materials checklist the
//! citizen can tick and print.

use crate::catalog::api::get_item;
use crate::catalog::{Guide, ItemDetail, Material};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::{item_list::ItemLinks, notice::ErrorNotice};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ItemPage() -> impl IntoView {
    let params = use_params_map();
    let seq = move || params.read().get("seq").and_then(|s| s.parse::<i32>().ok());
    let item = Resource::new(seq, |seq| async move {
        match seq {
            Some(seq) => get_item(seq).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match item.await {
                    Ok(detail) => view! { <ItemView detail /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ItemView(detail: ItemDetail) -> impl IntoView {
    let item = detail.item;
    // The guide's summary (staff-authored) when there is one.
    let description = match &detail.guide {
        Some(g) if !g.content.summary.trim().is_empty() => g.content.summary.clone(),
        _ => format!(
            "{}（{}）：办事指南、所需材料和可办理的便民服务中心。",
            item.business_item, item.department
        ),
    };
    view! {
        <PageTitle text=item.business_item.clone() />
        <PageDescription text=description />
        <nav class="breadcrumb" aria-label="位置">
            <A href="/items">"事项目录"</A>
            " › "
            {item.main_item.clone()}
        </nav>
        <h1>{item.business_item.clone()}</h1>
        <p class="no-print">
            <a href=format!("/book?seq={}", item.seq)>"上班没空？预约延时服务办理"</a>
        </p>
        <p class="no-print help-entry">
            "腿脚不便、不会办或没空跑？"
            <a href=format!("/help?seq={}", item.seq)>"请工作人员帮我办（帮办代办）"</a>
        </p>
        <table class="facts">
            <caption>"目录信息"</caption>
            <tbody>
                <tr>
                    <th scope="row">"主项"</th>
                    <td>{item.main_item.clone()}</td>
                </tr>
                <tr>
                    <th scope="row">"子项"</th>
                    <td>{item.sub_item.clone()}</td>
                </tr>
                <tr>
                    <th scope="row">"事项类型"</th>
                    <td>{item.item_type.clone()}</td>
                </tr>
                <tr>
                    <th scope="row">"办理层级"</th>
                    <td>{item.level_label()}</td>
                </tr>
                <tr>
                    <th scope="row">"指导部门"</th>
                    <td>{item.department.clone()}</td>
                </tr>
                <tr>
                    <th scope="row">"省目录"</th>
                    <td>{if item.provincial_catalog { "是" } else { "否" }}</td>
                </tr>
                <tr>
                    <th scope="row">"目录序号"</th>
                    <td>{item.seq}</td>
                </tr>
            </tbody>
        </table>
        {match detail.guide {
            Some(guide) => view! { <GuideView guide /> }.into_any(),
            None => {
                view! {
                    <section class="notice" aria-labelledby="pending-title">
                        <h2 id="pending-title">"办事指南正在编制中"</h2>
                        <p>
                            "本事项的办事指南正在编制，暂不能在线查看所需材料。请带好本人身份证件，到所在镇（街道）便民服务中心咨询办理。"
                        </p>
                        <p>
                            <A href="/centers">"查看便民服务中心的地址和电话"</A>
                        </p>
                    </section>
                }
                    .into_any()
            }
        }}
        <p class="no-print complain-link">
            "办理这个事项遇到问题？"
            <a href=format!("/complain?category=item&seq={}", item.seq)>"我要投诉"</a>
            " · 这份指南说清楚了吗？"
            <a href=format!("/rate/item/{}", item.seq)>"评价办事指南"</a>
        </p>
        {(!detail.related.is_empty())
            .then(|| {
                view! {
                    <section class="related no-print" aria-labelledby="related-title">
                        <h2 id="related-title">"相关事项"</h2>
                        <ItemLinks items=detail.related />
                    </section>
                }
            })}
    }
}

#[component]
fn GuideView(guide: Guide) -> impl IntoView {
    let c = guide.content;
    let list = |items: Vec<String>| {
        view! { <ul>{items.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul> }
    };
    view! {
        {guide
            .sample
            .then(|| {
                view! {
                    <p class="sample-banner" role="note">
                        <strong>"示例内容，以窗口告知为准"</strong>
                        "：本指南为示例，材料和时限请以便民服务中心窗口告知为准。"
                    </p>
                }
            })}
        <p class="published">{format!("指南版本 {} · 发布于 {}", guide.version, guide.published_on)}</p>
        <p class="lead">{c.summary}</p>
        <Checklist materials=c.materials />
        <section aria-labelledby="g-cond">
            <h2 id="g-cond">"受理条件"</h2>
            {list(c.conditions)}
        </section>
        <section aria-labelledby="g-proc">
            <h2 id="g-proc">"办理流程"</h2>
            <ol>{c.process.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
        </section>
        <section aria-labelledby="g-facts">
            <h2 id="g-facts">"办理须知"</h2>
            <dl class="facts">
                <dt>"办件类型"</dt>
                <dd>{c.handling_type}</dd>
                <dt>"法定时限"</dt>
                <dd>{c.legal_time_limit}</dd>
                <dt>"承诺时限"</dt>
                <dd>{c.promised_time_limit}</dd>
                <dt>"收费"</dt>
                <dd>{c.fee}</dd>
                <dt>"办理结果"</dt>
                <dd>{c.result}</dd>
                <dt>"送达方式"</dt>
                <dd>{c.delivery}</dd>
                <dt>"到现场次数"</dt>
                <dd>{format!("{}次", c.visits)}</dd>
                <dt>"全市通办"</dt>
                <dd>{if c.citywide { "是，可在任一便民服务中心办理" } else { "否，请到户籍或所在地便民服务中心办理" }}</dd>
                <dt>"可办渠道"</dt>
                <dd>{c.channels.join("、")}</dd>
                <dt>"咨询与监督"</dt>
                <dd>
                    <A href="/centers">"请联系所在便民服务中心"</A>
                </dd>
            </dl>
        </section>
        <section aria-labelledby="g-basis">
            <h2 id="g-basis">"设定依据"</h2>
            {list(c.legal_basis)}
        </section>
    }
}

/// The materials as checkboxes: ticking works without JavaScript, and the
/// print stylesheet prints just this list with the item's name.
#[component]
fn Checklist(materials: Vec<Material>) -> impl IntoView {
    let required = materials.iter().filter(|m| m.required).count();
    view! {
        <section class="checklist" aria-labelledby="g-mat">
            <h2 id="g-mat">"申请材料"</h2>
            <p>
                {format!(
                    "共{}项材料，其中{}项必须提供，其余视情况提供。出门前逐项勾选，一次带齐。",
                    materials.len(),
                    required,
                )}
            </p>
            <ul class="materials">
                {materials
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let id = format!("m{i}");
                        view! {
                            <li>
                                <input type="checkbox" id=id.clone() />
                                <label for=id>
                                    <span class="m-name">{m.name}</span>
                                    <span class="m-spec">
                                        {format!("{} {}份 · {}", m.form, m.copies, m.medium)}
                                    </span>
                                    {if m.required {
                                        view! { <span class="badge badge-required">"必须"</span> }.into_any()
                                    } else {
                                        view! {
                                            <span class="badge">"视情况"</span>
                                            <span class="m-cond">{m.condition}</span>
                                        }
                                            .into_any()
                                    }}
                                    {(!m.note.is_empty()).then(|| view! { <span class="m-note">{m.note}</span> })}
                                </label>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <PrintButton />
        </section>
    }
}

/// A print button once the island is hydrated; before (or without
/// JavaScript) a hint to use the browser's own menu.
#[island(lazy)]
fn PrintButton() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Show
            when=move || hydrated.get()
            fallback=|| view! { <p class="print-hint no-print">"可用浏览器菜单中的“打印”保存这份清单。"</p> }
        >
            <button type="button" class="no-print" on:click=|_| print_page()>
                "打印材料清单"
            </button>
        </Show>
    }
}

fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
