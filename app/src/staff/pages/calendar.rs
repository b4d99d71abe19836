//! The city's holiday calendar, for city admins: public holidays (no 延时
//! slots) and 调休 working days (weekday slots), imported as CSV.

use super::Flash;
use crate::components::form::{field_error, FieldError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::staff::api::*;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let days = Resource::new(|| (), |_| get_calendar());
    let import = ServerAction::<ImportCalendar>::new();
    let result = import.value();
    view! {
        <PageTitle text="节假日" />
        <h1>"节假日与调休"</h1>
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match days.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"尚未导入节假日。"</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="calendar-days">
                            {list.into_iter().map(|d| view! {
                                <li>{format!("{} {} {}", d.day, if d.holiday { "放假" } else { "调休上班" }, d.name)}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <h2>"导入"</h2>
        <ActionForm action=import attr:class="stack-form">
            <label for="csv">"每行一天：日期,holiday（放假）或workday（调休上班）,名称"</label>
            <textarea id="csv" name="csv" rows="8" required aria-describedby="csv-error" placeholder="2027-01-01,holiday,元旦"></textarea>
            {move || view! { <FieldError id="csv-error" message=field_error(&result.get(), "csv") /> }}
            <button type="submit" class="primary">"导入"</button>
        </ActionForm>
        <p class="hint">"已有日期会被更新。放假日不再开放延时时段，调休上班日按工作日开放；受影响的已有预约保留并短信通知群众。"</p>
    }
}
