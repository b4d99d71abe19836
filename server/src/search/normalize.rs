//! Text normalisation shared by the index and the query: full-width to
//! half-width, lower case, and splitting into runs of Han characters and of
//! ASCII letters/digits. Everything else (punctuation, brackets, spaces)
//! separates runs.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunKind {
    Han,
    Ascii,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub kind: RunKind,
    pub text: String,
}

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// Full-width ASCII forms and the ideographic space to their half-width forms, lower case.
pub fn fold_char(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Splits text into Han runs and ASCII alphanumeric runs, in order.
pub fn runs(text: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    for c in text.chars().map(fold_char) {
        let kind = if is_han(c) {
            Some(RunKind::Han)
        } else if c.is_ascii_alphanumeric() {
            Some(RunKind::Ascii)
        } else {
            None
        };
        match (kind, cur.as_mut()) {
            (Some(k), Some(run)) if run.kind == k => run.text.push(c),
            (Some(k), _) => {
                out.extend(cur.take());
                cur = Some(Run {
                    kind: k,
                    text: c.to_string(),
                });
            }
            (None, _) => out.extend(cur.take()),
        }
    }
    out.extend(cur);
    out
}

/// The Han text of a string with everything else removed, for substring tests.
pub fn han_only(text: &str) -> String {
    text.chars().map(fold_char).filter(|c| is_han(*c)).collect()
}

/// Numbers of up to three digits as Chinese numerals (80 → 八十, 105 →
/// 一百零五), so a sentence's ages and counts read like the words people
/// also type for them. Longer numbers are left as they are.
pub fn han_numerals(text: &str) -> String {
    const D: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    fn spell(n: usize) -> String {
        let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
        let mut s = String::new();
        if h > 0 {
            s.push(D[h]);
            s.push('百');
            if t == 0 && u > 0 {
                s.push('零');
            }
        }
        if t > 0 {
            if !(h == 0 && t == 1) {
                s.push(D[t]);
            }
            s.push('十');
        }
        if u > 0 || n == 0 {
            s.push(D[u]);
        }
        s
    }
    let folded: Vec<char> = text.chars().map(fold_char).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < folded.len() {
        if folded[i].is_ascii_digit() {
            let j = (i..folded.len())
                .find(|&j| !folded[j].is_ascii_digit())
                .unwrap_or(folded.len());
            if j - i <= 3 {
                let n: usize = folded[i..j].iter().collect::<String>().parse().unwrap_or(0);
                out.push_str(&spell(n));
            } else {
                out.extend(&folded[i..j]);
            }
            i = j;
        } else {
            out.push(folded[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_han_and_ascii() {
        let r = runs("申领居民身份证（补领） ＹＩＢＡＯ 12");
        let texts: Vec<_> = r.iter().map(|r| (r.kind, r.text.as_str())).collect();
        assert_eq!(
            texts,
            vec![
                (RunKind::Han, "申领居民身份证"),
                (RunKind::Han, "补领"),
                (RunKind::Ascii, "yibao"),
                (RunKind::Ascii, "12"),
            ]
        );
    }

    #[test]
    fn numbers_as_numerals() {
        assert_eq!(han_numerals("奶奶80岁了"), "奶奶八十岁了");
        assert_eq!(
            han_numerals("１８岁 105 10 7 0"),
            "十八岁 一百零五 十 七 零"
        );
        assert_eq!(han_numerals("身份证2023年"), "身份证2023年");
    }

    #[test]
    fn mixed_without_separator_splits_by_kind() {
        let r = runs("身份证bu");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text, "身份证");
        assert_eq!(r[1].text, "bu");
    }
}
