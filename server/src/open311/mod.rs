//! Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the
//! complaint data, under `/open311/v2`: the five complaint categories as
//! services, complaints as service requests, filing by integrating systems
//! (the 12345 hotline, …) with an API key each.
//!
//! JSON only: `.json` resources; the same resource as `.xml` answers 406, any
//! other name 404, errors as the spec's `[{"code", "description"}]`.
//!
//! What is public: a request's category, center, catalog item and (window
//! complaints) the window, its status, deadline and handling center, and the
//! latest public step by role and center. Never a phone, never what the
//! citizen wrote, never a staff member's name. Filing goes through
//! `Complaints::insert_case`, as the web form does: same deadlines, tracking
//! number, timeline and SMS. A POST answers synchronously with the tracking
//! number; a token is that same number (`tokens/{token}.json`).

pub mod keys;
pub mod wire;

use crate::accounts::{internal, rate_limit};
use crate::complaints::service::event_label;
use crate::complaints::store::{self, ComplaintRow};
use crate::complaints::{check_new, due_day_label, Complaints};
use crate::portal::{Portal, ReadModel};
use crate::time::now_ms;
use app::complaints::{
    category_label, normalize_tracking, resolution_label, NewComplaint, CATEGORIES,
};
use app::error::AppError;
use app::identity::Phone;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sqlx::Row;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa::OpenApi;
use wire::*;

/// The default and largest span of a listing, and its most requests (the spec's).
const SPAN_MS: i64 = 90 * 86_400_000;
const MAX_LISTED: i64 = 1000;
/// Tracking numbers one listing may ask for.
const MAX_IDS: usize = 100;
/// Filings per key and hour: a hotline's busiest hour is far below this.
const PER_KEY_HOUR: i64 = 2000;
/// The agency when no center handles a case.
const CITY: &str = "市级";

pub struct Open311 {
    complaints: Arc<Complaints>,
    portal: Arc<Portal>,
}

impl Open311 {
    pub fn new(complaints: Arc<Complaints>, portal: Arc<Portal>) -> Arc<Open311> {
        Arc::new(Open311 { complaints, portal })
    }
}

pub fn router(state: Arc<Open311>) -> Router {
    Router::new()
        .route("/services.json", get(services))
        .route("/services/{file}", get(service_definition))
        .route("/requests.json", get(requests).post(post_request))
        .route("/requests/{file}", get(request))
        .route("/tokens/{file}", get(token))
        .fallback(fallback)
        .with_state(state)
}

/// The Open311 part of the OpenAPI document (`crate::http::openapi`).
#[derive(OpenApi)]
#[openapi(
    paths(services, service_definition, requests, post_request, request, token),
    components(
        schemas(Open311Error),
        responses(
            Open311Invalid,
            Open311Refused,
            Open311NotFound,
            Open311TooMany,
            Open311Unavailable
        )
    ),
    tags((name = "open311", description = "Open311 GeoReport v2 over 有诉即办 complaints (JSON only; `.xml` answers 406)"))
)]
pub struct Open311Doc;

/// An Open311 error answer: `[{"code": status, "description": …}]`.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    description: String,
}

impl Refusal {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Refusal {
        Refusal {
            status,
            description: description.into(),
        }
    }

    fn not_found() -> Refusal {
        Refusal::new(StatusCode::NOT_FOUND, "没有找到：请核对服务代码或投诉编号")
    }

    fn forbidden() -> Refusal {
        Refusal::new(StatusCode::FORBIDDEN, "api_key 缺失、无效或已吊销")
    }

