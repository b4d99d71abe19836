use crate::catalog::api::get_centers;
use crate::components::head::{PageDescription, PageTitle};
use crate::components::notice::ErrorNotice;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn CentersPage() -> impl IntoView {
    let centers = Resource::new(|| (), |_| get_centers());
    view! {
        <PageTitle text="便民服务中心" />
        <PageDescription text="济源市16个镇（街道）便民服务中心一览：地址、办公时间和可办事项。".to_string() />
        <h1>"便民服务中心"</h1>
        <p class="lead">"济源市5个街道、11个镇的便民服务中心。"</p>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match centers.await {
                    Ok(list) => {
                        view! {
                            <ul class="center-list">
                                {list
                                    .into_iter()
                                    .map(|c| {
                                        let contact = if c.phone.is_empty() {
                                            "电话暂未公布".to_string()
                                        } else {
                                            format!("电话 {}", c.phone)
                                        };
                                        view! {
                                            <li>
                                                <A href=format!("/centers/{}", c.code)>
                                                    <span class="item-name">{c.center_name}</span>
                                                    <span class="item-context">{format!("{} · {}", c.kind, contact)}</span>
                                                </A>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
