//! Reading whole sentences citizens type ("我奶奶腿脚不好想办个残疾证",
//! "离婚了要把户口分出来") with a vocabulary kept as data
//! (`seed/situations.tsv`), not as code:
//! - stop phrases (我想, 怎么办, 去哪里, 了 …) are dropped;
//! - relation words (奶奶, 老伴, 媳妇, 闺女 …) form classes; alone they only
//!   hint at terms (奶奶 → 老年人), inside a pattern they give it its sense
//!   ({亲人}*走了 → 死亡);
//! - concepts map situation words and patterns to catalog terms
//!   (腿脚不好 → 残疾人, 嫁到 → 迁出 | 结婚, 开*店 → 个体工商户).
//!
//! The sentence is first cut into words (the index's vocabulary, the
//! synonyms and this vocabulary), so a stop phrase or a cue inside a longer
//! catalog word (个 in 个体户, 人 in 残疾人) is left alone.

use super::normalize::han_only;
use std::collections::{HashMap, HashSet};

/// Most characters a pattern may skip between two of its parts.
const MAX_GAP: usize = 4;
/// Longest word tried when cutting a sentence.
const MAX_WORD: usize = 10;

#[derive(Clone, Debug)]
struct Class {
    name: String,
    hints: Vec<String>,
    words: HashSet<Vec<char>>,
}

#[derive(Clone, Debug)]
enum Part {
    Word(Vec<char>),
    Class(usize),
}

/// Parts in order, each at most `MAX_GAP` characters after the previous;
/// a part in parentheses is context: required, but left in the query.
#[derive(Clone, Debug)]
struct Pattern {
    parts: Vec<(Part, bool)>,
}

#[derive(Clone, Debug)]
struct Concept {
    terms: Vec<String>,
    patterns: Vec<Pattern>,
}

#[derive(Clone, Debug, Default)]
pub struct Situations {
    stops: HashSet<Vec<char>>,
    classes: Vec<Class>,
    concepts: Vec<Concept>,
    /// Every word of this vocabulary, for cutting sentences.
    words: HashSet<Vec<char>>,
    /// Pattern ids by the text their first part may take.
    first: HashMap<Vec<char>, Vec<(usize, usize)>>,
}

/// What a sentence says, once read.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    /// The citizen's own words left to match literally.
    pub pieces: Vec<Piece>,
    /// Concepts described, each as alternative catalog terms.
    pub concepts: Vec<Vec<String>>,
    /// Relation words, each with the terms it hints at: a bonus, not a
    /// requirement, unless nothing else was said.
    pub hints: Vec<(String, Vec<String>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    pub text: String,
    /// Per character bigram: it spans two words, one of them known, so it
    /// is an accident of adjacency (证补 in 身份证补办), not asked for.
    pub loose: Vec<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// A word of the index (a pattern cannot skip it: 我妈的低保没了 is no death).
    Catalog,
    /// A word of this vocabulary only.
    Word,
    /// A character nothing knows: part of an unknown word or a typo.
    Unknown,
}

fn chars(s: &str) -> Vec<char> {
    han_only(s).chars().collect()
}

