//! Search latency on the real read model (catalog, synonyms, life events).
//! `cargo bench -p bianmin --bench search`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use server::portal::{ReadModel, StaticContent};
use server::seed;

fn model() -> ReadModel {
    let items = seed::catalog().unwrap();
    let content = StaticContent {
        synonyms: seed::synonyms(),
        events: seed::life_events(&items).unwrap(),
        high_frequency: seed::high_frequency().unwrap(),
    };
    ReadModel::build(1, items, vec![], vec![], &content)
}

fn bench(c: &mut Criterion) {
    let m = model();
    let mut g = c.benchmark_group("search");
    for q in [
        "社保卡补办",
        "最低生活保障",
        "开小卖部",
        "yibao",
        "jzz",
        "hujibo",
        "身分证",
        "居民身份证换领异地",
    ] {
        g.bench_function(q, |b| b.iter(|| m.search(black_box(q), 10)));
    }
    g.finish();
    c.bench_function("index build", |b| b.iter(model));
}

criterion_group!(benches, bench);
criterion_main!(benches);
