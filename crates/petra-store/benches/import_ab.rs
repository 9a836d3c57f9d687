//! Interleaved import benchmark: in each round, a bare CSV parse of a generated feed, a
//! first import of it into a fresh SQLite store, and a re-import of a copy with 5% of
//! rows changed. Which comes first, the parse or the imports, alternates from round to
//! round, so load from other processes falls on both alike.
//!
//! `cargo bench -p petra-store --bench import_ab -- ROWS ROUNDS` (defaults 100,000 and
//! 15). Prints the median and minimum rows per second of each workload and the median of
//! the per-round ratios to the bare parse.

use std::path::Path;
use std::time::Instant;

use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, InventoryReport, RunOptions};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_store::SqliteStore;
use support::{bare_parse, peak_rss_kib, write_changed};

mod support;

/// Rows per second of one round's three workloads.
struct Round {
    parse: f64,
    first: f64,
    again: f64,
}

fn main() {
    let numbers: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.replace('_', "").parse().ok())
        .collect();
    let rows = numbers.first().copied().unwrap_or(100_000);
    let rounds = numbers.get(1).copied().unwrap_or(15);

    let dir = tempfile::tempdir().expect("create a temporary folder");
    let feed = dir.path().join("ProdList.csv");
    let changed = dir.path().join("ProdList-changed.csv");
    let file = std::fs::File::create(&feed).expect("create the feed file");
    generate(file, GeneratorOptions { rows, seed: 11 }).expect("generate the feed");
    write_changed(&feed, &changed);

    let runtime = tokio::runtime::Runtime::new().expect("start tokio");
    let source = SourceSettings::default()
        .validate()
        .expect("default source");
    let operation = GetInventory::new(source, InventorySettings::default());

    let mut results = Vec::new();
    for round in 0..rounds {
        let database = dir.path().join(format!("round-{round}.sqlite"));
        let store = SqliteStore::open(&database).expect("open the store");
        let import = |path: &Path| -> (InventoryReport, f64) {
            let started = Instant::now();
            let report = runtime
                .block_on(operation.run(
                    CatalogSource::FeedFile(path.to_owned()),
                    &store,
                    &store,
                    &SystemClock,
                    RunOptions::default(),
                ))
                .expect("import");
            let rate = report.records as f64 / started.elapsed().as_secs_f64();
            (report, rate)
        };
        let parse = || {
            let started = Instant::now();
            let parsed = bare_parse(&feed);
            parsed as f64 / started.elapsed().as_secs_f64()
        };

        let parse_first = round % 2 == 0;
        let parse_rate = if parse_first { parse() } else { 0.0 };
        let (first, first_rate) = import(&feed);
        let (again, again_rate) = import(&changed);
        let parse_rate = if parse_first { parse_rate } else { parse() };

        assert_eq!(first.created, rows, "round {round}: first import created");
        assert_eq!(
            again.updated + again.unchanged,
            rows,
            "round {round}: re-import"
        );
        results.push(Round {
            parse: parse_rate,
            first: first_rate,
            again: again_rate,
        });
        drop(store);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
        }
    }

    println!("{rows} rows, {rounds} rounds");
    print_workload("bare csv parse", results.iter().map(|r| r.parse));
    print_workload("first import", results.iter().map(|r| r.first));
    print_workload("re-import, 5% changed", results.iter().map(|r| r.again));
    let first_ratio = median(results.iter().map(|r| r.first / r.parse));
    let again_ratio = median(results.iter().map(|r| r.again / r.parse));
    println!("median per-round ratio first import / bare parse: {first_ratio:.3}");
    println!("median per-round ratio re-import / bare parse: {again_ratio:.3}");
    println!("peak RSS {} MiB", peak_rss_kib() / 1024);
}

fn print_workload(name: &str, rates: impl Iterator<Item = f64>) {
    let rates: Vec<f64> = rates.collect();
    let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{name}: median {:.0} rows/s, min {min:.0} rows/s",
        median(rates.into_iter())
    );
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        len if len % 2 == 1 => values[len / 2],
        len => (values[len / 2 - 1] + values[len / 2]) / 2.0,
    }
}
