//! Staff accounts: city admins see and manage everyone, center admins their
//! own center's helpers and window staff.

use super::{query_string, Flash, Pager};
use crate::components::form::{field_error, form_error, FieldError, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::identity::account::Role;
use crate::staff::api::*;
use crate::staff::StaffUserRow;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let users = Resource::new(
        move || {
            (
                get("page").and_then(|p| p.parse().ok()),
                get("role"),
                get("center"),
                get("q"),
            )
        },
        |(page, role, center, q)| list_users(page, role, center, q),
    );
    let me = Resource::new(|| (), |_| get_staff_me());
    let centers = Resource::new(|| (), |_| crate::catalog::api::get_centers());
    view! {
        <PageTitle text="人员账号" />
        <h1>"人员账号"</h1>
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let (me, centers) = (me.await, centers.await);
                let (Ok(Some(me)), Ok(centers)) = (me, centers) else {
                    return view! { <ErrorNotice error=crate::error::AppError::Forbidden /> }.into_any();
                };
                let users = match users.await {
                    Ok(u) => u,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let city = me.role == Role::CityAdmin;
                let base = format!(
                    "/staff/users?{}",
                    query_string(&[("role", get("role")), ("center", get("center")), ("q", get("q"))])
                );
                let role_now = get("role").unwrap_or_default();
                let center_now = get("center").unwrap_or_default();
                let center_options = centers.clone();
                view! {
                    <form method="get" action="/staff/users" class="filters">
                        <label for="f-q">"用户名或姓名"</label>
                        <input id="f-q" name="q" type="search" value=get("q").unwrap_or_default() />
                        <label for="f-role">"角色"</label>
                        <select id="f-role" name="role">
                            <option value="">"全部"</option>
                            {Role::ALL.into_iter().map(|r| view! {
                                <option value=r.code() selected=role_now == r.code()>{r.label()}</option>
                            }).collect_view()}
                        </select>
                        {city.then(|| view! {
                            <label for="f-center">"所属中心"</label>
                            <select id="f-center" name="center">
                                <option value="">"全部"</option>
                                {center_options.iter().map(|c| view! {
                                    <option value=c.code.clone() selected=center_now == c.code>{c.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        })}
                        <button type="submit">"筛选"</button>
                    </form>
                    {if users.rows.is_empty() {
                        view! { <p class="empty">"没有符合条件的账号。"</p> }.into_any()
                    } else {
                        view! { <UserTable rows=users.rows.clone() /> }.into_any()
                    }}
                    <ResetError />
                    <Pager paged=users base />
                    <NewUserForm city centers center=me.center_code.clone() />
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn UserTable(rows: Vec<StaffUserRow>) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="账号列表">
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"用户名"</th>
                        <th scope="col">"姓名"</th>
                        <th scope="col">"角色"</th>
                        <th scope="col">"所属中心"</th>
                        <th scope="col">"状态"</th>
                        <th scope="col">"操作"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|u| view! { <UserRow u /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRow(u: StaffUserRow) -> impl IntoView {
    let toggle = ServerAction::<SetUserDisabled>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let status = if u.disabled {
        "已停用".to_string()
    } else if let Some(until) = &u.locked_until {
        format!("已锁定至{until}")
    } else {
        "正常".to_string()
    };
    let label = if u.disabled { "启用" } else { "停用" };
    let id = u.id;
    let toggle_label = format!("{label}账号 {}", u.username);
    let reset_label = format!("{} 的新密码", u.username);
    view! {
        <tr>
            <td>{u.username.clone()}</td>
            <td>{u.display_name.clone()}</td>
            <td>{u.role.label()}</td>
            <td>{u.center_name.clone().unwrap_or_else(|| "市级".into())}</td>
            <td>{status}</td>
            <td>
                {u.manageable.then(|| view! {
                    <ActionForm action=toggle attr:class="inline-form">
                        <input type="hidden" name="id" value=u.id.to_string() />
                        <input type="hidden" name="disabled" value=(!u.disabled).to_string() />
                        <button type="submit" aria-label=toggle_label>{label}</button>
                    </ActionForm>
                    <details class="reset">
                        <summary>"重置密码"</summary>
                        <ActionForm action=reset attr:class="stack-form">
                            <input type="hidden" name="id" value=id.to_string() />
                            <label for=format!("reset-{id}")>{reset_label}</label>
                            <input id=format!("reset-{id}") name="password" type="password" autocomplete="new-password" required />
                            <button type="submit">"重置并解锁"</button>
                        </ActionForm>
                    </details>
                })}
            </td>
        </tr>
    }
}

#[component]
fn NewUserForm(
    city: bool,
    centers: Vec<crate::catalog::Center>,
    center: Option<String>,
) -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let result = create.value();
    let roles: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| {
            if city {
                true
            } else {
                matches!(r, Role::Helper | Role::Window)
            }
        })
        .collect();
    view! {
        <section aria-labelledby="new-user">
            <h2 id="new-user">"新建账号"</h2>
            <ActionForm action=create attr:class="stack-form narrow">
                <label for="u-username">"用户名（字母、数字、下划线，3-32位）"</label>
                <input id="u-username" name="user[username]" type="text" required maxlength="32" autocomplete="off" aria-describedby="u-username-error" />
                {move || view! { <FieldError id="u-username-error" message=field_error(&result.get(), "username") /> }}
                <label for="u-name">"姓名"</label>
                <input id="u-name" name="user[display_name]" type="text" required maxlength="30" aria-describedby="u-name-error" />
                {move || view! { <FieldError id="u-name-error" message=field_error(&result.get(), "display_name") /> }}
                <label for="u-role">"角色"</label>
                <select id="u-role" name="user[role]" aria-describedby="u-role-error">
                    {roles.into_iter().map(|r| view! { <option value=r.code()>{r.label()}</option> }).collect_view()}
                </select>
                {move || view! { <FieldError id="u-role-error" message=field_error(&result.get(), "role") /> }}
                {if city {
                    view! {
                        <label for="u-center">"所属中心（市级管理员不选）"</label>
                        <select id="u-center" name="user[center]" aria-describedby="u-center-error">
                            <option value="">"无（市级）"</option>
                            {centers.into_iter().map(|c| view! { <option value=c.code.clone()>{c.center_name.clone()}</option> }).collect_view()}
                        </select>
                    }.into_any()
                } else {
                    view! { <input type="hidden" name="user[center]" value=center.unwrap_or_default() /> }.into_any()
                }}
                {move || view! { <FieldError id="u-center-error" message=field_error(&result.get(), "center") /> }}
                <label for="u-password">"初始密码"</label>
                <input id="u-password" name="user[password]" type="password" required autocomplete="new-password" aria-describedby="u-password-error u-password-hint" />
                <p class="hint" id="u-password-hint">"至少8位，包含大写字母、小写字母、数字、符号中的至少三类。请当面告知本人并提醒修改。"</p>
                {move || view! { <FieldError id="u-password-error" message=field_error(&result.get(), "password") /> }}
                {move || view! { <FormError message=form_error(&result.get()) /> }}
                <button type="submit" class="primary">"创建账号"</button>
            </ActionForm>
        </section>
    }
}

/// A failed reset, said once above the pager (every row shares the action's error).
#[component]
fn ResetError() -> impl IntoView {
    let reset = ServerAction::<ResetUserPassword>::new();
    let result = reset.value();
    move || {
        form_error(&result.get())
            .or_else(|| field_error(&result.get(), "password"))
            .map(|m| view! { <p class="form-error" role="alert">{format!("重置密码未成功：{m}")}</p> })
    }
}
