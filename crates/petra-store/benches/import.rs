//! Import benchmark: a generated ProdList feed into a fresh SQLite store, then a
//! re-import with 5% of rows changed, with the bare CSV parse rate of the same file.
//!
//! `cargo bench -p petra-store --bench import -- ROWS` (default 1,000,000). Prints rows
//! per second and CPU seconds (user plus system, all threads) for each phase and the
//! process's peak resident set size. On a machine shared with other work the wall time
//! depends on the load, and the CPU time much less.

use std::path::Path;
use std::time::Instant;

use cpu_time::cpu_seconds;
use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, RunOptions};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_store::SqliteStore;
use support::{bare_parse, peak_rss_kib, write_changed};

mod cpu_time;
mod support;

fn main() {
    let rows: u64 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let feed = dir.path().join("ProdList.csv");
    let changed = dir.path().join("ProdList-changed.csv");

    let file = std::fs::File::create(&feed).expect("create the feed file");
    generate(file, GeneratorOptions { rows, seed: 11 }).expect("generate the feed");
    let changed_rows = write_changed(&feed, &changed);

    let started = Started::now();
    let parsed = bare_parse(&feed);
    report("bare csv parse", parsed, started);

    let runtime = tokio::runtime::Runtime::new().expect("start tokio");
    let store = SqliteStore::open(dir.path().join("bench.sqlite")).expect("open the store");
    let source = SourceSettings::default()
        .validate()
        .expect("default source");
    let operation = GetInventory::new(source, InventorySettings::default());
    let import = |path: &Path| {
        runtime
            .block_on(operation.run(
                CatalogSource::FeedFile(path.to_owned()),
                &store,
                &store,
                &SystemClock,
                RunOptions::default(),
            ))
            .expect("import")
    };

    let started = Started::now();
    let first = import(&feed);
    report("first import", first.records, started);
    println!("  created {} rejected {}", first.created, first.rejected);

    let started = Started::now();
    let second = import(&changed);
    report("re-import, 5% changed", second.records, started);
    println!(
        "  changed rows {changed_rows}: updated {} unchanged {}",
        second.updated, second.unchanged
    );

    println!("peak RSS {} MiB", peak_rss_kib() / 1024);
}

/// The wall clock and the process's CPU time at the start of a phase.
struct Started {
    wall: Instant,
    cpu_seconds: f64,
}

impl Started {
    fn now() -> Self {
        Self {
            wall: Instant::now(),
            cpu_seconds: cpu_seconds(),
        }
    }
}

fn report(phase: &str, rows: u64, started: Started) {
    let seconds = started.wall.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - started.cpu_seconds;
    println!(
        "{phase}: {rows} rows in {seconds:.2} s = {:.0} rows/s, {cpu:.2} CPU s",
        rows as f64 / seconds
    );
}
