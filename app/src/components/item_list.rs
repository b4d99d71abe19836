//! A list of catalog items linking to their guides.

use crate::catalog::CatalogItem;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ItemLinks(items: Vec<CatalogItem>) -> impl IntoView {
    view! {
        <ul class="item-links">
            {items
                .into_iter()
                .map(|item| {
                    let context = if item.main_item == item.business_item {
                        item.department.clone()
                    } else {
                        format!("{} · {}", item.main_item, item.department)
                    };
                    view! {
                        <li>
                            <A href=format!("/items/{}", item.seq)>
                                <span class="item-name">{item.business_item}</span>
                                <span class="item-context">{context}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
