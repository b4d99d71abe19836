//! The guide editor's form: to and from the published content, its checks,
//! and the line-by-line text two versions are compared on.

use app::catalog::{GuideContent, Material};
use app::error::AppError;
use app::staff::{GuideForm, MaterialForm, CHANNELS, HANDLING_TYPES, MATERIAL_FORMS, MEDIA};

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

pub fn form_from_content(c: &GuideContent) -> GuideForm {
    GuideForm {
        summary: c.summary.clone(),
        legal_basis: c.legal_basis.join("\n"),
        conditions: c.conditions.join("\n"),
        materials: c
            .materials
            .iter()
            .map(MaterialForm::from_material)
            .collect(),
        process: c.process.join("\n"),
        legal_time_limit: c.legal_time_limit.clone(),
        promised_time_limit: c.promised_time_limit.clone(),
        handling_type: c.handling_type.clone(),
        fee: c.fee.clone(),
        result: c.result.clone(),
        delivery: c.delivery.clone(),
        visits: c.visits.to_string(),
        citywide: c.citywide.then(|| "on".to_string()),
        channels: c.channels.clone(),
    }
}

/// Drops the blank material rows the editor offers for adding more.
pub fn tidy(mut form: GuideForm) -> GuideForm {
    form.materials.retain(|m| !m.name.trim().is_empty());
    form.channels.retain(|c| CHANNELS.contains(&c.as_str()));
    form
}

/// Checks every field a citizen relies on; the first problem names its field.
pub fn validate(form: &GuideForm) -> Result<GuideContent, AppError> {
    let need = |field: &str, v: &str, what: &str| -> Result<String, AppError> {
        let v = v.trim();
        if v.is_empty() {
            Err(AppError::validation(field, &format!("请填写{what}")))
        } else if v.chars().count() > 2000 {
            Err(AppError::validation(
                field,
                &format!("{what}过长（最多2000字）"),
            ))
        } else {
            Ok(v.to_string())
        }
    };
    let summary = need("summary", &form.summary, "事项说明")?;
    let legal_basis = lines(&form.legal_basis);
    if legal_basis.is_empty() {
        return Err(AppError::validation(
            "legal_basis",
            "请填写设定依据，每行一条",
        ));
    }
    let conditions = lines(&form.conditions);
    if conditions.is_empty() {
        return Err(AppError::validation(
            "conditions",
            "请填写受理条件，每行一条",
        ));
    }
    let mut materials = Vec::new();
    for (i, m) in form
        .materials
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.name.trim().is_empty())
    {
        let n = i + 1;
        let copies: i32 = m
            .copies
            .trim()
            .parse()
            .ok()
            .filter(|c| (1..=20).contains(c))
            .ok_or_else(|| {
                AppError::validation("materials", &format!("第{n}项材料的份数应为1-20的整数"))
            })?;
        if !MATERIAL_FORMS.contains(&m.form.as_str()) || !MEDIA.contains(&m.medium.as_str()) {
            return Err(AppError::validation(
                "materials",
                &format!("第{n}项材料的形式或载体不正确"),
            ));
        }
        let required = m.required.is_some();
        if !required && m.condition.trim().is_empty() {
            return Err(AppError::validation(
                "materials",
                &format!("第{n}项材料不是必需的，请填写需要提交的情形"),
            ));
        }
        materials.push(Material {
            name: m.name.trim().to_string(),
            form: m.form.clone(),
            copies,
            medium: m.medium.clone(),
            required,
            condition: m.condition.trim().to_string(),
            note: m.note.trim().to_string(),
        });
    }
    if materials.is_empty() {
        return Err(AppError::validation("materials", "请至少填写一项申请材料"));
    }
    let process = lines(&form.process);
    if process.is_empty() {
        return Err(AppError::validation("process", "请填写办理流程，每行一步"));
    }
    if !HANDLING_TYPES.contains(&form.handling_type.as_str()) {
        return Err(AppError::validation("handling_type", "请选择办件类型"));
    }
    let visits: i32 = form
        .visits
        .trim()
        .parse()
        .ok()
        .filter(|v| (0..=5).contains(v))
        .ok_or_else(|| AppError::validation("visits", "到现场次数应为0-5的整数"))?;
    let channels: Vec<String> = CHANNELS
        .iter()
        .filter(|c| form.channels.iter().any(|x| x == *c))
        .map(|c| c.to_string())
        .collect();
    if channels.is_empty() {
        return Err(AppError::validation("channels", "请至少选择一个可办渠道"));
    }
    Ok(GuideContent {
        summary,
        legal_basis,
        conditions,
        materials,
        process,
        legal_time_limit: need("legal_time_limit", &form.legal_time_limit, "法定办结时限")?,
        promised_time_limit: need(
            "promised_time_limit",
            &form.promised_time_limit,
            "承诺办结时限",
        )?,
        handling_type: form.handling_type.clone(),
        fee: need("fee", &form.fee, "收费标准（不收费请填“不收费”）")?,
        result: need("result", &form.result, "办理结果")?,
        delivery: need("delivery", &form.delivery, "送达方式")?,
        visits,
        citywide: form.citywide.is_some(),
        channels,
    })
}

