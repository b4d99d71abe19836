//! Open311 GeoReport v2 over real HTTP on SQLite and PostgreSQL: the field
//! names of every answer against the spec's, API keys (missing, wrong,
//! revoked, good; stored hashed), filing through the same path as the web
//! form (tracking number, SMS, tracking page by number + last 4 digits),
//! no personal data in any listing, open/closed mapping through a real staff
//! close, date filters, `.xml`, and the flood guard on `/open311/`.

mod common;

use common::{backends, spawn_app, spawn_with, Browser, TestApp, TEST_DATA_KEY};
use server::accounts::Caller;
use server::open311::keys;
use server::time::now_ms;
use sqlx::Row;
use std::collections::BTreeSet;

const PW: &str = "Bianmin#2026";
const PHONE: &str = "13900001234";

/// The spec's field names, per answer.
const SERVICE_FIELDS: [&str; 7] = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
];
const DEFINITION_FIELDS: [&str; 2] = ["service_code", "attributes"];
const ATTRIBUTE_FIELDS: [&str; 8] = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
];
const VALUE_FIELDS: [&str; 2] = ["key", "name"];
const REQUEST_FIELDS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];
const CREATED_FIELDS: [&str; 3] = ["service_request_id", "service_notice", "account_id"];
const TOKEN_FIELDS: [&str; 2] = ["service_request_id", "token"];
const ERROR_FIELDS: [&str; 2] = ["code", "description"];

fn keys_of(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn assert_fields(v: &serde_json::Value, expected: &[&str], what: &str) {
    let want: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
    assert_eq!(keys_of(v), want, "{what}: {v}");
}

async fn get(app: &TestApp, path: &str) -> (u16, serde_json::Value) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: JSON expected, got {text}")),
    )
}

async fn post(app: &TestApp, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON expected, got {text}")),
    )
}

/// One Open311 error of `status`, in the spec's form.
fn assert_error(status: u16, body: &serde_json::Value, want: u16) {
    assert_eq!(status, want, "{body}");
    let arr = body.as_array().expect("an error array");
    assert_eq!(arr.len(), 1, "{body}");
    assert_fields(&arr[0], &ERROR_FIELDS, "error");
    assert_eq!(arr[0]["code"], want, "{body}");
}

async fn new_key(app: &TestApp, name: &str) -> (i64, String) {
    keys::create(&app.db, &Caller::cli(), name).await.unwrap()
}

