//! Runs the search evaluation sets: every query must find one of its listed
//! items in the top 5. `search_dev.tsv` is the city's sample (the copy in
//! ../shared/eval is preferred when present); `search_more.tsv` holds our own
//! other phrasings, so tuning for one set is checked against the other.
//! The situation sets are whole sentences citizens type ("我奶奶腿脚不好想办个
//! 残疾证"): the city's sample must all hit. Ours measure how general the
//! mechanisms are: `search_situations_more.tsv` was written before the
//! sentence reading was built, `search_situations_blind.tsv` after it, run
//! once and never tuned on; each is held to a floor below what it reaches.

use server::portal::ReadModel;
use std::path::Path;

struct Figures {
    cases: usize,
    top5: usize,
    failures: Vec<String>,
}

fn evaluate(name: &str, tsv: &str) -> Figures {
    let m = ReadModel::from_seed().unwrap();
    let mut cases = 0;
    let mut top1 = 0;
    let mut top5 = 0;
    let mut rr = 0.0;
    let mut failures = Vec::new();
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.split('\t');
        let query = cols.next().unwrap().trim();
        let want: Vec<i32> = cols
            .next()
            .unwrap_or("")
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        cases += 1;
        let got: Vec<i32> = m
            .index
            .search(query, 5)
            .into_iter()
            .map(|h| h.seq)
            .collect();
        match got.iter().position(|s| want.contains(s)) {
            Some(p) => {
                top5 += 1;
                if p == 0 {
                    top1 += 1;
                }
                rr += 1.0 / (p as f64 + 1.0);
            }
            None => failures.push(format!("{query}: want one of {want:?}, got {got:?}")),
        }
    }
    println!(
        "search eval {name}: {cases} queries, hit@1 {top1}/{cases}, hit@5 {top5}/{cases}, MRR {:.3}",
        rr / cases.max(1) as f64
    );
    assert!(cases > 0, "no queries in {name}");
    Figures {
        cases,
        top5,
        failures,
    }
}

fn run(name: &str, tsv: &str) {
    let f = evaluate(name, tsv);
    assert!(
        f.failures.is_empty(),
        "{name} misses:\n{}",
        f.failures.join("\n")
    );
}

/// The shared copy when present, else the one in this folder.
fn shared_or(file: &str, fallback: &str) -> String {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/eval")
        .join(file);
    std::fs::read_to_string(&shared).unwrap_or_else(|_| fallback.to_string())
}

#[test]
fn search_dev_set_top5() {
    run(
        "search_dev",
        &shared_or("search_dev.tsv", include_str!("search_dev.tsv")),
    );
}

#[test]
fn search_more_set_top5() {
    run("search_more", include_str!("search_more.tsv"));
}

#[test]
fn search_situations_dev_set_top5() {
    run(
        "search_situations_dev",
        &shared_or(
            "search_situations_dev.tsv",
            include_str!("search_situations_dev.tsv"),
        ),
    );
}

/// A held-out set: its misses are printed, and hit@5 must stay above `floor_pct`.
fn held_out(name: &str, tsv: &str, floor_pct: usize) {
    let f = evaluate(name, tsv);
    for miss in &f.failures {
        println!("  miss: {miss}");
    }
    assert!(
        f.top5 * 100 >= floor_pct * f.cases,
        "{name}: hit@5 {}/{} is below {floor_pct}%",
        f.top5,
        f.cases
    );
}

/// Reaches 60/60.
#[test]
fn search_situations_more_set_top5() {
    held_out(
        "search_situations_more",
        include_str!("search_situations_more.tsv"),
        90,
    );
}

/// Reached 39/44 when first run.
#[test]
fn search_situations_blind_set_top5() {
    held_out(
        "search_situations_blind",
        include_str!("search_situations_blind.tsv"),
        80,
    );
}

/// No query ends in an empty page: whatever is typed, there are items or
/// the closest life events (and 帮办, which the page always offers).
#[test]
fn no_situation_ends_empty() {
    let m = ReadModel::from_seed().unwrap();
    let slugs = |q: &str| -> Vec<String> {
        m.index
            .closest_events(q, 3)
            .into_iter()
            .map(|e| e.slug)
            .collect()
    };
    // Once these found nothing at all.
    for (q, event) in [
        ("女儿嫁到外地去了", "marriage"),
        ("想把户口落到城里", "relocation"),
    ] {
        assert!(!m.index.search(q, 5).is_empty(), "{q}: no item");
        assert!(slugs(q).contains(&event.to_string()), "{q}: {:?}", slugs(q));
    }
    let sets = [
        shared_or(
            "search_situations_dev.tsv",
            include_str!("search_situations_dev.tsv"),
        ),
        include_str!("search_situations_more.tsv").to_string(),
        include_str!("search_situations_blind.tsv").to_string(),
    ];
    let queries = sets
        .iter()
        .flat_map(|t| t.lines())
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').next().unwrap().trim().to_string())
        .chain(
            [
                "今天天气怎么样",
                "我想问一下",
                "火星移民",
                "asdf",
                "！！",
                "9999",
            ]
            .map(String::from),
        );
    for q in queries {
        assert_eq!(slugs(&q).len(), 3, "{q}: no closest events");
    }
}

/// The results page's promise: a query with no item still offers life events.
#[test]
fn a_query_without_items_offers_the_closest_events() {
    let m = ReadModel::from_seed().unwrap();
    for q in ["量子纠缠", "asdf"] {
        let r = m.search(q, 10);
        assert!(r.items.is_empty(), "{q}: {:?}", r.items);
        assert!(!r.events.is_empty(), "{q}: an empty page");
    }
    // With items, only the events the query names are shown.
    let r = m.search("低保", 10);
    assert!(!r.items.is_empty());
    assert!(r.events.len() <= m.index.events_for("低保").len());
}
