//! What identity needs from a request: the client address, our cookies, and
//! whether cookies must be `__Host-` + Secure: always, unless configured
//! `BIANMIN_COOKIE_SECURE=auto` (development), which drops both for
//! plain-http localhost, where some browsers would refuse them.

use crate::config::IdentityConfig;
use axum::extract::ConnectInfo;
use http::request::Parts;
use std::net::SocketAddr;

/// Cookie names, without the `__Host-` prefix.
pub const STAFF_COOKIE: &str = "bianmin_staff";
pub const CITIZEN_COOKIE: &str = "bianmin_citizen";
pub const OTP_COOKIE: &str = "bianmin_otp";
/// A city admin's chosen center in the back office (not a secret: a view setting).
pub const VIEW_COOKIE: &str = "bianmin_view";

pub struct RequestInfo {
    pub client_addr: String,
    secure: bool,
    cookie_header: String,
}

impl RequestInfo {
    pub fn from_parts(parts: &Parts, config: &IdentityConfig) -> RequestInfo {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let from_header = config.client_ip_header.as_ref().and_then(|h| {
            parts
                .headers
                .get(h.as_str())
                .and_then(|v| v.to_str().ok())
                // X-Forwarded-For style lists: the proxy appends the client last.
                .and_then(|v| v.rsplit(',').next())
                // Only an address: anything else is ignored, not a free key.
                .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok())
                .map(|ip| ip.to_string())
        });
        let client_addr = from_header.or(peer).unwrap_or_else(|| "unknown".into());
        let cookie_header = parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join("; ");
        let secure = config.cookie_always_secure || !is_plain_http_localhost(parts);
        RequestInfo {
            client_addr,
            secure,
            cookie_header,
        }
    }

    /// The client address as rate limits count it: an IPv6 client by its /64,
    /// since one subscriber gets a whole /64 and could rotate through it.
    pub fn rate_key(&self) -> String {
        match self.client_addr.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            Ok(std::net::IpAddr::V6(v6)) => v6
                .to_ipv4_mapped()
                .map(|v4| v4.to_string())
                .unwrap_or_default(),
            _ => self.client_addr.clone(),
        }
    }

    fn cookie_name(&self, base: &str) -> String {
        if self.secure {
            format!("__Host-{base}")
        } else {
            base.to_string()
        }
    }

    /// The value of our cookie `base`, under the name this request uses.
    pub fn cookie(&self, base: &str) -> Option<String> {
        let name = self.cookie_name(base);
        self.cookie_header
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .filter(|v| !v.is_empty() && v.len() <= 128)
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, Secure with the
    /// `__Host-` prefix outside local development.
    pub fn set_cookie(&self, base: &str, value: &str, max_age_secs: i64) -> String {
        let mut c = format!(
            "{}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax",
            self.cookie_name(base)
        );
        if self.secure {
            c.push_str("; Secure");
        }
        c
    }

    pub fn clear_cookie(&self, base: &str) -> String {
        self.set_cookie(base, "", 0)
    }
}

/// `Host: localhost:3000` (or 127.0.0.1, [::1]) over plain http, i.e. a developer's machine.
fn is_plain_http_localhost(parts: &Parts) -> bool {
    let forwarded_https = parts
        .headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    if forwarded_https || parts.uri.scheme_str() == Some("https") {
        return false;
    }
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let name = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    matches!(name.as_str(), "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(host: &str, cookie: &str) -> Parts {
        let (parts, _) = http::Request::builder()
            .uri("/x")
            .header("host", host)
            .header("cookie", cookie)
            .body(())
            .unwrap()
            .into_parts();
        parts
    }

    fn auto() -> IdentityConfig {
        IdentityConfig {
            cookie_always_secure: false,
            ..Default::default()
        }
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_64() {
        let cfg = auto();
        let mut r = RequestInfo::from_parts(&parts("x", ""), &cfg);
        r.client_addr = "2408:8207:1234:5678:abcd::1".into();
        assert_eq!(r.rate_key(), "2408:8207:1234:5678::/64");
        r.client_addr = "::ffff:10.0.0.7".into();
        assert_eq!(r.rate_key(), "10.0.0.7");
        r.client_addr = "10.0.0.7".into();
        assert_eq!(r.rate_key(), "10.0.0.7");
    }

    #[test]
    fn secure_by_default_even_on_localhost() {
        let r = RequestInfo::from_parts(&parts("127.0.0.1:3000", ""), &IdentityConfig::default());
        assert!(r
            .set_cookie(STAFF_COOKIE, "t", 60)
            .starts_with("__Host-bianmin_staff=t"));
    }

    #[test]
    fn host_prefix_and_secure_outside_localhost() {
        let cfg = auto();
        let r = RequestInfo::from_parts(
            &parts("bianmin.example.cn", "__Host-bianmin_staff=abc"),
            &cfg,
        );
        assert_eq!(r.cookie(STAFF_COOKIE).as_deref(), Some("abc"));
        let c = r.set_cookie(STAFF_COOKIE, "t", 60);
        assert!(c.starts_with("__Host-bianmin_staff=t; Path=/;"));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("; Secure"));
        assert!(!c.contains("Domain"));
    }

    #[test]
    fn plain_names_on_localhost_unless_always_secure() {
        let mut cfg = auto();
        let r = RequestInfo::from_parts(&parts("127.0.0.1:3000", "bianmin_staff=abc"), &cfg);
        assert_eq!(r.cookie(STAFF_COOKIE).as_deref(), Some("abc"));
        assert!(!r.set_cookie(STAFF_COOKIE, "t", 60).contains("Secure"));
        cfg.cookie_always_secure = true;
        let r = RequestInfo::from_parts(&parts("localhost:3000", "bianmin_staff=abc"), &cfg);
        assert_eq!(r.cookie(STAFF_COOKIE), None);
        assert!(r.set_cookie(STAFF_COOKIE, "t", 60).starts_with("__Host-"));
    }
}
