//! The GeoReport v2 wire types, field for field as the spec names them
//! (http://wiki.open311.org/GeoReport_v2), with their OpenAPI schemas.
//! Fields the spec defines and we have no value for are sent as `null`, so
//! every answer has the spec's full key set.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One service: a complaint category.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// Always true: every service has attributes (`services/{service_code}.json`).
    pub metadata: bool,
    /// Always `realtime`: a POST answers with the service_request_id at once.
    #[serde(rename = "type")]
    pub kind: String,
    /// Comma-separated.
    pub keywords: String,
    pub group: String,
}

/// A service definition: what a request for the service carries besides the
/// standard fields.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

/// One attribute, sent on POST as `attribute[{code}]`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Attribute {
    /// Always true: these are all questions for the requester.
    pub variable: bool,
    pub code: String,
    /// `string`, `number`, `text` or `singlevaluelist`.
    pub datatype: String,
    pub required: bool,
    pub datatype_description: String,
    pub order: i32,
    pub description: String,
    /// The choices of a `singlevaluelist`; empty otherwise.
    pub values: Vec<AttributeValue>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

/// A service request (a complaint) as the public may see it: no phone, and
/// none of what the citizen wrote.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ServiceRequest {
    /// The tracking number, e.g. `SX-7K4Q-P2M9`.
    pub service_request_id: String,
    /// `open` (received, accepted, answered) or `closed` (closed, merged).
    pub status: String,
    /// The latest public step: what it was and who took it (role and center,
    /// never a person's name). Free text staff wrote to the citizen is not
    /// repeated here.
    #[schema(required = true)]
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    /// The category, the center, the catalog item and (window complaints)
    /// the window: never what the citizen wrote.
    pub description: String,
    /// The center handling the case now, or 市级 (the city).
    pub agency_responsible: String,
    /// 已超过办理时限 when the current deadline has passed.
    #[schema(required = true)]
    pub service_notice: Option<String>,
    #[schema(format = DateTime)]
    pub requested_datetime: String,
    #[schema(format = DateTime)]
    pub updated_datetime: String,
    /// The current deadline (to accept, then to answer); null once answered.
    #[schema(required = true, format = DateTime)]
    pub expected_datetime: Option<String>,
    /// The center the complaint is about.
    #[schema(required = true)]
    pub address: Option<String>,
    /// That center's code.
    #[schema(required = true)]
    pub address_id: Option<String>,
    #[schema(required = true)]
    pub zipcode: Option<String>,
    /// Always null, as `long`: no coordinates are kept; the place is the
    /// center (`address`, `address_id`).
    #[schema(required = true)]
    pub lat: Option<f64>,
    #[schema(required = true)]
    pub long: Option<f64>,
    /// Always null: photos are shown only on the tracking page.
    #[schema(required = true)]
    pub media_url: Option<String>,
}

/// The answer to a POST: the case was filed at once.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Created {
    pub service_request_id: String,
    /// When the case will be accepted and answered by.
    #[schema(required = true)]
    pub service_notice: Option<String>,
    /// Always null: requests carry no account of ours.
    #[schema(required = true)]
    pub account_id: Option<String>,
}

/// A token and the request it became (here: the same tracking number).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TokenAnswer {
    pub service_request_id: String,
    pub token: String,
}

/// An error, always inside an array: `[{"code": 400, "description": "…"}]`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Open311Error {
    /// The HTTP status.
    pub code: u16,
    pub description: String,
}

/// The form fields of `POST /open311/v2/requests.json`
/// (`application/x-www-form-urlencoded`). Other GeoReport fields (lat, long,
/// address_string, address_id, email, first_name, last_name, device_id,
/// account_id, media_url, jurisdiction_id) are accepted and ignored: the
/// place is the center, and we keep no name or e-mail.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewRequest {
    /// The integrating system's key (`bianmin admin open311-key create`).
    pub api_key: String,
    /// One of `services.json`.
    #[schema(pattern = "^(center|window|item|staff|undone)$")]
    pub service_code: String,
    /// What happened, at least 5 characters besides spaces (the complaint
    /// itself; never published).
    #[schema(min_length = 5, max_length = 2000)]
    pub description: String,
    /// The contact phone (mainland mobile): it gets the tracking number and
    /// every step by SMS and opens the tracking page with its last 4 digits.
    /// Without it the case is anonymous.
    pub phone: Option<String>,
    /// The center the complaint is about (its code; see the service definition).
    #[serde(rename = "attribute[center]")]
    pub attribute_center: String,
    /// The window (required for `window`), or what it is about.
    #[serde(rename = "attribute[subject]")]
    #[schema(max_length = 50)]
    pub attribute_subject: Option<String>,
    /// The catalog item's seq (required for `item`; see `/api/v1/catalog`).
    #[serde(rename = "attribute[item]")]
    #[schema(value_type = Option<i32>)]
    pub attribute_item: Option<String>,
    /// What the requester wants done.
    #[serde(rename = "attribute[wants]")]
    #[schema(max_length = 500)]
    pub attribute_wants: Option<String>,
}

/// Filters of `GET /open311/v2/requests.json`. Without dates: the last 90
/// days. At most 90 days and 1,000 requests, newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestFilter {
    /// Tracking numbers, comma-separated (the first 100 count); when given,
    /// the other filters are ignored.
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    /// Earliest requested_datetime (ISO 8601 with an offset).
    #[param(format = DateTime)]
    pub start_date: Option<String>,
    /// Latest requested_datetime (ISO 8601 with an offset).
    #[param(format = DateTime)]
    pub end_date: Option<String>,
    /// `open`, `closed`, or both comma-separated.
    #[param(pattern = "^(open|closed)(,(open|closed))*$")]
    pub status: Option<String>,
}
