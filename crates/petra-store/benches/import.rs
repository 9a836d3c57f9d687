//! Import benchmark: a generated ProdList feed into a fresh SQLite store, then a
//! re-import with 5% of rows changed, with the bare CSV parse rate of the same file.
//!
//! `cargo bench -p petra-store --bench import -- ROWS` (default 1,000,000). Prints rows
//! per second for each phase and the process's peak resident set size.

use std::path::Path;
use std::time::Instant;

use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, RunOptions};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_store::SqliteStore;

/// Zero-based index of the AVAILABLE column in a ProdList row.
const AVAILABLE: usize = 3;

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

    let started = Instant::now();
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

    let started = Instant::now();
    let first = import(&feed);
    report("first import", first.records, started);
    println!("  created {} rejected {}", first.created, first.rejected);

    let started = Instant::now();
    let second = import(&changed);
    report("re-import, 5% changed", second.records, started);
    println!(
        "  changed rows {changed_rows}: updated {} unchanged {}",
        second.updated, second.unchanged
    );

    println!("peak RSS {} MiB", peak_rss_kib() / 1024);
}

fn report(phase: &str, rows: u64, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{phase}: {rows} rows in {seconds:.2} s = {:.0} rows/s",
        rows as f64 / seconds
    );
}

/// Counts the records of the file with the csv crate alone: the floor any import pays.
fn bare_parse(path: &Path) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .expect("open the feed");
    let mut record = csv::ByteRecord::new();
    let mut count = 0u64;
    while reader.read_byte_record(&mut record).expect("read the feed") {
        count += 1;
    }
    // Two preamble lines and the header are not data rows.
    count.saturating_sub(3)
}

/// Copies the feed with the quantity of every 20th data row changed; returns how many.
fn write_changed(from: &Path, to: &Path) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(from)
        .expect("open the feed");
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_path(to)
        .expect("create the changed feed");
    let mut changed = 0;
    for (index, record) in reader.byte_records().enumerate() {
        let record = record.expect("read the feed");
        let is_data = index >= 3;
        if is_data && (index - 3) % 20 == 0 && record.len() > AVAILABLE {
            let mut edited = csv::ByteRecord::new();
            for (position, field) in record.iter().enumerate() {
                if position == AVAILABLE {
                    edited.push_field(b"98765");
                } else {
                    edited.push_field(field);
                }
            }
            writer
                .write_byte_record(&edited)
                .expect("write the changed feed");
            changed += 1;
        } else {
            writer
                .write_byte_record(&record)
                .expect("write the changed feed");
        }
    }
    writer.flush().expect("write the changed feed");
    changed
}

/// Peak resident set size of this process (VmHWM), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
