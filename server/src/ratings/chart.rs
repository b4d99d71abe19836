//! Charts as SVG drawn on the server (no chart library in the wasm): bars
//! and a line with labelled axes, in plain presentation attributes (no
//! style, no script), readable in print. Every text is escaped.

use std::fmt::Write;

const GOOD: &str = "#2f6fb3";
const BAD: &str = "#c0392b";
const INK: &str = "#222";
const GRID: &str = "#ccc";

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A round step for an axis up to `max`, about five ticks.
fn step(max: i64) -> i64 {
    let raw = (max.max(1) as f64 / 5.0).ceil() as i64;
    let mag = 10_i64.pow((raw as f64).log10().floor().max(0.0) as u32);
    [1, 2, 5, 10]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(raw)
}

/// Horizontal bars, one per row: 好评 then 差评 stacked, the total at the end.
/// `rows`: (label, good, bad).
pub fn bars(rows: &[(String, i64, i64)], axis: &str) -> String {
    let (label_w, plot_w, row_h, top, bottom) = (190.0, 400.0, 26.0, 34.0, 44.0);
    let width = label_w + plot_w + 60.0;
    let height = top + row_h * rows.len().max(1) as f64 + bottom;
    let max = rows.iter().map(|(_, g, b)| g + b).max().unwrap_or(0).max(1);
    let step = step(max);
    let axis_max = ((max + step - 1) / step) * step;
    let x = |v: i64| label_w + plot_w * v as f64 / axis_max as f64;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" font-family="sans-serif" font-size="13" fill="{INK}">"#
    );
    // Legend.
    let _ = write!(
        s,
        r#"<rect x="{label_w}" y="6" width="12" height="12" fill="{GOOD}"/><text x="{}" y="17">好评（非常满意、满意、基本满意）</text><rect x="{}" y="6" width="12" height="12" fill="{BAD}"/><text x="{}" y="17">差评</text>"#,
        label_w + 16.0,
        label_w + 250.0,
        label_w + 266.0
    );
    let plot_bottom = top + row_h * rows.len().max(1) as f64;
    let mut v = 0;
    while v <= axis_max {
        let _ = write!(
            s,
            r#"<line x1="{0}" y1="{top}" x2="{0}" y2="{plot_bottom}" stroke="{GRID}"/><text x="{0}" y="{1}" text-anchor="middle">{v}</text>"#,
            x(v),
            plot_bottom + 16.0
        );
        v += step;
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        label_w + plot_w / 2.0,
        plot_bottom + 36.0,
        esc(axis)
    );
    if rows.is_empty() {
        // An empty plot would look like a drawing that failed.
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">暂无评价</text>"#,
            label_w + plot_w / 2.0,
            top + 17.0
        );
    }
    for (i, (label, good, bad)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            y + 17.0,
            esc(label)
        );
        if *good > 0 {
            let _ = write!(
                s,
                r#"<rect x="{label_w}" y="{}" width="{}" height="{}" fill="{GOOD}"/>"#,
                y + 5.0,
                x(*good) - label_w,
                row_h - 10.0
            );
        }
        if *bad > 0 {
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{BAD}"/>"#,
                x(*good),
                y + 5.0,
                x(good + bad) - x(*good),
                row_h - 10.0
            );
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">{}</text>"#,
            x(good + bad) + 4.0,
            y + 17.0,
            good + bad
        );
    }
    let _ = write!(
        s,
        r#"<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{plot_bottom}" stroke="{INK}"/></svg>"#
    );
    s
}

/// A line of a rate (tenths of a percent) over periods, 0–100% on the axis;
/// periods without ratings are gaps. `points`: (label, rate).
pub fn line(points: &[(String, Option<i64>)], axis: &str) -> String {
    let (left, plot_w, top, plot_h) = (56.0, 560.0, 16.0, 180.0);
    let width = left + plot_w + 24.0;
    let height = top + plot_h + 56.0;
    let n = points.len().max(1);
    let x = |i: usize| left + plot_w * (i as f64 + 0.5) / n as f64;
    let y = |p: i64| top + plot_h * (1.0 - p as f64 / 1000.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" font-family="sans-serif" font-size="13" fill="{INK}">"#
    );
    for pct in [0, 25, 50, 75, 100] {
        let yy = y(pct * 10);
        let _ = write!(
            s,
            r#"<line x1="{left}" y1="{yy}" x2="{}" y2="{yy}" stroke="{GRID}"/><text x="{}" y="{}" text-anchor="end">{pct}%</text>"#,
            left + plot_w,
            left - 6.0,
            yy + 4.0
        );
    }
    let _ = write!(
        s,
        r#"<text x="14" y="{}" text-anchor="middle" transform="rotate(-90 14 {})">{}</text>"#,
        top + plot_h / 2.0,
        top + plot_h / 2.0,
        esc(axis)
    );
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, s: &mut String| {
        if run.len() > 1 {
            let pts: Vec<String> = run.iter().map(|(a, b)| format!("{a},{b}")).collect();
            let _ = write!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{GOOD}" stroke-width="2"/>"#,
                pts.join(" ")
            );
        }
        run.clear();
    };
    for (i, (label, p)) in points.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            top + plot_h + 18.0,
            esc(label)
        );
        match p {
            Some(p) => run.push((x(i), y(*p))),
            None => flush(&mut run, &mut s),
        }
    }
    flush(&mut run, &mut s);
    for (i, (_, p)) in points.iter().enumerate() {
        if let Some(p) = p {
            let _ = write!(
                s,
                r#"<circle cx="{}" cy="{}" r="4" fill="{GOOD}"/><text x="{}" y="{}" text-anchor="middle">{}.{}%</text>"#,
                x(i),
                y(*p),
                x(i),
                y(*p) - 8.0,
                p / 10,
                p % 10
            );
        }
    }
    let _ = write!(
        s,
        r#"<line x1="{left}" y1="{top}" x2="{left}" y2="{}" stroke="{INK}"/><text x="{}" y="{}" text-anchor="middle">统计周期</text></svg>"#,
        top + plot_h,
        left + plot_w / 2.0,
        top + plot_h + 44.0
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_step_roundly() {
        assert_eq!(step(1), 1);
        assert_eq!(step(7), 2);
        assert_eq!(step(23), 5);
        assert_eq!(step(130), 50);
    }

    #[test]
    fn charts_escape_every_label_and_hold_only_drawing() {
        let evil = "<script>alert(1)</script>\"'&".to_string();
        let b = bars(&[(evil.clone(), 3, 1), ("二号".into(), 0, 0)], "评价数");
        let l = line(&[(evil, Some(935)), ("11/30".into(), None)], "满意率");
        for svg in [&b, &l] {
            assert!(
                !svg.contains("<script") && !svg.contains("alert(1)</"),
                "{svg}"
            );
            assert!(svg.contains("&lt;script&gt;"));
            assert!(!svg.contains("style"), "presentation attributes only");
        }
        assert!(b.contains(">4</text>"), "the total at the bar's end");
        assert!(l.contains(">93.5%</text>"));
        assert!(!b.contains("暂无评价"));
        assert!(bars(&[], "评价数").contains(">暂无评价</text>"));
    }
}
