use crate::catalog::api::get_life_event;
use crate::components::head::{PageDescription, PageTitle};
use crate::components::{item_list::ItemLinks, notice::ErrorNotice};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let event = Resource::new(slug, get_life_event);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match event.await {
                    Ok(detail) => {
                        view! {
                            <PageTitle text=detail.event.title.clone() />
                            <PageDescription text=detail.event.description.clone() />
                            <nav class="breadcrumb" aria-label="位置">
                                <a href="/">"首页"</a>
                                " › 一件事"
                            </nav>
                            <h1>{detail.event.title.clone()}</h1>
                            <p class="lead">{detail.event.description.clone()}</p>
                            <p>{format!("这件事通常涉及以下{}个事项，请按顺序了解：", detail.items.len())}</p>
                            <ItemLinks items=detail.items />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
