//! Import benchmark: a generated ProdList feed into a fresh SQLite store, then a
//! re-import of a copy with 5% of rows changed, then that copy once more, with the bare
//! CSV parse rate of the generated file.
//!
//! `cargo bench -p petra-store --bench import -- ROWS [--batch=N]` (default 1,000,000 rows
//! and the default `inventory.batch_size`). Prints rows per second and CPU seconds (user
//! plus system, all threads) for each phase and the process's peak resident set size. On a machine shared with other work the wall time
//! depends on the load, and the CPU time much less.

use std::path::Path;

use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, RunOptions};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_store::SqliteStore;
use phase::{report, rows_argument, size_option, Started};
use support::{bare_parse, peak_rss_kib, write_changed};

mod phase;
mod support;

fn main() {
    let rows = rows_argument(1_000_000);
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
    let mut settings = InventorySettings::default();
    if let Some(size) = size_option("--batch") {
        settings.batch_size = size;
    }
    println!("batch size {}", settings.batch_size);
    let operation = GetInventory::new(source, settings);
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

    // The same file again: nothing to write, so this is the reader's share of a re-import.
    let started = Started::now();
    let third = import(&changed);
    report("re-import, unchanged", third.records, started);
    println!("  unchanged {}", third.unchanged);

    println!("peak RSS {} MiB", peak_rss_kib() / 1024);
}
