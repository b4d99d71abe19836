//! Configuration from the environment. Everything has a working default
//! except what must be shared between instances (the data key on PostgreSQL).

use std::net::SocketAddr;
use std::time::Duration;

#[derive(Clone)]
pub struct Config {
    /// `sqlite://data/bianmin.db` (default) or `postgres://…`.
    pub database_url: String,
    /// Where to listen (`LEPTOS_SITE_ADDR`).
    pub site_addr: SocketAddr,
    /// Built site: `pkg/` with the wasm, JS and CSS, and the public assets (`LEPTOS_SITE_ROOT`).
    pub site_root: String,
    /// How often each instance checks whether shared content changed.
    pub refresh_interval: Duration,
    pub identity: IdentityConfig,
    pub booking: BookingConfig,
    /// `BIANMIN_REQUEST_TIMEOUT_SECS` (30): a request not answered by then gets 503.
    pub request_timeout: Duration,
    /// `BIANMIN_PUBLIC_PER_IP_SECOND` (50): searches and guide pages one client
    /// address may ask for a second, in bursts of four times that.
    pub public_per_ip_second: u32,
    /// Set by `bianmin demo` only: sample data, and 演示数据 on every page.
    pub demo: bool,
    /// `BIANMIN_PUBLIC_URL` (`https://portal.example.cn`): the address QR codes
    /// on printed posters hold. Unset: the address the poster page was opened at.
    pub public_url: Option<String>,
}

/// 延时预约 policy.
#[derive(Clone, Debug)]
pub struct BookingConfig {
    /// `BIANMIN_BOOKING_CUTOFF_MINUTES` (60): booking, cancelling and
    /// rescheduling close this long before a slot starts.
    pub cutoff: Duration,
    /// `BIANMIN_WAITLIST_HOLD_MINUTES` (30): how long a freed place is held
    /// for the one waiting first.
    pub waitlist_hold: Duration,
}

/// A hold shorter than 5 minutes would never be offered (see
/// `bookings::waitlist`): refuse it rather than silently turn offers off.
fn waitlist_hold_minutes(n: i64) -> anyhow::Result<i64> {
    if n < 5 {
        anyhow::bail!("BIANMIN_WAITLIST_HOLD_MINUTES must be at least 5");
    }
    Ok(n)
}

impl Default for BookingConfig {
    fn default() -> Self {
        BookingConfig {
            cutoff: Duration::from_secs(3600),
            waitlist_hold: Duration::from_secs(30 * 60),
        }
    }
}

