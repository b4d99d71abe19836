//! Shared types: the wire format of server functions and of the JSON API.
//! Database rows live in `server`; nothing here is a secret.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;

use serde::{Deserialize, Serialize};

/// One row of the city's 228-item catalog (济政办〔2022〕7号 附件), every column of the CSV.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogItem {
    pub seq: i32,
    pub main_item: String,
    pub sub_item: String,
    pub business_item: String,
    pub item_type: String,
    /// "D" (镇街便民服务中心), "DE" (also the village station) or "" (row 107, as printed).
    pub level: String,
    pub department: String,
    pub provincial_catalog: bool,
}

impl CatalogItem {
    /// 层级 in words, for citizens.
    pub fn level_label(&self) -> &'static str {
        level_label(&self.level)
    }
}

pub fn level_label(level: &str) -> &'static str {
    match level {
        "D" => "镇（街道）便民服务中心办理",
        "DE" => "便民服务中心和村（社区）便民服务站均可办理",
        _ => "层级未标注",
    }
}

/// One entry of a guide's 申请材料.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Material {
    pub name: String,
    /// 原件 / 复印件 / 原件及复印件
    pub form: String,
    pub copies: i32,
    /// 纸质 / 电子 / 纸质或电子
    pub medium: String,
    /// false: needed only in the situation `condition` describes.
    pub required: bool,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub note: String,
}

/// The national element fields of a 办事指南.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GuideContent {
    pub summary: String,
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
    pub materials: Vec<Material>,
    pub process: Vec<String>,
    pub legal_time_limit: String,
    pub promised_time_limit: String,
    /// 即办件 / 承诺件 / 联办件 / 上报件
    pub handling_type: String,
    pub fee: String,
    pub result: String,
    pub delivery: String,
    pub visits: i32,
    pub citywide: bool,
    pub channels: Vec<String>,
}

/// A published guide version as citizens see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Guide {
    pub version: i32,
    /// Shipped sample content: shown with 示例内容，以窗口告知为准.
    pub sample: bool,
    /// Asia/Shanghai date of publication, `YYYY-MM-DD`.
    pub published_on: String,
    pub content: GuideContent,
}

/// An item page: catalog facts, the guide if one is published, and related items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemDetail {
    pub item: CatalogItem,
    pub guide: Option<Guide>,
    /// Other business items of the same 子项 (or 主项), for "相关事项".
    pub related: Vec<CatalogItem>,
}

/// A 便民服务中心. Address, phone and hours are empty until its admin sets them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Center {
    pub code: String,
    pub name: String,
    /// 街道 / 镇
    pub kind: String,
    pub center_name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub map_url: String,
}

/// A 一件事: several catalog items a life event involves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeEvent {
    pub slug: String,
    pub name: String,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub seqs: Vec<i32>,
}

/// A life event with its items resolved, for display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeEventDetail {
    pub event: LifeEvent,
    pub items: Vec<CatalogItem>,
}

/// A search result, in rank order. The field set is the public API's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub seq: i32,
    pub business_item: String,
    pub main_item: String,
    pub sub_item: String,
    pub department: String,
}

/// Search results plus the life events the query names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub items: Vec<SearchHit>,
    pub events: Vec<LifeEvent>,
}

/// What the home page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub high_frequency: Vec<CatalogItem>,
    pub events: Vec<LifeEvent>,
    pub centers: Vec<Center>,
}

/// Catalog filters, all optional; they are the query parameters of `/items`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogFilter {
    pub department: Option<String>,
    pub item_type: Option<String>,
    pub level: Option<String>,
    pub provincial: Option<bool>,
}

impl CatalogFilter {
    pub fn matches(&self, item: &CatalogItem) -> bool {
        self.department
            .as_ref()
            .is_none_or(|d| &item.department == d)
            && self.item_type.as_ref().is_none_or(|t| &item.item_type == t)
            && self.level.as_ref().is_none_or(|l| &item.level == l)
            && self.provincial.is_none_or(|p| item.provincial_catalog == p)
    }

    pub fn is_empty(&self) -> bool {
        self == &CatalogFilter::default()
    }
}

/// The distinct values a filter can take, in catalog order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogFacets {
    pub departments: Vec<String>,
    pub item_types: Vec<String>,
    pub levels: Vec<String>,
}

/// A 子项 with its business items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubGroup {
    pub sub_item: String,
    pub items: Vec<CatalogItem>,
}

/// A 主项 with its 子项.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MainGroup {
    pub main_item: String,
    pub department: String,
    pub subs: Vec<SubGroup>,
}

/// The catalog page: filtered items grouped 主项 → 子项 → 业务办理项.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub total: i32,
    pub shown: i32,
    pub groups: Vec<MainGroup>,
    pub facets: CatalogFacets,
}

/// A center page: the center and what it handles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterDetail {
    pub center: Center,
    /// Items handled at the center (层级 D or DE).
    pub item_count: i32,
    /// Items village stations of this center also handle (层级 DE, as the center set it).
    pub village_items: Vec<CatalogItem>,
    /// Items marked 本中心暂不可办, with the nearest center that can.
    pub unavailable: Vec<UnavailableItem>,
    /// Its village and community stations, as its admin listed them.
    pub stations: Vec<crate::help::Station>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnavailableItem {
    pub item: CatalogItem,
    pub alternative: Option<Center>,
}