    fn malformed(why: &str) -> Refusal {
        tracing::debug!(why, "malformed Open311 request");
        Refusal::new(StatusCode::BAD_REQUEST, "请求参数不正确")
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = vec![Open311Error {
            code: self.status.as_u16(),
            description: self.description,
        }];
        let mut resp = (self.status, Json(body)).into_response();
        if matches!(
            self.status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        resp
    }
}

/// The GeoReport name of a complaint field, for error descriptions.
fn field_name(field: &str) -> &str {
    match field {
        "category" => "service_code",
        "what" => "description",
        "center" => "attribute[center]",
        "subject" => "attribute[subject]",
        "seq" => "attribute[item]",
        "wants" => "attribute[wants]",
        other => other,
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Refusal {
        let status = match &e {
            AppError::Validation { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated | AppError::Forbidden => StatusCode::FORBIDDEN,
            other => {
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        };
        let description = match &e {
            AppError::Validation { field, message } if !field.is_empty() => {
                format!("{}: {message}", field_name(field))
            }
            other => other.to_string(),
        };
        Refusal::new(status, description)
    }
}

/// Query parameters that do not parse (duplicates, invalid UTF-8) get the
/// Open311 error, not axum's plain text.
pub struct Params<T>(T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Params(v))
            .map_err(|e| Refusal::malformed(&e.body_text()))
    }
}

/// The `{name}` of a `{name}.json` path segment: `.xml` is 406, anything else 404.
pub struct JsonName(String);

impl<S: Send + Sync> FromRequestParts<S> for JsonName {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        let Path(file) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| Refusal::malformed(&e.body_text()))?;
        match file.strip_suffix(".json") {
            Some(name) => Ok(JsonName(name.to_string())),
            None if file.ends_with(".xml") => Err(xml_refused()),
            None => Err(Refusal::not_found()),
        }
    }
}

fn xml_refused() -> Refusal {
    Refusal::new(
        StatusCode::NOT_ACCEPTABLE,
        "只提供 JSON 格式：请把 .xml 换成 .json",
    )
}

async fn fallback(uri: Uri) -> Refusal {
    if uri.path().ends_with(".xml") {
        xml_refused()
    } else {
        Refusal::not_found()
    }
}

