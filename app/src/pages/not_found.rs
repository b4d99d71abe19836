use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="页面不存在" />
        <ErrorNotice error=AppError::NotFound />
    }
}
