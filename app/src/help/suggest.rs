//! The situation box of `/help` (and of a helper filing for a citizen): a
//! textarea that, once hydrated, suggests the items the situation describes
//! as the citizen types. Without JavaScript the form's "帮我找事项" button asks
//! the server for the same suggestions.

use super::api::suggest_items;
use super::Suggestion;
use leptos::prelude::*;

/// Fewer characters than this say too little to suggest anything.
const MIN_CHARS: usize = 4;

/// The textarea `name` with live suggestions below it, each a link to
/// `link` followed by the item's number (`/help?seq=`, say). Lazy: its code
/// loads when the citizen first uses it (`data-hydrate="on-use"`).
#[component]
pub fn SituationBox(
    id: &'static str,
    name: &'static str,
    value: String,
    link: String,
    #[prop(optional)] describedby: &'static str,
) -> impl IntoView {
    view! {
        <div data-hydrate="on-use">
            <SituationSuggest
                id=id.to_string()
                name=name.to_string()
                value
                link
                describedby=describedby.to_string()
            />
        </div>
    }
}

/// Island props cross to the browser as JSON: owned strings only.
#[island(lazy)]
fn SituationSuggest(
    id: String,
    name: String,
    value: String,
    link: String,
    describedby: String,
) -> impl IntoView {
    let hits: RwSignal<Vec<Suggestion>> = RwSignal::new(Vec::new());
    let asked = StoredValue::new(0u32);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        if text.trim().chars().count() < MIN_CHARS {
            hits.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            // A slower answer to an earlier keystroke must not win.
            if let Ok(found) = suggest_items(text).await {
                if asked.get_value() == this {
                    hits.set(found);
                }
            }
        });
    };
    let list_id = format!("{id}-suggestions");
    view! {
        <textarea
            id=id
            name=name
            rows="4"
            required
            minlength=MIN_CHARS.to_string()
            maxlength=super::MAX_SITUATION_CHARS.to_string()
            aria-describedby=(!describedby.is_empty()).then_some(describedby.clone())
            aria-controls=list_id.clone()
            on:input=on_input
        >
            {value}
        </textarea>
        <div id=list_id class="live-suggestions" aria-live="polite">
            {move || {
                let found = hits.get();
                (!found.is_empty())
                    .then(|| {
                        let link = link.clone();
                        view! {
                            <p class="hint">"您说的可能是下面的事项，点一下就选好了："</p>
                            <ul class="suggestion-list">
                                {found
                                    .into_iter()
                                    .map(|s| {
                                        view! {
                                            <li>
                                                <a href=format!("{link}{}", s.seq)>{s.name}</a>
                                                <span class="hint">{format!("（{}）", s.department)}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
        </div>
    }
}
