//! Small text helpers shared by pages and server: URL encoding, safe paths,
//! and labels from code tables.

/// Percent-encodes a query-string component (UTF-8), so Chinese queries survive a URL.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The label of `key` in a table of (code, label) pairs, such as the
/// categories of a complaint or the levels of a rating.
pub fn label_in<K: PartialEq + ?Sized, C: std::borrow::Borrow<K>>(
    table: &[(C, &'static str)],
    key: &K,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _)| c.borrow() == key)
        .map(|(_, l)| *l)
}

/// A safe same-site path to go back to after a form post: anything else becomes "/".
pub fn safe_back_path(path: &str) -> &str {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control());
    if ok {
        path
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_chinese_and_reserved() {
        assert_eq!(url_encode("社保 a&b"), "%E7%A4%BE%E4%BF%9D%20a%26b");
        assert_eq!(url_encode("yibao-1"), "yibao-1");
    }

    #[test]
    fn back_path_refuses_other_sites() {
        assert_eq!(safe_back_path("/items?x=1"), "/items?x=1");
        assert_eq!(safe_back_path("//evil.example"), "/");
        assert_eq!(safe_back_path("https://evil.example"), "/");
        assert_eq!(safe_back_path("/\\evil"), "/");
    }
}
