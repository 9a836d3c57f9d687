//! Helpers shared by the import benchmarks: the bare parse, the changed copy of a feed
//! and the peak resident set size.

use std::path::Path;

/// Zero-based index of the AVAILABLE column in a ProdList row.
const AVAILABLE: usize = 3;

/// Counts the records of the file with the csv crate alone: the floor any import pays.
pub fn bare_parse(path: &Path) -> u64 {
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
pub fn write_changed(from: &Path, to: &Path) -> u64 {
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
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
