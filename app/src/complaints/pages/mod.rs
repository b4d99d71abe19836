//! 有诉即办 pages: the citizen's form and tracking page, and the back office's
//! queues and case page.

pub mod complain;
#[cfg(feature = "ssr")]
pub mod desk;
pub mod track;

/// The citizen's verdict in words, whether the server sent its code
/// (`partly`) or already its label (`部分解决`).
fn resolution_text(resolution: &str) -> String {
    match crate::complaints::resolution_label(resolution) {
        "" => resolution.to_string(),
        label => label.to_string(),
    }
}

/// Whether the verdict was 已解决 (code or label).
fn is_resolved(resolution: &str) -> bool {
    resolution_text(resolution) == crate::complaints::resolution_label("resolved")
}

#[cfg(test)]
mod tests {
    #[test]
    fn verdicts_read_the_same_as_code_or_label() {
        assert_eq!(super::resolution_text("partly"), "部分解决");
        assert_eq!(super::resolution_text("部分解决"), "部分解决");
        assert!(super::is_resolved("resolved") && super::is_resolved("已解决"));
        assert!(!super::is_resolved("unresolved") && !super::is_resolved("未解决"));
    }
}
