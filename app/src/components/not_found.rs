use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <PageTitle text="页面不存在" />
        <ErrorNotice error=AppError::NotFound />
    }
}
