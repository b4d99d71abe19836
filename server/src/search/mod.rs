//! Citizen search over the catalog, held in memory (228 items; a query scores
//! every item in well under a millisecond).
//!
//! Mechanisms, all general:
//! - Han text is scored by character bigrams weighted by rarity (idf) and by
//!   the field they hit (业务办理项 above 子项 above 主项), with bonuses for
//!   the whole query standing in the item's name and for a name the query
//!   covers entirely (the most specific item first).
//! - Synonyms (`seed/synonyms.tsv`) work both ways: an item containing a
//!   canonical term is indexed with its colloquial aliases, and a query
//!   containing an alias is expanded with the canonical term. Life-event
//!   keywords are aliases of the event's items.
//! - A bigram the query has but no item has (a typo such as 身分证) falls
//!   back to its pinyin: homophones still match.
//! - Latin queries are read as pinyin: full, initials or mixed, or within a
//!   small edit distance; the Han words they spell are then scored as above.
//! - A small prior lifts high-frequency items among equals.

pub mod normalize;
pub mod pinyin;

use self::normalize::{han_only, runs, RunKind};
use self::pinyin::{allowed_typos, edit_distance, spells, syllables, PinyinMatch, Syllable};
use app::catalog::{CatalogItem, LifeEvent, SearchHit};
use std::collections::{HashMap, HashSet};

/// A bigram of Han characters, or a single character for one-character text.
type Gram = (char, char);
/// Two consecutive syllables (main readings).
type SylGram = (&'static str, &'static str);

const W_NAME: f32 = 3.0;
const W_ALIAS: f32 = 2.0;
const W_SUB: f32 = 1.5;
const W_MAIN: f32 = 1.0;
const W_DEPT: f32 = 0.3;
/// The least share of a query's weight an item must match to be shown.
const MIN_COVERAGE: f32 = 0.3;

/// A synonym rule: items containing `canonical` are found by any alias.
#[derive(Clone, Debug)]
pub struct Synonym {
    pub canonical: String,
    pub aliases: Vec<String>,
}

/// Parses `synonyms.tsv`: `canonical<TAB>alias alias …`, `#` comments.
pub fn parse_synonyms(tsv: &str) -> Vec<Synonym> {
    tsv.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (canonical, aliases) = l.split_once('\t')?;
            Some(Synonym {
                canonical: han_only(canonical),
                aliases: aliases
                    .split_whitespace()
                    .map(han_only)
                    .filter(|a| !a.is_empty())
                    .collect(),
            })
        })
        .filter(|s| !s.canonical.is_empty())
        .collect()
}

struct Segment {
    chars: Vec<char>,
    syl: Vec<Syllable>,
}

impl Segment {
    fn new(text: &str) -> Self {
        Segment {
            chars: text.chars().collect(),
            syl: syllables(text),
        }
    }
}

struct Field {
    weight: f32,
    grams: HashSet<Gram>,
    /// Syllable bigrams (main readings), for the homophone fallback.
    syl_grams: HashSet<SylGram>,
    han: String,
}

struct Doc {
    hit: SearchHit,
    fields: Vec<Field>,
    name_grams: usize,
    prior: f32,
}

pub struct SearchIndex {
    docs: Vec<Doc>,
    /// Which documents hold a gram (any field): only those are scored.
    postings: HashMap<Gram, Vec<usize>>,
    syl_postings: HashMap<SylGram, Vec<usize>>,
    idf: HashMap<Gram, f32>,
    syl_idf: HashMap<SylGram, f32>,
    synonyms: Vec<Synonym>,
    events: Vec<LifeEvent>,
    /// Every distinct Han segment of the index, for reading Latin queries.
    vocab: Vec<Segment>,
}

fn grams_of(chars: &[char]) -> Vec<Gram> {
    match chars.len() {
        0 => vec![],
        1 => vec![(chars[0], '\0')],
        _ => chars.windows(2).map(|w| (w[0], w[1])).collect(),
    }
}

fn syl_grams_of(syl: &[Syllable]) -> Vec<SylGram> {
    syl.windows(2).map(|w| (w[0].main(), w[1].main())).collect()
}

