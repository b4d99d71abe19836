//! Script injection through what a URL reflects into a page, the
//! Content-Security-Policy of every response, and 长辈模式 without JavaScript
//! coming back to the whole path and query. Real HTTP against the real
//! server, on SQLite and PostgreSQL.

mod common;

use common::{backends, spawn_app, TestApp};

/// Payloads for text, attribute, title and script contexts.
const PAYLOADS: [&str; 6] = [
    "</title><script>alert(document.domain)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "javascript:alert(1)//<b>x</b>&amp;",
];

/// Every public place a URL's text comes back into a page, with `{}` for the payload.
const PLACES: [&str; 11] = [
    "/search?q={}",
    "/items?dept={}",
    "/items?dept={}&type={}&level={}&prov={}",
    "/book?seq={}",
    "/book/qinyuan?seq={}&day={}",
    "/items/{}",
    "/centers/{}",
    "/events/{}",
    "/{}",
    "/no/such/{}",
    "/bookings/{}",
];

async fn page(app: &TestApp, path: &str) -> (u16, Option<String>, String) {
    let r = app
        .client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let csp = r
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_string());
    (status, csp, r.text().await.unwrap())
}

/// The nonce a page policy allows.
fn policy_nonce(csp: &str) -> Option<&str> {
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let len = csp[start..].find('\'')?;
    Some(&csp[start..start + len])
}

/// Every `<script …>` opening tag in `html`.
fn script_tags(html: &str) -> Vec<&str> {
    html.match_indices("<script")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap_or(0) + 1])
        .collect()
}

/// The page carries the nonce policy, and its every script is one of ours:
/// a file of this site, or inline with this response's nonce.
fn assert_scripts_are_ours(path: &str, csp: &str, html: &str) {
    assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
    assert!(csp.contains("base-uri 'self'"), "{path}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    let nonce = policy_nonce(csp).unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
    assert!(nonce.len() >= 16, "{path}: a short nonce {nonce}");
    for tag in script_tags(html) {
        let own_file = tag.contains("src=\"/");
        let with_nonce = tag.contains(&format!("nonce=\"{nonce}\""));
        assert!(
            own_file || with_nonce,
            "{path}: a script that is not ours: {tag}"
        );
    }
}

#[tokio::test]
async fn reflected_text_is_escaped_everywhere_and_only_our_scripts_run() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let mut checked = 0;
        for payload in PAYLOADS {
            let encoded = app::text::url_encode(payload);
            for place in PLACES {
                let path = place.replace("{}", &encoded);
                let (status, csp, html) = page(&app, &path).await;
                assert!(status == 200 || status == 404, "{path}: status {status}");
                assert!(
                    !html.contains(payload),
                    "{path}: the payload came back unescaped:\n{html}"
                );
                for raw in [
                    "<script>alert",
                    "<img src=x",
                    "<svg onload",
                    "<iframe srcdoc",
                ] {
                    assert!(!html.contains(raw), "{path}: {raw} in the page");
                }
                let csp = csp.unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"));
                assert_scripts_are_ours(&path, &csp, &html);
                checked += 1;
            }
        }
        assert_eq!(checked, PAYLOADS.len() * PLACES.len());

        // The search query reaches the title, escaped; the islands script is our
        // own file, and the inline one Leptos writes carries the nonce.
        let q = app::text::url_encode(PAYLOADS[0]);
        let (_, csp, html) = page(&app, &format!("/search?q={q}")).await;
        assert!(
            html.contains(
                "<title>“&lt;/title&gt;&lt;script&gt;alert(document.domain)&lt;/script&gt;”的搜索结果 - 济源便民服务</title>"
            ),
            "{html}"
        );
        let nonce = policy_nonce(csp.as_deref().unwrap()).unwrap().to_string();
        assert!(html.contains("<script src=\"/client.js\" defer"), "{html}");
        assert!(
            script_tags(&html)
                .iter()
                .any(|t| t.contains(&format!("nonce=\"{nonce}\""))),
            "Leptos' inline resource script carries the nonce: {html}"
        );

        // Each response has its own nonce.
        let (_, again, _) = page(&app, &format!("/search?q={q}")).await;
        assert_ne!(policy_nonce(again.as_deref().unwrap()).unwrap(), nonce);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn every_response_has_a_policy_and_non_pages_run_nothing() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        // Pages, including the server-only ones and the back office.
        for path in [
            "/",
            "/items/201",
            "/centers/jishui",
            "/my",
            "/book",
            "/staff/login",
        ] {
            let (status, csp, html) = page(&app, path).await;
            assert_eq!(status, 200, "{path}");
            assert_scripts_are_ours(path, &csp.unwrap(), &html);
        }
        // JSON, health and redirects: nothing may run.
        for path in ["/api/v1/search?q=yibao", "/healthz", "/api/v1/openapi.json"] {
            let r = app.get(path).await;
            let csp = r.headers()["content-security-policy"].to_str().unwrap();
            assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        }
        db.cleanup().await;
    }
}

