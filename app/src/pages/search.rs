//! Search results. Without JavaScript the GET form reloads this page with
//! `?q=`; hydrated, every keystroke replaces the URL and the results follow.

use crate::api::search_items;
use crate::components::head::{PageDescription, PageTitle};
use crate::components::{notice::ErrorNotice, search_box::SearchBox};
use crate::text::url_encode;
use crate::types::SearchResults;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = Signal::derive(move || query.read().get("q").unwrap_or_default());
    let results = Resource::new(
        move || q.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(SearchResults::default())
            } else {
                search_items(q).await
            }
        },
    );
    let navigate = use_navigate();
    let on_input = Callback::new(move |value: String| {
        navigate(
            &format!("/search?q={}", url_encode(&value)),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    });
    view! {
        <PageDescription text="用自己的话搜索济源便民服务中心可办事项，例如“办社保卡”“孩子上户口”。".to_string() />
        <PageTitle text=move || {
            let q = q.get();
            if q.is_empty() { "搜索".to_string() } else { format!("“{q}”的搜索结果") }
        } />
        <h1 class="sr-only">"搜索事项"</h1>
        <SearchBox value=q on_input autofocus=true />
        <Transition fallback=|| view! { <p class="loading">"正在搜索…"</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(r) => view! { <ResultList results=r /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ResultList(results: SearchResults) -> impl IntoView {
    if results.query.trim().is_empty() {
        return view! {
            <p class="hint">"可以输入事项名称、常用说法（如“退休金”“五保户”）或拼音（如“yibao”）。"</p>
        }
            .into_any();
    }
    let count = results.items.len();
    view! {
        <p class="result-count" role="status" aria-live="polite">
            {if count == 0 {
                format!("没有找到与“{}”相关的事项", results.query)
            } else {
                format!("找到{count}个相关事项")
            }}
        </p>
        {(!results.events.is_empty())
            .then(|| {
                view! {
                    <ul class="event-hits" aria-label="相关的一件事">
                        {results
                            .events
                            .into_iter()
                            .map(|ev| {
                                view! {
                                    <li>
                                        <A href=format!("/events/{}", ev.slug)>
                                            {format!("一件事：{}（{}项）", ev.title, ev.seqs.len())}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        {if count == 0 {
            view! {
                <div class="notice">
                    <p>"换个说法试试，或者"</p>
                    <p>
                        <A href="/items">"浏览全部事项"</A>
                        " · "
                        <A href="/centers">"联系便民服务中心"</A>
                    </p>
                </div>
            }
                .into_any()
        } else {
            view! {
                <ol class="results">
                    {results
                        .items
                        .into_iter()
                        .map(|hit| {
                            view! {
                                <li>
                                    <A href=format!("/items/{}", hit.seq)>
                                        <span class="item-name">{hit.business_item}</span>
                                        <span class="item-context">
                                            {format!("{} · {}", hit.main_item, hit.department)}
                                        </span>
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
                .into_any()
        }}
    }
    .into_any()
}