fn han_segments(text: &str) -> Vec<String> {
    runs(text)
        .into_iter()
        .filter(|r| r.kind == RunKind::Han)
        .map(|r| r.text)
        .collect()
}

fn field(weight: f32, segments: &[String]) -> Field {
    let mut grams = HashSet::new();
    let mut syl_grams = HashSet::new();
    for s in segments {
        let chars: Vec<char> = s.chars().collect();
        grams.extend(grams_of(&chars));
        // Single characters are indexed too, so a one-character query finds something.
        grams.extend(chars.iter().map(|c| (*c, '\0')));
        syl_grams.extend(syl_grams_of(&syllables(s)));
    }
    Field {
        weight,
        grams,
        syl_grams,
        han: segments.join(""),
    }
}

/// A query's Han part: grams with their weights (1.0 typed, less when from an expansion).
struct HanQuery {
    grams: Vec<(Gram, f32, Option<SylGram>)>,
    /// Whole typed runs (and expansions), for the phrase bonus.
    phrases: Vec<(String, f32)>,
}

impl SearchIndex {
    pub fn new(
        items: &[CatalogItem],
        synonyms: Vec<Synonym>,
        events: Vec<LifeEvent>,
        priors: &HashMap<i32, f32>,
    ) -> Self {
        let mut vocab_set: HashSet<String> = HashSet::new();
        let mut docs = Vec::with_capacity(items.len());
        for item in items {
            let name = han_segments(&item.business_item);
            let sub = han_segments(&item.sub_item);
            let main = han_segments(&item.main_item);
            let dept = han_segments(&item.department);
            let mut aliases: Vec<String> = Vec::new();
            // Canonical terms are matched against the Han text with brackets removed.
            let texts = [
                han_only(&item.business_item),
                han_only(&item.sub_item),
                han_only(&item.main_item),
            ];
            for s in &synonyms {
                if texts.iter().any(|t| t.contains(&s.canonical)) {
                    aliases.extend(s.aliases.iter().cloned());
                }
            }
            for ev in &events {
                if ev.seqs.contains(&item.seq) {
                    aliases.extend(ev.keywords.iter().map(|k| han_only(k)));
                    aliases.push(han_only(&ev.name));
                }
            }
            aliases.retain(|a| !a.is_empty());
            aliases.sort();
            aliases.dedup();
            for seg in name.iter().chain(&sub).chain(&main).chain(&aliases) {
                vocab_set.insert(seg.clone());
            }
            let name_grams = name
                .iter()
                .map(|s| grams_of(&s.chars().collect::<Vec<_>>()).len())
                .sum();
            docs.push(Doc {
                hit: SearchHit {
                    seq: item.seq,
                    business_item: item.business_item.clone(),
                    main_item: item.main_item.clone(),
                    sub_item: item.sub_item.clone(),
                    department: item.department.clone(),
                },
                fields: vec![
                    field(W_NAME, &name),
                    field(W_ALIAS, &aliases),
                    field(W_SUB, &sub),
                    field(W_MAIN, &main),
                    field(W_DEPT, &dept),
                ],
                name_grams,
                prior: priors.get(&item.seq).copied().unwrap_or(0.0),
            });
        }
        for s in &synonyms {
            vocab_set.insert(s.canonical.clone());
            vocab_set.extend(s.aliases.iter().cloned());
        }
        let n = docs.len().max(1) as f32;
        let mut df: HashMap<Gram, usize> = HashMap::new();
        let mut syl_df: HashMap<SylGram, usize> = HashMap::new();
        let mut postings: HashMap<Gram, Vec<usize>> = HashMap::new();
        let mut syl_postings: HashMap<SylGram, Vec<usize>> = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            let grams: HashSet<&Gram> = d.fields.iter().flat_map(|f| f.grams.iter()).collect();
            for g in grams {
                *df.entry(*g).or_default() += 1;
                postings.entry(*g).or_default().push(i);
            }
            let sg: HashSet<&SylGram> = d.fields.iter().flat_map(|f| f.syl_grams.iter()).collect();
            for g in sg {
                *syl_df.entry(*g).or_default() += 1;
                syl_postings.entry(*g).or_default().push(i);
            }
        }
        let idf = df
            .into_iter()
            .map(|(g, c)| (g, (1.0 + n / c as f32).ln()))
            .collect();
        let syl_idf = syl_df
            .into_iter()
            .map(|(g, c)| (g, (1.0 + n / c as f32).ln()))
            .collect();
        let mut vocab: Vec<String> = vocab_set.into_iter().filter(|s| !s.is_empty()).collect();
        vocab.sort();
        SearchIndex {
            docs,
            postings,
            syl_postings,
            idf,
            syl_idf,
            synonyms,
            events,
            vocab: vocab.iter().map(|s| Segment::new(s)).collect(),
        }
    }

    /// Items for a query, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let mut han_runs: Vec<(String, f32)> = Vec::new();
        let mut latin = String::new();
        let mut digits: Option<i32> = None;
        for r in runs(query) {
            match r.kind {
                RunKind::Han => han_runs.push((r.text, 1.0)),
                RunKind::Ascii if r.text.bytes().all(|b| b.is_ascii_digit()) => {
                    digits = r.text.parse().ok()
                }
                RunKind::Ascii => latin.push_str(&r.text),
            }
        }
        // A number is a catalog 序号.
        let mut ranked: Vec<(f32, usize)> = Vec::new();
        if let Some(seq) = digits {
            if let Some(i) = self.docs.iter().position(|d| d.hit.seq == seq) {
                ranked.push((f32::MAX, i));
            }
        }
        if latin.len() >= 2 {
            for (text, conf) in self.read_latin(&latin) {
                han_runs.push((text, conf));
            }
        }
        if !han_runs.is_empty() {
            let q = self.han_query(&han_runs);
            let mut scored: Vec<(f32, usize)> = self
                .candidates(&q)
                .into_iter()
                .filter_map(|i| {
                    let d = &self.docs[i];
                    let (s, coverage) = self.score(d, &q);
                    // An item must answer a fair part of what was asked.
                    (s > 0.0 && coverage >= MIN_COVERAGE).then_some((s * (1.0 + 0.1 * d.prior), i))
                })
                .collect();
            scored.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then(self.docs[a.1].hit.seq.cmp(&self.docs[b.1].hit.seq))
            });
            if let Some(&(top, _)) = scored.first() {
                // Keep what is plausibly relevant: well below the best is noise.
                scored.retain(|(s, _)| *s >= top * 0.25);
            }
            for (s, i) in scored {
                if !ranked.iter().any(|(_, j)| *j == i) {
                    ranked.push((s, i));
                }
            }
        }
        ranked.truncate(limit);
        ranked
            .into_iter()
            .map(|(_, i)| self.docs[i].hit.clone())
            .collect()
    }

    /// Life events the query names (by name, title or keyword).
    pub fn events_for(&self, query: &str) -> Vec<LifeEvent> {
        let q = han_only(query);
        if q.chars().count() < 2 {
            return vec![];
        }
        self.events
            .iter()
            .filter(|ev| {
                let name = han_only(&ev.name);
                q.contains(&name)
                    || han_only(&ev.title).contains(&q)
                    || ev
                        .keywords
                        .iter()
                        .map(|k| han_only(k))
                        .any(|k| k.chars().count() >= 2 && (q.contains(&k) || k == q))
            })
            .cloned()
            .collect()
    }

    /// The Han words a Latin query may spell, with a confidence.
    fn read_latin(&self, latin: &str) -> Vec<(String, f32)> {
        let a = latin.as_bytes();
        let mut found: HashMap<String, f32> = HashMap::new();
        fn put(found: &mut HashMap<String, f32>, text: String, conf: f32) {
            let e = found.entry(text).or_insert(0.0);
            *e = e.max(conf);
        }
        for seg in &self.vocab {
            let n = seg.syl.len();
            for i in 0..n {
                // Every reading starts with the query's first letter or none does.
                if !seg.syl[i]
                    .readings
                    .iter()
                    .any(|r| r.as_bytes().first() == a.first())
                {
                    continue;
                }
                // A span needs at least one letter per syllable.
                for j in (i + 1)..=n.min(i + a.len()) {
                    if let Some(m) = spells(a, &seg.syl[i..j]) {
                        let conf = match m {
                            PinyinMatch::Full => 1.0,
                            PinyinMatch::Abbreviated => 0.9,
                        };
                        // Single syllables from initials are too vague to use.
                        if j - i >= 2 || m == PinyinMatch::Full {
                            put(&mut found, seg.chars[i..j].iter().collect(), conf);
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            let k = allowed_typos(a.len());
            if k > 0 {
                for seg in &self.vocab {
                    let n = seg.syl.len();
                    for i in 0..n {
                        let mut spelled = String::new();
                        for j in i..n {
                            spelled.push_str(seg.syl[j].main());
                            if spelled.len() + k < a.len() {
                                continue;
                            }
                            if spelled.len() > a.len() + k {
                                break;
                            }
                            let d = edit_distance(a, spelled.as_bytes());
                            if d <= k && j > i {
                                put(
                                    &mut found,
                                    seg.chars[i..=j].iter().collect(),
                                    0.7 - 0.1 * d as f32,
                                );
                            }
                        }
                    }
                }
            }
        }
        // Prefer long readings: "yibao" is 医保, not 医 + 保 separately.
        let mut out: Vec<(String, f32)> = found.into_iter().collect();
        out.sort_by(|a, b| {
            (b.0.chars().count() as f32 * b.1)
                .total_cmp(&(a.0.chars().count() as f32 * a.1))
                .then(a.0.cmp(&b.0))
        });
        out.truncate(12);
        out
    }

    fn han_query(&self, typed: &[(String, f32)]) -> HanQuery {
        let mut runs: Vec<(String, f32)> = typed.to_vec();
        // An expansion stands in for the alias it came from: scaled so that
        // matching all of it weighs no more than matching the alias itself,
        // however long the canonical term is. The citizen's words lead.
        let idf_sum = |t: &str| -> f32 {
            let chars: Vec<char> = t.chars().collect();
            grams_of(&chars)
                .iter()
                .map(|g| self.idf.get(g).copied().unwrap_or(1.0))
                .sum()
        };
        for (text, w) in typed {
            for s in &self.synonyms {
                let alias = s
                    .aliases
                    .iter()
                    .filter(|a| a.chars().count() >= 2 && text.contains(a.as_str()))
                    .max_by_key(|a| a.chars().count());
                if let Some(alias) = alias {
                    let scale = (idf_sum(alias) / idf_sum(&s.canonical).max(0.01)).min(1.0);
                    runs.push((s.canonical.clone(), w * 0.9 * scale));
                }
            }
        }
        let mut best: HashMap<Gram, (f32, Option<SylGram>)> = HashMap::new();
        for (text, w) in &runs {
            let chars: Vec<char> = text.chars().collect();
            let syl = syllables(text);
            let sg = syl_grams_of(&syl);
            for (k, g) in grams_of(&chars).into_iter().enumerate() {
                let e = best.entry(g).or_insert((0.0, sg.get(k).copied()));
                e.0 = e.0.max(*w);
            }
        }
        HanQuery {
            grams: best.into_iter().map(|(g, (w, s))| (g, w, s)).collect(),
            phrases: runs,
        }
    }

    /// Documents sharing a gram with the query, or for a gram no document has,
    /// sharing its sound (the homophone fallback of `score`).
    fn candidates(&self, q: &HanQuery) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for (g, _, sg) in &q.grams {
            match (self.postings.get(g), sg) {
                (Some(docs), _) => out.extend(docs),
                (None, Some(sg)) => out.extend(self.syl_postings.get(sg).into_iter().flatten()),
                (None, None) => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The item's score and the share of the query's weight it matched.
    fn score(&self, d: &Doc, q: &HanQuery) -> (f32, f32) {
        let mut score = 0.0;
        let mut name_hits = 0usize;
        let mut asked = 0.0;
        let mut answered = 0.0;
        for (g, w, sg) in &q.grams {
            let mass = w * self.idf.get(g).copied().unwrap_or(1.0);
            asked += mass;
            let best_field = d
                .fields
                .iter()
                .filter(|f| f.grams.contains(g))
                .map(|f| f.weight)
                .fold(0.0f32, f32::max);
            if best_field > 0.0 {
                answered += mass;
                score += w * best_field * self.idf.get(g).copied().unwrap_or(1.0);
                if d.fields[0].grams.contains(g) && g.1 != '\0' {
                    name_hits += 1;
                }
                continue;
            }
            // Unknown to this item: does it sound like something the item says?
            if let Some(sg) = sg {
                let best = d
                    .fields
                    .iter()
                    .filter(|f| f.syl_grams.contains(sg))
                    .map(|f| f.weight)
                    .fold(0.0f32, f32::max);
                if best > 0.0 && !self.idf.contains_key(g) {
                    answered += 0.7 * mass;
                    score += 0.7 * w * best * self.syl_idf.get(sg).copied().unwrap_or(1.0);
                }
            }
        }
        if score == 0.0 {
            return (0.0, 0.0);
        }
        // The whole phrase in the name, or anywhere: a strong sign of the right item.
        for (p, w) in &q.phrases {
            if p.chars().count() >= 2 {
                if d.fields[0].han.contains(p.as_str()) {
                    score += 2.0 * w;
                } else if d.fields.iter().any(|f| f.han.contains(p.as_str())) {
                    score += 0.8 * w;
                }
            }
        }
        // Specific beats general: the share of the name the query covers.
        if d.name_grams > 0 {
            score += 1.5 * name_hits as f32 / d.name_grams as f32;
        }
        (score, answered / asked.max(f32::EPSILON))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(seq: i32, name: &str, main: &str) -> CatalogItem {
        CatalogItem {
            seq,
            main_item: main.into(),
            sub_item: main.into(),
            business_item: name.into(),
            item_type: "公共服务".into(),
            level: "D".into(),
            department: "市公安局".into(),
            provincial_catalog: true,
        }
    }

    fn index() -> SearchIndex {
        let items = vec![
            item(1, "申领居民身份证（补领）", "核发居民身份证"),
            item(2, "居住证核发", "核发居住证"),
            item(3, "户口簿补发", "户口登记、注销、迁移"),
            item(4, "职工参保登记", "基本医疗保险参保和变更登记"),
        ];
        let syn = parse_synonyms("补领\t补办 丢了\n户口簿\t户口本 户籍簿\n医疗保险\t医保\n");
        SearchIndex::new(&items, syn, vec![], &HashMap::new())
    }

    fn seqs(ix: &SearchIndex, q: &str) -> Vec<i32> {
        ix.search(q, 5).into_iter().map(|h| h.seq).collect()
    }

    #[test]
    fn synonyms_both_ways() {
        let ix = index();
        assert_eq!(seqs(&ix, "身份证补办")[0], 1);
        assert_eq!(seqs(&ix, "户口本丢了")[0], 3);
    }

    #[test]
    fn pinyin_full_initials_and_typos() {
        let ix = index();
        assert_eq!(seqs(&ix, "yibao")[0], 4);
        assert_eq!(seqs(&ix, "jzz")[0], 2);
        assert_eq!(seqs(&ix, "hujibo")[0], 3);
        assert_eq!(seqs(&ix, "JuZhuZheng")[0], 2);
    }

    #[test]
    fn homophone_typo() {
        let ix = index();
        assert_eq!(seqs(&ix, "身分证")[0], 1);
    }

    #[test]
    fn seq_number_and_nonsense() {
        let ix = index();
        assert_eq!(seqs(&ix, "3"), vec![3]);
        assert!(seqs(&ix, "xq").is_empty());
        assert!(seqs(&ix, "！！").is_empty());
        assert!(seqs(&ix, "火星移民").is_empty(), "no weak partial matches");
        assert!(seqs(&ix, "").is_empty());
    }
}
