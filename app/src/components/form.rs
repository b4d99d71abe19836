//! Form pieces shared by every form: the message next to a field, and the
//! message for errors that belong to no field.

use crate::error::AppError;
use leptos::prelude::*;

/// The Chinese message for `field`, read from an action's last result.
pub fn field_error(result: &Option<Result<(), AppError>>, field: &str) -> Option<String> {
    match result {
        Some(Err(e)) => e.field_message(field),
        _ => None,
    }
}

/// An error of the whole form (not tied to one field), if any.
pub fn form_error(result: &Option<Result<(), AppError>>) -> Option<String> {
    match result {
        Some(Err(AppError::Validation { field, .. })) if !field.is_empty() => None,
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    }
}

/// The message under a field; `id` is what the input's `aria-describedby` names.
#[component]
pub fn FieldError(#[prop(into)] id: String, message: Option<String>) -> impl IntoView {
    message.map(|m| {
        view! {
            <p class="field-error" id=id role="alert">
                {m}
            </p>
        }
    })
}

/// An error of the whole form, shown above its button.
#[component]
pub fn FormError(message: Option<String>) -> impl IntoView {
    message.map(|m| {
        view! {
            <p class="form-error" role="alert">
                {m}
            </p>
        }
    })
}