/// Parses `situations.tsv`; lines that do not parse are reported, not used.
pub fn parse_situations(tsv: &str) -> (Situations, Vec<String>) {
    let mut s = Situations::default();
    let mut errors = Vec::new();
    let mut concept_lines: Vec<(usize, Vec<String>, Vec<String>)> = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let list = |c: &str| -> Vec<String> { c.split_whitespace().map(str::to_string).collect() };
        match (cols[0], cols.len()) {
            ("stop", 2) => {
                for w in list(cols[1]) {
                    let w = chars(&w);
                    if !w.is_empty() {
                        s.stops.insert(w);
                    }
                }
            }
            ("class", 4) => {
                let mut words = HashSet::new();
                for w in list(cols[3]) {
                    if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                        match s.classes.iter().find(|c| c.name == name) {
                            Some(c) => words.extend(c.words.iter().cloned()),
                            None => errors.push(format!("line {}: unknown class {name}", n + 1)),
                        }
                    } else if !chars(&w).is_empty() {
                        words.insert(chars(&w));
                    }
                }
                let hints = list(cols[2])
                    .into_iter()
                    .map(|h| han_only(&h))
                    .filter(|h| !h.is_empty())
                    .collect();
                s.classes.push(Class {
                    name: cols[1].to_string(),
                    hints,
                    words,
                });
            }
            ("concept", 3) => concept_lines.push((n + 1, list(cols[1]), list(cols[2]))),
            _ => errors.push(format!("line {}: not stop/class/concept: {line}", n + 1)),
        }
    }
    for (n, terms, patterns) in concept_lines {
        let terms: Vec<String> = terms
            .iter()
            .map(|t| han_only(t))
            .filter(|t| !t.is_empty())
            .collect();
        let mut parsed = Vec::new();
        for p in &patterns {
            match s.pattern(p) {
                Ok(p) => parsed.push(p),
                Err(e) => errors.push(format!("line {n}: {e}")),
            }
        }
        if terms.is_empty() || parsed.is_empty() {
            errors.push(format!("line {n}: a concept needs terms and patterns"));
            continue;
        }
        s.concepts.push(Concept {
            terms,
            patterns: parsed,
        });
    }
    s.words.extend(s.stops.iter().cloned());
    for c in &s.classes {
        s.words.extend(c.words.iter().cloned());
    }
    for (ci, c) in s.concepts.iter().enumerate() {
        for (pi, p) in c.patterns.iter().enumerate() {
            for (part, _) in &p.parts {
                if let Part::Word(w) = part {
                    s.words.insert(w.clone());
                }
            }
            let firsts: Vec<Vec<char>> = match &p.parts[0].0 {
                Part::Word(w) => vec![w.clone()],
                Part::Class(k) => s.classes[*k].words.iter().cloned().collect(),
            };
            for f in firsts {
                s.first.entry(f).or_default().push((ci, pi));
            }
        }
    }
    (s, errors)
}

