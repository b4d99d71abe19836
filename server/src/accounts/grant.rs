//! A signed cookie that opens one tracked record (a complaint, a help
//! request) in this browser for a day, once the browser proved its number
//! and the phone's last four digits.

use super::Accounts;
use crate::crypto::{constant_time_eq, Secrets};
use crate::time::now_ms;
use http::request::Parts;

pub const GRANT_SECS: i64 = 24 * 3600;

pub struct TrackGrant {
    /// The cookie's name.
    pub cookie: &'static str,
    /// What the MAC is keyed for, so one kind's cookie never opens another.
    pub purpose: &'static str,
}

impl TrackGrant {
    fn value(&self, secrets: &Secrets, no: &str, exp: i64) -> String {
        let compact = no.replace('-', "");
        let mac = secrets.lookup_key(self.purpose, &format!("{compact}.{exp}"));
        format!("{compact}.{exp}.{}", &mac[..32])
    }

    /// The `Set-Cookie` that opens `no` for a day.
    pub fn set(&self, accounts: &Accounts, secrets: &Secrets, parts: &Parts, no: &str) -> String {
        let exp = now_ms() / 1000 + GRANT_SECS;
        accounts
            .request(parts)
            .set_cookie(self.cookie, &self.value(secrets, no, exp), GRANT_SECS)
    }

    /// Whether this browser proved `no` (the signed cookie, unexpired).
    pub fn granted(&self, accounts: &Accounts, secrets: &Secrets, parts: &Parts, no: &str) -> bool {
        let Some(value) = accounts.request(parts).cookie(self.cookie) else {
            return false;
        };
        let Some(exp) = value.split('.').nth(1).and_then(|e| e.parse::<i64>().ok()) else {
            return false;
        };
        exp > now_ms() / 1000 && constant_time_eq(&value, &self.value(secrets, no, exp))
    }
}
