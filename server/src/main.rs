use server::config::Config;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => server::startup::run(Config::from_env()?).await,
        Some("demo") => {
            let demo_url = std::env::var("BIANMIN_DEMO_DATABASE_URL").ok();
            let config = server::demo::demo_config(Config::from_env()?, demo_url)?;
            server::startup::run(config).await
        }
        Some("admin") => server::cli::admin(Config::from_env()?, &args[1..]).await,
        Some("--help") | Some("-h") => {
            println!(
                "bianmin [serve]\nbianmin demo    sample 延时 windows and a demo admin on data/demo.db (BIANMIN_DEMO_DATABASE_URL)\n{}\n\nEnvironment: see README (DATABASE_URL, LEPTOS_SITE_ADDR, BIANMIN_DATA_KEY, BIANMIN_SMS_URL, …)",
                server::cli::USAGE
            );
            Ok(())
        }
        Some(other) => anyhow::bail!("unknown command {other}; try --help"),
    }
}
