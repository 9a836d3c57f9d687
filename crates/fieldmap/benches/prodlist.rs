//! Maps the real ProdList feed, cycled to 1,000,000 records, through the default ProdList
//! inventory template, and through a hand-written mapping of the same fields to a plain
//! struct. Parsing happens once up front; only the mapping is timed.
//!
//! `PETRA_REAL_FEED` overrides the feed path.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const RECORDS: usize = 1_000_000;

fn bench_prodlist(criterion: &mut Criterion) {
    let common::Setup {
        rows,
        plan,
        columns,
    } = common::setup();

    let mut group = criterion.benchmark_group("prodlist_1m");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);

    group.bench_function("engine", |bencher| {
        bencher.iter(|| common::map_engine(&plan, &rows, RECORDS))
    });
    group.bench_function("hand_written", |bencher| {
        bencher.iter(|| common::map_hand_written(&rows, &columns, RECORDS))
    });
    group.finish();
}

criterion_group!(benches, bench_prodlist);
criterion_main!(benches);
