//! The service hall: windows, posters and stickers with their QR codes, and
//! the short links behind them (implements `HallPort`).

pub mod links;
pub mod links_http;
mod posters;
pub mod windows;

use crate::accounts::Accounts;
use crate::portal::Portal;
use crate::storage::Db;
use app::hall::{is_local_host, QrLink};
use http::request::Parts;
use links::Links;
use std::sync::Arc;

pub struct Hall {
    db: Db,
    links: Links,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
    /// `BIANMIN_PUBLIC_URL`, checked at start.
    public_url: Option<String>,
}

impl Hall {
    pub fn new(
        db: Db,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
        public_url: Option<String>,
    ) -> Hall {
        Hall {
            links: Links::new(db.clone()),
            db,
            accounts,
            portal,
            public_url,
        }
    }

    pub fn links(&self) -> &Links {
        &self.links
    }

    /// The address codes hold, what the poster page must say about it, and
    /// whether it is one only this machine or network can open.
    fn base(&self, req: &Parts) -> (String, Option<String>, bool) {
        let (base, configured) = match &self.public_url {
            Some(url) => (url.clone(), true),
            None => (request_origin(req), false),
        };
        let host = base.split_once("://").map(|(_, h)| h).unwrap_or(&base);
        let local = is_local_host(host);
        let warning = if local {
            Some(format!(
                "注意：二维码里的地址是本机或内部网络地址（{base}），群众的手机扫码打不开。正式印制前，请系统管理员设置门户的公网地址（BIANMIN_PUBLIC_URL）。"
            ))
        } else if !configured {
            Some(format!(
                "二维码使用的是打开本页时的地址（{base}）。如门户另有正式公网地址，请系统管理员设置（BIANMIN_PUBLIC_URL）后再印制。"
            ))
        } else {
            None
        };
        (base, warning, local)
    }

    /// The QR code of short link `code`.
    fn qr(base: &str, code: &str) -> QrLink {
        let url = format!("{base}/q/{code}");
        QrLink {
            text: url
                .split_once("://")
                .map(|(_, rest)| rest.to_string())
                .unwrap_or_else(|| url.clone()),
            svg: crate::qr::svg(&url, 240),
            url,
        }
    }

    /// The QR image of an issued code, for other print work (`/q/{code}/qr.svg`).
    pub async fn qr_svg(
        &self,
        req: &Parts,
        code: &str,
    ) -> Result<Option<String>, app::error::AppError> {
        let (base, ..) = self.base(req);
        Ok(self
            .links
            .exists(code)
            .await?
            .map(|code| Hall::qr(&base, &code).svg))
    }
}

/// The origin the request came in at: its Host, https when the proxy in
/// front says so. Anything odd in Host (it is the client's to send) falls
/// back to localhost, which the poster then warns about.
fn request_origin(req: &Parts) -> String {
    let host = req
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri.authority().map(|a| a.as_str()))
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let https = req
        .headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}
