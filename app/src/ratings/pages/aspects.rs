//! The four aspects of a rating, in words that follow the level picked in
//! the same form. The level radios carry `data-tone` (good / fair / bad) and
//! CSS `:has` shows the matching words, so it works without JavaScript; a
//! browser without `:has` shows the aspect names alone, which read right at
//! any level. Each word set is one text, so a name read aloud has no seams.

use crate::ratings::{aspect_label, reason_text, ASPECTS};
use leptos::prelude::*;

/// `prefix`: ids (`{prefix}-reason-{code}`, `{prefix}-reasons-hint`,
/// `{prefix}-reasons-error`, the last rendered by the caller); `name`: the
/// checkboxes' form name.
#[component]
pub fn AspectChoices(
    prefix: &'static str,
    name: &'static str,
    hint: &'static str,
) -> impl IntoView {
    view! {
        <fieldset class="reasons" aria-describedby=format!("{prefix}-reasons-hint {prefix}-reasons-error")>
            <legend>
                <span class="tone-none">"涉及哪些方面？"</span>
                <span class="tone-good">"哪些方面让您满意？"</span>
                <span class="tone-fair">"哪些方面还需改进？"</span>
                <span class="tone-bad">"哪些方面让您不满意？"</span>
            </legend>
            <p id=format!("{prefix}-reasons-hint") class="hint">{hint}</p>
            {ASPECTS.iter().map(|(code, _)| view! {
                <label class="choice">
                    <input id=format!("{prefix}-reason-{code}") type="checkbox" name=name value=*code />
                    <span class="tone-none">{aspect_label(code)}</span>
                    <span class="tone-good">{reason_text(5, code)}</span>
                    <span class="tone-fair">{reason_text(3, code)}</span>
                    <span class="tone-bad">{reason_text(1, code)}</span>
                </label>
            }).collect_view()}
        </fieldset>
    }
}
