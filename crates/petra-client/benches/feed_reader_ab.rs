//! The ProdList reader against a bare `csv::ByteRecord` parse of the same generated file,
//! interleaved in one process so that changes in machine load affect all workloads alike.
//! The reader's own record splitter alone, and two bare `simd_csv` record splits of the
//! file (`ByteRecord` and `ZeroCopyReader`), run in the same rounds for comparison.
//!
//! Each round times one full pass of each workload, rotating which goes first, and each
//! workload's ratio in a round is its rows/s over the bare `csv` parse's. It prints the
//! median and minimum time per workload and the median of its per-round ratios.
//!
//! `cargo bench -p petra-client --bench feed_reader_ab`; `PETRA_BENCH_ROWS` sets the row
//! count (default 1,000,000) and `PETRA_BENCH_ROUNDS` the rounds (default 15).

use std::hint::black_box;
use std::io::BufWriter;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{bare_parse, bare_simd_parse, bare_simd_zero_copy, bare_split, lent_rows};
use petra_client::feed::{generate, GeneratorOptions};

// This bench does not time the iterator's owned rows.
#[allow(dead_code)]
mod common;

/// One full pass over the feed file, returning a count that keeps the work observable.
type Pass = fn(&Path) -> u64;

fn timed(pass: impl FnOnce() -> u64) -> Duration {
    let start = Instant::now();
    black_box(pass());
    start.elapsed()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; this binary takes no arguments.
    let rows = env_number("PETRA_BENCH_ROWS", 1_000_000);
    let rounds = env_number("PETRA_BENCH_ROUNDS", 15).max(1);

    let feed = tempfile::NamedTempFile::new().expect("create a temporary file");
    generate(
        BufWriter::new(feed.as_file()),
        GeneratorOptions { rows, seed: 1 },
    )
    .expect("write the feed");
    let bytes = feed.as_file().metadata().map_or(0, |meta| meta.len());
    println!("generated {rows} rows, {bytes} bytes; {rounds} rounds");

    // One untimed pass of each warms the page cache and the allocator.
    let workloads: [(&str, Pass); 5] = [
        ("bare csv::ByteRecord", bare_parse),
        ("ProdListReader::read_row", lent_rows),
        ("bare RecordSplitter", bare_split),
        ("bare simd_csv::ByteRecord", bare_simd_parse),
        ("bare simd_csv::ZeroCopyReader", bare_simd_zero_copy),
    ];
    for (_, pass) in &workloads {
        black_box(pass(feed.path()));
    }

    let mut seconds = vec![Vec::new(); workloads.len()];
    let mut ratios = vec![Vec::new(); workloads.len()];
    for round in 0..rounds {
        // Rotate the order each round so that no workload always runs first.
        let mut round_seconds = vec![0.0; workloads.len()];
        for step in 0..workloads.len() {
            let index = (step + round as usize) % workloads.len();
            let pass = workloads[index].1;
            round_seconds[index] = timed(|| pass(feed.path())).as_secs_f64();
        }

        let bare = round_seconds[0];
        let mut line = format!("round {round:2}:");
        for (index, (name, _)) in workloads.iter().enumerate() {
            let ratio = bare / round_seconds[index];
            line.push_str(&format!(
                " {name} {:.3} s ({ratio:.3});",
                round_seconds[index]
            ));
            seconds[index].push(round_seconds[index]);
            ratios[index].push(ratio);
        }
        println!("{line}");
    }

    let rate = |seconds: f64| rows as f64 / seconds;
    for (index, (name, _)) in workloads.iter().enumerate() {
        let min = seconds[index].iter().copied().fold(f64::INFINITY, f64::min);
        let median_seconds = median(&mut seconds[index]);
        println!(
            "{name}: median {median_seconds:.3} s ({:.0} rows/s), min {min:.3} s ({:.0} rows/s), \
             median of per-round ratios to bare csv {:.3}",
            rate(median_seconds),
            rate(min),
            median(&mut ratios[index])
        );
    }
}
