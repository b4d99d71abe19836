//! Who is acting: a citizen proven by a phone, or a staff account with a role.
//! Wire types only; masked values, never full numbers.

use serde::{Deserialize, Serialize};

/// A staff role. A staff account belongs to one center, a city admin to none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 帮办员
    Helper,
    /// 窗口人员
    Window,
    /// 中心管理员, scoped to one center
    CenterAdmin,
    /// 市级管理员
    CityAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Helper,
        Role::Window,
        Role::CenterAdmin,
        Role::CityAdmin,
    ];

    /// The stored and command-line name.
    pub fn code(self) -> &'static str {
        match self {
            Role::Helper => "helper",
            Role::Window => "window",
            Role::CenterAdmin => "center_admin",
            Role::CityAdmin => "city_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Helper => "帮办员",
            Role::Window => "窗口人员",
            Role::CenterAdmin => "中心管理员",
            Role::CityAdmin => "市级管理员",
        }
    }

    /// Roles this role may create and disable accounts of.
    pub fn manages(self, other: Role) -> bool {
        match self {
            Role::CityAdmin => true,
            Role::CenterAdmin => matches!(other, Role::Helper | Role::Window),
            _ => false,
        }
    }
}

/// The signed-in staff member, as pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMe {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub center_code: Option<String>,
    pub center_name: Option<String>,
    /// The center a city admin is looking at (None: the whole city).
    pub viewing: Option<String>,
    /// What a city admin may switch between: (code, name); empty for others.
    pub centers: Vec<(String, String)>,
}

/// The signed-in citizen: only the masked phone leaves the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenMe {
    pub phone_masked: String,
    /// Masked real name and ID number, when the citizen gave them.
    pub name_masked: Option<String>,
    pub id_masked: Option<String>,
}

/// A code was sent and is waiting to be typed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    pub phone_masked: String,
    /// Minutes left before the code expires, rounded up.
    pub minutes_left: i64,
    /// Seconds before another code may be sent to the same phone.
    pub resend_in_secs: i64,
}

/// The "我的" page: who, and whether a code is pending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPage {
    pub me: Option<CitizenMe>,
    pub pending: Option<PendingLogin>,
}