/// The camera only on the desk page; HSTS exactly when cookies are secure
/// (an HTTPS deployment).
#[tokio::test]
async fn browser_features_are_off_but_the_desk_camera_and_https_is_remembered() {
    let db = common::TestDb::sqlite();
    let app = spawn_app(&db.url).await;
    for path in ["/", "/items/201", "/my", "/book", "/api/v1/centers"] {
        let r = app.get(path).await;
        let pp = r.headers()["permissions-policy"].to_str().unwrap();
        assert!(
            pp.contains("camera=()") && pp.contains("geolocation=()"),
            "{path}: {pp}"
        );
        assert!(
            r.headers().get("strict-transport-security").is_none(),
            "{path}: plain-http development"
        );
    }
    // The back office, where staff reach the desk's scanner from any page.
    for path in ["/staff/desk", "/staff", "/staff/login"] {
        let r = app.get(path).await;
        let pp = r.headers()["permissions-policy"].to_str().unwrap();
        assert!(
            pp.contains("camera=(self)") && pp.contains("microphone=()"),
            "{path}: {pp}"
        );
    }

    let secure = common::spawn_with(server::config::Config {
        identity: server::config::IdentityConfig {
            cookie_always_secure: true,
            ..common::config(&db.url).identity
        },
        ..common::config(&db.url)
    })
    .await;
    let r = secure.get("/").await;
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    db.cleanup().await;
}

/// Pages rendered at the same time keep their own headers: each page's policy
/// allows the nonce on its own scripts, and a file served beside them gets
/// none of theirs (a favicon once took a page's headers: leptos_axum serves
/// files under whatever reactive owner a page left current on the thread).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_pages_each_keep_their_own_policy() {
    // A site folder with a real file in it, as a release build has.
    let site = tempfile::tempdir().unwrap();
    std::fs::copy("../public/favicon.svg", site.path().join("favicon.svg")).unwrap();
    for db in backends().await {
        let mut config = common::config(&db.url);
        config.site_root = site.path().to_str().unwrap().into();
        let app = common::spawn_with(config).await;
        const PATHS: [&str; 6] = [
            "/",
            "/items/201",
            "/search?q=yibao",
            "/favicon.svg",
            "/no/such/page",
            "/api/v1/search?q=yibao",
        ];
        for _round in 0..25 {
            // Spawned, so the runtime's worker threads serve them in parallel.
            let mut requests = tokio::task::JoinSet::new();
            for path in PATHS.iter().cycle().take(24) {
                let (client, url) = (app.client.clone(), app.url(path));
                requests.spawn(async move {
                    let r = client
                        .get(url.clone())
                        .header("accept", "text/html")
                        .timeout(std::time::Duration::from_secs(10))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("{url}: {e}"));
                    let csp = r
                        .headers()
                        .get("content-security-policy")
                        .map(|v| v.to_str().unwrap().to_string());
                    (
                        *path,
                        csp,
                        r.text().await.unwrap_or_else(|e| panic!("{url} body: {e}")),
                    )
                });
            }
            while let Some(done) = requests.join_next().await {
                let (path, csp, html) = done.unwrap();
                let csp = csp.unwrap_or_else(|| panic!("{path}: no policy"));
                if html.starts_with("<!DOCTYPE html>") {
                    assert_scripts_are_ours(path, &csp, &html);
                    let nonce = policy_nonce(&csp).unwrap();
                    assert!(
                        html.contains(&format!("nonce=\"{nonce}\"")),
                        "{path}: the page's scripts carry another response's nonce"
                    );
                } else {
                    assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
                }
            }
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn elder_mode_without_javascript_comes_back_to_the_whole_path_and_query() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let b = app.browser();
        for path in [
            "/search?q=yibao",
            "/items?dept=%E5%B8%82%E5%85%AC%E5%AE%89%E5%B1%80&level=D",
            "/book?seq=201",
            "/items/83",
        ] {
            let page = b.page(path).await;
            assert_eq!(page.status, 200, "{path}");
            let back = format!("name=\"back\" value=\"{}\"", path.replace('&', "&amp;"));
            assert!(
                page.body.contains(&back),
                "{path}: the toggle form lacks {back}"
            );
            // The toggle as a JavaScript-off browser posts it.
            let r = app
                .client
                .post(app.url("/prefs/elder"))
                .header("origin", app.url(""))
                .form(&[("on", "1"), ("back", path)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303, "{path}");
            assert_eq!(r.headers()["location"], path, "{path}");
            assert!(r.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .starts_with("bianmin_elder=1"));
        }
        // Other sites and schemes are still refused.
        for back in ["//evil.example/x", "https://evil.example", "/\\evil"] {
            let r = app
                .client
                .post(app.url("/prefs/elder"))
                .form(&[("on", "1"), ("back", back)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.headers()["location"], "/", "{back}");
        }
        db.cleanup().await;
    }
}
