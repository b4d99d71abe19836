//! Building and running the application: database, seed, read model,
//! identity, back office, routes, background jobs.

use crate::accounts::Accounts;
use crate::back_office::today::Workbench;
use crate::back_office::BackOffice;
use crate::bookings::service::BookingService;
use crate::bookings::Bookings;
use crate::complaints::desk::ComplaintDesk;
use crate::complaints::photos_http::{self, PhotoRoutes};
use crate::complaints::service::ComplaintService;
use crate::complaints::Complaints;
use crate::config::Config;
use crate::crypto::Secrets;
use crate::hall::{self, Hall};
use crate::help::desk::HelpDesk;
use crate::help::filing::Filing;
use crate::help::requests::HelpRequests;
use crate::help::service::HelpService;
use crate::help::stations::Stations;
use crate::notify::{self, Outbox};
use crate::portal::{Portal, StaticContent};
use crate::ratings::desk::ReviewDesk;
use crate::ratings::stats::Stats;
use crate::ratings::Ratings;
use crate::storage::{self, Backend, Db};
use crate::{http, seed, time};
use app::booking::port::BookingPort;
use app::catalog::port::CatalogPort;
use app::complaints::port::{ComplaintDeskPort, ComplaintPort};
use app::hall::port::HallPort;
use app::help::port::{ConsentPort, HelpDeskPort, HelpPort, StationPort};
use app::identity::port::AccountPort;
use app::ratings::port::{RatingPort, ReviewDeskPort, StatsPort};
use app::services::Services;
use app::staff::port::{BackOfficePort, WorkbenchPort};
use app::{shell, App};
use axum::http::{header, HeaderValue, Request};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// A built application, not yet listening.
pub struct Application {
    pub router: Router,
    pub bookings: Arc<Bookings>,
    pub portal: Arc<Portal>,
    pub accounts: Arc<Accounts>,
    pub outbox: Arc<Outbox>,
    pub complaints: Arc<Complaints>,
    pub db: Db,
}

/// The data key: from `BIANMIN_DATA_KEY`, or (SQLite only) a key file beside
/// the database, created on first start.
pub fn load_secrets(config: &Config) -> anyhow::Result<Secrets> {
    if let Some(key) = &config.identity.data_key {
        return Secrets::from_base64(key);
    }
    if !config.database_url.starts_with("sqlite:") {
        anyhow::bail!("BIANMIN_DATA_KEY is required with PostgreSQL: every instance must share it");
    }
    match storage::sqlite_path(&config.database_url) {
        Some(db) => Secrets::load_or_create_key_file(&db.with_extension("key")),
        None => {
            tracing::warn!("in-memory database: using a throwaway data key");
            let mut key = [0u8; 32];
            rand::fill(&mut key);
            Ok(Secrets::from_key(key))
        }
    }
}

/// Connects, migrates and seeds (idempotently): what both the server and the
/// admin command need.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
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
    Ok(db)
}