/// A guide as labelled lines, for comparing two versions.
pub fn as_lines(c: &GuideContent) -> Vec<String> {
    let mut out = vec![format!("事项说明：{}", c.summary)];
    out.extend(c.legal_basis.iter().map(|l| format!("设定依据：{l}")));
    out.extend(c.conditions.iter().map(|l| format!("受理条件：{l}")));
    out.extend(c.materials.iter().map(|m| {
        let need = if m.required {
            "必需".to_string()
        } else {
            format!("{}时提供", m.condition)
        };
        let note = if m.note.is_empty() {
            String::new()
        } else {
            format!("；{}", m.note)
        };
        format!(
            "申请材料：{}（{}，{}份，{}，{need}{note}）",
            m.name, m.form, m.copies, m.medium
        )
    }));
    out.extend(
        c.process
            .iter()
            .enumerate()
            .map(|(i, p)| format!("办理流程{}：{p}", i + 1)),
    );
    out.push(format!("法定办结时限：{}", c.legal_time_limit));
    out.push(format!("承诺办结时限：{}", c.promised_time_limit));
    out.push(format!("办件类型：{}", c.handling_type));
    out.push(format!("收费标准：{}", c.fee));
    out.push(format!("办理结果：{}", c.result));
    out.push(format!("送达方式：{}", c.delivery));
    out.push(format!("到现场次数：{}", c.visits));
    out.push(format!(
        "全市通办：{}",
        if c.citywide { "是" } else { "否" }
    ));
    out.push(format!("可办渠道：{}", c.channels.join("、")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> GuideContent {
        crate::seed::guides().unwrap().remove(0).content
    }

    #[test]
    fn a_published_guide_survives_the_form() {
        let c = sample();
        let back = validate(&tidy(form_from_content(&c))).unwrap();
        assert_eq!(back.materials, c.materials);
        assert_eq!(back.summary, c.summary);
        assert_eq!(back.visits, c.visits);
    }

    #[test]
    fn each_missing_field_is_named() {
        let mut f = form_from_content(&sample());
        f.summary = " ".into();
        assert!(validate(&f).unwrap_err().field_message("summary").is_some());
        let mut f = form_from_content(&sample());
        f.materials[0].copies = "zero".into();
        assert!(validate(&f)
            .unwrap_err()
            .field_message("materials")
            .unwrap()
            .contains("第1项"));
        let mut f = form_from_content(&sample());
        f.channels.clear();
        assert!(validate(&f)
            .unwrap_err()
            .field_message("channels")
            .is_some());
        let mut f = form_from_content(&sample());
        f.handling_type = "随便".into();
        assert!(validate(&f)
            .unwrap_err()
            .field_message("handling_type")
            .is_some());
    }

    #[test]
    fn blank_rows_are_dropped() {
        let mut f = form_from_content(&sample());
        let n = f.materials.len();
        f.materials.push(MaterialForm::default());
        assert_eq!(tidy(f).materials.len(), n);
    }
}
