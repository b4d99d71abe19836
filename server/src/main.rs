use server::config::Config;
use tracing_subscriber::EnvFilter;

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
        Some("--help") | Some("-h") => {
            println!("bianmin [serve]\n\nEnvironment: DATABASE_URL (default sqlite://data/bianmin.db), LEPTOS_SITE_ADDR (default 127.0.0.1:3000), LEPTOS_SITE_ROOT (default target/site)");
            Ok(())
        }
        Some(other) => anyhow::bail!("unknown command {other}; try --help"),
    }
}