impl Situations {
    fn pattern(&self, text: &str) -> Result<Pattern, String> {
        let mut parts = Vec::new();
        for raw in text.split('*') {
            let (raw, consumed) = match raw.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                Some(r) => (r, false),
                None => (raw, true),
            };
            let part = if let Some(name) = raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                let k = self
                    .classes
                    .iter()
                    .position(|c| c.name == name)
                    .ok_or_else(|| format!("unknown class {name} in {text}"))?;
                Part::Class(k)
            } else {
                let w = chars(raw);
                if w.is_empty() || w.len() != raw.chars().count() {
                    return Err(format!("bad part {raw:?} in {text}"));
                }
                Part::Word(w)
            };
            parts.push((part, consumed));
        }
        if !parts.iter().any(|(_, consumed)| *consumed) {
            return Err(format!("{text}: nothing to read"));
        }
        Ok(Pattern { parts })
    }

    fn is_relation(&self, w: &[char]) -> bool {
        self.classes.iter().any(|c| c.words.contains(w))
    }

    /// Every catalog term the concepts and hints may add, for checking the data.
    pub fn terms(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .concepts
            .iter()
            .flat_map(|c| c.terms.iter().cloned())
            .chain(self.classes.iter().flat_map(|c| c.hints.iter().cloned()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn is_empty(&self) -> bool {
        self.stops.is_empty() && self.classes.is_empty() && self.concepts.is_empty()
    }

    /// Cuts a run of Han text into words, fewest pieces first; a word is
    /// what `known` accepts (two characters or more) or this vocabulary's.
    fn cut(&self, text: &[char], known: &dyn Fn(&[char]) -> bool) -> Vec<(usize, usize, Kind)> {
        let n = text.len();
        // best[j]: (cost, start of the last word, its kind)
        let mut best: Vec<(f32, usize, Kind)> = vec![(f32::MAX, 0, Kind::Unknown); n + 1];
        best[0].0 = 0.0;
        for i in 0..n {
            if best[i].0 == f32::MAX {
                continue;
            }
            for j in (i + 1)..=n.min(i + MAX_WORD) {
                let w = &text[i..j];
                let in_catalog = j - i >= 2 && known(w);
                let (cost, kind) = if self.words.contains(w) || in_catalog {
                    let kind = if in_catalog && !self.stops.contains(w) && !self.is_relation(w) {
                        Kind::Catalog
                    } else {
                        Kind::Word
                    };
                    // This vocabulary's words are real words; a piece of catalog text
                    // may not be (十岁 in 满六十岁 against 八十|岁). A stop phrase is cut
                    // out sooner than kept: 都|不在了 or 都不在|了 alike.
                    let cost = if self.stops.contains(w) {
                        0.97
                    } else if self.words.contains(w) {
                        0.98
                    } else {
                        1.0
                    };
                    (cost, kind)
                } else if j - i == 1 {
                    (1.1, Kind::Unknown)
                } else {
                    continue;
                };
                let c = best[i].0 + cost;
                if c < best[j].0 {
                    best[j] = (c, i, kind);
                }
            }
        }
        let mut out = Vec::new();
        let mut j = n;
        while j > 0 {
            let (_, i, kind) = best[j];
            out.push((i, j, kind));
            j = i;
        }
        out.reverse();
        out
    }

    /// Reads one run of Han text.
    pub fn read(&self, text: &str, known: &dyn Fn(&[char]) -> bool) -> Reading {
        let text: Vec<char> = text.chars().collect();
        let segs = self.cut(&text, known);
        let seg_text = |k: usize| &text[segs[k].0..segs[k].1];
        // Which segments a concept reads (they leave the literal query).
        let mut consumed = vec![false; segs.len()];
        let mut concepts: Vec<usize> = Vec::new();
        for k in 0..segs.len() {
            let Some(ids) = self.first.get(seg_text(k)) else {
                continue;
            };
            for &(ci, pi) in ids {
                if let Some(used) = self.match_at(&self.concepts[ci].patterns[pi], &segs, &text, k)
                {
                    for u in used {
                        consumed[u] = true;
                    }
                    if !concepts.contains(&ci) {
                        concepts.push(ci);
                    }
                }
            }
        }
        let mut hints = Vec::new();
        let mut pieces = Vec::new();
        let mut cur: Vec<usize> = Vec::new();
        let flush = |cur: &mut Vec<usize>, pieces: &mut Vec<Piece>| {
            if cur.is_empty() {
                return;
            }
            let mut s = String::new();
            let mut loose = Vec::new();
            for (x, &k) in cur.iter().enumerate() {
                if x > 0 {
                    // The pair across two words: loose unless both are unknown characters.
                    let prev = cur[x - 1];
                    loose.push(segs[prev].2 != Kind::Unknown || segs[k].2 != Kind::Unknown);
                }
                let w = seg_text(k);
                s.extend(w.iter());
                loose.extend(std::iter::repeat_n(false, w.len().saturating_sub(1)));
            }
            pieces.push(Piece { text: s, loose });
            cur.clear();
        };
        for (k, &used) in consumed.iter().enumerate() {
            let w = seg_text(k);
            let classes: Vec<&Class> = self
                .classes
                .iter()
                .filter(|c| c.words.contains(w))
                .collect();
            if !classes.is_empty() {
                let word: String = w.iter().collect();
                let mut h: Vec<String> = classes
                    .iter()
                    .flat_map(|c| c.hints.iter().cloned())
                    .collect();
                h.sort();
                h.dedup();
                if (w.len() >= 2 || !h.is_empty()) && !hints.iter().any(|(x, _)| *x == word) {
                    hints.push((word, h));
                }
                flush(&mut cur, &mut pieces);
                continue;
            }
            if used || self.stops.contains(w) {
                flush(&mut cur, &mut pieces);
                continue;
            }
            cur.push(k);
        }
        flush(&mut cur, &mut pieces);
        Reading {
            pieces,
            concepts: concepts
                .into_iter()
                .map(|ci| self.concepts[ci].terms.clone())
                .collect(),
            hints,
        }
    }

    /// The segments a pattern reads when its first part is segment `k`.
    fn match_at(
        &self,
        p: &Pattern,
        segs: &[(usize, usize, Kind)],
        text: &[char],
        k: usize,
    ) -> Option<Vec<usize>> {
        let fits = |part: &Part, s: usize| -> bool {
            let w = &text[segs[s].0..segs[s].1];
            match part {
                Part::Word(x) => x.as_slice() == w,
                Part::Class(c) => self.classes[*c].words.contains(w),
            }
        };
        if !fits(&p.parts[0].0, k) {
            return None;
        }
        let mut used = Vec::new();
        if p.parts[0].1 {
            used.push(k);
        }
        let mut at = k;
        'parts: for (part, consume) in &p.parts[1..] {
            let mut gap = 0;
            for (s, &(start, end, kind)) in segs.iter().enumerate().skip(at + 1) {
                if fits(part, s) {
                    if *consume {
                        used.push(s);
                    }
                    at = s;
                    continue 'parts;
                }
                gap += end - start;
                if gap > MAX_GAP || kind == Kind::Catalog {
                    break;
                }
            }
            return None;
        }
        Some(used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "stop\t我 想 了 个 要 怎么办 办\n\
class\t配偶\t夫妻\t老伴 媳妇\n\
class\t亲人\t-\t{配偶} 爸 人\n\
concept\t死亡\t去世 {亲人}*走了\n\
concept\t残疾人\t腿脚不好\n\
concept\t个体工商户\t开*店\n\
concept\t迁入\t(户口)*落到\n";

    fn known(w: &[char]) -> bool {
        let w: String = w.iter().collect();
        [
            "残疾人",
            "残疾证",
            "个体户",
            "户口",
            "注销",
            "走了",
            "人走了",
        ]
        .iter()
        .any(|k| k.contains(&w))
    }

    fn sit() -> Situations {
        let (s, errors) = parse_situations(TSV);
        assert!(errors.is_empty(), "{errors:?}");
        s
    }

    fn texts(r: &Reading) -> Vec<&str> {
        r.pieces.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn stops_and_cues_leave_the_content() {
        let s = sit();
        let r = s.read("我想办个残疾证", &known);
        assert_eq!(texts(&r), vec!["残疾证"]);
        let r = s.read("老伴走了户口要注销", &known);
        assert_eq!(r.concepts, vec![vec!["死亡".to_string()]]);
        assert_eq!(texts(&r), vec!["户口", "注销"]);
        assert_eq!(
            r.hints,
            vec![("老伴".to_string(), vec!["夫妻".to_string()])]
        );
        let r = s.read("腿脚不好", &known);
        assert_eq!(r.concepts, vec![vec!["残疾人".to_string()]]);
        assert!(r.pieces.is_empty());
    }

    #[test]
    fn a_stop_inside_a_known_word_stays() {
        let s = sit();
        let r = s.read("个体户", &known);
        assert_eq!(texts(&r), vec!["个体户"]);
        // 人 is a relation word, but not inside 残疾人.
        let r = s.read("残疾人", &known);
        assert_eq!(texts(&r), vec!["残疾人"]);
    }

    #[test]
    fn patterns_with_gaps_and_context() {
        let s = sit();
        let r = s.read("想开个理发店", &known);
        assert_eq!(r.concepts, vec![vec!["个体工商户".to_string()]]);
        assert_eq!(texts(&r), vec!["理发"]);
        assert_eq!(
            r.pieces[0].loose,
            vec![false],
            "an unknown word is asked for"
        );
        // Context is required and stays in the query.
        let r = s.read("户口想落到城里", &known);
        assert_eq!(r.concepts, vec![vec!["迁入".to_string()]]);
        assert!(texts(&r).contains(&"户口"));
        assert!(s.read("想落到城里", &known).concepts.is_empty());
        // Too far apart, or a catalog word between: not one situation.
        assert!(s.read("开了好多年的老店", &known).concepts.is_empty());
        assert!(s.read("老伴注销走了", &known).concepts.is_empty());
        assert_eq!(s.read("老伴上个月走了", &known).concepts.len(), 1);
    }

    #[test]
    fn pairs_across_known_words_are_loose() {
        let s = sit();
        let r = s.read("残疾证注销", &known);
        assert_eq!(r.pieces[0].loose, vec![false, false, true, false]);
    }

    #[test]
    fn bad_lines_are_reported() {
        let (_, errors) = parse_situations("concept\t死亡\t{无此类}*走了\nfoo\tbar\n");
        assert_eq!(errors.len(), 3, "{errors:?}");
    }
}
