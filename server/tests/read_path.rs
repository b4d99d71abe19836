//! The citizen read path over real HTTP against the real server, on SQLite
//! and on PostgreSQL: pages, JSON API, health, seeding, refresh.

mod common;

use common::{backends, spawn_app, TestApp};
use serde_json::Value;

async fn json(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[tokio::test]
async fn health_catalog_items_and_search_api() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let r = app.get("/healthz").await;
        assert_eq!(r.status(), 200, "{}", db.url);

        let (s, catalog) = json(&app, "/api/v1/catalog").await;
        assert_eq!(s, 200);
        let items = catalog["items"].as_array().unwrap();
        assert_eq!(items.len(), 228);
        assert_eq!(catalog["total"], 228);
        let row28 = items.iter().find(|i| i["seq"] == 28).unwrap();
        assert!(
            row28["business_item"].as_str().unwrap().contains("赁面积"),
            "typos kept as printed"
        );
        let row107 = items.iter().find(|i| i["seq"] == 107).unwrap();
        assert_eq!(row107["level"], "");
        for key in [
            "seq",
            "main_item",
            "sub_item",
            "business_item",
            "item_type",
            "level",
            "department",
            "provincial_catalog",
        ] {
            assert!(items[0].get(key).is_some(), "column {key}");
        }
        assert_eq!(items[0]["provincial_catalog"], true);

        let (s, item) = json(&app, "/api/v1/items/201").await;
        assert_eq!(s, 200);
        assert_eq!(item["item"]["business_item"], "申领居民身份证（换领）");
        assert_eq!(item["guide"]["sample"], true);
        assert!(!item["guide"]["content"]["materials"]
            .as_array()
            .unwrap()
            .is_empty());
        let (s, item) = json(&app, "/api/v1/items/2").await;
        assert_eq!(s, 200);
        assert!(item["guide"].is_null());
        let (s, err) = json(&app, "/api/v1/items/9999").await;
        assert_eq!(s, 404);
        assert_eq!(err["error"]["code"], "not_found");
        assert_eq!(json(&app, "/api/v1/items/abc").await.0, 404);

        let (s, found) = json(
            &app,
            &format!(
                "/api/v1/search?q={}&limit=3",
                app::text::url_encode("社保卡补办")
            ),
        )
        .await;
        assert_eq!(s, 200);
        let hits = found["items"].as_array().unwrap();
        assert!(hits.len() <= 3 && !hits.is_empty());
        assert_eq!(hits[0]["seq"], 70);
        for key in [
            "seq",
            "business_item",
            "main_item",
            "sub_item",
            "department",
        ] {
            assert!(hits[0].get(key).is_some(), "hit field {key}");
        }
        let (s, found) = json(&app, "/api/v1/search?q=jzz").await;
        assert_eq!(s, 200);
        assert_eq!(found["items"][0]["seq"], 210);
        let (s, found) = json(&app, "/api/v1/search?q=").await;
        assert_eq!((s, found["items"].as_array().unwrap().len()), (200, 0));
        for bad in ["0", "", "51", "x"] {
            let (s, err) = json(&app, &format!("/api/v1/search?q=a&limit={bad}")).await;
            assert_eq!(s, 422, "limit={bad}");
            assert_eq!(err["error"]["field"], "limit");
        }
        let long = "身".repeat(51);
        assert_eq!(
            json(
                &app,
                &format!("/api/v1/search?q={}", app::text::url_encode(&long))
            )
            .await
            .0,
            422
        );

        let (s, centers) = json(&app, "/api/v1/centers").await;
        assert_eq!(s, 200);
        assert_eq!(centers.as_array().unwrap().len(), 16);
        assert_eq!(
            centers[0]["phone"], "",
            "contact details are never invented"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn pages_render_on_the_server_with_status_codes() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        let (s, home) = app.text("/").await;
        assert_eq!(s, 200);
        assert!(home.contains("高频事项") && home.contains("一件事一次办"));
        assert!(home.contains("沁园街道") && home.contains("思礼镇"));
        assert!(home.contains(r#"href="/events/birth""#));
        assert!(home.contains(r#"lang="zh-CN""#));

        let (s, catalog) = app.text("/items").await;
        assert_eq!(s, 200);
        assert_eq!(
            count(&catalog, r#"href="/items/"#),
            228,
            "every item listed once"
        );
        // Filters are URL-addressable and match the catalog's own counts.
        let police = server::seed::catalog()
            .unwrap()
            .iter()
            .filter(|i| i.department == "市公安局")
            .count();
        let (s, filtered) = app
            .text(&format!(
                "/items?dept={}",
                app::text::url_encode("市公安局")
            ))
            .await;
        assert_eq!(s, 200);
        assert_eq!(count(&filtered, r#"href="/items/"#), police);
        let de = server::seed::catalog()
            .unwrap()
            .iter()
            .filter(|i| i.level == "DE" && !i.provincial_catalog)
            .count();
        let (_, filtered) = app.text("/items?level=DE&prov=0").await;
        assert_eq!(count(&filtered, r#"href="/items/"#), de);

        let (s, item) = app.text("/items/201").await;
        assert_eq!(s, 200);
        assert!(item.contains("示例内容，以窗口告知为准"));
        assert!(item.contains("申请材料") && item.contains(r#"type="checkbox""#));
        assert!(item.contains("<tbody>"), "tables carry tbody for hydration");
        let (s, pending) = app.text("/items/2").await;
        assert_eq!(s, 200);
        assert!(pending.contains("办事指南正在编制中"));
        assert!(pending.contains(r#"href="/centers""#));

        let (s, results) = app
            .text(&format!("/search?q={}", app::text::url_encode("五保户")))
            .await;
        assert_eq!(s, 200);
        assert!(results.contains(r#"href="/items/120""#));
        assert!(
            results.contains(r#"value="五保户""#),
            "the box keeps the query without JavaScript"
        );
        assert!(
            results.contains(r#"name="on" value="1""#),
            "the 长辈模式 form works without JavaScript"
        );
        let (s, centers) = app.text("/centers").await;
        assert_eq!(s, 200);
        assert_eq!(count(&centers, r#"href="/centers/"#), 16);
        let (s, center) = app.text("/centers/qinyuan").await;
        assert_eq!(s, 200);
        assert!(center.contains("沁园街道便民服务中心") && center.contains("暂未公布"));

        for missing in [
            "/no-such-page",
            "/items/99999",
            "/items/abc",
            "/centers/nowhere",
            "/events/nothing",
        ] {
            let (s, body) = app.text(missing).await;
            assert_eq!(s, 404, "{missing}");
            assert!(body.contains("页面不存在"), "{missing}");
        }
        db.cleanup().await;
    }
}

/// Every citizen page says what it is to a search engine and a share sheet:
/// one non-empty `<meta name="description">` and its own title.
#[tokio::test]
async fn every_citizen_page_has_a_title_and_one_description() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        for path in [
            "/",
            "/items",
            "/items/201",
            "/search?q=社保",
            "/centers",
            "/centers/qinyuan",
            "/events/birth",
            "/book",
            "/book/qinyuan?seq=201",
            "/my",
        ] {
            let (status, html) = app.text(path).await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(count(&html, "<meta name=\"description\""), 1, "{path}");
            let at = html.find("<meta name=\"description\" content=\"").unwrap()
                + "<meta name=\"description\" content=\"".len();
            let content = &html[at..at + html[at..].find('"').unwrap()];
            assert!(content.chars().count() >= 10, "{path}: {content}");
            assert_eq!(count(&html, "<title>"), 1, "{path}");
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn elder_mode_is_remembered_without_javascript() {
    let db = common::TestDb::sqlite();
    let app = spawn_app(&db.url).await;
    let r = app
        .client
        .post(app.url("/prefs/elder"))
        .form(&[("on", "1"), ("back", "/items?level=DE")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/items?level=DE");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("bianmin_elder=1"));
    let page = app
        .client
        .get(app.url("/"))
        .header("cookie", "bianmin_elder=1")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<html lang="zh-CN" class="elder""#));
    let r = app
        .client
        .post(app.url("/prefs/elder"))
        .form(&[("on", "1"), ("back", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/", "no open redirect");
}

#[tokio::test]
async fn restart_seeds_nothing_twice_and_refresh_picks_up_changes() {
    for db in backends().await {
        let first = spawn_app(&db.url).await;
        let model = first.app_portal.model();
        assert_eq!(model.items.len(), 228);
        let v1 = model.version;
        // A second instance on the same database (a restart) changes nothing.
        let second = spawn_app(&db.url).await;
        assert_eq!(second.app_portal.model().version, v1);
        assert_eq!(second.app_portal.model().items.len(), 228);
        let pool = first.app_portal.db().pool().clone();
        let guides: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM guide_versions")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(guides as usize, server::seed::guides().unwrap().len());

        // An admin's change on one instance reaches the other.
        sqlx::query("UPDATE centers SET phone = '0391-0000000' WHERE code = 'jishui'")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE content_version SET version = version + 1 WHERE id = 1")
            .execute(&pool)
            .await
            .unwrap();
        assert!(second.app_portal.refresh_if_changed().await.unwrap());
        assert!(!second.app_portal.refresh_if_changed().await.unwrap());
        let (_, page) = second.text("/centers/jishui").await;
        assert!(page.contains("0391-0000000"));
        db.cleanup().await;
    }
}

/// `/pkg` answers from the build's precompressed files as they are, and
/// without the release build's hash.txt (as here) asks for revalidation;
/// public files are revalidated too, unknown ones answer 404.
#[tokio::test]
async fn pkg_files_are_served_precompressed() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let css = "body { color: #1a1a1a; }\n".repeat(20);
    std::fs::write(site.join("pkg/bianmin.css"), &css).unwrap();
    // Stands in for the .br cargo-leptos writes: what is on disk goes out as it is.
    std::fs::write(site.join("pkg/bianmin.css.br"), b"precompressed").unwrap();
    std::fs::write(site.join("robots.txt"), "User-agent: *\n").unwrap();
    let db = common::TestDb::sqlite();
    let mut config = common::config(&db.url);
    config.site_root = site.to_str().unwrap().into();
    let app = common::spawn_with(config).await;

    let r = app
        .client
        .get(app.url("/pkg/bianmin.css"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert_eq!(r.headers()["vary"], "accept-encoding");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"precompressed");

    let plain = app.get("/pkg/bianmin.css").await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), css);

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status(), 200);
    assert_eq!(robots.headers()["cache-control"], "no-cache");
    assert_eq!(app.get("/pkg/nothing.wasm").await.status(), 404);
    db.cleanup().await;
}
