//! An input that says what is wrong as the citizen types: the same checks
//! the server makes (shared code), run in the browser once the field has
//! been left once. Without JavaScript the server's message shows instead.

use super::form::FieldError;
use crate::identity::{parse_person_name, Phone, ResidentId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a [`CheckedInput`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Checked {
    Phone,
    PersonName,
    ResidentId,
}

impl Checked {
    /// The message for `value`, or `None` when it is acceptable.
    pub fn check(self, value: &str, required: bool) -> Option<&'static str> {
        if value.trim().is_empty() {
            return required.then_some(match self {
                Checked::Phone => "请输入11位手机号码",
                Checked::PersonName => "请填写真实姓名（2-30个字）",
                Checked::ResidentId => "请输入18位身份证号码",
            });
        }
        match self {
            Checked::Phone => Phone::parse(value).err(),
            Checked::PersonName => parse_person_name(value).err(),
            Checked::ResidentId => ResidentId::parse(value).err(),
        }
    }

    fn input_type(self) -> &'static str {
        match self {
            Checked::Phone => "tel",
            _ => "text",
        }
    }

    fn inputmode(self) -> Option<&'static str> {
        matches!(self, Checked::Phone).then_some("numeric")
    }

    fn autocomplete(self) -> &'static str {
        match self {
            Checked::Phone => "tel",
            Checked::PersonName => "name",
            Checked::ResidentId => "off",
        }
    }

    fn maxlength(self) -> &'static str {
        match self {
            Checked::Phone => "20",
            Checked::PersonName => "30",
            Checked::ResidentId => "18",
        }
    }
}

/// The input and its message (`{id}-error`, which `aria-describedby` names).
/// `error` is the server's answer to the last post, shown until the citizen
/// edits the field.
#[island(lazy)]
pub fn CheckedInput(
    kind: Checked,
    id: String,
    name: String,
    error: Option<String>,
    required: bool,
) -> impl IntoView {
    let message = RwSignal::new(error);
    let left_once = RwSignal::new(false);
    let check = move |value: String| message.set(kind.check(&value, required).map(str::to_string));
    let error_id = format!("{id}-error");
    view! {
        <input
            id=id
            name=name
            type=kind.input_type()
            inputmode=kind.inputmode()
            autocomplete=kind.autocomplete()
            maxlength=kind.maxlength()
            required=required
            aria-describedby=error_id.clone()
            aria-invalid=move || message.with(|m| m.is_some().then_some("true"))
            on:input=move |ev| {
                if left_once.get_untracked() {
                    check(event_target_value(&ev));
                }
            }
            on:blur=move |ev| {
                let value = event_target_value(&ev);
                // Passing through an empty field is not a mistake yet.
                if !value.is_empty() || left_once.get_untracked() {
                    left_once.set(true);
                    check(value);
                }
            }
        />
        {move || view! { <FieldError id=error_id.clone() message=message.get() /> }}
    }
}

#[cfg(test)]
mod tests {
    use super::Checked;

    #[test]
    fn checks_like_the_server() {
        assert_eq!(Checked::Phone.check("13812341234", true), None);
        assert!(Checked::Phone.check("1381234", true).is_some());
        assert!(Checked::Phone.check("", true).is_some());
        assert_eq!(Checked::Phone.check("", false), None);
        assert_eq!(Checked::PersonName.check("张三", true), None);
        assert!(Checked::PersonName.check("张", true).is_some());
        assert!(Checked::PersonName.check("张3", true).is_some());
        assert!(Checked::ResidentId
            .check("41900119900101123", false)
            .is_some());
    }
}
