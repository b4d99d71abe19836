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
//! - Whole sentences are read first (`situations`, `seed/situations.tsv`):
//!   cut into words, stop phrases dropped, situation words and relation
//!   patterns turned into catalog terms. Each expansion is a group of
//!   alternatives: an item answers it with its best alternative.
//! - A bigram the query has but no item has (a typo such as 身分证) falls
//!   back to its pinyin: homophones still match.
//! - Latin queries are read as pinyin: full, initials or mixed, or within a
//!   small edit distance; the Han words they spell are then scored as above.
//! - A small prior lifts high-frequency items among equals.
//! - Any query has closest life events (`closest_events`), so a situation
//!   no item matches still leads somewhere.

pub mod normalize;
pub mod pinyin;
pub mod situations;

use self::normalize::{han_numerals, han_only, runs, RunKind};
use self::pinyin::{allowed_typos, edit_distance, spells, syllables, PinyinMatch, Syllable};
use self::situations::{Reading, Situations};
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
/// A concept term weighs like a typed word: at most this much idf mass.
const CONCEPT_MASS: f32 = 6.0;
const W_CONCEPT: f32 = 0.9;
/// Hints (奶奶 → 老年人) only order items that match something else.
const W_HINT: f32 = 0.5;
/// Longest catalog word the sentence reader looks up.
const MAX_KNOWN: usize = 8;

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
    /// Each gram's best field weight, and whether the name has it.
    grams: HashMap<Gram, (f32, bool)>,
    syl_grams: HashMap<SylGram, f32>,
    /// The name's Han text, then every field's, for the phrase bonus.
    name_han: String,
    all_han: String,
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
    /// How common each event is: the priors of its items.
    event_prior: Vec<f32>,
    /// Every distinct Han segment of the index, for reading Latin queries.
    vocab: Vec<Segment>,
    /// Every piece (2..=MAX_KNOWN characters) of the index's words, so the
    /// sentence reader keeps catalog words whole.
    known: HashSet<Vec<char>>,
    situations: Situations,
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

/// Some text the query asks for, and how much.
#[derive(Clone)]
struct Typed {
    text: String,
    w: f32,
    /// Per bigram: asked only if an item has it (see `situations::Piece`).
    loose: Vec<bool>,
}

struct QGram {
    gram: Gram,
    w: f32,
    syl: Option<SylGram>,
    alt: usize,
    optional: bool,
}

/// A query's Han part. Alternative 0 is the citizen's own words; every other
/// alternative belongs to a group (one synonym or concept expansion), and an
/// item answers a group with its best alternative.
struct HanQuery {
    grams: Vec<QGram>,
    /// The group of each alternative, and whether the group is only a bonus.
    alts: Vec<(usize, bool)>,
    groups: usize,
    /// Whole words, for the phrase bonus: text, weight, alternative.
    phrases: Vec<(String, f32, usize)>,
}

struct QueryBuilder<'a> {
    own: &'a HashMap<Gram, (f32, Option<SylGram>, bool)>,
    grams: &'a mut Vec<QGram>,
    alts: Vec<(usize, bool)>,
    groups: usize,
    phrases: &'a mut Vec<(String, f32, usize)>,
}

impl QueryBuilder<'_> {
    /// One group of alternatives; dropped when the citizen's words already
    /// say one of them entirely.
    fn add_group(&mut self, terms: &[(String, f32)], optional: bool) {
        let mut parts: Vec<Vec<QGram>> = Vec::new();
        for (term, w) in terms {
            let chars: Vec<char> = term.chars().collect();
            let sg = syl_grams_of(&syllables(term));
            let mine: Vec<QGram> = grams_of(&chars)
                .into_iter()
                .enumerate()
                .filter(|(_, g)| !self.own.contains_key(g))
                .map(|(k, g)| QGram {
                    gram: g,
                    w: *w,
                    syl: sg.get(k).copied(),
                    alt: 0,
                    optional,
                })
                .collect();
            if mine.is_empty() {
                return;
            }
            parts.push(mine);
        }
        for (mine, (term, w)) in parts.into_iter().zip(terms) {
            let alt = self.alts.len();
            self.alts.push((self.groups, optional));
            self.grams
                .extend(mine.into_iter().map(|g| QGram { alt, ..g }));
            self.phrases.push((term.clone(), *w, alt));
        }
        self.groups += 1;
    }
}

/// Per-alternative sums while scoring one item.
#[derive(Clone, Copy, Default)]
struct Tally {
    score: f32,
    asked: f32,
    answered: f32,
    /// Answered of what was asked for, not only hoped for (loose pairs, hints).
    required: f32,
    name_hits: usize,
}

