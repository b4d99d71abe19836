//! The data the portal ships with, compiled into the binary so it runs from
//! anywhere: the city's catalog and centers (copied byte for byte from
//! `shared/data`, see the test), sample guides, synonyms, the vocabulary that
//! reads whole sentences, life events.

use crate::search::situations::{parse_situations, Situations};
use crate::search::{parse_synonyms, Synonym};
use anyhow::{anyhow, Context};
use app::catalog::{CatalogItem, GuideContent, LifeEvent};
use serde::Deserialize;

pub const CATALOG_CSV: &str = include_str!("../seed/catalog.csv");
pub const CENTERS_CSV: &str = include_str!("../seed/centers.csv");
const GUIDES_JSON: &str = include_str!("../seed/guides.json");
const SYNONYMS_TSV: &str = include_str!("../seed/synonyms.tsv");
const SITUATIONS_TSV: &str = include_str!("../seed/situations.tsv");
const LIFE_EVENTS_JSON: &str = include_str!("../seed/life_events.json");
const HIGHLIGHTS_JSON: &str = include_str!("../seed/highlights.json");

/// A center as the city's list gives it (contact details are set by admins).
#[derive(Clone, Debug, Deserialize)]
pub struct SeedCenter {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub center_name: String,
}

#[derive(Debug, Deserialize)]
pub struct SeedGuide {
    pub seq: i32,
    #[serde(flatten)]
    pub content: GuideContent,
}

#[derive(Debug, Deserialize)]
struct Highlights {
    high_frequency: Vec<i32>,
}

pub fn catalog() -> anyhow::Result<Vec<CatalogItem>> {
    let mut rd = csv::Reader::from_reader(CATALOG_CSV.as_bytes());
    rd.deserialize()
        .map(|r| r.context("catalog.csv row"))
        .collect()
}

pub fn centers() -> anyhow::Result<Vec<SeedCenter>> {
    let mut rd = csv::Reader::from_reader(CENTERS_CSV.as_bytes());
    rd.deserialize()
        .map(|r| r.context("centers.csv row"))
        .collect()
}

pub fn guides() -> anyhow::Result<Vec<SeedGuide>> {
    serde_json::from_str(GUIDES_JSON).context("guides.json")
}

pub fn synonyms() -> Vec<Synonym> {
    parse_synonyms(SYNONYMS_TSV)
}

/// Stop phrases, relation words and situation concepts, parsed once (a
/// line that does not parse is left out; a test keeps the file clean).
pub fn situations() -> &'static Situations {
    static PARSED: std::sync::OnceLock<Situations> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| parse_situations(SITUATIONS_TSV).0)
}

/// Life events, checked against the catalog: an unknown seq is a data error.
pub fn life_events(catalog: &[CatalogItem]) -> anyhow::Result<Vec<LifeEvent>> {
    let events: Vec<LifeEvent> =
        serde_json::from_str(LIFE_EVENTS_JSON).context("life_events.json")?;
    for ev in &events {
        if let Some(bad) = ev
            .seqs
            .iter()
            .find(|s| !catalog.iter().any(|i| i.seq == **s))
        {
            return Err(anyhow!("life event {} names unknown seq {bad}", ev.slug));
        }
    }
    Ok(events)
}

pub fn high_frequency() -> anyhow::Result<Vec<i32>> {
    let h: Highlights = serde_json::from_str(HIGHLIGHTS_JSON).context("highlights.json")?;
    Ok(h.high_frequency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn catalog_has_228_items_with_unique_seqs() {
        let items = catalog().unwrap();
        assert_eq!(items.len(), 228);
        let mut seqs: Vec<i32> = items.iter().map(|i| i.seq).collect();
        seqs.sort();
        seqs.dedup();
        assert_eq!(seqs, (1..=228).collect::<Vec<_>>());
        assert_eq!(items.iter().find(|i| i.seq == 107).unwrap().level, "");
    }

    #[test]
    fn sixteen_centers() {
        assert_eq!(centers().unwrap().len(), 16);
    }

    /// The embedded copies must be the city's data exactly.
    #[test]
    fn embedded_data_matches_shared_copy() {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
        if !shared.exists() {
            eprintln!("SKIPPED: {} not present", shared.display());
            return;
        }
        assert_eq!(
            std::fs::read_to_string(shared.join("catalog.csv")).unwrap(),
            CATALOG_CSV
        );
        assert_eq!(
            std::fs::read_to_string(shared.join("centers.csv")).unwrap(),
            CENTERS_CSV
        );
    }

    #[test]
    fn guides_life_events_and_highlights_reference_real_items() {
        let items = catalog().unwrap();
        let has = |s: i32| items.iter().any(|i| i.seq == s);
        let guides = guides().unwrap();
        assert!(guides.len() >= 20, "at least 20 sample guides");
        for g in &guides {
            assert!(has(g.seq), "guide for unknown seq {}", g.seq);
            assert!(!g.content.materials.is_empty());
        }
        let events = life_events(&items).unwrap();
        for slug in [
            "birth",
            "school-graduation",
            "shop",
            "build-house",
            "marriage",
            "retirement",
            "disability",
            "veterans",
            "after-death",
        ] {
            assert!(events.iter().any(|e| e.slug == slug), "life event {slug}");
        }
        assert!(high_frequency().unwrap().iter().all(|s| has(*s)));
    }

    /// Every line parses, and every term a concept or hint adds is a word
    /// the index knows: the catalog's text or a synonym.
    #[test]
    fn situations_parse_and_name_catalog_words() {
        let (s, errors) = parse_situations(SITUATIONS_TSV);
        assert!(errors.is_empty(), "situations.tsv: {errors:?}");
        assert!(!s.is_empty());
        let items = catalog().unwrap();
        let syn = synonyms();
        for t in s.terms() {
            let in_catalog = items.iter().any(|i| {
                [&i.business_item, &i.sub_item, &i.main_item]
                    .iter()
                    .any(|x| crate::search::normalize::han_only(x).contains(&t))
            });
            let in_synonyms = syn.iter().any(|x| x.aliases.iter().any(|a| a.contains(&t)));
            assert!(in_catalog || in_synonyms, "term {t} occurs nowhere");
        }
    }

    #[test]
    fn every_synonym_canonical_occurs_in_the_catalog() {
        let items = catalog().unwrap();
        for s in synonyms() {
            assert!(
                items
                    .iter()
                    .any(|i| [&i.business_item, &i.sub_item, &i.main_item]
                        .iter()
                        .any(|t| crate::search::normalize::han_only(t).contains(&s.canonical))),
                "canonical {} occurs nowhere",
                s.canonical
            );
        }
    }
}