pub async fn build(config: &Config) -> anyhow::Result<Application> {
    let db = open_database(config).await?;
    let secrets = Arc::new(load_secrets(config)?);
    let content = StaticContent::from_seed(&db.items().await?)?;
    let portal = Portal::load(db.clone(), content).await?;
    let accounts = Arc::new(Accounts::new(
        db.clone(),
        secrets.clone(),
        config.identity.clone(),
    ));
    let back_office = Arc::new(BackOffice::new(
        db.clone(),
        accounts.clone(),
        portal.clone(),
        secrets.clone(),
    ));
    let sender = notify::sender_from_config(
        config.identity.sms_url.clone(),
        config.identity.sms_token.clone(),
    )?;
    let instance = format!(
        "{}-{}",
        std::process::id(),
        crate::crypto::new_token().get(..8).unwrap_or("")
    );
    let bookings = Arc::new(Bookings::new(db.clone(), secrets.clone()).with_policy(
        config.booking.cutoff.as_millis() as i64,
        config.booking.waitlist_hold.as_millis() as i64,
    ));
    let booking_service = Arc::new(BookingService::new(
        bookings.clone(),
        accounts.clone(),
        portal.clone(),
    ));
    let complaints = Arc::new(Complaints::new(db.clone(), secrets.clone()));
    let complaint_service = Arc::new(ComplaintService::new(
        complaints.clone(),
        accounts.clone(),
        portal.clone(),
    ));
    let complaint_desk = Arc::new(ComplaintDesk::new(
        complaints.clone(),
        accounts.clone(),
        portal.clone(),
        complaint_service.clone(),
    ));
    let photo_routes = PhotoRoutes {
        complaints: complaints.clone(),
        service: complaint_service.clone(),
        accounts: accounts.clone(),
    };
    let help_requests = Arc::new(HelpRequests::new(db.clone(), secrets.clone()));
    let help = Arc::new(HelpService::new(
        help_requests.clone(),
        accounts.clone(),
        portal.clone(),
    ));
    let help_desk = Arc::new(HelpDesk::new(
        help_requests.clone(),
        accounts.clone(),
        portal.clone(),
    ));
    let filing = Arc::new(Filing::new(
        help_requests,
        accounts.clone(),
        portal.clone(),
        booking_service.clone(),
        complaints.clone(),
    ));
    let outbox = Arc::new(Outbox::new(db.clone(), secrets.clone(), sender, instance));
    let stats = Arc::new(Stats::new(db.clone(), accounts.clone(), portal.clone()));
    let hall = Arc::new(Hall::new(
        db.clone(),
        accounts.clone(),
        portal.clone(),
        config.public_url.clone(),
    ));
    let services = Services {
        catalog: portal.clone() as Arc<dyn CatalogPort>,
        accounts: accounts.clone() as Arc<dyn AccountPort>,
        back_office: back_office as Arc<dyn BackOfficePort>,
        bookings: booking_service.clone() as Arc<dyn BookingPort>,
        complaints: complaint_service as Arc<dyn ComplaintPort>,
        complaint_desk: complaint_desk as Arc<dyn ComplaintDeskPort>,
        stations: Arc::new(Stations::new(db.clone(), accounts.clone(), portal.clone()))
            as Arc<dyn StationPort>,
        help: help as Arc<dyn HelpPort>,
        help_desk: help_desk as Arc<dyn HelpDeskPort>,
        consents: filing as Arc<dyn ConsentPort>,
        hall: hall.clone() as Arc<dyn HallPort>,
        ratings: Arc::new(Ratings::new(
            db.clone(),
            secrets.clone(),
            accounts.clone(),
            portal.clone(),
            bookings.clone(),
        )) as Arc<dyn RatingPort>,
        review_desk: Arc::new(ReviewDesk::new(
            db.clone(),
            secrets.clone(),
            accounts.clone(),
            portal.clone(),
        )) as Arc<dyn ReviewDeskPort>,
        stats: stats.clone() as Arc<dyn StatsPort>,
        workbench: Arc::new(Workbench::new(db.clone(), accounts.clone(), portal.clone()))
            as Arc<dyn WorkbenchPort>,
    };
    let open311 = crate::open311::Open311::new(complaints.clone(), portal.clone());
    let router = routes(
        config,
        services,
        portal.clone(),
        Handlers {
            booking_service,
            photo_routes,
            open311,
            hall,
            stats,
        },
    );
    Ok(Application {
        router,
        bookings,
        portal,
        accounts,
        outbox,
        complaints,
        db,
    })
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("bianmin")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        // Hashed /pkg names exactly when the release build wrote hash.txt.
        .hash_files(http::assets::hash_file().is_some())
        .build()
}

/// The app's page routes, walked once per process. Walking them turns off
/// resource loading in the whole process for its duration (leptos_server's
/// global `SuppressResourceLoad`), and a page whose resource first polls in
/// that window waits forever (leptos-rs/leptos#4773): seen as a test whose
/// request never got an answer while another test built its app. No server
/// can be serving before the first walk ends, so later builds cannot race it.
fn page_routes() -> Vec<AxumRouteListing> {
    static PAGES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    PAGES.get_or_init(|| generate_route_list(App)).clone()
}

/// The state of the plain axum handlers beside the app's pages.
struct Handlers {
    booking_service: Arc<BookingService>,
    photo_routes: PhotoRoutes,
    open311: Arc<crate::open311::Open311>,
    hall: Arc<Hall>,
    stats: Arc<Stats>,
}

fn routes(config: &Config, services: Services, portal: Arc<Portal>, handlers: Handlers) -> Router {
    let options = leptos_options(config);
    let demo = config.demo;
    let context = move || {
        provide_context(services.clone());
        if demo {
            provide_context(app::DemoData);
        }
        http::csp::provide_page_policy();
    };
    let Handlers {
        booking_service,
        photo_routes,
        open311,
        hall,
        stats,
    } = handlers;
    let pages = page_routes();
    Router::new()
        .leptos_routes_with_context(&options, pages, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .nest_service(
            "/pkg",
            http::assets::pkg(&config.site_root, options.hash_files),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .with_state(options)
        .nest("/api/v1", http::api::router(portal.clone()))
        .nest("/open311/v2", crate::open311::router(open311))
        .route("/healthz", get(http::health::healthz).with_state(portal))
        .route("/prefs/elder", post(http::prefs::set_elder))
        .route(
            "/bookings/{code}/ics",
            get(http::ics::booking_ics).with_state(booking_service),
        )
        .route(
            "/track/{no}/photos",
            post(photos_http::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    photos_http::UPLOAD_BODY_LIMIT,
                ))
                .with_state(photo_routes.clone()),
        )
        .route("/q/{code}", get(hall::links_http::scan).with_state(hall.clone()))
        .route(
            "/staff/stats.csv",
            get(crate::ratings::stats_http::csv).with_state(stats),
        )
        .route(
            "/q/{code}/qr.svg",
            get(hall::links_http::qr_svg).with_state(hall),
        )
        .route(
            "/track/{no}/photos/{sha}",
            get(photos_http::serve).with_state(photo_routes),
        )
        // Limits first (innermost but for the handlers), so their refusals
        // still get every header below.
        .layer(axum::middleware::from_fn_with_state(
            http::limits::RequestTimeout(config.request_timeout),
            http::limits::time_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            http::flood::FloodGuard::new(config.public_per_ip_second, config.identity.clone()),
            http::flood::limit,
        ))
        .layer(axum::middleware::from_fn(http::limits::refuse_oversized))
        .layer(axum::middleware::from_fn(http::fn_errors::status_from_error))
        .layer(axum::middleware::from_fn(http::private::no_store_for_private))
        .layer(axum::middleware::from_fn(http::origin::refuse_cross_origin))
        .layer(axum::middleware::from_fn(http::isolate::clear_owner))
        .layer(axum::middleware::from_fn(
            http::permissions::permissions_policy,
        ))
        // Pages set their own policy with their nonce (http::csp); the rest run nothing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(http::csp::NOTHING_RUNS),
        ))
        // Pages, public files and the API are checked again before each use;
        // /pkg (immutable when hashed) and private pages (no-store) set their own.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(http::assets::REVALIDATE),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // HTTPS deployments (secure cookies, the default): browsers remember to
        // use HTTPS only; over plain http browsers ignore the header.
        .layer(tower::util::option_layer(
            config.identity.cookie_always_secure.then(|| {
                SetResponseHeaderLayer::if_not_present(
                    header::STRICT_TRANSPORT_SECURITY,
                    HeaderValue::from_static("max-age=31536000"),
                )
            }),
        ))
        .layer(CompressionLayer::new())
        // Spans carry the path only: a query string may hold what a citizen typed.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }))
}