impl SearchIndex {
    pub fn new(
        items: &[CatalogItem],
        synonyms: Vec<Synonym>,
        events: Vec<LifeEvent>,
        priors: &HashMap<i32, f32>,
    ) -> Self {
        Self::with_situations(
            items,
            synonyms,
            events,
            priors,
            crate::seed::situations().clone(),
        )
    }

    pub fn with_situations(
        items: &[CatalogItem],
        synonyms: Vec<Synonym>,
        events: Vec<LifeEvent>,
        priors: &HashMap<i32, f32>,
        situations: Situations,
    ) -> Self {
        let mut vocab_set: HashSet<String> = HashSet::new();
        let mut docs = Vec::with_capacity(items.len());
        let mut doc_fields: Vec<Vec<Field>> = Vec::with_capacity(items.len());
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
            let fields = vec![
                field(W_NAME, &name),
                field(W_ALIAS, &aliases),
                field(W_SUB, &sub),
                field(W_MAIN, &main),
                field(W_DEPT, &dept),
            ];
            let mut grams: HashMap<Gram, (f32, bool)> = HashMap::new();
            let mut syl_grams: HashMap<SylGram, f32> = HashMap::new();
            for (k, f) in fields.iter().enumerate() {
                for g in &f.grams {
                    let e = grams.entry(*g).or_insert((0.0, false));
                    e.0 = e.0.max(f.weight);
                    e.1 |= k == 0;
                }
                for g in &f.syl_grams {
                    let e = syl_grams.entry(*g).or_insert(0.0);
                    *e = e.max(f.weight);
                }
            }
            docs.push(Doc {
                hit: SearchHit {
                    seq: item.seq,
                    business_item: item.business_item.clone(),
                    main_item: item.main_item.clone(),
                    sub_item: item.sub_item.clone(),
                    department: item.department.clone(),
                },
                grams,
                syl_grams,
                name_han: fields[0].han.clone(),
                all_han: fields
                    .iter()
                    .map(|f| f.han.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
                name_grams,
                prior: priors.get(&item.seq).copied().unwrap_or(0.0),
            });
            doc_fields.push(fields);
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
        for (i, fields) in doc_fields.iter().enumerate() {
            let grams: HashSet<&Gram> = fields.iter().flat_map(|f| f.grams.iter()).collect();
            for g in grams {
                *df.entry(*g).or_default() += 1;
                postings.entry(*g).or_default().push(i);
            }
            let sg: HashSet<&SylGram> = fields.iter().flat_map(|f| f.syl_grams.iter()).collect();
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
        let mut known: HashSet<Vec<char>> = HashSet::new();
        for v in &vocab {
            let c: Vec<char> = v.chars().collect();
            for i in 0..c.len() {
                for j in (i + 2)..=c.len().min(i + MAX_KNOWN) {
                    known.insert(c[i..j].to_vec());
                }
            }
        }
        let event_prior = events
            .iter()
            .map(|ev| ev.seqs.iter().filter_map(|s| priors.get(s)).sum::<f32>())
            .collect();
        SearchIndex {
            event_prior,
            docs,
            postings,
            syl_postings,
            idf,
            syl_idf,
            synonyms,
            events,
            vocab: vocab.iter().map(|s| Segment::new(s)).collect(),
            known,
            situations,
        }
    }

    /// Items for a query, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        self.rank(query, true)
            .into_iter()
            .take(limit)
            .map(|(_, i)| self.docs[i].hit.clone())
            .collect()
    }

    /// Scored documents, best first. `strict` drops items that answer too
    /// little of the query; without it any partial match counts (for events).
    fn rank(&self, query: &str, strict: bool) -> Vec<(f32, usize)> {
        let has_han = query.chars().any(normalize::is_han);
        // In a sentence a number is an age or a count (奶奶80岁), not a 序号.
        let text = if has_han {
            han_numerals(query)
        } else {
            query.to_string()
        };
        let mut typed: Vec<Typed> = Vec::new();
        let mut reading = Reading::default();
        let mut latin = String::new();
        let mut digits: Option<i32> = None;
        for r in runs(&text) {
            match r.kind {
                RunKind::Han => {
                    let known = |w: &[char]| self.known.contains(w);
                    let rd = self.situations.read(&r.text, &known);
                    typed.extend(rd.pieces.into_iter().map(|p| Typed {
                        text: p.text,
                        w: 1.0,
                        loose: p.loose,
                    }));
                    reading.concepts.extend(rd.concepts);
                    reading.hints.extend(rd.hints);
                }
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
                let n = text.chars().count();
                typed.push(Typed {
                    text,
                    w: conf,
                    loose: vec![false; n.saturating_sub(1)],
                });
            }
        }
        if typed.is_empty() && reading.concepts.is_empty() && reading.hints.is_empty() {
            return ranked;
        }
        let han_len = han_only(&text).chars().count();
        let q = self.han_query(&typed, &reading, han_len);
        let mut tally = vec![Tally::default(); q.alts.len()];
        let mut scored: Vec<(f32, usize)> = self
            .candidates(&q)
            .into_iter()
            .filter_map(|i| {
                let d = &self.docs[i];
                let (s, coverage) = self.score(d, &q, &mut tally)?;
                // An item must answer a fair part of what was asked.
                (!strict || coverage >= MIN_COVERAGE).then_some((s * (1.0 + 0.1 * d.prior), i))
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
        ranked
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

    /// The life events closest to a query, best first, at most `n`: those
    /// it names, then those holding the items it comes nearest to (partial
    /// matches count), then the most common events. Never empty for a
    /// non-blank query, so a situation no item matches still leads to 帮办
    /// and to events to read.
    pub fn closest_events(&self, query: &str, n: usize) -> Vec<LifeEvent> {
        if n == 0 || query.trim().is_empty() {
            return vec![];
        }
        let mut score = vec![0.0f32; self.events.len()];
        for ev in self.events_for(query) {
            if let Some(k) = self.events.iter().position(|e| e.slug == ev.slug) {
                score[k] += 2.0;
            }
        }
        let ranked = self.rank(query, false);
        if let Some(&(top, _)) = ranked.first() {
            let top = if top == f32::MAX {
                1.0
            } else {
                top.max(f32::EPSILON)
            };
            for (r, &(s, i)) in ranked.iter().take(10).enumerate() {
                let s = if s == f32::MAX { 1.0 } else { s / top };
                let seq = self.docs[i].hit.seq;
                for (k, ev) in self.events.iter().enumerate() {
                    if ev.seqs.contains(&seq) {
                        // Sharper for the best items, so one strong item outweighs many weak ones.
                        score[k] += s / (1.0 + r as f32 * 0.5);
                    }
                }
            }
        }
        // Then the most common events: those holding high-frequency items.
        let mut order: Vec<usize> = (0..self.events.len()).collect();
        order.sort_by(|&a, &b| {
            score[b]
                .total_cmp(&score[a])
                .then(self.event_prior[b].total_cmp(&self.event_prior[a]))
                .then(a.cmp(&b))
        });
        order
            .into_iter()
            .take(n)
            .map(|k| self.events[k].clone())
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

    fn idf_sum(&self, t: &str) -> f32 {
        let chars: Vec<char> = t.chars().collect();
        grams_of(&chars)
            .iter()
            .map(|g| self.idf.get(g).copied().unwrap_or(1.0))
            .sum()
    }

    fn han_query(&self, typed: &[Typed], reading: &Reading, han_len: usize) -> HanQuery {
        // Only relation words said anything (我奶奶): they are asked for, and
        // so are the terms they hint at.
        let only_relations = reading.concepts.is_empty()
            && typed.iter().all(|t| t.text.chars().count() < 2)
            && !reading.hints.is_empty();
        let mut typed: Vec<Typed> = typed.to_vec();
        if only_relations {
            for (word, _) in reading.hints.iter().filter(|(w, _)| w.chars().count() >= 2) {
                typed.push(Typed {
                    text: word.clone(),
                    w: 1.0,
                    loose: vec![false; word.chars().count().saturating_sub(1)],
                });
            }
        }
        let typed = &typed;
        // The citizen's own words: alternative 0. A character left alone in a
        // longer query (证 in 要办什么证, 气 in 今天天气怎么样) only helps.
        let mut own: HashMap<Gram, (f32, Option<SylGram>, bool)> = HashMap::new();
        let mut phrases: Vec<(String, f32, usize)> = Vec::new();
        for t in typed {
            let chars: Vec<char> = t.text.chars().collect();
            let sg = syl_grams_of(&syllables(&t.text));
            for (k, g) in grams_of(&chars).into_iter().enumerate() {
                let optional = if chars.len() == 1 {
                    han_len > 1
                } else {
                    t.loose.get(k).copied().unwrap_or(false)
                };
                let e = own.entry(g).or_insert((0.0, sg.get(k).copied(), true));
                e.0 = e.0.max(t.w);
                e.2 &= optional;
            }
            if chars.len() >= 2 {
                phrases.push((t.text.clone(), t.w, 0));
            }
        }
        let mut grams: Vec<QGram> = own
            .iter()
            .map(|(g, (w, syl, optional))| QGram {
                gram: *g,
                w: *w,
                syl: *syl,
                alt: 0,
                optional: *optional,
            })
            .collect();
        // A fixed order, so float sums (and so ties) are the same every run.
        grams.sort_by_key(|g| g.gram);
        let mut b = QueryBuilder {
            own: &own,
            grams: &mut grams,
            alts: vec![(0, false)],
            groups: 1,
            phrases: &mut phrases,
        };
        // Synonyms: a query alias stands for its canonical terms; the
        // aliases found in overlapping text are one group. An expansion is
        // scaled so that matching all of it weighs no more than matching
        // the alias itself: the citizen's words lead.
        for t in typed {
            let mut found: Vec<(usize, usize, String, f32)> = Vec::new();
            for s in &self.synonyms {
                let alias = s
                    .aliases
                    .iter()
                    .filter(|a| a.chars().count() >= 2 && t.text.contains(a.as_str()))
                    .max_by_key(|a| a.chars().count());
                if let Some(alias) = alias {
                    let at = t.text[..t.text.find(alias.as_str()).unwrap_or(0)]
                        .chars()
                        .count();
                    let scale =
                        (self.idf_sum(alias) / self.idf_sum(&s.canonical).max(0.01)).min(1.0);
                    found.push((
                        at,
                        at + alias.chars().count(),
                        s.canonical.clone(),
                        t.w * 0.9 * scale,
                    ));
                }
            }
            found.sort_by_key(|f| (f.0, f.1));
            let mut k = 0;
            while k < found.len() {
                let mut end = found[k].1;
                let mut terms: Vec<(String, f32)> = Vec::new();
                while k < found.len() && found[k].0 < end {
                    end = end.max(found[k].1);
                    if !terms.iter().any(|(c, _)| *c == found[k].2) {
                        terms.push((found[k].2.clone(), found[k].3));
                    }
                    k += 1;
                }
                b.add_group(&terms, false);
            }
        }
        // Concepts and hints: their terms, and the canonical terms of any
        // synonym a term contains (落户 → 迁入), as alternatives.
        let expand = |terms: &[String], w: f32| -> Vec<(String, f32)> {
            let mut out: Vec<(String, f32)> = Vec::new();
            let mut put = |t: &str| {
                if !out.iter().any(|(x, _)| x == t) {
                    let scale = (CONCEPT_MASS / self.idf_sum(t).max(0.01)).min(1.0);
                    out.push((t.to_string(), w * scale));
                }
            };
            for t in terms {
                put(t);
                for s in &self.synonyms {
                    if s.aliases.iter().any(|a| a == t) {
                        put(&s.canonical);
                    }
                }
            }
            out
        };
        for c in &reading.concepts {
            b.add_group(&expand(c, W_CONCEPT), false);
        }
        for (word, hints) in &reading.hints {
            if only_relations {
                b.add_group(&expand(hints, W_CONCEPT), false);
            } else {
                // The word too, as a bonus (孩子 is in 孩子出生).
                let mut h = hints.clone();
                if word.chars().count() >= 2 {
                    h.push(word.clone());
                }
                b.add_group(&expand(&h, W_HINT), true);
            }
        }
        let (alts, groups) = (b.alts, b.groups);
        HanQuery {
            grams,
            alts,
            groups,
            phrases,
        }
    }

    /// Documents sharing a gram with the query, or for a gram no document has,
    /// sharing its sound (the homophone fallback of `score`). Hints find nothing.
    fn candidates(&self, q: &HanQuery) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for g in q.grams.iter().filter(|g| !q.alts[g.alt].1) {
            match (self.postings.get(&g.gram), g.syl) {
                (Some(docs), _) => out.extend(docs),
                (None, Some(sg)) => out.extend(self.syl_postings.get(&sg).into_iter().flatten()),
                (None, None) => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The item's score and the share of the query's weight it matched, or
    /// None when it answers nothing that was asked.
    fn score(&self, d: &Doc, q: &HanQuery, tally: &mut [Tally]) -> Option<(f32, f32)> {
        tally.fill(Tally::default());
        for g in &q.grams {
            let idf = self.idf.get(&g.gram).copied();
            let mass = g.w * idf.unwrap_or(1.0);
            let t = &mut tally[g.alt];
            if let Some(&(field_w, in_name)) = d.grams.get(&g.gram) {
                t.asked += mass;
                t.answered += mass;
                if !g.optional {
                    t.required += mass;
                }
                t.score += g.w * field_w * idf.unwrap_or(1.0);
                if in_name && g.gram.1 != '\0' {
                    t.name_hits += 1;
                }
                continue;
            }
            // Unknown to every item: does it sound like something this item says?
            if let (None, Some(sg)) = (idf, g.syl) {
                if let Some(&field_w) = d.syl_grams.get(&sg) {
                    t.asked += mass;
                    t.answered += 0.7 * mass;
                    if !g.optional {
                        t.required += 0.7 * mass;
                    }
                    t.score += 0.7 * g.w * field_w * self.syl_idf.get(&sg).copied().unwrap_or(1.0);
                    continue;
                }
            }
            if !g.optional {
                t.asked += mass;
            }
        }
        // The whole phrase in the name, or anywhere: a strong sign of the right item.
        for (p, w, alt) in &q.phrases {
            if tally[*alt].score > 0.0 {
                if d.name_han.contains(p.as_str()) {
                    tally[*alt].score += 2.0 * w;
                } else if d.all_han.contains(p.as_str()) {
                    tally[*alt].score += 0.8 * w;
                }
            }
        }
        // Each group by its best alternative.
        let mut best: Vec<Option<usize>> = vec![None; q.groups];
        let mut least: Vec<f32> = vec![f32::MAX; q.groups];
        for (a, &(group, _)) in q.alts.iter().enumerate() {
            let t = &tally[a];
            least[group] = least[group].min(t.asked);
            if t.score > 0.0 && best[group].is_none_or(|b| t.score > tally[b].score) {
                best[group] = Some(a);
            }
        }
        let (mut score, mut asked, mut answered, mut required) = (0.0, 0.0, 0.0, 0.0);
        let mut name_hits = 0;
        for (group, b) in best.iter().enumerate() {
            match b {
                Some(a) => {
                    let t = &tally[*a];
                    score += t.score;
                    asked += t.asked;
                    answered += t.answered;
                    name_hits += t.name_hits;
                    required += t.required;
                }
                None if least[group] < f32::MAX => asked += least[group],
                None => {}
            }
        }
        if required <= 0.0 {
            return None;
        }
        // Specific beats general: the share of the name the query covers.
        if d.name_grams > 0 {
            score += 1.5 * name_hits.min(d.name_grams) as f32 / d.name_grams as f32;
        }
        Some((score, answered / asked.max(f32::EPSILON)))
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
    fn sentences_find_their_items() {
        let ix = index();
        assert_eq!(seqs(&ix, "我的身份证丢了怎么办")[0], 1);
        assert_eq!(seqs(&ix, "请问户口本弄丢了去哪里补")[0], 3);
        // Filler alone asks for nothing.
        assert!(seqs(&ix, "我想问一下怎么办").is_empty());
    }

    fn event(slug: &str, name: &str, keywords: &[&str], seqs: &[i32]) -> LifeEvent {
        LifeEvent {
            slug: slug.into(),
            name: name.into(),
            title: format!("{name}一件事"),
            description: String::new(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            seqs: seqs.to_vec(),
        }
    }

    #[test]
    fn closest_events_never_empty() {
        let items = vec![
            item(1, "申领居民身份证（补领）", "核发居民身份证"),
            item(2, "居住证核发", "核发居住证"),
            item(3, "户口簿补发", "户口登记、注销、迁移"),
        ];
        let events = vec![
            event("move", "搬家", &["落户"], &[2, 3]),
            event("id", "证件", &["证件"], &[1]),
            event("birth", "出生", &["生孩子"], &[3]),
        ];
        let priors = HashMap::from([(1, 1.0)]);
        let ix = SearchIndex::new(&items, parse_synonyms("补领\t丢了\n"), events, &priors);
        let slugs = |q: &str, n: usize| -> Vec<String> {
            ix.closest_events(q, n)
                .into_iter()
                .map(|e| e.slug)
                .collect()
        };
        // Named by a keyword, then through the items it finds.
        assert_eq!(slugs("生孩子", 1), vec!["birth"]);
        assert_eq!(slugs("身份证丢了", 1), vec!["id"]);
        assert_eq!(slugs("居住证", 1), vec!["move"]);
        // Nothing matches: the most common events first (high-frequency items).
        assert_eq!(slugs("火星移民", 3), vec!["id", "move", "birth"]);
        assert_eq!(slugs("！！", 1), vec!["id"]);
        assert!(slugs("   ", 3).is_empty());
        assert!(slugs("身份证", 0).is_empty());
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
