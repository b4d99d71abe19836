//! `bianmin demo` over real HTTP on SQLite and PostgreSQL: the sample windows
//! open booking at three centers, the demo admin signs in with the password
//! printed at start (a new one each start), every page says 演示数据, and the
//! portal without the demo flag says nothing of the kind.

mod common;

use common::{backends, config, spawn_with};
use server::demo::{self, DEMO_ADMIN, DEMO_WINDOWS};

#[tokio::test]
async fn the_demo_opens_booking_signs_in_its_admin_and_marks_every_page() {
    for db in backends().await {
        let mut demo_config = config(&db.url);
        demo_config.demo = true;
        let app = spawn_with(demo_config).await;
        let password = demo::seed(&app.db, &app.accounts).await.unwrap();

        // Booking is open at the sample centers, and only there.
        let b = app.browser();
        let centers = b.page("/book").await;
        assert_eq!(centers.status, 200);
        for name in [
            "沁园街道便民服务中心",
            "济水街道便民服务中心",
            "克井镇便民服务中心",
        ] {
            let at = centers.body.find(name).unwrap_or_else(|| panic!("{name}"));
            let rest = &centers.body[at..];
            let meta = &rest[..rest.find("</a>").unwrap()];
            assert!(meta.contains("近14天可约"), "{name}: {meta}");
        }
        assert!(
            centers.body.contains("暂未开放延时预约"),
            "other centers stay closed"
        );
        let day = b.page("/book/kejing?seq=201").await;
        assert_eq!(day.status, 200);

        // Every page, the back office too, carries the 演示数据 flag.
        for path in ["/", "/items/201", "/book", "/my", "/staff/login"] {
            let page = b.page(path).await;
            assert!(page.body.contains("data-demo=\"true\""), "{path}");
        }

        // The printed password signs the demo admin in.
        let admin = app.browser();
        let login = admin
            .call(
                "staff/login",
                &[("username", DEMO_ADMIN), ("password", &password)],
            )
            .await;
        assert_eq!(login.status, 200, "{}", login.body);

        // Starting again keeps the windows and gives a new password; the old one stops working.
        let windows = "SELECT COUNT(*) FROM schedule_windows WHERE id > $1";
        let before = common::scalar(&app.db, windows, 0).await;
        let expected: i64 = DEMO_WINDOWS.iter().map(|w| w.weekdays.len() as i64).sum();
        assert_eq!(before, expected);
        // Even a locked demo admin with a session open comes back unlocked, signed out everywhere.
        app.exec("UPDATE staff_users SET locked_until = 9999999999999, failed_logins = 5 WHERE username = 'demo_admin'")
            .await;
        let sessions = "SELECT COUNT(*) FROM sessions WHERE staff_id = $1";
        let id = admin_id(&app).await;
        assert_eq!(common::scalar(&app.db, sessions, id).await, 1);
        let again = demo::seed(&app.db, &app.accounts).await.unwrap();
        assert_eq!(common::scalar(&app.db, sessions, id).await, 0);
        let fresh = app
            .browser()
            .call(
                "staff/login",
                &[("username", DEMO_ADMIN), ("password", &again)],
            )
            .await;
        assert_eq!(fresh.status, 200, "{}", fresh.body);
        assert_ne!(again, password);
        assert_eq!(common::scalar(&app.db, windows, 0).await, before);
        let old = app
            .browser()
            .call(
                "staff/login",
                &[("username", DEMO_ADMIN), ("password", &password)],
            )
            .await;
        assert_ne!(old.status, 200, "the old demo password still works");

        // A database with staff of its own is never seeded, whatever its URL.
        app.staff("qy_admin", "center_admin", "qinyuan", "Bianmin#2026")
            .await;
        let refused = demo::seed(&app.db, &app.accounts).await.unwrap_err();
        assert!(
            refused.to_string().contains("staff accounts of its own"),
            "{refused}"
        );
        db.cleanup().await;
    }
}

async fn admin_id(app: &common::TestApp) -> i64 {
    common::scalar(
        &app.db,
        "SELECT id FROM staff_users WHERE username = 'demo_admin' AND id > $1",
        0,
    )
    .await
}

#[tokio::test]
async fn the_real_portal_has_no_demo_banner() {
    for db in backends().await {
        let app = spawn_with(config(&db.url)).await;
        for path in ["/", "/book", "/staff/login"] {
            let page = app.browser().page(path).await;
            assert_eq!(page.status, 200, "{path}");
            assert!(!page.body.contains("data-demo"), "{path}");
        }
        db.cleanup().await;
    }
}

/// The password goes beside the demo database, readable by its owner only.
#[test]
fn the_password_is_kept_where_only_the_operator_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut demo_config = config(&format!("sqlite://{}/demo.db", dir.path().display()));
    demo_config.demo = true;
    demo::announce(&demo_config, "Demo-first-7k").unwrap();
    // A second start replaces it.
    demo::announce(&demo_config, "Demo-second-7k").unwrap();
    let file = dir.path().join("demo-admin-password.txt");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "Demo-second-7k\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}