/// A window complaint at 沁园 with `phone` (or anonymous); its number.
async fn file(app: &TestApp, key: &str, phone: Option<&str>) -> String {
    let mut form = vec![
        ("api_key", key),
        ("service_code", "window"),
        ("attribute[center]", "qinyuan"),
        ("attribute[subject]", "3号窗口"),
        (
            "description",
            "窗口工作人员张三中午提前下班，等了一个小时没人办理",
        ),
        ("attribute[wants]", "希望按公示时间办公WANTS"),
        ("first_name", "FIRSTNAME"),
        ("email", "wang@example.com"),
    ];
    if let Some(p) = phone {
        form.push(("phone", p));
    }
    let (status, body) = post(app, &form).await;
    assert_eq!(status, 201, "{body}");
    let created = &body.as_array().expect("an array")[0];
    assert_fields(created, &CREATED_FIELDS, "POST answer");
    assert!(created["account_id"].is_null());
    let no = created["service_request_id"].as_str().unwrap().to_string();
    assert_eq!(
        app::complaints::normalize_tracking(&no).as_deref(),
        Some(no.as_str())
    );
    no
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn outbox_texts(app: &TestApp, kind: &str) -> Vec<(String, String)> {
    let secrets = server::crypto::Secrets::from_base64(TEST_DATA_KEY).unwrap();
    sqlx::query("SELECT recipient_masked, body_enc FROM outbox WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get::<String, _>(0).unwrap(),
                secrets
                    .decrypt(&r.try_get::<String, _>(1).unwrap())
                    .unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn services_and_definitions_have_the_specs_fields() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let (s, services) = get(&app, "/open311/v2/services.json").await;
        assert_eq!(s, 200);
        let services = services.as_array().unwrap();
        let codes: Vec<&str> = services
            .iter()
            .map(|v| v["service_code"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = app::complaints::CATEGORIES
            .iter()
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(codes, want);
        for v in services {
            assert_fields(v, &SERVICE_FIELDS, "service");
            assert_eq!(v["type"], "realtime");
            assert_eq!(v["metadata"], true);
        }
        for code in &want {
            let (s, def) = get(&app, &format!("/open311/v2/services/{code}.json")).await;
            assert_eq!(s, 200, "{def}");
            assert_fields(&def, &DEFINITION_FIELDS, "definition");
            assert_eq!(def["service_code"], *code);
            let attrs = def["attributes"].as_array().unwrap();
            for a in attrs {
                assert_fields(a, &ATTRIBUTE_FIELDS, "attribute");
                for v in a["values"].as_array().unwrap() {
                    assert_fields(v, &VALUE_FIELDS, "value");
                }
            }
            let by = |c: &str| attrs.iter().find(|a| a["code"] == c).cloned();
            let center = by("center").expect("a center attribute");
            assert_eq!(center["datatype"], "singlevaluelist");
            assert_eq!(center["required"], true);
            assert_eq!(center["values"].as_array().unwrap().len(), 16);
            let subject = by("subject").expect("a subject attribute");
            assert_eq!(subject["required"], *code == "window");
            assert_eq!(by("item").is_some(), *code == "item");
        }
        let (s, e) = get(&app, "/open311/v2/services/nope.json").await;
        assert_error(s, &e, 404);
        let (s, e) = get(&app, "/open311/v2/services/window.xml").await;
        assert_error(s, &e, 406);
        let (s, e) = get(&app, "/open311/v2/services.xml").await;
        assert_error(s, &e, 406);
        let (s, e) = get(&app, "/open311/v2/requests.xml").await;
        assert_error(s, &e, 406);
        let (s, e) = get(&app, "/open311/v2/nothing.json").await;
        assert_error(s, &e, 404);
        let (s, e) = get(&app, "/open311/v2/services/window").await;
        assert_error(s, &e, 404);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn filing_needs_a_live_key_then_good_fields() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let (id, key) = new_key(&app, "12345热线").await;
        let (_, other) = new_key(&app, "另一个系统").await;
        // Only the key's hash is kept.
        let stored: Vec<String> = sqlx::query("SELECT key_hash FROM api_keys")
            .fetch_all(app.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get(0).unwrap())
            .collect();
        assert!(stored.contains(&server::crypto::token_hash(&key)));
        assert!(!stored
            .iter()
            .any(|h| h.contains(&key) || key.contains(h.as_str())));

        let good = [
            ("service_code", "window"),
            ("attribute[center]", "qinyuan"),
            ("attribute[subject]", "3号窗口"),
            ("description", "等了一个小时没人办理"),
        ];
        let with = |key: Option<&'static str>, extra: &[(&'static str, &'static str)]| {
            let mut f: Vec<(&str, &str)> = key.map(|k| ("api_key", k)).into_iter().collect();
            f.extend_from_slice(&good);
            f.extend_from_slice(extra);
            f
        };
        let before = count(&app, "complaints").await;
        let (s, e) = post(&app, &with(None, &[])).await;
        assert_error(s, &e, 403);
        let (s, e) = post(&app, &with(Some("bm311_not-a-real-key"), &[])).await;
        assert_error(s, &e, 403);
        let (s, e) = post(&app, &with(Some("anything"), &[])).await;
        assert_error(s, &e, 403);
        // Two keys, even two good ones: refused.
        let key_s: &'static str = Box::leak(key.clone().into_boxed_str());
        let other_s: &'static str = Box::leak(other.into_boxed_str());
        let (s, e) = post(&app, &with(Some(key_s), &[("api_key", other_s)])).await;
        assert_error(s, &e, 403);
        // The key checked first: bad fields with a bad key are still 403.
        let (s, e) = post(&app, &[("api_key", "x"), ("service_code", "nope")]).await;
        assert_error(s, &e, 403);
        // Bad fields with a good key: 400, naming the GeoReport field.
        for (form, names) in [
            (vec![("service_code", "nope")], "service_code"),
            (vec![("description", "短")], "description"),
            (vec![("attribute[center]", "atlantis")], "attribute[center]"),
            (vec![("attribute[subject]", "")], "attribute[subject]"),
            (vec![("phone", "12345")], "phone"),
            (vec![("attribute[item]", "abc")], "attribute[item]"),
            (vec![("attribute[item]", "99999")], "attribute[item]"),
        ] {
            let mut f = vec![("api_key", key_s)];
            for (k, v) in &good {
                if !form.iter().any(|(fk, _)| fk == k) {
                    f.push((k, v));
                }
            }
            f.extend_from_slice(&form);
            let (s, e) = post(&app, &f).await;
            assert_error(s, &e, 400);
            let text = e[0]["description"].as_str().unwrap();
            assert!(text.contains(names), "{names}: {text}");
        }
        // An item complaint needs its item.
        let (s, e) = post(
            &app,
            &[
                ("api_key", key_s),
                ("service_code", "item"),
                ("attribute[center]", "qinyuan"),
                ("description", "材料要求和公示的不一样"),
            ],
        )
        .await;
        assert_error(s, &e, 400);
        assert!(e[0]["description"]
            .as_str()
            .unwrap()
            .contains("attribute[item]"));
        // Not form-encoded: 400.
        let r = app
            .client
            .post(app.url("/open311/v2/requests.json"))
            .json(&serde_json::json!({"api_key": key}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(
            count(&app, "complaints").await,
            before,
            "refusals file nothing"
        );

        // The good key files, and its use is on record.
        let no = file(&app, &key, Some(PHONE)).await;
        assert_eq!(count(&app, "complaints").await, before + 1);
        let listed = keys::list(&app.db).await.unwrap();
        let mine = listed.iter().find(|k| k.id == id).unwrap();
        assert!(mine.last_used_at.is_some());
        let filed_by: i64 = sqlx::query(
            "SELECT f.api_key_id FROM api_key_filings f JOIN complaints c ON c.id = f.complaint_id
             WHERE c.tracking_no = $1",
        )
        .bind(&no)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(filed_by, id);

        // Revoked: refused from then on; revoking twice is NotFound.
        keys::revoke(&app.db, &Caller::cli(), id).await.unwrap();
        assert_eq!(
            keys::revoke(&app.db, &Caller::cli(), id).await,
            Err(app::error::AppError::NotFound)
        );
        let (s, e) = post(&app, &with(Some(key_s), &[])).await;
        assert_error(s, &e, 403);
        // Both steps audited.
        let audited: i64 = sqlx::query(
            "SELECT COUNT(*) FROM audit_log WHERE target_kind = 'api_key' AND target_id = $1",
        )
        .bind(id.to_string())
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(audited, 2);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_filed_case_is_tracked_like_the_forms() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let (_, key) = new_key(&app, "12345热线").await;
        let no = file(&app, &key, Some(PHONE)).await;
        // The SMS went to the contact phone, with the number.
        let sms = outbox_texts(&app, "complaint_received").await;
        assert_eq!(sms.len(), 1, "{sms:?}");
        assert_eq!(sms[0].0, "139****1234");
        assert!(sms[0].1.contains(&no), "{}", sms[0].1);
        // One public step: received; deadlines as the form's.
        let row = sqlx::query(
            "SELECT c.id, c.status, c.accept_due_at, c.answer_due_at, c.created_at, c.phone_key
             FROM complaints c WHERE c.tracking_no = $1",
        )
        .bind(&no)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        let id: i64 = row.try_get(0).unwrap();
        assert_eq!(row.try_get::<String, _>(1).unwrap(), "received");
        let complaints = server::complaints::Complaints::new(
            app.db.clone(),
            std::sync::Arc::new(server::crypto::Secrets::from_base64(TEST_DATA_KEY).unwrap()),
        );
        let mut conn = app.db.pool().acquire().await.unwrap();
        let created: i64 = row.try_get(4).unwrap();
        let due = complaints
            .deadlines(&mut conn, "window", created)
            .await
            .unwrap();
        drop(conn);
        assert_eq!(
            (
                row.try_get::<i64, _>(2).unwrap(),
                row.try_get::<i64, _>(3).unwrap()
            ),
            due
        );
        let secrets = server::crypto::Secrets::from_base64(TEST_DATA_KEY).unwrap();
        assert_eq!(
            row.try_get::<String, _>(5).unwrap(),
            secrets.lookup_key("phone", PHONE),
            "the case is the phone's (我的)"
        );
        let events: i64 = sqlx::query(
            "SELECT COUNT(*) FROM complaint_events WHERE complaint_id = $1 AND kind = 'received' AND public = 1",
        )
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(events, 1);

        // The citizen's tracking page: the number and the phone's last 4.
        let b: Browser = app.browser();
        let r = b
            .call("track/lookup", &[("tracking_no", &no), ("last4", "9999")])
            .await;
        assert_ne!(r.status, 200, "wrong digits refused: {}", r.body);
        let r = b
            .call("track/lookup", &[("tracking_no", &no), ("last4", "1234")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = b.query("track", &[("tracking_no", &no)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["tracking_no"], no);

        // Anonymous: no SMS, the number alone opens it.
        let anon = file(&app, &key, None).await;
        assert_eq!(outbox_texts(&app, "complaint_received").await.len(), 1);
        let b = app.browser();
        let r = b
            .call("track/lookup", &[("tracking_no", &anon), ("last4", "")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = b.query("track", &[("tracking_no", &anon)]).await;
        assert_eq!(r.json()["anonymous"], true, "{}", r.body);

        // The request and its token.
        let (s, one) = get(&app, &format!("/open311/v2/requests/{no}.json")).await;
        assert_eq!(s, 200, "{one}");
        let one = one.as_array().unwrap();
        assert_eq!(one.len(), 1);
        assert_fields(&one[0], &REQUEST_FIELDS, "request");
        assert_eq!(one[0]["service_request_id"], no);
        let (s, t) = get(&app, &format!("/open311/v2/tokens/{no}.json")).await;
        assert_eq!(s, 200, "{t}");
        assert_fields(&t[0], &TOKEN_FIELDS, "token");
        assert_eq!(t[0]["service_request_id"], no);
        let (s, e) = get(&app, "/open311/v2/requests/SX-2222-2222.json").await;
        assert_error(s, &e, 404);
        let (s, e) = get(&app, "/open311/v2/tokens/whatever.json").await;
        assert_error(s, &e, 404);
        db.cleanup().await;
    }
}

/// Staff sign in as center admin of 沁园 and take `action` on `no`.
async fn act(b: &Browser, no: &str, action: &str, text: &str) {
    let r = b
        .call(
            "staff/complaint/act",
            &[("tracking_no", no), ("action", action), ("text", text)],
        )
        .await;
    assert_eq!(r.status, 200, "{action}: {}", r.body);
}

#[tokio::test]
async fn listings_map_statuses_and_show_no_personal_data() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let (_, key) = new_key(&app, "12345热线").await;
        let open = file(&app, &key, Some(PHONE)).await;
        let closed = file(&app, &key, Some(PHONE)).await;
        // A staff complaint naming a person in its subject.
        let (s, body) = post(
            &app,
            &[
                ("api_key", &key),
                ("service_code", "staff"),
                ("attribute[center]", "qinyuan"),
                ("attribute[subject]", "李四"),
                ("description", "工作人员态度很差，还说了难听的话"),
                ("phone", "13900005678"),
            ],
        )
        .await;
        assert_eq!(s, 201, "{body}");
        let staff_case = body[0]["service_request_id"].as_str().unwrap().to_string();

        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let b = app.browser();
        let r = b
            .call("staff/login", &[("username", "qy_admin"), ("password", PW)])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        act(&b, &open, "accept", "").await;
        act(&b, &open, "reply", "王女士您好，REPLY_TEXT 我们正在核实").await;
        act(&b, &closed, "close", "已约谈张三，CLOSE_TEXT 向您致歉").await;

        let (s, list) = get(&app, "/open311/v2/requests.json").await;
        assert_eq!(s, 200, "{list}");
        let text = list.to_string();
        for private in [
            PHONE,
            "1234",
            "13900005678",
            "139****",
            "张三",
            "李四",
            "FIRSTNAME",
            "WANTS",
            "REPLY_TEXT",
            "CLOSE_TEXT",
            "example.com",
            "一个小时",
        ] {
            assert!(!text.contains(private), "{private} in the listing: {text}");
        }
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 3);
        let by = |no: &str| list.iter().find(|v| v["service_request_id"] == no).unwrap();
        for v in list {
            assert_fields(v, &REQUEST_FIELDS, "request");
            for t in ["requested_datetime", "updated_datetime"] {
                assert!(v[t].as_str().unwrap().ends_with("+08:00"), "{v}");
            }
            assert_eq!(v["agency_responsible"], "沁园街道便民服务中心");
            assert_eq!(v["address_id"], "qinyuan");
            assert!(v["media_url"].is_null() && v["lat"].is_null());
        }
        let o = by(&open);
        assert_eq!(o["status"], "open");
        assert!(
            o["description"].as_str().unwrap().contains("3号窗口"),
            "{o}"
        );
        assert!(o["expected_datetime"].as_str().unwrap().ends_with("+08:00"));
        let notes = o["status_notes"].as_str().unwrap();
        assert!(
            notes.starts_with("回复") && !notes.contains("测试人员"),
            "{notes}"
        );
        let c = by(&closed);
        assert_eq!(c["status"], "closed");
        assert!(c["expected_datetime"].is_null());
        assert!(
            c["status_notes"].as_str().unwrap().starts_with("已办结"),
            "{c}"
        );
        let st = by(&staff_case);
        assert_eq!(st["description"], "工作人员 · 沁园街道便民服务中心");
        assert_eq!(st["status_notes"], "已收到");

        // The status filter.
        let ids = |v: &serde_json::Value| -> BTreeSet<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x["service_request_id"].as_str().unwrap().to_string())
                .collect()
        };
        let (_, v) = get(&app, "/open311/v2/requests.json?status=closed").await;
        assert_eq!(ids(&v), BTreeSet::from([closed.clone()]));
        let (_, v) = get(&app, "/open311/v2/requests.json?status=open").await;
        assert_eq!(ids(&v), BTreeSet::from([open.clone(), staff_case.clone()]));
        let (_, v) = get(&app, "/open311/v2/requests.json?status=open,closed").await;
        assert_eq!(ids(&v).len(), 3);
        let (s, e) = get(&app, "/open311/v2/requests.json?status=pending").await;
        assert_error(s, &e, 400);
        let (s, e) = get(&app, "/open311/v2/requests.json?status=open&status=closed").await;
        assert_error(s, &e, 400);
        // By category.
        let (_, v) = get(&app, "/open311/v2/requests.json?service_code=staff").await;
        assert_eq!(ids(&v), BTreeSet::from([staff_case.clone()]));
        let (s, v) = get(&app, "/open311/v2/requests.json?service_code=nothing").await;
        assert_eq!((s, ids(&v).len()), (200, 0));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn date_filters_and_ids() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let (_, key) = new_key(&app, "12345热线").await;
        let old = file(&app, &key, None).await;
        let recent = file(&app, &key, None).await;
        let day = 86_400_000i64;
        let now = now_ms();
        app.exec(&format!(
            "UPDATE complaints SET created_at = {} WHERE tracking_no = '{old}'",
            now - 100 * day
        ))
        .await;
        app.exec(&format!(
            "UPDATE complaints SET created_at = {} WHERE tracking_no = '{recent}'",
            now - 10 * day
        ))
        .await;
        let iso = |ms: i64| {
            jiff::Timestamp::from_millisecond(ms)
                .unwrap()
                .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        };
        let q = |s: &str| s.replace('+', "%2B");
        let ids = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .unwrap_or_else(|| panic!("{v}"))
                .iter()
                .map(|x| x["service_request_id"].as_str().unwrap().to_string())
                .collect()
        };
        // Default: the last 90 days.
        let (_, v) = get(&app, "/open311/v2/requests.json").await;
        assert_eq!(ids(&v), vec![recent.clone()]);
        // A window around the old one.
        let path = format!(
            "/open311/v2/requests.json?start_date={}&end_date={}",
            q(&iso(now - 120 * day)),
            q(&iso(now - 95 * day))
        );
        let (s, v) = get(&app, &path).await;
        assert_eq!((s, ids(&v)), (200, vec![old.clone()]));
        // A start alone: 90 days from it.
        let path = format!(
            "/open311/v2/requests.json?start_date={}",
            q(&iso(now - 101 * day))
        );
        let (_, v) = get(&app, &path).await;
        assert_eq!(ids(&v), vec![old.clone()]);
        // UTC works as well as +08:00.
        let utc = jiff::Timestamp::from_millisecond(now - 30 * day)
            .unwrap()
            .to_string();
        let (_, v) = get(&app, &format!("/open311/v2/requests.json?start_date={utc}")).await;
        assert_eq!(ids(&v), vec![recent.clone()]);
        // An end alone: the 90 days before it.
        let path = format!(
            "/open311/v2/requests.json?end_date={}",
            q(&iso(now - 50 * day))
        );
        let (_, v) = get(&app, &path).await;
        assert_eq!(ids(&v), vec![old.clone()]);
        // A span over 90 days is cut to 90 days from its start.
        let path = format!(
            "/open311/v2/requests.json?start_date={}&end_date={}",
            q(&iso(now - 101 * day)),
            q(&iso(now))
        );
        let (_, v) = get(&app, &path).await;
        assert_eq!(ids(&v), vec![old.clone()]);
        // End before start: nothing.
        let path = format!(
            "/open311/v2/requests.json?start_date={}&end_date={}",
            q(&iso(now)),
            q(&iso(now - day))
        );
        let (s, v) = get(&app, &path).await;
        assert_eq!((s, ids(&v).len()), (200, 0));
        // Not a date: 400.
        for bad in ["yesterday", "2026-05-01", "2026-05-01T10:00:00"] {
            let (s, e) = get(&app, &format!("/open311/v2/requests.json?start_date={bad}")).await;
            assert_error(s, &e, 400);
        }
        // By number: dates ignored, lower case and spaces tolerated.
        let path = format!(
            "/open311/v2/requests.json?service_request_id={},{},SX-2222-2222,junk&start_date=1990-01-01T00:00:00Z",
            old.to_lowercase(),
            recent
        );
        let (_, v) = get(&app, &path).await;
        let mut got = ids(&v);
        got.sort();
        let mut want = vec![old.clone(), recent.clone()];
        want.sort();
        assert_eq!(got, want);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_flood_guard_covers_open311() {
    let db = common::TestDb::sqlite();
    let mut config = common::config(&db.url);
    config.public_per_ip_second = 2;
    let app = spawn_with(config).await;
    let mut refused = None;
    for _ in 0..30 {
        let r = app.get("/open311/v2/services.json").await;
        if r.status() == 429 {
            refused = Some(r);
            break;
        }
    }
    let r = refused.expect("a 429 within 30 requests at 2/s");
    assert_eq!(r.headers()["retry-after"], "1");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_error(429, &body, 429);
}

#[tokio::test]
async fn the_admin_command_manages_keys() {
    let db = common::TestDb::sqlite();
    let app = spawn_app(&db.url).await;
    let config = common::config(&db.url);
    let admin = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let config = config.clone();
        async move { server::cli::admin(config, &args).await }
    };
    admin(&["open311-key", "create", "12345热线"])
        .await
        .unwrap();
    let list = keys::list(&app.db).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "12345热线");
    assert_eq!(list[0].created_by, "cli");
    admin(&["open311-key", "list"]).await.unwrap();
    admin(&["open311-key", "revoke", &list[0].id.to_string()])
        .await
        .unwrap();
    assert!(keys::list(&app.db).await.unwrap()[0].revoked_at.is_some());
    assert!(admin(&["open311-key", "revoke", &list[0].id.to_string()])
        .await
        .is_err());
    assert!(admin(&["open311-key", "create"]).await.is_err());
    assert!(admin(&["open311-key", "create", " "]).await.is_err());
    assert!(admin(&["open311-key", "revoke", "x"]).await.is_err());
}

/// The OpenAPI document names the spec's fields, all of them always present.
#[test]
fn the_document_has_the_specs_fields() {
    let doc = serde_json::to_value(server::http::openapi::document()).unwrap();
    for (schema, fields) in [
        ("Service", &SERVICE_FIELDS[..]),
        ("ServiceDefinition", &DEFINITION_FIELDS[..]),
        ("Attribute", &ATTRIBUTE_FIELDS[..]),
        ("AttributeValue", &VALUE_FIELDS[..]),
        ("ServiceRequest", &REQUEST_FIELDS[..]),
        ("Created", &CREATED_FIELDS[..]),
        ("TokenAnswer", &TOKEN_FIELDS[..]),
        ("Open311Error", &ERROR_FIELDS[..]),
    ] {
        let s = &doc["components"]["schemas"][schema];
        let want: BTreeSet<String> = fields.iter().map(|f| f.to_string()).collect();
        assert_eq!(keys_of(&s["properties"]), want, "{schema}");
        let required: BTreeSet<String> = s["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        assert_eq!(required, want, "{schema}: every field is always sent");
    }
}
