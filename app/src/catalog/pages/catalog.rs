//! The catalog: 主项 → 子项 → 业务办理项, filtered by URL query parameters
//! (`dept`, `type`, `level`, `prov`) so every filtered view has an address.

use crate::catalog::api::get_catalog;
use crate::catalog::{level_label, CatalogFilter, CatalogPage as Page, MainGroup};
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn CatalogPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let non_empty = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        CatalogFilter {
            department: non_empty("dept"),
            item_type: non_empty("type"),
            level: non_empty("level"),
            provincial: non_empty("prov").map(|v| v == "1"),
        }
    };
    let page = Resource::new(filter, |f| {
        get_catalog(f.department, f.item_type, f.level, f.provincial)
    });
    view! {
        <PageTitle text="事项目录" />
        <PageDescription text="济源市镇（街道）便民服务中心的全部可办事项，可按部门、类型和办理层级筛选。".to_string() />
        <h1>"事项目录"</h1>
        <p class="lead">"济源市镇（街道）政务服务事项通用目录，按主项、子项、业务办理项排列。"</p>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <CatalogBody page filter=filter() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CatalogBody(page: Page, filter: CatalogFilter) -> impl IntoView {
    let facets = page.facets.clone();
    let selected = |cur: &Option<String>, v: &str| cur.as_deref() == Some(v);
    let prov = filter.provincial;
    view! {
        <Form method="GET" action="/items" attr:class="filters">
            <div class="field">
                <label for="f-dept">"指导部门"</label>
                <select id="f-dept" name="dept">
                    <option value="">"全部部门"</option>
                    {facets
                        .departments
                        .iter()
                        .map(|d| {
                            view! {
                                <option value=d.clone() selected=selected(&filter.department, d)>
                                    {d.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-type">"事项类型"</label>
                <select id="f-type" name="type">
                    <option value="">"全部类型"</option>
                    {facets
                        .item_types
                        .iter()
                        .map(|t| {
                            view! {
                                <option value=t.clone() selected=selected(&filter.item_type, t)>
                                    {t.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-level">"办理层级"</label>
                <select id="f-level" name="level">
                    <option value="">"全部层级"</option>
                    {facets
                        .levels
                        .iter()
                        .map(|l| {
                            view! {
                                <option value=l.clone() selected=selected(&filter.level, l)>
                                    {format!("{l}：{}", level_label(l))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-prov">"省目录"</label>
                <select id="f-prov" name="prov">
                    <option value="">"不限"</option>
                    <option value="1" selected=prov == Some(true)>"列入省目录"</option>
                    <option value="0" selected=prov == Some(false)>"未列入省目录"</option>
                </select>
            </div>
            <div class="actions">
                <button type="submit">"筛选"</button>
                {(!filter.is_empty()).then(|| view! { <A href="/items">"清除筛选"</A> })}
            </div>
        </Form>
        <p class="result-count" role="status">
            {if page.shown == page.total {
                format!("共{}项", page.total)
            } else {
                format!("共{}项，符合条件{}项", page.total, page.shown)
            }}
        </p>
        {if page.groups.is_empty() {
            view! { <p class="notice">"没有符合条件的事项，请减少筛选条件。"</p> }.into_any()
        } else {
            view! {
                <div class="catalog">
                    {page.groups.into_iter().map(|g| view! { <MainGroupView group=g /> }).collect_view()}
                </div>
            }
                .into_any()
        }}
    }
}

#[component]
fn MainGroupView(group: MainGroup) -> impl IntoView {
    let single = group.subs.len() == 1 && group.subs[0].sub_item == group.main_item;
    view! {
        <section class="main-group">
            <h2>{group.main_item.clone()}</h2>
            <p class="dept">{group.department.clone()}</p>
            {group
                .subs
                .into_iter()
                .map(|sub| {
                    view! {
                        <div class="sub-group">
                            {(!single).then(|| view! { <h3>{sub.sub_item.clone()}</h3> })}
                            <ul class="item-links compact">
                                {sub
                                    .items
                                    .into_iter()
                                    .map(|item| {
                                        view! {
                                            <li>
                                                <A href=format!("/items/{}", item.seq)>
                                                    <span class="item-name">{item.business_item.clone()}</span>
                                                    <span class="item-context">
                                                        {format!(
                                                            "{} · {}{}",
                                                            item.item_type,
                                                            if item.level == "DE" { "村站可办" } else { "中心办理" },
                                                            if item.provincial_catalog { " · 省目录" } else { "" },
                                                        )}
                                                    </span>
                                                </A>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
}
