//! Malformed calls to every server function answer 4xx, never 5xx: missing
//! or unparsable arguments are the caller's fault. The endpoints are read from
//! the app's source, so a new server function is covered the day it is added.

mod common;

use common::{spawn_app, TestDb};

/// Every server function's endpoint, with whether it is a GET.
fn endpoints() -> Vec<(String, bool)> {
    common::server_fns()
        .into_iter()
        .map(|f| (f.endpoint, f.get))
        .collect()
}

#[tokio::test]
async fn malformed_calls_to_every_server_function_are_4xx() {
    let db = TestDb::sqlite();
    let app = spawn_app(&db.url).await;
    let b = app.browser();
    let all = endpoints();
    assert!(all.len() >= 50, "found only {} server functions", all.len());

    // The call the fuzzer first found: no arguments at all.
    let r = b.call("booking/cancel", &[]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["Validation"]["message"], "请求参数不正确");

    // A 100,000-character value in a body; in a URL, what a URL can carry.
    let huge_body = "宝".repeat(100_000);
    let huge_url = "宝".repeat(1_000);
    let mut checked = 0;
    for (name, get) in &all {
        let huge = if *get { &huge_url } else { &huge_body };
        let bad: [&[(&str, &str)]; 4] = [
            &[],
            &[
                ("seq", "abc"),
                ("slot", "-99999999999999999999"),
                ("code", "\0"),
            ],
            &[("code", huge.as_str()), ("phone", "\u{1F600}\u{7}")],
            &[("page", "1e9999"), ("day", "2026-02-30"), ("id", "0x10")],
        ];
        for form in bad {
            let r = if *get {
                b.query(name, form).await
            } else {
                b.call(name, form).await
            };
            assert!(
                r.status < 500,
                "{name} ({}) with {:?}: {} {}",
                if *get { "GET" } else { "POST" },
                form.iter().map(|(k, v)| (k, v.len())).collect::<Vec<_>>(),
                r.status,
                &r.body[..r.body.len().min(300)]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, all.len() * 4);
}
