//! 帮办代办 (assisted and proxy handling): the village stations
//! (村/社区便民服务站) a center admin maintains, where citizens can ask for
//! help nearer home (no station is invented: the list is empty until an
//! admin fills it), help requests (`request`), and the consents under which
//! a helper files in a citizen's name.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;
pub mod request;
pub mod suggest;

pub use request::*;

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A village or community station of a center.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Station {
    pub id: i64,
    pub center_code: String,
    pub name: String,
    /// The village (村) or community (社区) it serves.
    pub village: String,
    pub address: String,
    pub phone: String,
    pub duty_hours: String,
}

/// What an admin types for a station.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationForm {
    pub name: String,
    pub village: String,
    pub address: String,
    pub phone: String,
    pub duty_hours: String,
}

/// A center's stations as the back office shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationsView {
    pub code: String,
    pub center_name: String,
    pub stations: Vec<Station>,
    /// Whether the caller may add, change and retire stations here.
    pub may_edit: bool,
    /// Centers the caller may pick (city admins: all): (code, name).
    pub choices: Vec<(String, String)>,
}

pub const MAX_STATION_NAME: usize = 50;
pub const MAX_STATION_ADDRESS: usize = 100;
pub const MAX_STATION_HOURS: usize = 200;

/// Whether `phone` is a public service number as people write them: digits,
/// spaces, dashes, brackets, several numbers separated by 、 or commas.
pub fn is_service_phone(phone: &str) -> bool {
    phone.len() <= 40
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " -+()、，,".contains(c))
}

/// Checks and trims a station form; the first problem names its field.
pub fn validate_station(form: &mut StationForm) -> Result<(), AppError> {
    for s in [
        &mut form.name,
        &mut form.village,
        &mut form.address,
        &mut form.phone,
        &mut form.duty_hours,
    ] {
        *s = s.trim().to_string();
    }
    let len = |s: &str| s.chars().count();
    if form.name.is_empty() {
        return Err(AppError::validation(
            "name",
            "请填写服务站名称，如“某某村便民服务站”",
        ));
    }
    if len(&form.name) > MAX_STATION_NAME {
        return Err(AppError::validation("name", "名称最多50字"));
    }
    if form.village.is_empty() {
        return Err(AppError::validation("village", "请填写所在村或社区"));
    }
    if len(&form.village) > MAX_STATION_NAME {
        return Err(AppError::validation("village", "村或社区名称最多50字"));
    }
    if len(&form.address) > MAX_STATION_ADDRESS {
        return Err(AppError::validation("address", "地址最多100字"));
    }
    if !is_service_phone(&form.phone) {
        return Err(AppError::validation(
            "phone",
            "电话只能包含数字、空格和“-”，多个号码用“、”分隔",
        ));
    }
    if len(&form.duty_hours) > MAX_STATION_HOURS {
        return Err(AppError::validation("duty_hours", "值守时间最多200字"));
    }
    let fields = [&form.name, &form.village, &form.address, &form.duty_hours];
    if let Some(i) = fields.iter().position(|s| s.chars().any(char::is_control)) {
        let field = ["name", "village", "address", "duty_hours"][i];
        return Err(AppError::validation(field, "内容含有无法识别的字符"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> StationForm {
        StationForm {
            name: " 示例村便民服务站 ".into(),
            village: "示例村".into(),
            address: "".into(),
            phone: "0391-0000000".into(),
            duty_hours: "周一至周五 8:30-12:00".into(),
        }
    }

    #[test]
    fn a_station_needs_a_name_and_a_village_and_is_trimmed() {
        let mut f = form();
        validate_station(&mut f).unwrap();
        assert_eq!(f.name, "示例村便民服务站");
        for (field, change) in [
            (
                "name",
                (|f: &mut StationForm| f.name = "  ".into()) as fn(&mut StationForm),
            ),
            ("village", |f| f.village.clear()),
            ("phone", |f| f.phone = "call me".into()),
            ("address", |f| f.address = "地".repeat(101)),
            ("duty_hours", |f| f.duty_hours = "时".repeat(201)),
            ("name", |f| f.name = "站\u{7}".into()),
        ] {
            let mut f = form();
            change(&mut f);
            let e = validate_station(&mut f).unwrap_err();
            assert!(e.field_message(field).is_some(), "{field}: {e:?}");
        }
    }

    #[test]
    fn service_phones_allow_several_numbers() {
        assert!(is_service_phone("0391-6612345、13800000000"));
        assert!(is_service_phone(""));
        assert!(!is_service_phone("0391-6612345 转 8"));
    }
}
