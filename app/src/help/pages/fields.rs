//! The inputs of a help request, shared by the citizen's `/help` form and the
//! back office's "file on behalf" form. Names are nested as `request[...]`,
//! the shape of [`HelpFormFields`](crate::help::api::HelpFormFields):
//! `request[materials][]` repeats for every ticked material. The page around
//! it brings the `<form>`, who is asking, and the submit button.

use crate::components::form::{field_error, FieldError};
use crate::error::AppError;
use crate::help::{
    HelpForm, StationChoice, MAX_NOTES_CHARS, MAX_SITUATION_CHARS, MODES, VISIT_REASONS, WHEN_SUITS,
};
use leptos::prelude::*;

/// The stations the form offers, grouped by center in the centers' order:
/// (center code, center name, its stations). With a center chosen, only that
/// center's group, kept even when it has no station yet (so the page can say
/// so); without one, every center that has stations.
pub fn station_groups(form: &HelpForm) -> Vec<(String, String, Vec<StationChoice>)> {
    let of = |code: &str| -> Vec<StationChoice> {
        form.stations
            .iter()
            .filter(|s| s.center_code == code)
            .cloned()
            .collect()
    };
    match form.center.as_deref().filter(|c| !c.is_empty()) {
        Some(chosen) => {
            let name = form
                .centers
                .iter()
                .find(|(code, _)| code == chosen)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| chosen.to_string());
            vec![(chosen.to_string(), name, of(chosen))]
        }
        None => form
            .centers
            .iter()
            .map(|(code, name)| (code.clone(), name.clone(), of(code)))
            .filter(|(_, _, stations)| !stations.is_empty())
            .collect(),
    }
}

