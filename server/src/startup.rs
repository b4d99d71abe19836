//! Building and running the application: database, seed, read model, routes.

use crate::config::Config;
use crate::portal::{Portal, StaticContent};
use crate::storage::Db;
use crate::{http, seed, time};
use app::ports::{PortalPort, Services};
use app::{shell, App};
use axum::http::{header, HeaderValue, Request};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// A built application, not yet listening.
pub struct Application {
    pub router: Router,
    pub portal: Arc<Portal>,
}

/// Connects, migrates, seeds (idempotently) and builds the routes.
pub async fn build(config: &Config) -> anyhow::Result<Application> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let items = seed::catalog()?;
    let guides: Vec<_> = seed::guides()?
        .into_iter()
        .map(|g| (g.seq, g.content))
        .collect();
    let inserted = db
        .seed(&items, &seed::centers()?, &guides, time::now_ms())
        .await?;
    tracing::info!(inserted, backend = ?db.backend(), "database ready");
    let content = StaticContent::from_seed(&items)?;
    let portal = Portal::load(db, content).await?;
    let router = routes(config, portal.clone());
    Ok(Application { router, portal })
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("bianmin")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .build()
}

fn routes(config: &Config, portal: Arc<Portal>) -> Router {
    let options = leptos_options(config);
    let services = Services {
        portal: portal.clone() as Arc<dyn PortalPort>,
    };
    let context = move || provide_context(services.clone());
    let pages = generate_route_list(App);
    Router::new()
        .leptos_routes_with_context(&options, pages, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .with_state(options)
        .nest("/api/v1", http::api::router(portal.clone()))
        .route("/healthz", get(http::health::healthz).with_state(portal))
        .route("/prefs/elder", post(http::prefs::set_elder))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(CompressionLayer::new())
        // Spans carry the path only: a query string may hold what a citizen typed.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }))
}

/// Serves until ctrl-c, refreshing the read model when another instance changes content.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let app = build(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.site_addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let portal = app.portal.clone();
    let interval = config.refresh_interval;
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(interval).await;
            if let Err(e) = portal.refresh_if_changed().await {
                tracing::warn!(error = %e, "content refresh failed");
            }
        }
    });
    axum::serve(listener, app.router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
