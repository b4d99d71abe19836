//! Staff identity and the back office over real HTTP on SQLite and
//! PostgreSQL: passwords, lockout, session rules, role and scope checks for
//! every role, guide authoring, center settings, the audit log, the admin command.

mod common;

use common::{backends, spawn_app, Browser, TestApp};
use sqlx::Row;

const PW: &str = "Bianmin#2026";

async fn login(b: &Browser, user: &str, pw: &str) -> common::Reply {
    b.call("staff/login", &[("username", user), ("password", pw)])
        .await
}

async fn me(b: &Browser) -> serde_json::Value {
    b.query("staff/me", &[]).await.json()
}

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let b = app.browser();
    let r = login(&b, user, PW).await;
    assert_eq!(r.status, 200, "{user}: {}", r.body);
    b
}

#[tokio::test]
async fn passwords_lockout_and_session_rules() {
    for db in backends().await {
        // Behind a proxy that reports client addresses, as in production.
        let app = common::spawn_with(server::config::Config {
            identity: server::config::IdentityConfig {
                client_ip_header: Some("X-Real-IP".into()),
                ..common::config(&db.url).identity
            },
            ..common::config(&db.url)
        })
        .await;
        app.staff("admin", "city_admin", "", PW).await;

        // Hashed with argon2id, never stored as typed.
        let hash: String =
            sqlx::query("SELECT password_hash FROM staff_users WHERE username = 'admin'")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert!(hash.starts_with("$argon2id$") && !hash.contains(PW));

        // Every failure gets the same answer: unknown user, wrong password,
        // paused address, locked account.
        let b = app.browser();
        let unknown = login(&b, "nobody", "Wrong#pass1").await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.body.contains("用户名或密码不正确"));
        let from = |ip: &str| {
            let mut b = app.browser();
            b.client_ip = Some(ip.to_string());
            b
        };

        // Five failures from one address pause logins from there, even with
        // the right password...
        let guesser = from("198.51.100.7");
        for _ in 0..5 {
            let r = login(&guesser, "admin", "Wrong#pass1").await;
            assert_eq!(
                r.body, unknown.body,
                "a known user answers like an unknown one"
            );
        }
        let r = login(&guesser, "admin", PW).await;
        assert_eq!(r.body, unknown.body, "paused, with the same answer");
        // ...but the staff member elsewhere is not locked out.
        assert_eq!(login(&from("203.0.113.9"), "admin", PW).await.status, 200);

        // Failures from several addresses (20 without a success) lock the
        // account for everyone for 30 minutes, audited.
        for n in 1..=4 {
            let attacker = from(&format!("192.0.2.{n}"));
            for _ in 0..5 {
                let r = login(&attacker, "admin", "Wrong#pass1").await;
                assert_eq!(r.body, unknown.body);
            }
        }
        let r = login(&from("203.0.113.10"), "admin", PW).await;
        assert_eq!(r.body, unknown.body, "locked, with the same answer");
        let until: i64 =
            sqlx::query("SELECT locked_until FROM staff_users WHERE username = 'admin'")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        let minutes = (until - server::time::now_ms()) / 60_000;
        assert!((29..=30).contains(&minutes), "{minutes}");
        let audited: i64 = sqlx::query(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_locked' AND target_id = 'admin'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(audited, 1);
        // Thirty minutes later (the lock and the counting windows over) it opens again.
        app.exec("UPDATE staff_users SET locked_until = 1 WHERE username = 'admin'")
            .await;
        app.exec("UPDATE rate_limits SET window_start = 0 WHERE key LIKE 'pw:%'")
            .await;
        let r = login(&b, "admin", PW).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(me(&b).await["username"], "admin");

        // A new session id at every login; the one presented is ended.
        let first = b
            .cookies
            .lock()
            .unwrap()
            .get("bianmin_staff")
            .cloned()
            .unwrap();
        let r = login(&b, "admin", PW).await;
        assert_eq!(r.status, 200);
        let second = b
            .cookies
            .lock()
            .unwrap()
            .get("bianmin_staff")
            .cloned()
            .unwrap();
        assert_ne!(first, second);
        let stale = app.browser();
        stale
            .cookies
            .lock()
            .unwrap()
            .insert("bianmin_staff".into(), first);
        assert!(me(&stale).await.is_null());

        // 30 minutes idle ends a session.
        app.exec(
            "UPDATE sessions SET last_seen_at = last_seen_at - 31 * 60000 WHERE kind = 'staff'",
        )
        .await;
        assert!(me(&b).await.is_null());
        // 12 hours in all ends it however active it is.
        let b = signed_in(&app, "admin").await;
        app.exec("UPDATE sessions SET expires_at = 1 WHERE kind = 'staff'")
            .await;
        assert!(me(&b).await.is_null());

        // Logout everywhere ends every session of that account.
        let phone = signed_in(&app, "admin").await;
        let desk = signed_in(&app, "admin").await;
        let r = desk.call("staff/logout", &[("everywhere", "1")]).await;
        assert_eq!(r.status, 200);
        assert!(me(&phone).await.is_null());
        assert!(me(&desk).await.is_null());

        // Password policy and change.
        let b = signed_in(&app, "admin").await;
        for (new, field) in [
            ("short1A", "new"),
            ("alllowercase", "new"),
            ("Another#2026", "confirm"),
        ] {
            let r = b
                .call(
                    "staff/password",
                    &[("current", PW), ("new", new), ("confirm", "Different#1")],
                )
                .await;
            assert_eq!(r.status, 422, "{new}");
            assert_eq!(r.json()["Validation"]["field"], field, "{new}: {}", r.body);
        }
        let r = b
            .call(
                "staff/password",
                &[
                    ("current", PW),
                    ("new", "Changed#2026"),
                    ("confirm", "Changed#2026"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            login(&app.browser(), "admin", "Changed#2026").await.status,
            200
        );
        db.cleanup().await;
    }
}

/// Status of a server function call by each kind of caller.
async fn statuses(
    callers: &[(&str, &Browser)],
    endpoint: &str,
    form: &[(&str, &str)],
    get: bool,
) -> Vec<(String, u16)> {
    let mut out = vec![];
    for (name, b) in callers {
        let r = if get {
            b.query(endpoint, form).await
        } else {
            b.call(endpoint, form).await
        };
        out.push((name.to_string(), r.status));
    }
    out
}

fn expect(got: Vec<(String, u16)>, want: &[u16], what: &str) {
    let codes: Vec<u16> = got.iter().map(|(_, s)| *s).collect();
    assert_eq!(codes, want, "{what}: {got:?}");
}

#[tokio::test]
async fn simultaneous_guesses_cannot_pass_the_lockout() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("target", "window", "qinyuan", PW).await;
        let guesses = (0..30).map(|n| {
            let b = app.browser();
            async move { login(&b, "target", &format!("Guess#{n:04}x")).await }
        });
        let answers = futures_join_all(guesses).await;
        assert!(answers.iter().all(|r| r.status == 422 || r.status == 429));
        // Only attempts taken before the pause were checked against the hash.
        let checked: i64 =
            sqlx::query("SELECT failed_logins FROM staff_users WHERE username = 'target'")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert!(checked <= 5, "{checked} guesses were checked");
        let r = login(&app.browser(), "target", PW).await;
        assert_eq!(
            r.status, 422,
            "the right password is refused from the paused address: {}",
            r.body
        );
        db.cleanup().await;
    }
}