/// Serves `app` on `listener` with client addresses available to handlers.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Serves until SIGTERM or ctrl-c, then shuts down gracefully: stops
/// accepting, lets in-flight requests and the outbox message being sent finish
/// (bounded by the request timeout), and returns. Meanwhile it refreshes the read model when another instance
/// changes content, and delivers the notification outbox.
pub async fn run(config: Config) -> anyhow::Result<()> {
    // Held (shared) for the server's life: `admin restore` refuses while it is.
    let _server_lock = crate::backup::hold_server_lock(&config.database_url)?;
    let app = build(&config).await?;
    if config.demo {
        let password = crate::demo::seed(&app.db, &app.accounts).await?;
        crate::demo::announce(&config, &password)?;
    }
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
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let outbox_worker = app
        .outbox
        .clone()
        .spawn_worker(Duration::from_millis(500), stopping.clone());
    let bookings = app.bookings.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = bookings.send_reminders(time::now_ms()).await {
                tracing::warn!(error = %e, "booking reminders failed");
            }
            // Held places whose hold ran out pass to the next one waiting.
            match bookings.expire_offers(time::now_ms()).await {
                Ok(n) if n > 0 => tracing::info!(ended = n, "waitlist offers expired"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "waitlist expiry failed"),
            }
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    });
    let complaints = app.complaints.clone();
    tokio::spawn(async move {
        loop {
            match crate::complaints::jobs::mark_overdue(&complaints, time::now_ms()).await {
                Ok(n) if n > 0 => tracing::info!(cases = n, "complaints overdue"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "complaint overdue job failed"),
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
    // Complaints holds the database and the data key the reminders need.
    let store = app.complaints.clone();
    tokio::spawn(async move {
        loop {
            let now = time::now_ms();
            match crate::ratings::invites::remind_unrated(store.db(), store.secrets(), now).await {
                Ok(n) if n > 0 => tracing::info!(sent = n, "rating reminders queued"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "rating reminder job failed"),
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
    let accounts = app.accounts.clone();
    tokio::spawn(async move {
        loop {
            match accounts.purge_expired(time::now_ms()).await {
                Ok(n) if n > 0 => tracing::info!(deleted = n, "expired identity rows purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purge failed"),
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
    if app.db.backend() == Backend::Sqlite {
        tracing::info!("embedded SQLite database; run several instances on PostgreSQL");
    }
    let mut stopped = stopping.clone();
    let server = serve(listener, app.router, async move {
        let _ = stopped.wait_for(|s| *s).await;
    });
    tokio::pin!(server);
    tokio::select! {
        served = &mut server => served?,
        signal = shutdown_signal() => {
            tracing::info!(signal, "shutting down: finishing in-flight requests");
            let _ = stop.send(true);
            // Handlers are already bounded by the request timeout; the margin
            // lets their answers go out.
            let grace = config.request_timeout + Duration::from_secs(2);
            if tokio::time::timeout(grace, &mut server).await.is_err() {
                tracing::warn!("requests still open after the grace period; closing them");
            }
        }
    }
    if tokio::time::timeout(Duration::from_secs(15), outbox_worker)
        .await
        .is_err()
    {
        tracing::warn!("the outbox send in progress did not finish; its lease hands it on");
    }
    app.db.pool().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// SIGTERM (systemd, docker, kill) or SIGINT (ctrl-c).
async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = tokio::signal::ctrl_c() => "SIGINT",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "ctrl-c"
    }
}
