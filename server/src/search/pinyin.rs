//! Pinyin of Han text and matching of what citizens type in Latin letters:
//! full pinyin (yibao), initials (jzz), a mix (yib, shfz), and near misses.

use pinyin::ToPinyinMulti;

/// The readings of one Han character (several for 多音字), without tones.
#[derive(Clone, Debug, Default)]
pub struct Syllable {
    pub readings: Vec<&'static str>,
}

impl Syllable {
    pub fn of(c: char) -> Self {
        let mut readings: Vec<&'static str> = c
            .to_pinyin_multi()
            .map(|m| m.into_iter().map(|p| p.plain()).collect())
            .unwrap_or_default();
        readings.dedup();
        Syllable { readings }
    }

    pub fn main(&self) -> &'static str {
        self.readings.first().copied().unwrap_or("")
    }
}

pub fn syllables(text: &str) -> Vec<Syllable> {
    text.chars().map(Syllable::of).collect()
}

/// How a Latin query matched a run of Han characters.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub enum PinyinMatch {
    /// Every syllable typed in full.
    Full,
    /// Some syllables by their initials, or the last one cut short.
    Abbreviated,
}

/// Ways `a[pos..]` can begin with syllable `s`: the positions after it.
/// `last_partial` accepts a trailing prefix of a syllable (typing in progress).
fn advances(a: &[u8], pos: usize, s: &Syllable, out: &mut Vec<(usize, bool)>) {
    let rest = &a[pos..];
    for r in &s.readings {
        let r = r.as_bytes();
        if r.is_empty() {
            continue;
        }
        if rest.starts_with(r) {
            out.push((pos + r.len(), true));
        }
        // Initials: z/c/s also as zh/ch/sh, and the first letter alone.
        if r.len() >= 2
            && (r.starts_with(b"zh") || r.starts_with(b"ch") || r.starts_with(b"sh"))
            && rest.starts_with(&r[..2])
            && r.len() > 2
        {
            out.push((pos + 2, false));
        }
        if !rest.is_empty() && rest[0] == r[0] && r.len() > 1 {
            out.push((pos + 1, false));
        }
        // A syllable still being typed, only at the very end of the query.
        if rest.len() >= 2 && rest.len() < r.len() && r.starts_with(rest) {
            out.push((a.len(), false));
        }
    }
}

/// Whether the Latin string `a` spells exactly the syllables `s` (all of them),
/// and how. Tries every split (syllables may be full or initials).
pub fn spells(a: &[u8], s: &[Syllable]) -> Option<PinyinMatch> {
    fn go(a: &[u8], pos: usize, s: &[Syllable], i: usize, full: bool) -> Option<PinyinMatch> {
        if i == s.len() {
            return (pos == a.len()).then_some(if full {
                PinyinMatch::Full
            } else {
                PinyinMatch::Abbreviated
            });
        }
        if pos >= a.len() {
            return None;
        }
        let mut next = Vec::new();
        advances(a, pos, &s[i], &mut next);
        let mut best: Option<PinyinMatch> = None;
        for (p, is_full) in next {
            if let Some(m) = go(a, p, s, i + 1, full && is_full) {
                if m == PinyinMatch::Full {
                    return Some(m);
                }
                best = Some(m);
            }
        }
        best
    }
    go(a, 0, s, 0, true)
}

/// Levenshtein distance of two short byte strings.
pub fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Typos tolerated in a full-pinyin query of this many letters.
pub fn allowed_typos(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=9 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sy(t: &str) -> Vec<Syllable> {
        syllables(t)
    }

    #[test]
    fn full_pinyin_and_initials() {
        assert_eq!(spells(b"yibao", &sy("医保")), Some(PinyinMatch::Full));
        assert_eq!(
            spells(b"jzz", &sy("居住证")),
            Some(PinyinMatch::Abbreviated)
        );
        assert_eq!(
            spells(b"juzhuzheng", &sy("居住证")),
            Some(PinyinMatch::Full)
        );
        assert_eq!(
            spells(b"jzzh", &sy("居住证")),
            Some(PinyinMatch::Abbreviated)
        );
        assert_eq!(spells(b"yib", &sy("医保")), Some(PinyinMatch::Abbreviated));
        assert_eq!(spells(b"yibaox", &sy("医保")), None);
        assert_eq!(spells(b"yi", &sy("医保")), None);
    }

    #[test]
    fn heteronyms_are_tried() {
        // 重 is zhong or chong; 重度 reads zhongdu.
        assert_eq!(spells(b"zhongdu", &sy("重度")), Some(PinyinMatch::Full));
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance(b"hujibo", b"hujibu"), 1);
        assert_eq!(edit_distance(b"", b"abc"), 3);
        assert_eq!(edit_distance(b"kitten", b"sitting"), 3);
    }
}
