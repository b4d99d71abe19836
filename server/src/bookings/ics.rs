//! An iCalendar (RFC 5545) file for one booking: VERSION, PRODID, a VTIMEZONE
//! for Asia/Shanghai, and one VEVENT with UID, DTSTAMP (UTC) and local times.
//! Lines end in CRLF and are folded at 75 octets, as strict parsers demand.

use crate::time::{shanghai_ical, utc_ical};

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
        .replace('\r', "")
}

/// Folds a content line at 75 octets without splitting a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

pub struct Event<'a> {
    pub uid: &'a str,
    pub stamp_ms: i64,
    pub start_ms: i64,
    pub end_ms: i64,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
}

pub fn calendar(e: &Event) -> String {
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Jiyuan Bianmin//Yanshi Yuyue//ZH".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VTIMEZONE".into(),
        "TZID:Asia/Shanghai".into(),
        "BEGIN:STANDARD".into(),
        "DTSTART:19700101T000000".into(),
        "TZOFFSETFROM:+0800".into(),
        "TZOFFSETTO:+0800".into(),
        "TZNAME:CST".into(),
        "END:STANDARD".into(),
        "END:VTIMEZONE".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", escape(e.uid)),
        format!("DTSTAMP:{}", utc_ical(e.stamp_ms)),
        format!("DTSTART;TZID=Asia/Shanghai:{}", shanghai_ical(e.start_ms)),
        format!("DTEND;TZID=Asia/Shanghai:{}", shanghai_ical(e.end_ms)),
        format!("SUMMARY:{}", escape(e.summary)),
        format!("LOCATION:{}", escape(e.location)),
        format!("DESCRIPTION:{}", escape(e.description)),
        "BEGIN:VALARM".into(),
        "ACTION:DISPLAY".into(),
        "TRIGGER:-PT2H".into(),
        format!("DESCRIPTION:{}", escape(e.summary)),
        "END:VALARM".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ];
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strictly_valid_calendar() {
        // 2026-12-02 12:00 in Shanghai is 04:00 UTC.
        let start = crate::time::shanghai_day_start("2026-12-02").unwrap() + 12 * 3_600_000;
        let text = calendar(&Event {
            uid: "K7M4P9QX@bianmin.jiyuan",
            stamp_ms: start - 5 * 86_400_000,
            start_ms: start,
            end_ms: start + 30 * 60_000,
            summary: "延时预约：申领居民身份证（换领）",
            location: "沁园街道便民服务中心, 示例路1号",
            description: &"请带齐材料;".repeat(20),
        });
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("\r\nDTSTART;TZID=Asia/Shanghai:20261202T120000\r\n"));
        assert!(text.contains("\r\nDTEND;TZID=Asia/Shanghai:20261202T123000\r\n"));
        assert!(text.contains("\r\nDTSTAMP:20261127T040000Z\r\n"));
        assert!(text.contains("\r\nUID:K7M4P9QX@bianmin.jiyuan\r\n"));
        assert!(text.contains("LOCATION:沁园街道便民服务中心\\, 示例路1号"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "unfolded line: {line}");
        }
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
        // Unfolding gives back the whole description.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}", "请带齐材料\\;".repeat(20))));
    }
}
