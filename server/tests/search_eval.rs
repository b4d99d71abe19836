//! Runs the search evaluation sets: every query must find one of its listed
//! items in the top 5. `search_dev.tsv` is the city's sample (the copy in
//! ../shared/eval is preferred when present); `search_more.tsv` holds our own
//! other phrasings, so tuning for one set is checked against the other.

use server::portal::ReadModel;
use std::path::Path;

fn run(name: &str, tsv: &str) {
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
        rr / cases as f64
    );
    assert!(cases > 0, "no queries in {name}");
    assert!(
        failures.is_empty(),
        "{name} misses:\n{}",
        failures.join("\n")
    );
}

#[test]
fn search_dev_set_top5() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/eval/search_dev.tsv");
    let tsv = std::fs::read_to_string(&shared)
        .unwrap_or_else(|_| include_str!("search_dev.tsv").to_string());
    run("search_dev", &tsv);
}

#[test]
fn search_more_set_top5() {
    run("search_more", include_str!("search_more.tsv"));
}
