//! The generated OpenAPI document against the real application: every
//! `/api/v1` and `/open311/v2` route of the built router (path and methods)
//! is in the document, every operation in the document is a route, it is
//! valid JSON of OpenAPI 3.x, every `$ref` resolves, and it is what
//! `/api/v1/openapi.json` serves.
//!
//! axum has no route listing, so the paths come from the router's `Debug`
//! (its route table) and each route's methods from its own `405` answer
//! (`Allow`) to a method no route takes.

mod common;

use std::collections::BTreeSet;

const PREFIXES: [&str; 2] = ["/api/v1/", "/open311/v2/"];

/// `/open311/v2/services/{service_code}.json` and `/open311/v2/services/{file}`
/// alike: a segment holding a parameter becomes `{}`.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.contains('{') { "{}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// The paths in a router's route table, from its `Debug`: `RouteId(n): "/path"`.
fn router_paths(router: &axum::Router) -> BTreeSet<String> {
    let text = format!("{router:?}");
    let mut out = BTreeSet::new();
    for part in text.split("RouteId(").skip(1) {
        let Some(rest) = part.split_once("): \"").map(|(_, r)| r) else {
            continue;
        };
        if let Some(path) = rest.split('"').next() {
            out.insert(path.to_string());
        }
    }
    out
}

/// A concrete URL for a route path: parameters filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            s if s.starts_with('{') && s.ends_with(".json") => "x.json".to_string(),
            s if s.starts_with('{') => "1".to_string(),
            s => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_is_documented_and_every_operation_is_a_route() {
    let db = common::TestDb::sqlite();
    let config = common::config(&db.url);
    let built = server::startup::build(&config).await.expect("build app");
    let all = router_paths(&built.router);
    assert!(
        all.contains("/healthz") && all.contains("/api/v1/search"),
        "the route table is read from the router's Debug; has axum changed it? {all:?}"
    );
    let routes: BTreeSet<String> = all
        .into_iter()
        // Not axum's own catch-all for a nested router's fallback.
        .filter(|p| PREFIXES.iter().any(|x| p.starts_with(x)) && !p.contains("__private__"))
        .collect();
    assert!(routes.len() >= 10, "{routes:?}");

    // Each route's methods, from the real server's 405 to a method none takes.
    let app = common::spawn_app(&db.url).await;
    let mut served = BTreeSet::new();
    for path in &routes {
        let r = app
            .client
            .request(
                reqwest::Method::from_bytes(b"PURGE").unwrap(),
                app.url(&concrete(path)),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{path}: a route answers 405 to PURGE");
        let allow = r.headers()["allow"].to_str().unwrap().to_lowercase();
        for m in allow.split(',').map(str::trim) {
            if m != "head" {
                served.insert((shape(path), m.to_string()));
            }
        }
    }

    let doc: serde_json::Value = serde_json::from_str(server::http::openapi::json()).unwrap();
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3."), "{version}");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((shape(path), method.clone()));
        }
    }
    let missing: Vec<_> = served.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes not in the document: {missing:?}"
    );
    let extra: Vec<_> = documented.difference(&served).collect();
    assert!(
        extra.is_empty(),
        "documented operations with no route: {extra:?}"
    );

    // Every operation names its statuses, and every $ref resolves.
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x.as_str()) {
                        ("$ref", Some(r)) => out.push(r.to_string()),
                        _ => refs(x, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all_refs = Vec::new();
    refs(&doc, &mut all_refs);
    assert!(!all_refs.is_empty());
    for r in all_refs {
        let pointer = r.strip_prefix('#').expect("local refs only");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let statuses: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
            assert!(
                statuses.iter().any(|s| s.starts_with('2'))
                    && statuses.contains(&&"414".to_string()),
                "{method} {path}: {statuses:?}"
            );
        }
    }

    // The same document is served.
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let served_doc: serde_json::Value = r.json().await.unwrap();
    assert_eq!(served_doc, doc);
    db.cleanup().await;
}

/// The statuses the hand-written document had, still documented (schemathesis
/// fails on an undocumented status).
#[test]
fn the_api_v1_statuses_are_kept() {
    let doc = server::http::openapi::document();
    let doc = serde_json::to_value(&doc).unwrap();
    for (path, want) in [
        (
            "/api/v1/search",
            &["200", "400", "414", "422", "429", "503"][..],
        ),
        ("/api/v1/catalog", &["200", "414"][..]),
        (
            "/api/v1/items/{seq}",
            &["200", "400", "404", "414", "429", "503"][..],
        ),
        ("/api/v1/centers", &["200", "414"][..]),
    ] {
        let got: BTreeSet<&str> = doc["paths"][path]["get"]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{path}"))
            .keys()
            .map(String::as_str)
            .collect();
        let want: BTreeSet<&str> = want.iter().copied().collect();
        assert_eq!(got, want, "{path}");
    }
}
