//! QR codes as SVG, for check-in codes and the hall's posters and stickers.
//! Error correction M (15% of the code may be soiled or covered) and a quiet
//! zone of 4 modules, so a phone reads a poster that is creased or taped.

use qrcode::{EcLevel, QrCode};

/// `text` as an SVG QR code at least `min_px` wide; "" if it cannot be
/// encoded (far longer than any link or code we print). Only drawing: the
/// pages put it in as markup.
pub fn svg(text: &str, min_px: u32) -> String {
    match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(min_px, min_px)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::svg;
    use qrcode::{EcLevel, QrCode};

    /// The pages put this SVG in as markup (`inner_html`): it must be only
    /// drawing, never text from its input or script.
    #[test]
    fn the_svg_is_only_drawing_whatever_it_encodes() {
        let svg = svg(
            "</svg><script>alert(1)</script><img src=x onerror=alert(1)>",
            180,
        );
        assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
        let mut rest = svg.as_str();
        while let Some(i) = rest.find('<') {
            let tag = &rest[i + 1..];
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '?')
                .collect();
            assert!(
                ["?xml", "svg", "rect", "path"].contains(&name.as_str()),
                "unexpected element <{name}> in {svg}"
            );
            rest = tag;
        }
        for bad in ["script", "onerror", "onload", "alert", "javascript:"] {
            assert!(!svg.contains(bad), "{bad} in {svg}");
        }
    }

    /// Level M, and 4 light modules round the code: the drawing is
    /// (modules + 8) units wide and its first dark module (the finder
    /// pattern's corner) is 4 units in.
    #[test]
    fn level_m_with_a_quiet_zone_of_four() {
        let url = "https://portal.example.cn/q/AB3CD";
        let code = QrCode::with_error_correction_level(url, EcLevel::M).unwrap();
        assert_eq!(code.error_correction_level(), EcLevel::M);
        let modules = code.width() as u32;
        let drawing = svg(url, 1);
        let view_box = format!("viewBox=\"0 0 {0} {0}\"", modules + 8);
        assert!(drawing.contains(&view_box), "{view_box} not in {drawing}");
        let dark = drawing.split("<path").nth(1).expect("a dark path");
        assert!(dark.contains("d=\"M4 4"), "{dark}");
    }
}