/// Runs futures concurrently on this task (no extra dependency).
async fn futures_join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futs.collect();
    let mut out = Vec::new();
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = handles.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(done.into_iter().map(|d| d.unwrap()));
    out
}

#[tokio::test]
async fn every_role_is_checked_for_role_and_scope() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("city", "city_admin", "", PW).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        app.staff("js_admin", "center_admin", "jishui", PW).await;
        app.staff("qy_window", "window", "qinyuan", PW).await;
        app.staff("qy_helper", "helper", "qinyuan", PW).await;
        let js_window = app
            .staff("js_window", "window", "jishui", PW)
            .await
            .to_string();
        let qy_helper_id: i64 =
            sqlx::query("SELECT id FROM staff_users WHERE username = 'qy_helper'")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        let qy_helper_id = qy_helper_id.to_string();
        let anon = app.browser();
        let city = signed_in(&app, "city").await;
        let qy = signed_in(&app, "qy_admin").await;
        let window = signed_in(&app, "qy_window").await;
        let helper = signed_in(&app, "qy_helper").await;
        let all = [
            ("anon", &anon),
            ("city", &city),
            ("qy_admin", &qy),
            ("window", &window),
            ("helper", &helper),
        ];

        // Accounts: city admins see all, center admins their own center, nobody else.
        expect(
            statuses(&all, "staff/users", &[], true).await,
            &[401, 200, 200, 403, 403],
            "list users",
        );
        let seen = qy
            .query("staff/users", &[("center", "jishui")])
            .await
            .json();
        let names: Vec<&str> = seen["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert!(
            names.iter().all(|n| n.starts_with("qy_")),
            "qinyuan's admin saw {names:?}"
        );
        assert_eq!(city.query("staff/users", &[]).await.json()["total"], 6);

        let new_user = |name: &'static str, role: &'static str, center: &'static str| {
            vec![
                ("user[username]", name),
                ("user[display_name]", "新同事"),
                ("user[role]", role),
                ("user[center]", center),
                ("user[password]", PW),
            ]
        };
        let probe = city
            .call(
                "staff/users/create",
                &new_user("staff_w0", "window", "jishui"),
            )
            .await;
        assert_eq!(probe.status, 200, "{}", probe.body);
        expect(
            statuses(
                &all,
                "staff/users/create",
                &new_user("staff_w1", "window", "jishui"),
                false,
            )
            .await,
            &[401, 200, 403, 403, 403],
            "create a jishui window account",
        );
        let r = qy
            .call(
                "staff/users/create",
                &new_user("staff_w2", "window", "qinyuan"),
            )
            .await;
        assert_eq!(
            r.status, 200,
            "a center admin creates for their own center: {}",
            r.body
        );
        assert_eq!(
            qy.call(
                "staff/users/create",
                &new_user("staff_w3", "center_admin", "qinyuan")
            )
            .await
            .status,
            403
        );
        // Scope is checked before the form: a bad name for another center is
        // still a 403, not a hint about the fields.
        let mut elsewhere = new_user("staff_w5", "window", "jishui");
        elsewhere[1].1 = "1";
        assert_eq!(qy.call("staff/users/create", &elsewhere).await.status, 403);
        let r = city
            .call(
                "staff/users/create",
                &new_user("staff_w2", "window", "qinyuan"),
            )
            .await;
        assert_eq!(
            r.json()["Validation"]["field"],
            "username",
            "duplicate username"
        );
        let mut weak = new_user("staff_w4", "window", "qinyuan");
        weak[4].1 = "password";
        assert_eq!(
            city.call("staff/users/create", &weak).await.json()["Validation"]["field"],
            "password"
        );

        expect(
            statuses(
                &all,
                "staff/users/disable",
                &[("id", &js_window), ("disabled", "true")],
                false,
            )
            .await,
            &[401, 200, 403, 403, 403],
            "disable jishui's window account",
        );
        assert!(login(&app.browser(), "js_window", PW)
            .await
            .body
            .contains("停用"));
        let r = qy
            .call(
                "staff/users/disable",
                &[("id", &qy_helper_id), ("disabled", "true")],
            )
            .await;
        assert_eq!(r.status, 200, "qinyuan's admin disables qinyuan's helper");
        assert!(
            me(&helper).await.is_null(),
            "disabling ends the account's sessions"
        );

        // Guides: city admins only.
        let all = [
            ("anon", &anon),
            ("city", &city),
            ("qy_admin", &qy),
            ("window", &window),
        ];
        expect(
            statuses(&all, "staff/guides", &[], true).await,
            &[401, 200, 403, 403],
            "guide list",
        );
        expect(
            statuses(&all, "staff/guide", &[("seq", "201")], true).await,
            &[401, 200, 403, 403],
            "guide editor",
        );
        expect(
            statuses(
                &all,
                "staff/guide/save",
                &[("seq", "201"), ("intent", "draft"), ("guide[summary]", "x")],
                false,
            )
            .await,
            &[401, 200, 403, 403],
            "save a draft",
        );

        // Center settings: own center for center admins, any for city admins.
        expect(
            statuses(&all, "staff/center", &[("code", "qinyuan")], true).await,
            &[401, 200, 200, 403],
            "qinyuan settings",
        );
        expect(
            statuses(&all, "staff/center", &[("code", "jishui")], true).await,
            &[401, 200, 403, 403],
            "jishui settings",
        );
        let contact = |code: &'static str| {
            vec![
                ("code", code),
                ("contact[address]", "示例地址"),
                ("contact[phone]", "0391-0000000"),
                ("contact[hours]", "工作日"),
                ("contact[map_url]", ""),
            ]
        };
        expect(
            statuses(&all, "staff/center/contact", &contact("jishui"), false).await,
            &[401, 200, 403, 403],
            "jishui contact",
        );
        expect(
            statuses(&all, "staff/center/contact", &contact("qinyuan"), false).await,
            &[401, 200, 200, 403],
            "qinyuan contact",
        );
        let item = |code: &'static str| {
            vec![
                ("code", code),
                ("change[seq]", "201"),
                ("change[at_center]", "on"),
                ("change[at_stations]", "on"),
            ]
        };
        expect(
            statuses(&all, "staff/center/item", &item("jishui"), false).await,
            &[401, 200, 403, 403],
            "jishui items",
        );

        // Audit log: city admins only.
        expect(
            statuses(&all, "staff/audit", &[], true).await,
            &[401, 200, 403, 403],
            "audit log",
        );
        db.cleanup().await;
    }
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query("SELECT actor_username, action, target_id FROM audit_log ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get(0).unwrap(),
                r.try_get(1).unwrap(),
                r.try_get(2).unwrap(),
            )
        })
        .collect()
}