/// The fields of a help request. `outcome` is the last submission's result,
/// for the messages next to the fields. `situation_above`: the page has its
/// own (GET) form where the situation is typed, so here it travels hidden;
/// otherwise it is a textarea here.
#[component]
pub fn HelpRequestFields(
    form: HelpForm,
    outcome: Option<Result<(), AppError>>,
    #[prop(optional)] situation_above: bool,
) -> impl IntoView {
    let err = move |field: &str| field_error(&outcome, field);
    let chosen_center = form.center.clone().filter(|c| !c.is_empty());
    let groups = station_groups(&form);
    let any_station = groups.iter().any(|(_, _, s)| !s.is_empty());
    let no_station_text = match &chosen_center {
        Some(_) => "这个服务中心还没有登记村（社区）便民服务站，请到服务中心办理，或选“上门”。",
        None => "目前各服务中心还没有登记村（社区）便民服务站，请到服务中心办理，或选“上门”。",
    };

    let what = match form.item.clone() {
        Some((seq, name)) => view! {
            <p class="help-item">
                "要办的事项：" <strong>{name}</strong>
            </p>
            <input type="hidden" name="request[seq]" value=seq.to_string() />
            {(!form.situation.is_empty()).then(|| view! {
                <input type="hidden" name="request[situation]" value=form.situation.clone() />
            })}
            <FieldError id="help-seq-error" message=err("seq") />
        }
        .into_any(),
        None => view! {
            {if situation_above {
                view! {
                    <input type="hidden" name="request[situation]" value=form.situation.clone() />
                }
                .into_any()
            } else {
                view! {
                    <label for="help-situation">"您遇到了什么情况，想办什么事"</label>
                    <p class="hint" id="help-situation-hint">
                        "用自己的话说就行，如“我奶奶腿脚不好，想办个残疾证”（至少4个字）。"
                    </p>
                    <textarea
                        id="help-situation"
                        name="request[situation]"
                        rows="4"
                        maxlength=MAX_SITUATION_CHARS.to_string()
                        aria-describedby="help-situation-hint help-situation-error"
                        aria-invalid=err("situation").map(|_| "true")
                    >
                        {form.situation.clone()}
                    </textarea>
                }
                .into_any()
            }}
            <FieldError id="help-situation-error" message=err("situation") />
            {(!form.suggestions.is_empty()).then(|| view! {
                <fieldset aria-describedby="help-seq-error">
                    <legend>"是不是要办下面的事项？请选一个"</legend>
                    {form.suggestions.iter().map(|s| view! {
                        <label class="big-choice">
                            <input type="radio" name="request[seq]" value=s.seq.to_string() />
                            <span>
                                {s.name.clone()}
                                <span class="choice-hint">{s.department.clone()}</span>
                            </span>
                        </label>
                    }).collect_view()}
                    <label class="big-choice">
                        <input type="radio" name="request[seq]" value="" />
                        <span>"我也说不清，请工作人员帮我判断"</span>
                    </label>
                </fieldset>
                <FieldError id="help-seq-error" message=err("seq") />
            })}
        }
        .into_any(),
    };

    view! {
        {what}

        <fieldset aria-describedby="help-mode-error">
            <legend>"需要哪种帮助"</legend>
            {MODES.iter().map(|(code, label, means)| view! {
                <label class="big-choice">
                    <input type="radio" name="request[mode]" value=*code required />
                    <span>
                        {*label}
                        <span class="choice-hint">{*means}</span>
                    </span>
                </label>
            }).collect_view()}
        </fieldset>
        <FieldError id="help-mode-error" message=err("mode") />

        <fieldset class="visit-reasons" aria-describedby="visit-hint help-visit_reason-error">
            <legend>"上门服务的原因"</legend>
            <p class="hint" id="visit-hint">"只有选了“上门”才需要选。"</p>
            {VISIT_REASONS.iter().map(|(code, label)| view! {
                <label class="big-choice">
                    <input type="radio" name="request[visit_reason]" value=*code />
                    <span>{*label}</span>
                </label>
            }).collect_view()}
        </fieldset>
        <FieldError id="help-visit_reason-error" message=err("visit_reason") />

        <label for="help-center">"哪个便民服务中心"</label>
        <select
            id="help-center"
            name="request[center]"
            required
            aria-describedby="help-center-error"
            aria-invalid=err("center").map(|_| "true")
        >
            <option value="">"请选择服务中心"</option>
            {form.centers.iter().map(|(code, name)| view! {
                <option value=code.clone() selected=chosen_center.as_deref() == Some(code.as_str())>
                    {name.clone()}
                </option>
            }).collect_view()}
        </select>
        <FieldError id="help-center-error" message=err("center") />

        {if any_station {
            view! {
                <label for="help-station">"在哪里办"</label>
                <p class="hint" id="help-station-hint">
                    "村（社区）便民服务站离家更近。请选上面所选服务中心的服务站。"
                </p>
                <select
                    id="help-station"
                    name="request[station]"
                    aria-describedby="help-station-hint help-station-error"
                    aria-invalid=err("station").map(|_| "true")
                >
                    <option value="">"到服务中心办理"</option>
                    {groups.into_iter().filter(|(_, _, s)| !s.is_empty()).map(|(_, name, stations)| view! {
                        <optgroup label=name>
                            {stations.into_iter().map(|s| view! {
                                <option value=s.id.to_string()>{s.label}</option>
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            }
            .into_any()
        } else {
            view! {
                <input type="hidden" name="request[station]" value="" />
                <p class="hint">{no_station_text}</p>
            }
            .into_any()
        }}
        <FieldError id="help-station-error" message=err("station") />

        <fieldset aria-describedby="help-when_suits-error">
            <legend>"什么时间方便"</legend>
            {WHEN_SUITS.iter().map(|(code, label)| view! {
                <label class="big-choice">
                    <input type="radio" name="request[when_suits]" value=*code required />
                    <span>{*label}</span>
                </label>
            }).collect_view()}
        </fieldset>
        <FieldError id="help-when_suits-error" message=err("when_suits") />

        {(!form.materials.is_empty()).then(|| view! {
            <fieldset aria-describedby="help-materials-hint help-materials-error">
                <legend>"您已经有的材料请打勾"</legend>
                <p class="hint" id="help-materials-hint">"没有的不用打勾，帮办员会告诉您怎么准备。"</p>
                {form.materials.iter().map(|m| view! {
                    <label class="big-choice">
                        <input type="checkbox" name="request[materials][]" value=m.clone() />
                        <span>{m.clone()}</span>
                    </label>
                }).collect_view()}
            </fieldset>
        })}
        <FieldError id="help-materials-error" message=err("materials") />

        <label for="help-notes">"还有什么要告诉帮办员（选填）"</label>
        <p class="hint" id="help-notes-hint">"如：住在哪个村哪个组、什么时间在家、家里谁来对接。"</p>
        <textarea
            id="help-notes"
            name="request[notes]"
            rows="3"
            maxlength=MAX_NOTES_CHARS.to_string()
            aria-describedby="help-notes-hint help-notes-error"
            aria-invalid=err("notes").map(|_| "true")
        ></textarea>
        <FieldError id="help-notes-error" message=err("notes") />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station(id: i64, center: &str) -> StationChoice {
        StationChoice {
            id,
            center_code: center.into(),
            label: format!("站{id}"),
        }
    }

    fn form(center: Option<&str>) -> HelpForm {
        HelpForm {
            item: None,
            materials: vec![],
            situation: String::new(),
            suggestions: vec![],
            events: vec![],
            center: center.map(str::to_string),
            centers: vec![
                ("a".into(), "甲中心".into()),
                ("b".into(), "乙中心".into()),
                ("c".into(), "丙中心".into()),
            ],
            stations: vec![station(1, "c"), station(2, "a"), station(3, "c")],
            phone_masked: None,
            pending: None,
            on_behalf: None,
        }
    }

    #[test]
    fn stations_are_grouped_by_center_in_the_centers_order() {
        let groups = station_groups(&form(None));
        let shape: Vec<_> = groups
            .iter()
            .map(|(code, _, s)| (code.as_str(), s.iter().map(|s| s.id).collect::<Vec<_>>()))
            .collect();
        // A center without stations has no group.
        assert_eq!(shape, vec![("a", vec![2]), ("c", vec![1, 3])]);
        assert_eq!(groups[1].1, "丙中心");
        // An empty choice counts as none.
        assert_eq!(station_groups(&form(Some(""))).len(), 2);
    }

    /// The fields as the server writes them.
    #[cfg(feature = "ssr")]
    fn html(form: HelpForm, situation_above: bool) -> String {
        let owner = Owner::new();
        owner.with(|| view! { <HelpRequestFields form outcome=None situation_above /> }.to_html())
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_names_nest_as_the_server_function_reads_them() {
        let mut f = form(None);
        f.situation = "离婚了要把户口分出来".into();
        f.suggestions = vec![crate::help::Suggestion {
            seq: 41,
            name: "户口迁移".into(),
            department: "公安局".into(),
        }];
        let page = html(f.clone(), true);
        for name in [
            r#"type="hidden" name="request[situation]" value="离婚了要把户口分出来""#,
            r#"name="request[seq]" value="41""#,
            r#"name="request[seq]" value="""#,
            r#"name="request[mode]" value="visit""#,
            r#"name="request[visit_reason]" value="elderly""#,
            r#"name="request[center]""#,
            r#"<optgroup label="丙中心">"#,
            r#"name="request[when_suits]" value="any""#,
            r#"name="request[notes]""#,
        ] {
            assert!(page.contains(name), "{name} missing in {page}");
        }
        assert!(!page.contains("<textarea id=\"help-situation\""));
        assert!(html(f, false).contains(r#"name="request[situation]""#));

        // An item chosen: it travels hidden, with its materials to tick.
        let mut f = form(Some("b"));
        f.item = Some((7, "残疾人证办理".into()));
        f.materials = vec!["户口簿".into(), "身份证".into()];
        let page = html(f, false);
        assert!(page.contains(r#"type="hidden" name="request[seq]" value="7""#));
        assert!(page.contains(r#"name="request[materials][]" value="户口簿""#));
        // No station at 乙中心: said plainly, the center itself goes.
        assert!(page.contains(r#"type="hidden" name="request[station]" value="""#));
        assert!(page.contains("这个服务中心还没有登记"));
        assert!(!page.contains("<select id=\"help-station\""));
    }

    #[test]
    fn a_chosen_center_shows_only_its_stations_even_none() {
        let groups = station_groups(&form(Some("c")));
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].2.len(), 2);
        let empty = station_groups(&form(Some("b")));
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].1, "乙中心");
        assert!(empty[0].2.is_empty());
    }
}
