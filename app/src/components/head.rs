//! What a page puts into `<head>`: its title and description.
//!
//! leptos_meta writes `<title>` text into the server's HTML as it is, without
//! escaping, so a title made from a search query or from staff-authored text
//! could close the element and run script. Every page therefore sets its title
//! through [`PageTitle`], which escapes on the server, and its description
//! through [`PageDescription`] (attribute values are escaped by the renderer).
//! A test below keeps pages from using leptos_meta's `Title`/`Meta` directly.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The portal's name, the suffix of every page title.
pub const SITE_NAME: &str = "济源便民服务";

/// The document title for a page: "{page} - 济源便民服务", or the site name alone.
pub fn document_title(page: &str) -> String {
    let page = page.trim();
    if page.is_empty() {
        SITE_NAME.to_string()
    } else {
        format!("{page} - {SITE_NAME}")
    }
}

/// Escapes text for an HTML text or attribute context: `& < > " '`.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `<title>` text as the server writes it into HTML: formatted and escaped.
pub fn server_title_html(page: &str) -> String {
    escape_html(&document_title(page))
}

/// Sets the page title. On the server the text is escaped into the HTML; in
/// the browser leptos_meta assigns `document.title`, which is plain text and
/// must not be escaped (the tab would show `&lt;`).
///
/// The server reads the text once, here: leptos_meta renders `<head>` after
/// the body, outside the page's reactive arena, where a signal the title
/// reads may already be gone (or, under load, be another request's).
#[component]
pub fn PageTitle(#[prop(into)] text: TextProp) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let title = server_title_html(&text.get());
    #[cfg(not(feature = "ssr"))]
    let title = move || document_title(&text.get());
    view! { <Title text=title /> }
}

/// Sets `<meta name="description">` (the renderer escapes attribute values).
#[component]
pub fn PageDescription(#[prop(into)] text: String) -> impl IntoView {
    view! { <Meta name="description" content=text /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_formatted() {
        assert_eq!(document_title(""), "济源便民服务");
        assert_eq!(document_title("  "), "济源便民服务");
        assert_eq!(document_title("事项目录"), "事项目录 - 济源便民服务");
    }

    #[test]
    fn server_titles_cannot_close_the_element_or_open_a_script() {
        let t = server_title_html("“</title><script>alert(document.domain)</script>”的搜索结果");
        assert_eq!(
            t,
            "“&lt;/title&gt;&lt;script&gt;alert(document.domain)&lt;/script&gt;”的搜索结果 - 济源便民服务"
        );
        assert!(!t.contains('<') && !t.contains('>'));
        assert_eq!(
            server_title_html(r#"a & b "c" 'd' <img src=x onerror=alert(1)>"#),
            "a &amp; b &quot;c&quot; &#39;d&#39; &lt;img src=x onerror=alert(1)&gt; - 济源便民服务"
        );
        // Already-escaped text is escaped again, not trusted.
        assert_eq!(server_title_html("&lt;"), "&amp;lt; - 济源便民服务");
        // Chinese and ordinary punctuation pass through.
        assert_eq!(
            server_title_html("申领居民身份证（换领）"),
            "申领居民身份证（换领） - 济源便民服务"
        );
    }

    /// Pages set titles and meta tags only through this module's helpers.
    #[test]
    fn no_page_uses_leptos_meta_title_or_meta_directly() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let this = src.join("components").join("head.rs");
        let mut offenders = Vec::new();
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && path != this {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for tag in ["<Title", "<Meta"] {
                        if uses_component(&text, tag) {
                            offenders.push(format!("{} uses {tag}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "use components::head::{{PageTitle, PageDescription}}: {offenders:?}"
        );
        // The check itself finds what it looks for.
        assert!(uses_component("view! { <Title text=q /> }", "<Title"));
        assert!(uses_component("<Meta\n name=\"x\" />", "<Meta"));
        assert!(!uses_component("<MetaTags />", "<Meta"));
    }

    /// Whether `text` has the component tag `tag` (not a longer name such as `<MetaTags`).
    fn uses_component(text: &str, tag: &str) -> bool {
        text.match_indices(tag).any(|(i, _)| {
            text[i + tag.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
        })
    }
}