async fn save(b: &Browser, fields: &[(String, String)], intent: &str) -> common::Reply {
    let mut f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    f.push(("intent", intent));
    b.call("staff/guide/save", &f).await
}

#[tokio::test]
async fn guides_are_drafted_published_versioned_and_diffed() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("city", "city_admin", "", PW).await;
        let b = signed_in(&app, "city").await;
        let editor = b.query("staff/guide", &[("seq", "201")]).await.json();
        assert_eq!(editor["versions"].as_array().unwrap().len(), 1);
        let form = &editor["form"];

        let mut fields: Vec<(String, String)> = vec![("seq".into(), "201".into())];
        for k in [
            "summary",
            "legal_basis",
            "conditions",
            "process",
            "legal_time_limit",
            "promised_time_limit",
            "handling_type",
            "fee",
            "result",
            "delivery",
            "visits",
        ] {
            fields.push((format!("guide[{k}]"), form[k].as_str().unwrap().to_string()));
        }
        for (i, m) in form["materials"].as_array().unwrap().iter().enumerate() {
            for k in ["name", "form", "copies", "medium", "condition", "note"] {
                fields.push((
                    format!("guide[materials][{i}][{k}]"),
                    m[k].as_str().unwrap().to_string(),
                ));
            }
            if !m["required"].is_null() {
                fields.push((format!("guide[materials][{i}][required]"), "on".into()));
            }
        }
        fields.push(("guide[channels][0]".into(), "窗口".into()));

        // Publishing with a missing field fails next to it, and keeps what was typed as a draft.
        let mut broken = fields.clone();
        broken.retain(|(k, _)| k != "guide[fee]");
        broken
            .iter_mut()
            .find(|(k, _)| k == "guide[summary]")
            .unwrap()
            .1 = "新的说明：仅供测试".into();
        let r = save(&b, &broken, "publish").await;
        assert_eq!(r.status, 422);
        assert_eq!(r.json()["Validation"]["field"], "fee");
        let editor = b.query("staff/guide", &[("seq", "201")]).await.json();
        assert_eq!(editor["form"]["summary"], "新的说明：仅供测试");
        assert!(!editor["draft_saved"].is_null());
        let citizen = app
            .get("/api/v1/items/201")
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap();
        assert_ne!(
            citizen["guide"]["content"]["summary"], "新的说明：仅供测试",
            "a draft is not published"
        );

        // Publishing a complete form makes version 2, visible to citizens at once.
        fields
            .iter_mut()
            .find(|(k, _)| k == "guide[summary]")
            .unwrap()
            .1 = "新的说明：仅供测试".into();
        fields
            .iter_mut()
            .find(|(k, _)| k == "guide[fee]")
            .unwrap()
            .1 = "不收费".into();
        let r = save(&b, &fields, "publish").await;
        assert_eq!(r.status, 200, "{}", r.body);
        let citizen = app
            .get("/api/v1/items/201")
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap();
        assert_eq!(citizen["guide"]["version"], 2);
        assert_eq!(citizen["guide"]["sample"], false);
        assert_eq!(citizen["guide"]["content"]["summary"], "新的说明：仅供测试");
        assert_eq!(
            citizen["guide"]["published_on"],
            server::time::shanghai_date(server::time::now_ms())
        );
        let page = app.text("/items/201").await.1;
        assert!(page.contains("新的说明：仅供测试"));
        let editor = b.query("staff/guide", &[("seq", "201")]).await.json();
        assert!(
            editor["draft_saved"].is_null(),
            "publishing clears the draft"
        );
        let versions = editor["versions"].as_array().unwrap();
        assert_eq!(versions[0]["version"], 2);
        assert_eq!(versions[0]["published_by"], "city");

        // The diff of 1 → 2 shows the summary change and the fee line.
        let diff = b
            .query(
                "staff/guide/diff",
                &[("seq", "201"), ("from", "1"), ("to", "2")],
            )
            .await
            .json();
        let lines = diff["lines"].as_array().unwrap();
        assert!(lines
            .iter()
            .any(|l| l["kind"] == "Added" && l["text"] == "事项说明：新的说明：仅供测试"));
        assert!(lines.iter().any(
            |l| l["kind"] == "Removed" && l["text"].as_str().unwrap().starts_with("事项说明：")
        ));
        assert!(lines.iter().any(|l| l["kind"] == "Same"));
        assert_eq!(
            b.query(
                "staff/guide/diff",
                &[("seq", "201"), ("from", "1"), ("to", "9")]
            )
            .await
            .status,
            404
        );

        let actions = audit_actions(&app).await;
        assert!(
            actions.contains(&("city".into(), "guide_publish".into(), "201".into())),
            "{actions:?}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn center_settings_reach_the_citizen_pages() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let b = signed_in(&app, "qy_admin").await;
        let r = b
            .call(
                "staff/center/contact",
                &[
                    ("code", "qinyuan"),
                    ("contact[address]", "示例路1号"),
                    ("contact[phone]", "abc"),
                    ("contact[hours]", ""),
                    ("contact[map_url]", ""),
                ],
            )
            .await;
        assert_eq!(r.json()["Validation"]["field"], "phone");
        let r = b
            .call(
                "staff/center/contact",
                &[
                    ("code", "qinyuan"),
                    ("contact[address]", "示例路1号"),
                    ("contact[phone]", "0391-6000000"),
                    ("contact[hours]", "工作日 8:30-12:00"),
                    ("contact[map_url]", "https://map.example/qy"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let page = app.text("/centers/qinyuan").await.1;
        assert!(page.contains("示例路1号") && page.contains("0391-6000000"));

        // Marking an item 本中心暂不可办 needs the nearest center that can.
        let r = b
            .call(
                "staff/center/item",
                &[("code", "qinyuan"), ("change[seq]", "201")],
            )
            .await;
        assert_eq!(r.json()["Validation"]["field"], "alternative");
        let r = b
            .call(
                "staff/center/item",
                &[
                    ("code", "qinyuan"),
                    ("change[seq]", "201"),
                    ("change[alternative]", "jishui"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let page = app.text("/centers/qinyuan").await.1;
        assert!(page.contains("本中心暂不可办") && page.contains("/centers/jishui"));
        let actions = audit_actions(&app).await;
        assert!(actions.contains(&("qy_admin".into(), "center_contact".into(), "qinyuan".into())));
        assert!(actions.contains(&(
            "qy_admin".into(),
            "center_item".into(),
            "qinyuan/201".into()
        )));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only_and_filterable() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("city", "city_admin", "", PW).await;
        let b = signed_in(&app, "city").await;
        b.call(
            "staff/users/create",
            &[
                ("user[username]", "wang_w1"),
                ("user[display_name]", "王五"),
                ("user[role]", "window"),
                ("user[center]", "jishui"),
                ("user[password]", PW),
            ],
        )
        .await;
        let all = b.query("staff/audit", &[]).await.json();
        assert!(all["total"].as_i64().unwrap() >= 3, "{all}");
        let created = b
            .query("staff/audit", &[("action", "user_create")])
            .await
            .json();
        let rows = created["rows"].as_array().unwrap();
        assert!(
            rows.iter().any(|r| r["actor"] == "city"
                && r["target"] == "账号 wang_w1"
                && r["client_addr"] == "127.0.0.1"),
            "{created}"
        );
        assert!(
            rows.iter()
                .all(|r| !r["detail"].as_str().unwrap().contains("王五")),
            "names are masked in details"
        );
        let none = b
            .query(
                "staff/audit",
                &[("from", "2000-01-01"), ("to", "2000-01-02")],
            )
            .await
            .json();
        assert_eq!(none["total"], 0);
        for sql in [
            "UPDATE audit_log SET actor_username = 'x'",
            "DELETE FROM audit_log",
        ] {
            assert!(
                sqlx::query(sql).execute(app.db.pool()).await.is_err(),
                "{sql} must fail"
            );
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_admin_command_creates_the_first_city_admin_from_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let db = common::TestDb::sqlite();
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bianmin"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("BIANMIN_DATA_KEY", common::TEST_DATA_KEY)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(
        &[
            "admin",
            "create-user",
            "--username",
            "root",
            "--role",
            "city_admin",
            "--password",
            PW,
        ],
        "",
    );
    assert!(
        !out.status.success(),
        "a password on the command line is refused"
    );
    let out = run(
        &[
            "admin",
            "create-user",
            "--username",
            "root",
            "--role",
            "city_admin",
        ],
        "weak\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("密码"));
    let out = run(
        &[
            "admin",
            "create-user",
            "--username",
            "root",
            "--role",
            "city_admin",
        ],
        &format!("{PW}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(
        &[
            "admin",
            "create-user",
            "--username",
            "root2",
            "--role",
            "window",
        ],
        &format!("{PW}\n"),
    );
    assert!(!out.status.success(), "window staff need a center");

    let app = spawn_app(&db.url).await;
    let b = app.browser();
    assert_eq!(login(&b, "root", PW).await.status, 200);
    assert_eq!(me(&b).await["role"], "CityAdmin");
}

#[tokio::test]
async fn forms_work_without_javascript() {
    let db = common::TestDb::sqlite();
    let app = spawn_app(&db.url).await;
    app.staff("city", "city_admin", "", PW).await;
    let b = app.browser();
    // Anonymous: the back office sends you to the login page, which ships no wasm.
    let r = b.page("/staff").await;
    assert_eq!(r.status, 302);
    let login_page = b.page("/staff/login").await;
    assert_eq!(login_page.status, 200);
    assert!(
        !login_page.body.contains("/client.js") && !login_page.body.contains(".wasm"),
        "the back office loads no wasm"
    );
    // A failed form post comes back to the form with the error in place.
    let r = b
        .form_post(
            "staff/login",
            &[("username", "city"), ("password", "nope")],
            "/staff/login",
        )
        .await;
    assert_eq!(r.status, 302);
    let back = r.location.expect("redirected back");
    assert!(
        back.contains("/staff/login?") && back.contains("__err="),
        "{back}"
    );
    let path = back.trim_start_matches(&b.base);
    let with_error = b.page(path).await;
    assert!(
        with_error.body.contains("用户名或密码不正确"),
        "the error shows next to the form"
    );
    let r2 = b
        .form_post(
            "staff/login",
            &[("username", "city"), ("password", PW)],
            "/staff/login",
        )
        .await;
    assert_eq!(r2.status, 302);
    assert_eq!(r2.location.as_deref(), Some("/staff"));
    let home = b.page("/staff").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("测试人员，您好"),
        "{}",
        &home.body[..home.body.len().min(400)]
    );
}

/// The back office's one center switcher: a city admin picks a center once
/// in the staff header and every center page shows it (an explicit `?code=`
/// still wins); "全市" returns the comparing pages to the whole city. Nobody
/// else can switch, and a forged cookie widens nobody's scope.
#[tokio::test]
async fn a_city_admin_switches_center_once_for_every_page() {
    for db in backends().await {
        let app = spawn_app(&db.url).await;
        app.staff("city", "city_admin", "", PW).await;
        app.staff("qy_admin", "center_admin", "qinyuan", PW).await;
        let city = signed_in(&app, "city").await;
        let admin = signed_in(&app, "qy_admin").await;

        let m = me(&city).await;
        assert_eq!(m["viewing"], serde_json::Value::Null);
        assert_eq!(m["centers"].as_array().map(Vec::len), Some(16));
        assert_eq!(
            me(&admin).await["centers"].as_array().map(Vec::len),
            Some(0)
        );
        // The whole city: the comparing pages start there.
        assert_eq!(city.query("staff/stats", &[]).await.json()["code"], "");
        assert_eq!(
            city.query("staff/complaints", &[]).await.json()["scope"],
            "all"
        );

        let r = city.call("staff/view", &[("code", "jishui")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.set_cookies.iter().any(|c| c.contains("HttpOnly")));
        assert_eq!(me(&city).await["viewing"], "jishui");
        for (endpoint, field) in [
            ("staff/windows", "code"),
            ("staff/stations", "code"),
            ("staff/schedule", "code"),
            ("staff/center", "code"),
            ("staff/desk", "code"),
            ("staff/posters", "code"),
            ("staff/reviews", "code"),
            ("staff/stats", "code"),
            ("staff/complaints", "scope"),
            ("staff/help", "scope"),
        ] {
            let r = city.query(endpoint, &[]).await;
            assert_eq!(r.status, 200, "{endpoint}: {}", r.body);
            assert_eq!(r.json()[field], "jishui", "{endpoint}");
            // A link that names its center still shows that one.
            let r = city.query(endpoint, &[(field, "qinyuan")]).await;
            assert_eq!(r.json()[field], "qinyuan", "{endpoint} with ?code=");
        }
        let page = city.page("/staff/windows").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("本页显示"), "{}", page.body);
        assert!(
            page.body.contains(r#"<option value="jishui" selected"#),
            "the switcher shows the choice"
        );

        // Without JavaScript: back to the page it was used on, never elsewhere.
        for (back, to) in [
            ("/staff/windows", "/staff/windows"),
            ("/staff/stats?code=qinyuan", "/staff"),
            ("//evil.example/staff", "/staff"),
            ("https://evil.example/staff", "/staff"),
            ("/track", "/staff"),
            ("/staffing", "/staff"),
        ] {
            let r = city
                .form_post(
                    "staff/view",
                    &[("code", "qinyuan"), ("back", back)],
                    "/staff/windows",
                )
                .await;
            assert_eq!(r.status, 302, "{back}: {}", r.body);
            assert_eq!(r.location.as_deref(), Some(to), "{back}");
        }
        assert_eq!(me(&city).await["viewing"], "qinyuan");

        // Refusals: no such center (4xx, choice kept); not a city admin.
        let r = city.call("staff/view", &[("code", "nowhere")]).await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(me(&city).await["viewing"], "qinyuan");
        assert_eq!(
            admin.call("staff/view", &[("code", "jishui")]).await.status,
            403
        );
        assert_eq!(
            app.browser()
                .call("staff/view", &[("code", "jishui")])
                .await
                .status,
            401
        );

        // A center admin who forges the cookie still sees their own center only.
        let name = city
            .cookies
            .lock()
            .unwrap()
            .keys()
            .find(|k| k.ends_with("bianmin_view"))
            .cloned()
            .expect("the view cookie");
        admin.cookies.lock().unwrap().insert(name, "jishui".into());
        assert_eq!(
            admin.query("staff/windows", &[]).await.json()["code"],
            "qinyuan"
        );
        assert_eq!(
            admin.query("staff/help", &[]).await.json()["scope"],
            "qinyuan"
        );
        assert_eq!(
            admin
                .query("staff/windows", &[("code", "jishui")])
                .await
                .status,
            403
        );

        // "全市" again.
        assert_eq!(city.call("staff/view", &[("code", "")]).await.status, 200);
        assert_eq!(me(&city).await["viewing"], serde_json::Value::Null);
        assert_eq!(city.query("staff/stats", &[]).await.json()["code"], "");
        // The city-level (guide) cases: the reviews of no one center.
        assert_eq!(
            city.query("staff/reviews", &[]).await.json()["code"],
            "city"
        );
        db.cleanup().await;
    }
}
