//! Prints the peak resident memory (VmHWM, Linux) of reading a generated feed, to check
//! that memory stays flat as the file grows.
//!
//! `cargo run --release -p petra-client --example feed_peak_rss -- 100000 [read_row]`
//!
//! The rows are read with the iterator, or with `ProdListReader::read_row` when the second
//! argument is `read_row`.

use std::io::BufWriter;

use petra_client::feed::{generate, GeneratorOptions, ProdListReader};

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(100_000);
    let feed = tempfile::NamedTempFile::new().expect("create a temporary file");
    generate(
        BufWriter::new(feed.as_file()),
        GeneratorOptions { rows, seed: 1 },
    )
    .expect("write the feed");
    let bytes = feed.as_file().metadata().map(|m| m.len()).unwrap_or(0);
    let before = peak_rss_kib();

    let lent = std::env::args()
        .nth(2)
        .is_some_and(|mode| mode == "read_row");
    let mut reader = ProdListReader::open(feed.path()).expect("open the feed");
    let mut read = 0u64;
    if lent {
        while let Some(row) = reader.read_row() {
            read += u64::from(row.is_ok());
        }
    } else {
        for row in &mut reader {
            read += u64::from(row.is_ok());
        }
    }
    let summary = reader.finish().expect("complete read");

    println!(
        "rows={read} row_errors={} file_bytes={bytes} peak_rss_before_read_kib={before} peak_rss_after_read_kib={}",
        summary.row_errors,
        peak_rss_kib()
    );
}
