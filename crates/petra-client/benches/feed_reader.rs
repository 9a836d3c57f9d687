//! The ProdList reader (decode, validate, typed rows) against a bare `csv::ByteRecord`
//! parse of the same generated file, in one run. `PETRA_BENCH_ROWS` sets the row count
//! (default 1,000,000).
//!
//! Both reader benchmarks read the columns a catalog import maps (SKUs, description,
//! quantity, prices, brand, UPC, long description, image URL, refurb flag, NOTES1):
//! `prodlist_reader_read_row` through the row the reader lends and refills,
//! `prodlist_reader` through the iterator's owned rows.

use std::hint::black_box;
use std::io::BufWriter;

use common::{bare_parse, lent_rows, owned_rows};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use petra_client::feed::{generate, GeneratorOptions};

// The splitting passes alone (`RecordSplitter`, `simd_csv`) are timed only by the
// interleaved bench.
#[allow(dead_code)]
mod common;

fn feed_reader(c: &mut Criterion) {
    let rows = std::env::var("PETRA_BENCH_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(1_000_000u64);
    let feed = tempfile::NamedTempFile::new().unwrap();
    generate(
        BufWriter::new(feed.as_file()),
        GeneratorOptions { rows, seed: 1 },
    )
    .unwrap();
    let bytes = feed.as_file().metadata().unwrap().len();
    eprintln!("generated {rows} rows, {bytes} bytes");

    let mut group = c.benchmark_group(format!("feed_{rows}_rows"));
    group.throughput(Throughput::Elements(rows));
    group.sample_size(10);
    group.bench_function("bare_csv_byte_record", |b| {
        b.iter(|| black_box(bare_parse(feed.path())))
    });
    group.bench_function("prodlist_reader_read_row", |b| {
        b.iter(|| black_box(lent_rows(feed.path())))
    });
    group.bench_function("prodlist_reader", |b| {
        b.iter(|| black_box(owned_rows(feed.path())))
    });
    group.finish();
}

criterion_group!(benches, feed_reader);
criterion_main!(benches);
