//! Search results. Without JavaScript the GET form reloads this page with
//! `?q=`; with the search island hydrated, results follow every keystroke.

use crate::catalog::api::search_items;
use crate::catalog::SearchResults;
use crate::components::head::{PageDescription, PageTitle};
use crate::components::{notice::ErrorNotice, search_box::SearchBox};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

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
    view! {
        <PageDescription text="用自己的话搜索济源便民服务中心可办事项，例如“办社保卡”“孩子上户口”。".to_string() />
        <PageTitle text=move || search_title(&q.get()) />
        <h1 class="sr-only">"搜索事项"</h1>
        // Hydrated at the first keystroke (public/client.js): until then the
        // form is a plain GET, and the chunk stays off a first visit's download.
        <div data-hydrate="on-use">
            <InstantSearch q=q.get_untracked()>
                <Transition fallback=|| view! { <p class="loading">"正在搜索…"</p> }>
                    {move || Suspend::new(async move {
                        match results.await {
                            Ok(r) => view! { <ResultList results=r /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </InstantSearch>
        </div>
    }
}

/// The search box and its results. The server renders the results for `q`
/// (the children); once hydrated, each keystroke asks for new ones, which
/// replace them, and the address follows so that back and reload agree.
#[island(lazy)]
fn InstantSearch(q: String, children: Children) -> impl IntoView {
    let value = RwSignal::new(q);
    let typed: RwSignal<Option<Result<SearchResults, crate::error::AppError>>> =
        RwSignal::new(None);
    let asked = StoredValue::new(0u32);
    let on_input = Callback::new(move |text: String| {
        value.set(text.clone());
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        #[cfg(feature = "hydrate")]
        follow_in_address(&text);
        leptos::task::spawn_local(async move {
            let answer = if text.trim().is_empty() {
                Ok(SearchResults::default())
            } else {
                search_items(text).await
            };
            // A slower answer to an earlier keystroke must not win.
            if asked.get_value() == this {
                typed.set(Some(answer));
            }
        });
    });
    view! {
        <SearchBox value=value on_input autofocus=true />
        <div hidden=move || typed.with(Option::is_some)>{children()}</div>
        {move || {
            typed
                .get()
                .map(|answer| match answer {
                    Ok(r) => view! { <ResultList results=r /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
    }
}

/// Keeps the address and the title in step with the query typed.
#[cfg(feature = "hydrate")]
fn follow_in_address(q: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let url = if q.is_empty() {
        "/search".to_string()
    } else {
        format!("/search?q={}", crate::text::url_encode(q))
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    if let Some(doc) = window.document() {
        doc.set_title(&crate::components::head::document_title(&search_title(q)));
    }
}

/// The page's title for a query.
fn search_title(q: &str) -> String {
    if q.is_empty() {
        "搜索".to_string()
    } else {
        format!("“{q}”的搜索结果")
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
                                        <a href=format!("/events/{}", ev.slug)>
                                            {format!("一件事：{}（{}项）", ev.title, ev.seqs.len())}
                                        </a>
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
                    <p>"换个说法试试，也可以看看上面相关的“一件事”。"</p>
                    <p>"不知道该办哪一项？便民服务中心有帮办代办人员，可以帮您弄清楚要办什么、带什么材料。"</p>
                    <p class="help-entry">
                        <a href=format!("/help?situation={}", crate::text::url_encode(results.query.trim()))>
                            "请工作人员帮我办（帮办代办）"
                        </a>
                    </p>
                    <p>
                        <a href="/centers">"找就近的便民服务中心"</a>
                        " · "
                        <a href="/items">"浏览全部事项"</a>
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
                                    <a href=format!("/items/{}", hit.seq)>
                                        <span class="item-name">{hit.business_item}</span>
                                        <span class="item-context">
                                            {format!("{} · {}", hit.main_item, hit.department)}
                                        </span>
                                    </a>
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