/// Keys, sessions, one-time codes and the SMS gateway.
#[derive(Clone)]
pub struct IdentityConfig {
    /// `BIANMIN_DATA_KEY`: base64 of 32 bytes; encrypts ID numbers and phones
    /// at rest and keys their lookup hashes. Required on PostgreSQL; on SQLite
    /// a key file beside the database is created when it is unset.
    pub data_key: Option<String>,
    /// `BIANMIN_SMS_URL` / `BIANMIN_SMS_TOKEN`: the HTTP SMS gateway; unset, codes go to the log.
    pub sms_url: Option<String>,
    pub sms_token: Option<String>,
    /// `BIANMIN_COOKIE_SECURE`: `always` (default: `__Host-` + Secure) or
    /// `auto` (development: both dropped for plain-http localhost). Opt-in, so
    /// a proxy that rewrites `Host` to localhost cannot downgrade production.
    pub cookie_always_secure: bool,
    /// `BIANMIN_CLIENT_IP_HEADER`: behind a reverse proxy, the header holding the
    /// client address (e.g. `X-Real-IP`); unset, the peer address is used.
    pub client_ip_header: Option<String>,
    /// `BIANMIN_OTP_PER_IP_HOUR` (60): codes one client address may request an hour;
    /// high enough for a center hall whose visitors share one Wi-Fi address.
    pub otp_per_ip_hour: i64,
    /// `BIANMIN_LOGIN_PER_IP_15MIN` (100): staff login attempts per client address.
    pub login_per_ip_15min: i64,
    /// `BIANMIN_STAFF_IDLE_MINUTES` (30) and `BIANMIN_STAFF_MAX_HOURS` (12).
    pub staff_idle: Duration,
    pub staff_max: Duration,
    /// `BIANMIN_CITIZEN_SESSION_DAYS` (30): how long "我的" stays signed in.
    pub citizen_max: Duration,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/bianmin.db";

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let num = |k: &str, default: i64| -> anyhow::Result<i64> {
            match var(k) {
                Some(v) => v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| anyhow::anyhow!("{k} must be a positive whole number")),
                None => Ok(default),
            }
        };
        let cookie_always_secure = match var("BIANMIN_COOKIE_SECURE").as_deref() {
            Some("auto") => false,
            None | Some("always") => true,
            Some(other) => {
                anyhow::bail!("BIANMIN_COOKIE_SECURE must be auto or always, not {other}")
            }
        };
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            site_addr: var("LEPTOS_SITE_ADDR")
                .unwrap_or_else(|| "127.0.0.1:3000".into())
                .parse()
                .map_err(|e| anyhow::anyhow!("LEPTOS_SITE_ADDR: {e}"))?,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            refresh_interval: Duration::from_secs(num("BIANMIN_REFRESH_SECS", 5)? as u64),
            identity: IdentityConfig {
                data_key: var("BIANMIN_DATA_KEY"),
                sms_url: var("BIANMIN_SMS_URL"),
                sms_token: var("BIANMIN_SMS_TOKEN"),
                cookie_always_secure,
                client_ip_header: var("BIANMIN_CLIENT_IP_HEADER"),
                otp_per_ip_hour: num("BIANMIN_OTP_PER_IP_HOUR", 60)?,
                login_per_ip_15min: num("BIANMIN_LOGIN_PER_IP_15MIN", 100)?,
                staff_idle: Duration::from_secs(60 * num("BIANMIN_STAFF_IDLE_MINUTES", 30)? as u64),
                staff_max: Duration::from_secs(3600 * num("BIANMIN_STAFF_MAX_HOURS", 12)? as u64),
                citizen_max: Duration::from_secs(
                    86_400 * num("BIANMIN_CITIZEN_SESSION_DAYS", 30)? as u64,
                ),
            },
            booking: BookingConfig {
                cutoff: Duration::from_secs(60 * num("BIANMIN_BOOKING_CUTOFF_MINUTES", 60)? as u64),
                waitlist_hold: Duration::from_secs(
                    60 * waitlist_hold_minutes(num("BIANMIN_WAITLIST_HOLD_MINUTES", 30)?)? as u64,
                ),
            },
            request_timeout: Duration::from_secs(num("BIANMIN_REQUEST_TIMEOUT_SECS", 30)? as u64),
            public_per_ip_second: num("BIANMIN_PUBLIC_PER_IP_SECOND", 50)?.min(u32::MAX as i64)
                as u32,
            demo: false,
            public_url: var("BIANMIN_PUBLIC_URL")
                .map(|u| public_url(&u))
                .transpose()?,
        })
    }
}

/// A portal address as printed in QR codes: http(s), a host, no path beyond
/// `/` (dropped), nothing a scanner could misread.
pub fn public_url(text: &str) -> anyhow::Result<String> {
    let url = text.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or("");
    let fine = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if !fine {
        anyhow::bail!(
            "BIANMIN_PUBLIC_URL must be the portal's address such as https://portal.example.cn, not {text}"
        );
    }
    Ok(url.to_string())
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            data_key: None,
            sms_url: None,
            sms_token: None,
            cookie_always_secure: true,
            client_ip_header: None,
            otp_per_ip_hour: 60,
            login_per_ip_15min: 100,
            staff_idle: Duration::from_secs(30 * 60),
            staff_max: Duration::from_secs(12 * 3600),
            citizen_max: Duration::from_secs(30 * 86_400),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::public_url;

    #[test]
    fn public_urls_are_plain_addresses() {
        assert_eq!(
            public_url(" https://portal.example.cn/ ").unwrap(),
            "https://portal.example.cn"
        );
        assert_eq!(
            public_url("http://10.1.2.3:8080").unwrap(),
            "http://10.1.2.3:8080"
        );
        for bad in [
            "portal.example.cn",
            "ftp://x.cn",
            "https://",
            "https://x.cn/a?b",
            "https://x.cn/<b>",
        ] {
            assert!(public_url(bad).is_err(), "{bad}");
        }
    }
}