/// `2026-05-04T09:30:00+08:00`.
fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(crate::time::shanghai().clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Whether `s` has the form of an RFC 3339 date-time (what `format:
/// date-time` means): `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. jiff alone
/// would take more (a space for the T, no seconds, a zone name).
fn rfc3339_shape(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10))
        || !matches!(b[10], b'T' | b't')
        || !(digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let from = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == from {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

fn parse_instant(field: &str, text: &str) -> Result<i64, Refusal> {
    Some(text)
        .filter(|t| rfc3339_shape(t))
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_millisecond())
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                format!("{field}: 须为带时区的 ISO 8601 时间，如 2026-05-04T09:30:00+08:00"),
            )
        })
}

fn category_description(code: &str) -> &'static str {
    match code {
        "center" => "对便民服务中心的环境、秩序、服务的投诉",
        "window" => "对某个窗口的投诉",
        "item" => "对某个办理事项（材料、流程、时限）的投诉",
        "staff" => "对工作人员的态度、作风的投诉",
        "undone" => "办不成事：到服务中心没能办成的事",
        _ => "",
    }
}

fn service(code: &str, label: &str) -> Service {
    Service {
        service_code: code.to_string(),
        service_name: label.to_string(),
        description: category_description(code).to_string(),
        metadata: true,
        kind: "realtime".to_string(),
        keywords: format!("投诉,有诉即办,{label}"),
        group: "有诉即办".to_string(),
    }
}

/// The complaint categories.
#[utoipa::path(
    get,
    path = "/open311/v2/services.json",
    tag = "open311",
    responses(
        (status = 200, description = "The five complaint categories", body = Vec<Service>),
        (status = 414, response = crate::http::openapi::TooLong),
        (status = 429, response = Open311TooMany),
    )
)]
pub async fn services() -> Json<Vec<Service>> {
    Json(CATEGORIES.iter().map(|(c, l)| service(c, l)).collect())
}

fn definition(model: &ReadModel, code: &str) -> ServiceDefinition {
    let text = |variable: bool,
                code: &str,
                datatype: &str,
                required: bool,
                datatype_description: &str,
                order: i32,
                description: &str| Attribute {
        variable,
        code: code.to_string(),
        datatype: datatype.to_string(),
        required,
        datatype_description: datatype_description.to_string(),
        order,
        description: description.to_string(),
        values: Vec::new(),
    };
    let mut center = text(
        true,
        "center",
        "singlevaluelist",
        true,
        "服务中心代码",
        1,
        "投诉涉及的便民服务中心（由它先行办理）",
    );
    center.values = model
        .centers
        .iter()
        .map(|c| AttributeValue {
            key: c.code.clone(),
            name: c.center_name.clone(),
        })
        .collect();
    let mut attributes = vec![center];
    attributes.push(if code == "window" {
        text(
            true,
            "subject",
            "string",
            true,
            "至多50个字",
            2,
            "窗口号或窗口名称，如“3号窗口”",
        )
    } else {
        text(
            true,
            "subject",
            "string",
            false,
            "至多50个字",
            2,
            "投诉的对象或事由（可不填）",
        )
    });
    if code == "item" {
        attributes.push(text(
            true,
            "item",
            "number",
            true,
            "事项目录序号（/api/v1/catalog 的 seq）",
            3,
            "办理的事项",
        ));
    }
    attributes.push(text(
        true,
        "wants",
        "text",
        false,
        "至多500个字",
        4,
        "希望怎样处理（可不填）",
    ));
    ServiceDefinition {
        service_code: code.to_string(),
        attributes,
    }
}

/// A category's attributes: the center (required), the subject, the item
/// (`item` only) and what the requester wants.
#[utoipa::path(
    get,
    path = "/open311/v2/services/{service_code}.json",
    tag = "open311",
    params(("service_code" = String, Path, description = "A service_code of services.json", example = "window")),
    responses(
        (status = 200, description = "The service definition", body = ServiceDefinition),
        (status = 400, response = Open311Invalid),
        (status = 404, response = Open311NotFound),
        (status = 414, response = crate::http::openapi::TooLong),
        (status = 429, response = Open311TooMany),
    )
)]
pub async fn service_definition(
    State(s): State<Arc<Open311>>,
    JsonName(code): JsonName,
) -> Result<Json<ServiceDefinition>, Refusal> {
    if !CATEGORIES.iter().any(|(c, _)| *c == code) {
        return Err(Refusal::not_found());
    }
    Ok(Json(definition(&s.portal.model(), &code)))
}

/// The latest public step of a case.
struct Step {
    kind: String,
    actor_label: String,
    body: String,
}

/// What the public may read of a step: what it was and who took it.
/// System-written texts (a transfer's destination, a merge) are shown;
/// what staff wrote to the citizen is for the tracking page only.
fn status_notes(step: &Step, case: &ComplaintRow) -> String {
    let label = event_label(&step.kind);
    let citizen = step.actor_label == "您";
    let who = if citizen {
        "投诉人"
    } else {
        &step.actor_label
    };
    match step.kind.as_str() {
        "received" => label.to_string(),
        "feedback" => format!(
            "投诉人反馈：{}",
            resolution_label(case.resolution.as_deref().unwrap_or(""))
        ),
        "rated" => "投诉人已评价".to_string(),
        "transferred" | "merged" if !step.body.is_empty() && !citizen => {
            format!("{label}（{who}）：{}", step.body)
        }
        _ => format!("{label}（{who}）"),
    }
}

impl Open311 {
    fn center_name(&self, model: &ReadModel, code: Option<&str>) -> String {
        match code {
            None => CITY.to_string(),
            Some(c) => model
                .center(c)
                .map(|x| x.center_name.clone())
                .unwrap_or_else(|| c.to_string()),
        }
    }

    /// A case as the public sees it.
    fn view(
        &self,
        model: &ReadModel,
        case: &ComplaintRow,
        updated_at: i64,
        step: Option<&Step>,
        now: i64,
    ) -> ServiceRequest {
        let center = model.center(&case.center_code);
        let mut about = vec![
            category_label(&case.category).to_string(),
            self.center_name(model, Some(&case.center_code)),
        ];
        if let Some(item) = case.seq.and_then(|s| model.item(s)) {
            about.push(item.business_item.clone());
        }
        // A window's number is no one's personal data; a staff member as the
        // citizen described them, or free text, may be.
        if case.category == "window" && !case.subject.is_empty() {
            about.push(case.subject.clone());
        }
        let address = center.map(|c| {
            if c.address.trim().is_empty() {
                c.center_name.clone()
            } else {
                format!("{}（{}）", c.center_name, c.address.trim())
            }
        });
        ServiceRequest {
            service_request_id: case.tracking_no.clone(),
            status: if case.open() { "open" } else { "closed" }.to_string(),
            status_notes: step.map(|s| status_notes(s, case)),
            service_name: category_label(&case.category).to_string(),
            service_code: case.category.clone(),
            description: about.join(" · "),
            agency_responsible: self.center_name(model, case.handling_center.as_deref()),
            service_notice: case.overdue(now).then(|| "已超过办理时限".to_string()),
            requested_datetime: iso(case.created_at),
            updated_datetime: iso(updated_at),
            expected_datetime: case.due_at().map(iso),
            address,
            address_id: Some(case.center_code.clone()),
            zipcode: None,
            lat: None,
            long: None,
            media_url: None,
        }
    }

    /// Cases by a WHERE clause over `complaints`, newest first, as the public sees them.
    async fn listed(
        &self,
        condition: &str,
        texts: &[String],
        numbers: &[i64],
    ) -> Result<Vec<ServiceRequest>, Refusal> {
        // Text binds first ($1…), then numbers, then the limit.
        let sql = format!(
            "SELECT {}, updated_at FROM complaints WHERE {condition}
             ORDER BY created_at DESC, id DESC LIMIT ${}",
            store::FIELDS,
            texts.len() + numbers.len() + 1
        );
        let mut q = sqlx::query(&sql);
        for t in texts {
            q = q.bind(t.clone());
        }
        for n in numbers {
            q = q.bind(*n);
        }
        let db = self.complaints.db();
        let rows = q
            .bind(MAX_LISTED)
            .fetch_all(db.pool())
            .await
            .map_err(internal)?;
        let mut cases = Vec::with_capacity(rows.len());
        for r in &rows {
            let case = store::row(r).map_err(internal)?;
            let updated: i64 = r.try_get("updated_at").map_err(internal)?;
            cases.push((case, updated));
        }
        let steps = self.latest_steps(&cases).await?;
        let model = self.portal.model();
        let now = now_ms();
        Ok(cases
            .iter()
            .map(|(c, updated)| self.view(&model, c, *updated, steps.get(&c.id), now))
            .collect())
    }

    /// The latest public step of each case, by case id.
    async fn latest_steps(
        &self,
        cases: &[(ComplaintRow, i64)],
    ) -> Result<HashMap<i64, Step>, Refusal> {
        let mut steps = HashMap::new();
        for chunk in cases.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT complaint_id, kind, actor_label, body FROM complaint_events
                 WHERE id IN (SELECT MAX(id) FROM complaint_events
                              WHERE public = 1 AND complaint_id IN ({}) GROUP BY complaint_id)",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (c, _) in chunk {
                q = q.bind(c.id);
            }
            for r in q
                .fetch_all(self.complaints.db().pool())
                .await
                .map_err(internal)?
            {
                steps.insert(
                    r.try_get::<i64, _>("complaint_id").map_err(internal)?,
                    Step {
                        kind: r.try_get("kind").map_err(internal)?,
                        actor_label: r.try_get("actor_label").map_err(internal)?,
                        body: r.try_get("body").map_err(internal)?,
                    },
                );
            }
        }
        Ok(steps)
    }

    async fn by_number(&self, no: &str) -> Result<ServiceRequest, Refusal> {
        let no = normalize_tracking(no).ok_or_else(Refusal::not_found)?;
        self.listed("tracking_no = $1", &[no], &[])
            .await?
            .into_iter()
            .next()
            .ok_or_else(Refusal::not_found)
    }
}

/// Statuses of ours for the spec's `open`/`closed` list.
fn statuses(filter: &str) -> Result<Vec<&'static str>, Refusal> {
    let mut out = Vec::new();
    for part in filter.split(',') {
        match part {
            "open" => out.extend(["received", "accepted", "answered"]),
            "closed" => out.extend(["closed", "merged"]),
            _ => {
                return Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    "status: 须为 open、closed 或 open,closed",
                ))
            }
        }
    }
    Ok(out)
}

/// Complaints, newest first: by tracking number, or by category, dates and
/// status. Without dates, the last 90 days; a span is at most 90 days from
/// its start; at most 1,000 requests.
#[utoipa::path(
    get,
    path = "/open311/v2/requests.json",
    tag = "open311",
    params(RequestFilter),
    responses(
        (status = 200, description = "Requests, newest first (no personal data)", body = Vec<ServiceRequest>),
        (status = 400, response = Open311Invalid),
        (status = 414, response = crate::http::openapi::TooLong),
        (status = 429, response = Open311TooMany),
        (status = 503, response = Open311Unavailable),
    )
)]
pub async fn requests(
    State(s): State<Arc<Open311>>,
    Params(f): Params<RequestFilter>,
) -> Result<Json<Vec<ServiceRequest>>, Refusal> {
    // Every parameter is checked, even those a list of numbers overrides.
    let statuses = match &f.status {
        Some(list) => statuses(list)?,
        None => Vec::new(),
    };
    let start = f
        .start_date
        .as_deref()
        .map(|t| parse_instant("start_date", t))
        .transpose()?;
    let end = f
        .end_date
        .as_deref()
        .map(|t| parse_instant("end_date", t))
        .transpose()?;
    if let Some(ids) = &f.service_request_id {
        let mut numbers: Vec<String> = ids.split(',').filter_map(normalize_tracking).collect();
        numbers.dedup();
        numbers.truncate(MAX_IDS);
        if numbers.is_empty() {
            return Ok(Json(Vec::new()));
        }
        let marks: Vec<String> = (1..=numbers.len()).map(|i| format!("${i}")).collect();
        let condition = format!("tracking_no IN ({})", marks.join(", "));
        return Ok(Json(s.listed(&condition, &numbers, &[]).await?));
    }
    let (from, to) = match (start, end) {
        (None, None) => {
            let now = now_ms();
            (now - SPAN_MS, now)
        }
        (Some(a), None) => (a, a.saturating_add(SPAN_MS)),
        (None, Some(b)) => (b.saturating_sub(SPAN_MS), b),
        (Some(a), Some(b)) => (a, b.min(a.saturating_add(SPAN_MS))),
    };
    let mut texts: Vec<String> = statuses.iter().map(|s| s.to_string()).collect();
    let mut condition = if texts.is_empty() {
        "1 = 1".to_string()
    } else {
        let marks: Vec<String> = (1..=texts.len()).map(|i| format!("${i}")).collect();
        format!("status IN ({})", marks.join(", "))
    };
    if let Some(code) = &f.service_code {
        texts.push(code.trim().to_string());
        condition.push_str(&format!(" AND category = ${}", texts.len()));
    }
    condition.push_str(&format!(
        " AND created_at >= ${} AND created_at <= ${}",
        texts.len() + 1,
        texts.len() + 2
    ));
    Ok(Json(s.listed(&condition, &texts, &[from, to]).await?))
}

/// One complaint by its tracking number.
#[utoipa::path(
    get,
    path = "/open311/v2/requests/{service_request_id}.json",
    tag = "open311",
    params(("service_request_id" = String, Path, description = "A tracking number, e.g. SX-7K4Q-P2M9")),
    responses(
        (status = 200, description = "The request, in an array of one", body = Vec<ServiceRequest>),
        (status = 400, response = Open311Invalid),
        (status = 404, response = Open311NotFound),
        (status = 414, response = crate::http::openapi::TooLong),
        (status = 429, response = Open311TooMany),
        (status = 503, response = Open311Unavailable),
    )
)]
pub async fn request(
    State(s): State<Arc<Open311>>,
    JsonName(no): JsonName,
) -> Result<Json<Vec<ServiceRequest>>, Refusal> {
    Ok(Json(vec![s.by_number(&no).await?]))
}

/// The request a token became. Requests are filed at once, so a token is
/// the tracking number itself.
#[utoipa::path(
    get,
    path = "/open311/v2/tokens/{token}.json",
    tag = "open311",
    params(("token" = String, Path, description = "A token: here, the tracking number")),
    responses(
        (status = 200, description = "The token's request id", body = Vec<TokenAnswer>),
        (status = 400, response = Open311Invalid),
        (status = 404, response = Open311NotFound),
        (status = 414, response = crate::http::openapi::TooLong),
        (status = 429, response = Open311TooMany),
        (status = 503, response = Open311Unavailable),
    )
)]
pub async fn token(
    State(s): State<Arc<Open311>>,
    JsonName(token): JsonName,
) -> Result<Json<Vec<TokenAnswer>>, Refusal> {
    let found = s.by_number(&token).await?;
    Ok(Json(vec![TokenAnswer {
        token: found.service_request_id.clone(),
        service_request_id: found.service_request_id,
    }]))
}

/// Files a complaint for an integrating system. The key is checked first
/// (403), then the fields (400). With a `phone` the case is that phone's:
/// it gets the SMS and opens the tracking page with its last 4 digits;
/// without, it is anonymous (the number alone opens it).
#[utoipa::path(
    post,
    path = "/open311/v2/requests.json",
    tag = "open311",
    request_body(content = NewRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "Filed: the tracking number and the promised dates", body = Vec<Created>),
        (status = 400, response = Open311Invalid),
        (status = 403, response = Open311Refused),
        (status = 413, response = crate::http::openapi::TooLarge),
        (status = 414, response = crate::http::openapi::TooLong),
        (status = 429, response = Open311TooMany),
        (status = 503, response = Open311Unavailable),
    )
)]
pub async fn post_request(
    State(s): State<Arc<Open311>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Vec<Created>>), Refusal> {
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !form_encoded {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "请以 application/x-www-form-urlencoded 提交",
        ));
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|e| Refusal::malformed(&e.to_string()))?;
    let mut keys = pairs.iter().filter(|(k, _)| k == "api_key").map(|(_, v)| v);
    let (Some(key), None) = (keys.next(), keys.next()) else {
        tracing::info!("open311 request without one api_key refused");
        return Err(Refusal::forbidden());
    };
    let c = &s.complaints;
    let mut conn = c.db().pool().acquire().await.map_err(internal)?;
    let Some(holder) = keys::holder(&mut conn, key).await? else {
        tracing::info!("open311 request with an unknown or revoked api_key refused");
        return Err(Refusal::forbidden());
    };
    drop(conn);
    let now = now_ms();
    let hits = rate_limit::hit(
        c.db(),
        &format!("open311:key:{}", holder.id),
        3_600_000,
        now,
    )
    .await
    .map_err(internal)?;
    if hits > PER_KEY_HOUR {
        tracing::warn!(key_name = %holder.name, key_id = holder.id, "open311 key over its hourly filings");
        return Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            "此 api_key 本小时提交过多，请稍后再试",
        ));
    }
    let req: NewRequest = serde_urlencoded::from_bytes(&body)
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, format!("表单字段不正确：{e}")))?;
    if !CATEGORIES.iter().any(|(code, _)| *code == req.service_code) {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "service_code: 没有这个服务，见 services.json",
        ));
    }
    let phone = match req.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => {
            let phone = Phone::parse(p).map_err(|m| AppError::validation("phone", m))?;
            let key = c.secrets().lookup_key("phone", phone.as_str());
            Some((key, phone))
        }
    };
    let seq = match req.attribute_item.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => Some(n.parse::<i32>().map_err(|_| {
            AppError::validation("seq", "须为事项目录序号（/api/v1/catalog 的 seq）")
        })?),
    };
    let mut form = NewComplaint {
        category: req.service_code,
        center: req.attribute_center.trim().to_string(),
        seq,
        booking: None,
        subject: req.attribute_subject.unwrap_or_default(),
        what: req.description,
        wants: req.attribute_wants.unwrap_or_default(),
        anonymous: phone.is_none(),
    };
    check_new(&s.portal.model(), &mut form)?;
    let mut tx = c.db().pool().begin().await.map_err(internal)?;
    let case = c
        .insert_case(&mut tx, &form, None, phone.as_ref(), now)
        .await?;
    sqlx::query(
        "INSERT INTO api_key_filings (complaint_id, api_key_id, filed_at) VALUES ($1, $2, $3)",
    )
    .bind(case.id)
    .bind(holder.id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
        .bind(holder.id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    tracing::info!(
        key_name = %holder.name,
        key_id = holder.id,
        complaint = case.id,
        category = %form.category,
        center = %form.center,
        anonymous = phone.is_none(),
        "open311 request filed"
    );
    Ok((
        StatusCode::CREATED,
        Json(vec![Created {
            service_notice: Some(format!(
                "{}前受理，{}前答复",
                due_day_label(case.accept_due_at),
                due_day_label(case.answer_due_at)
            )),
            service_request_id: case.tracking_no,
            account_id: None,
        }]),
    ))
}

/// A field or parameter that is not right (or a request that does not parse).
#[derive(utoipa::ToResponse)]
#[allow(dead_code)]
pub struct Open311Invalid(Vec<Open311Error>);

/// No api_key, more than one, or one unknown or revoked.
#[derive(utoipa::ToResponse)]
#[allow(dead_code)]
pub struct Open311Refused(Vec<Open311Error>);

/// No such service or request.
#[derive(utoipa::ToResponse)]
#[allow(dead_code)]
pub struct Open311NotFound(Vec<Open311Error>);

/// More than the per-address rate (BIANMIN_PUBLIC_PER_IP_SECOND), or a key's
/// hourly filings; retry after Retry-After seconds.
#[derive(utoipa::ToResponse)]
#[allow(dead_code)]
pub struct Open311TooMany(Vec<Open311Error>);

/// The database cannot be reached or written at the moment.
#[derive(utoipa::ToResponse)]
#[allow(dead_code)]
pub struct Open311Unavailable(Vec<Open311Error>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_rfc3339() {
        for good in [
            "2026-05-04T09:30:00+08:00",
            "2026-05-04T01:30:00Z",
            "2026-05-04t01:30:00.123z",
            "2026-05-04T01:30:00.5-05:00",
        ] {
            assert!(parse_instant("d", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "2026-05-04",
            "2026-05-04T09:30+08:00",
            "2026-05-04 09:30:00+08:00",
            "2026-05-04T09:30:00",
            " 2026-05-04T09:30:00Z",
            "2026-05-04T09:30:00.Z",
            "2026-05-04T09:30:00+0800",
            "2026-05-04T09:30:00+08:00[Asia/Shanghai]",
            "2026-13-04T09:30:00Z",
            "２026-05-04T09:30:00Z",
        ] {
            assert!(parse_instant("d", bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_instant("d", "2026-05-04T09:30:00+08:00").unwrap(),
            parse_instant("d", "2026-05-04T01:30:00Z").unwrap()
        );
    }

    #[test]
    fn times_are_shanghai_with_their_offset() {
        let ms = parse_instant("d", "2026-05-04T01:30:00Z").unwrap();
        assert_eq!(iso(ms), "2026-05-04T09:30:00+08:00");
    }

    #[test]
    fn statuses_map_open_and_closed() {
        assert_eq!(
            statuses("open").unwrap(),
            ["received", "accepted", "answered"]
        );
        assert_eq!(statuses("closed").unwrap(), ["closed", "merged"]);
        assert_eq!(statuses("closed,open").unwrap().len(), 5);
        for bad in ["", "open,", "Open", "pending", "open;closed"] {
            assert!(statuses(bad).is_err(), "{bad}");
        }
    }
}
