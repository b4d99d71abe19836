//! Guide authoring for city admins: the list, the editor (draft, publish,
//! history) and the diff of two published versions.

use super::{query_string, Flash, Pager};
use crate::components::form::{field_error, form_error, FormError};
use crate::components::head::PageTitle;
use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use crate::staff::api::*;
use crate::staff::*;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn GuidesPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let guides = Resource::new(
        move || (get("page").and_then(|p| p.parse().ok()), get("q")),
        |(page, q)| list_guides(page, q),
    );
    view! {
        <PageTitle text="办事指南" />
        <h1>"办事指南"</h1>
        <form method="get" action="/staff/guides" class="filters">
            <label for="g-q">"事项名称或序号"</label>
            <input id="g-q" name="q" type="search" value=move || get("q").unwrap_or_default() />
            <button type="submit">"查找"</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let list = match guides.await {
                    Ok(l) => l,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let base = format!("/staff/guides?{}", query_string(&[("q", get("q"))]));
                if list.rows.is_empty() {
                    return view! { <p class="empty">"没有找到事项。"</p> }.into_any();
                }
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="事项列表">
                        <table class="data">
                            <thead>
                                <tr>
                                    <th scope="col">"序号"</th>
                                    <th scope="col">"事项"</th>
                                    <th scope="col">"部门"</th>
                                    <th scope="col">"已发布版本"</th>
                                    <th scope="col">"草稿"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.rows.iter().map(|g| view! {
                                    <tr>
                                        <td>{g.seq}</td>
                                        <td><a href=format!("/staff/guides/{}", g.seq)>{g.business_item.clone()}</a></td>
                                        <td>{g.department.clone()}</td>
                                        <td>{match (&g.version, &g.published_on) {
                                            (Some(v), Some(d)) => format!("第{v}版 {d}{}", if g.sample { "（示例）" } else { "" }),
                                            _ => "未发布".to_string(),
                                        }}</td>
                                        <td>{if g.has_draft { "有未发布草稿" } else { "" }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager paged=list base />
                }.into_any()
            })}
        </Suspense>
    }
}

fn seq_param() -> impl Fn() -> Option<i32> + Copy {
    let params = use_params_map();
    move || params.read().get("seq").and_then(|s| s.parse().ok())
}

