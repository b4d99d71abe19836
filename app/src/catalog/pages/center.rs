use crate::catalog::api::get_center;
use crate::catalog::Center;
use crate::components::head::{PageDescription, PageTitle};
use crate::components::{item_list::ItemLinks, notice::ErrorNotice};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CenterPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let center = Resource::new(code, get_center);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match center.await {
                    Ok(detail) => {
                        view! {
                            <PageTitle text=detail.center.center_name.clone() />
                            <PageDescription text=format!("{}：地址、办公时间、可办事项和延时预约。", detail.center.center_name) />
                            <nav class="breadcrumb" aria-label="位置">
                                <a href="/centers">"便民服务中心"</a>
                                " › "
                                {detail.center.name.clone()}
                            </nav>
                            <h1>{detail.center.center_name.clone()}</h1>
                            <CenterContact center=detail.center.clone() />
                            <p>
                                <a href=format!("/book/{}", detail.center.code) class="button-link">
                                    "预约延时服务（午间、晚间、周末）"
                                </a>
                            </p>
                            <section aria-labelledby="scope-title">
                                <h2 id="scope-title">"可办事项"</h2>
                                <p>
                                    {format!("本中心可受理通用目录中的{}项事项。", detail.item_count)}
                                    <a href="/items">"查看全部事项"</a>
                                </p>
                                {(!detail.unavailable.is_empty()).then(|| view! {
                                    <h3>"本中心暂不可办"</h3>
                                    <ul class="unavailable">
                                        {detail.unavailable.iter().map(|u| view! {
                                            <li>
                                                <a href=format!("/items/{}", u.item.seq)>{u.item.business_item.clone()}</a>
                                                {u.alternative.as_ref().map(|c| view! {
                                                    "：请到"
                                                    <a href=format!("/centers/{}", c.code)>{c.center_name.clone()}</a>
                                                    "办理"
                                                })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                <h3>{format!("村（社区）便民服务站也可办理的{}项", detail.village_items.len())}</h3>
                                <ItemLinks items=detail.village_items />
                            </section>
                            {(!detail.stations.is_empty()).then(|| view! { <StationList stations=detail.stations.clone() /> })}
                            <p class="complain-link">
                                "对本中心的服务不满意？"
                                <a href=format!("/complain?category=center&center={}", detail.center.code)>
                                    "我要投诉"
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Address, phone and hours as the center's admin set them; never invented.
#[component]
pub fn CenterContact(center: Center) -> impl IntoView {
    let or_pending = |v: &str| {
        if v.trim().is_empty() {
            "暂未公布（由中心管理员填写）".to_string()
        } else {
            v.to_string()
        }
    };
    let phone = center.phone.clone();
    view! {
        <dl class="facts">
            <dt>"地址"</dt>
            <dd>{or_pending(&center.address)}</dd>
            <dt>"咨询电话"</dt>
            <dd>
                {if phone.is_empty() {
                    or_pending("").into_any()
                } else {
                    view! { <a href=format!("tel:{phone}")>{phone.clone()}</a> }.into_any()
                }}
            </dd>
            <dt>"办公时间"</dt>
            <dd>{or_pending(&center.hours)}</dd>
            {(!center.map_url.is_empty())
                .then(|| {
                    view! {
                        <dt>"地图"</dt>
                        <dd>
                            <a href=center.map_url.clone() rel="noopener">"查看地图"</a>
                        </dd>
                    }
                })}
        </dl>
    }
}

/// The center's village and community stations, as its admin listed them.
#[component]
fn StationList(stations: Vec<crate::help::Station>) -> impl IntoView {
    view! {
        <section aria-labelledby="stations-title">
            <h2 id="stations-title">"村（社区）便民服务站"</h2>
            <ul class="stations">
                {stations
                    .into_iter()
                    .map(|s| {
                        view! {
                            <li>
                                <strong>{s.name}</strong>
                                {format!("（{}）", s.village)}
                                {(!s.address.is_empty()).then(|| view! { <br /> {format!("地址：{}", s.address)} })}
                                {(!s.phone.is_empty()).then(|| {
                                    let tel = format!("tel:{}", s.phone.split(['、', ',', '，']).next().unwrap_or("").trim());
                                    view! { <br /> "电话：" <a href=tel>{s.phone.clone()}</a> }
                                })}
                                {(!s.duty_hours.is_empty()).then(|| view! { <br /> {format!("值守时间：{}", s.duty_hours)} })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
