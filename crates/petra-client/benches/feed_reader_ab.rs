//! The ProdList reader against a bare `csv::ByteRecord` parse of the same generated file,
//! interleaved in one process so that changes in machine load affect both alike.
//!
//! Each round times one full pass of each workload, alternating which goes first, and
//! the ratio of each round is the reader's rows/s over the bare parse's. It prints the
//! median and minimum time per workload and the median ratio.
//!
//! `cargo bench -p petra-client --bench feed_reader_ab`; `PETRA_BENCH_ROWS` sets the row
//! count (default 1,000,000) and `PETRA_BENCH_ROUNDS` the rounds (default 15).

use std::hint::black_box;
use std::io::BufWriter;
use std::time::{Duration, Instant};

use common::{bare_parse, lent_rows};
use petra_client::feed::{generate, GeneratorOptions};

// This bench times only the bare parse and `read_row` of the shared passes.
#[allow(dead_code)]
mod common;

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
    black_box(bare_parse(feed.path()));
    black_box(lent_rows(feed.path()));

    let mut bare_seconds = Vec::new();
    let mut reader_seconds = Vec::new();
    let mut ratios = Vec::new();
    for round in 0..rounds {
        let (bare, reader) = if round % 2 == 0 {
            let bare = timed(|| bare_parse(feed.path()));
            (bare, timed(|| lent_rows(feed.path())))
        } else {
            let reader = timed(|| lent_rows(feed.path()));
            (timed(|| bare_parse(feed.path())), reader)
        };
        let ratio = bare.as_secs_f64() / reader.as_secs_f64();
        println!(
            "round {round:2}: bare {:.3} s, read_row {:.3} s, ratio {ratio:.3}",
            bare.as_secs_f64(),
            reader.as_secs_f64()
        );
        bare_seconds.push(bare.as_secs_f64());
        reader_seconds.push(reader.as_secs_f64());
        ratios.push(ratio);
    }

    let rate = |seconds: f64| rows as f64 / seconds;
    for (name, seconds) in [
        ("bare csv::ByteRecord", &mut bare_seconds),
        ("ProdListReader::read_row", &mut reader_seconds),
    ] {
        let min = seconds.iter().copied().fold(f64::INFINITY, f64::min);
        let median_seconds = median(seconds);
        println!(
            "{name}: median {median_seconds:.3} s ({:.0} rows/s), min {min:.3} s ({:.0} rows/s)",
            rate(median_seconds),
            rate(min)
        );
    }
    println!(
        "read_row / bare, median of per-round ratios: {:.3}",
        median(&mut ratios)
    );
}
