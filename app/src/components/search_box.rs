//! The search box: a plain GET form to /search, so it works without JavaScript.

use leptos::prelude::*;

#[component]
pub fn SearchBox(
    #[prop(into, optional)] value: Signal<String>,
    #[prop(optional)] autofocus: bool,
    /// Called on every keystroke once hydrated (instant search).
    #[prop(optional)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    view! {
        <form method="get" action="/search" role="search" class="search-box">
            <label for="q" class="search-label">
                "您要办什么事？"
            </label>
            <div class="search-row">
                <input
                    type="search"
                    id="q"
                    name="q"
                    maxlength="50"
                    autocomplete="off"
                    enterkeyhint="search"
                    placeholder="如：身份证补办、社保卡、低保、yibao"
                    // The attribute for the server-rendered page, the property once hydrated.
                    value=move || value.get()
                    prop:value=move || value.get()
                    autofocus=autofocus
                    on:input=move |ev| {
                        if let Some(cb) = on_input {
                            cb.run(event_target_value(&ev));
                        }
                    }
                />
                <button type="submit">"搜索"</button>
            </div>
        </form>
    }
}
