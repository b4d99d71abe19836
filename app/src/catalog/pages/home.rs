use crate::catalog::api::get_home;
use crate::catalog::HomeData;
use crate::components::head::{PageDescription, PageTitle};
use crate::components::{item_list::ItemLinks, notice::ErrorNotice, search_box::SearchBox};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    view! {
        <PageTitle text="" />
        <PageDescription text="济源市16个镇（街道）便民服务中心：查事项、看办事指南、预约延时服务。".to_string() />
        <section class="hero">
            <h1>"济源便民服务"</h1>
            <p class="lead">"16个镇（街道）便民服务中心，228项事项，就近办、一次办。"</p>
            <SearchBox />
        </section>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(data) => view! { <HomeSections data /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HomeSections(data: HomeData) -> impl IntoView {
    view! {
        <section aria-labelledby="hot-title">
            <h2 id="hot-title">"高频事项"</h2>
            <ItemLinks items=data.high_frequency />
            <p class="more">
                <A href="/items">"查看全部228项事项"</A>
            </p>
        </section>
        <section aria-labelledby="events-title">
            <h2 id="events-title">"一件事一次办"</h2>
            <ul class="event-grid">
                {data
                    .events
                    .into_iter()
                    .map(|ev| {
                        view! {
                            <li>
                                <A href=format!("/events/{}", ev.slug)>
                                    <span class="event-name">{ev.name}</span>
                                    <span class="event-count">{format!("{}项", ev.seqs.len())}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <section class="help-promo" aria-labelledby="help-promo-title">
            <h2 id="help-promo-title">"帮办代办"</h2>
            <p>"不会办、没空跑、行动不便？便民服务中心的帮办员可以一对一带着您办、替您办，或者上门服务。不知道办哪个事项，说说情况就行。"</p>
            <p>
                <a href="/help" class="button-link">"请工作人员帮我办"</a>
            </p>
        </section>
        <section aria-labelledby="centers-title">
            <h2 id="centers-title">"便民服务中心"</h2>
            <ul class="center-grid">
                {data
                    .centers
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li>
                                <A href=format!("/centers/{}", c.code)>{c.name}</A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
