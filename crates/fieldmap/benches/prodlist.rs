//! Maps the real ProdList feed, cycled to 1,000,000 records, through the default ProdList
//! inventory template, and through a hand-written mapping of the same fields to a plain
//! struct. Parsing happens once up front; only the mapping is timed.
//!
//! `PETRA_REAL_FEED` overrides the feed path.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fieldmap::{compile, defaults, schemas, MappedRecord, SourceSchema};

const RECORDS: usize = 1_000_000;

fn bench_prodlist(criterion: &mut Criterion) {
    let (header, rows) = common::read_feed();
    let source = SourceSchema::from_columns("prodlist", &header);
    let template = defaults::template("petra-prodlist-inventory").unwrap();
    let plan = compile(&template, &source, &schemas::inventory()).unwrap();
    let columns = common::Columns::new(&header);
    common::check_agreement(&plan, &rows, &columns);

    let mut group = criterion.benchmark_group("prodlist_1m");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);

    group.bench_function("engine", |bencher| {
        // A consumer mapping a stream reuses one output record, as `map_into` allows.
        let mut output = MappedRecord::default();
        bencher.iter(|| {
            let mut mapped = 0_usize;
            for index in 0..RECORDS {
                let row = &rows[index % rows.len()];
                if plan.map_into(row, index as u64, &mut output).is_ok() {
                    black_box(&output);
                    mapped += 1;
                }
            }
            mapped
        })
    });
    group.bench_function("hand_written", |bencher| {
        bencher.iter(|| {
            let mut mapped = 0_usize;
            for index in 0..RECORDS {
                let row = &rows[index % rows.len()];
                if black_box(common::map_by_hand(row, &columns)).is_ok() {
                    mapped += 1;
                }
            }
            mapped
        })
    });
    group.finish();
}

criterion_group!(benches, bench_prodlist);
criterion_main!(benches);