#[component]
pub fn GuideEditPage() -> impl IntoView {
    let seq = seq_param();
    let editor = Resource::new(seq, |seq| async move {
        match seq {
            Some(seq) => get_guide_editor(seq).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match editor.await {
                    Ok(editor) => view! { <GuideEditor editor /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A text field of the guide form with its label and its error.
#[component]
fn GuideField(
    name: &'static str,
    label: &'static str,
    value: String,
    #[prop(optional)] multiline: bool,
    #[prop(optional, into)] hint: Option<&'static str>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("g-{name}");
    let err_id = format!("g-{name}-error");
    let input_name = format!("guide[{name}]");
    view! {
        <label for=id.clone()>{label}</label>
        {hint.map(|h| view! { <p class="hint">{h}</p> })}
        {if multiline {
            view! { <textarea id=id.clone() name=input_name rows="4" aria-describedby=err_id.clone()>{value}</textarea> }.into_any()
        } else {
            view! { <input id=id.clone() name=input_name type="text" value=value aria-describedby=err_id.clone() /> }.into_any()
        }}
        {move || error.get().map(|m| view! { <p class="field-error" id=err_id.clone() role="alert">{m}</p> })}
    }
}

#[component]
fn GuideEditor(editor: GuideEditor) -> impl IntoView {
    let save = ServerAction::<SaveGuide>::new();
    let result = save.value();
    let err = move |f: &'static str| Signal::derive(move || field_error(&result.get(), f));
    let f = editor.form.clone();
    // Existing materials plus three empty rows to add more (no JavaScript needed).
    let mut materials = f.materials.clone();
    materials.extend(std::iter::repeat_n(MaterialForm::default(), 3));
    let versions = editor.versions.clone();
    let seq = editor.seq;
    view! {
        <PageTitle text=format!("编辑指南：{}", editor.business_item) />
        <nav class="breadcrumb" aria-label="位置">
            <a href="/staff/guides">"办事指南"</a>
            " › "
            {editor.business_item.clone()}
        </nav>
        <h1>{format!("编辑指南：{}", editor.business_item)}</h1>
        <Flash />
        <p class="hint">
            {match &editor.draft_saved {
                Some(at) => format!("正在编辑草稿（{at}保存），发布后群众页面才会更新。"),
                None => "正在编辑最新发布版本。保存草稿不会影响群众页面。".to_string(),
            }}
            " "
            <a href=format!("/items/{seq}") rel="external">"查看群众页面"</a>
        </p>
        <ActionForm action=save attr:class="stack-form guide-form">
            <input type="hidden" name="seq" value=seq.to_string() />
            <GuideField name="summary" label="事项说明" value=f.summary.clone() multiline=true error=err("summary") />
            <GuideField name="legal_basis" label="设定依据" hint="每行一条" value=f.legal_basis.clone() multiline=true error=err("legal_basis") />
            <GuideField name="conditions" label="受理条件" hint="每行一条" value=f.conditions.clone() multiline=true error=err("conditions") />
            <fieldset class="materials-edit">
                <legend>"申请材料"</legend>
                <p class="hint">"每行一种材料；名称留空的行不保存。"</p>
                {field_error(&result.get_untracked(), "materials").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                <div class="table-wrap" tabindex="0" role="region" aria-label="申请材料">
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">"材料名称"</th>
                                <th scope="col">"原件/复印件"</th>
                                <th scope="col">"份数"</th>
                                <th scope="col">"载体"</th>
                                <th scope="col">"必需"</th>
                                <th scope="col">"适用情形"</th>
                                <th scope="col">"备注"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {materials.into_iter().enumerate().map(|(i, m)| view! { <MaterialRow i m /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </fieldset>
            <GuideField name="process" label="办理流程" hint="每行一步" value=f.process.clone() multiline=true error=err("process") />
            <GuideField name="legal_time_limit" label="法定办结时限" value=f.legal_time_limit.clone() error=err("legal_time_limit") />
            <GuideField name="promised_time_limit" label="承诺办结时限" value=f.promised_time_limit.clone() error=err("promised_time_limit") />
            <label for="g-handling_type">"办件类型"</label>
            <select id="g-handling_type" name="guide[handling_type]" aria-describedby="g-handling_type-error">
                <option value="">"请选择"</option>
                {HANDLING_TYPES.iter().map(|t| view! { <option value=*t selected=f.handling_type == *t>{*t}</option> }).collect_view()}
            </select>
            {move || field_error(&result.get(), "handling_type").map(|m| view! { <p class="field-error" id="g-handling_type-error" role="alert">{m}</p> })}
            <GuideField name="fee" label="收费标准" value=f.fee.clone() error=err("fee") />
            <GuideField name="result" label="办理结果" value=f.result.clone() error=err("result") />
            <GuideField name="delivery" label="送达方式" value=f.delivery.clone() error=err("delivery") />
            <GuideField name="visits" label="到现场次数" value=f.visits.clone() error=err("visits") />
            <fieldset>
                <legend>"是否全市通办、可办渠道"</legend>
                <label class="check">
                    <input type="checkbox" name="guide[citywide]" checked=f.citywide.is_some() />
                    "全市通办"
                </label>
                {CHANNELS.iter().enumerate().map(|(i, c)| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("guide[channels][{i}]") value=*c checked=f.channels.iter().any(|x| x == c) />
                        {*c}
                    </label>
                }).collect_view()}
                {move || field_error(&result.get(), "channels").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </fieldset>
            {move || view! { <FormError message=form_error(&result.get()) /> }}
            {move || matches!(result.get(), Some(Err(AppError::Validation { .. })))
                .then(|| view! { <p class="form-error" role="alert">"未能发布：请按提示修改。已填写的内容已保存为草稿。"</p> })}
            <div class="actions">
                <button type="submit" name="intent" value="draft">"保存草稿"</button>
                <button type="submit" name="intent" value="publish" class="primary">"发布"</button>
            </div>
        </ActionForm>
        <section aria-labelledby="versions-title">
            <h2 id="versions-title">"历史版本"</h2>
            {(versions.len() > 1).then(|| {
                let options = versions.clone();
                let latest = versions[0].version;
                let previous = versions[1].version;
                view! {
                    <form method="get" action=format!("/staff/guides/{seq}/diff") class="filters">
                        <label for="d-from">"对比：从"</label>
                        <select id="d-from" name="from">
                            {options.iter().map(|v| view! { <option value=v.version.to_string() selected=v.version == previous>{format!("第{}版", v.version)}</option> }).collect_view()}
                        </select>
                        <label for="d-to">"到"</label>
                        <select id="d-to" name="to">
                            {options.iter().map(|v| view! { <option value=v.version.to_string() selected=v.version == latest>{format!("第{}版", v.version)}</option> }).collect_view()}
                        </select>
                        <button type="submit">"查看差异"</button>
                    </form>
                }
            })}
            {if versions.is_empty() {
                view! { <p class="empty">"尚未发布过。"</p> }.into_any()
            } else {
                let latest = versions.first().map(|v| v.version).unwrap_or(0);
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="历史版本">
                        <table class="data">
                            <thead>
                                <tr>
                                    <th scope="col">"版本"</th>
                                    <th scope="col">"发布时间"</th>
                                    <th scope="col">"发布人"</th>
                                    <th scope="col">"对比"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {versions.iter().map(|v| view! {
                                    <tr>
                                        <td>{format!("第{}版{}", v.version, if v.sample { "（示例）" } else { "" })}</td>
                                        <td>{v.published_at.clone()}</td>
                                        <td>{v.published_by.clone()}</td>
                                        <td>{(v.version != latest).then(|| view! {
                                            <a href=format!("/staff/guides/{seq}/diff?from={}&to={latest}", v.version)>
                                                {format!("与第{latest}版对比")}
                                            </a>
                                        })}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn MaterialRow(i: usize, m: MaterialForm) -> impl IntoView {
    let n = |f: &str| format!("guide[materials][{i}][{f}]");
    let blank = m.name.is_empty();
    let label = |f: &str| format!("材料{}{f}", i + 1);
    view! {
        <tr>
            <td><input type="text" name=n("name") value=m.name aria-label=label("名称") /></td>
            <td>
                <select name=n("form") aria-label=label("原件/复印件")>
                    {MATERIAL_FORMS.iter().map(|x| view! { <option value=*x selected=m.form == *x>{*x}</option> }).collect_view()}
                </select>
            </td>
            <td><input type="text" inputmode="numeric" size="3" name=n("copies") value=if m.copies.is_empty() { "1".to_string() } else { m.copies } aria-label=label("份数") /></td>
            <td>
                <select name=n("medium") aria-label=label("载体")>
                    {MEDIA.iter().map(|x| view! { <option value=*x selected=m.medium == *x>{*x}</option> }).collect_view()}
                </select>
            </td>
            <td><input type="checkbox" name=n("required") checked=m.required.is_some() || blank aria-label=label("必需") /></td>
            <td><input type="text" name=n("condition") value=m.condition aria-label=label("适用情形") /></td>
            <td><input type="text" name=n("note") value=m.note aria-label=label("备注") /></td>
        </tr>
    }
}

#[component]
pub fn GuideDiffPage() -> impl IntoView {
    let seq = seq_param();
    let query = use_query_map();
    let num = move |k: &str| query.read().get(k).and_then(|v| v.parse::<i32>().ok());
    let diff = Resource::new(
        move || (seq(), num("from"), num("to")),
        |(seq, from, to)| async move {
            match (seq, from, to) {
                (Some(s), Some(a), Some(b)) => get_guide_diff(s, a, b).await,
                _ => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let d = match diff.await {
                    Ok(d) => d,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                view! {
                    <PageTitle text=format!("版本对比：{}", d.business_item) />
                    <nav class="breadcrumb" aria-label="位置">
                        <a href="/staff/guides">"办事指南"</a>
                        " › "
                        <a href=format!("/staff/guides/{}", d.seq)>{d.business_item.clone()}</a>
                    </nav>
                    <h1>{format!("第{}版 → 第{}版", d.from.version, d.to.version)}</h1>
                    <p class="hint">{format!(
                        "第{}版：{} {}；第{}版：{} {}",
                        d.from.version, d.from.published_at, d.from.published_by,
                        d.to.version, d.to.published_at, d.to.published_by,
                    )}</p>
                    <ol class="diff">
                        {d.lines.iter().map(|l| {
                            let (class, mark, label) = match l.kind {
                                DiffKind::Same => ("same", " ", ""),
                                DiffKind::Added => ("added", "+", "新增："),
                                DiffKind::Removed => ("removed", "−", "删除："),
                            };
                            view! {
                                <li class=class>
                                    <span class="diff-mark" aria-hidden="true">{mark}</span>
                                    <span class="sr-only">{label}</span>
                                    {l.text.clone()}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            })}
        </Suspense>
    }
}
