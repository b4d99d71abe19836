//! Search latency on the real read model (catalog, synonyms, life events).
//! `cargo bench -p bianmin --bench search`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use server::portal::ReadModel;

fn bench(c: &mut Criterion) {
    let m = ReadModel::from_seed().unwrap();
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
    c.bench_function("index build", |b| {
        b.iter(|| ReadModel::from_seed().unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
