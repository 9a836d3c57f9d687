//! Skipping feed rows that are byte for byte the rows the stored items were written from.
//!
//! A row hash covers the pipeline version, the source name, the compiled template, the
//! header's column names and the row's fields. Equal hashes therefore mean the row would
//! map to the stored item again, so a re-import only needs to parse and hash such a row.
//! Skipped rows reach the feed reader as their bare line breaks, which keeps every line
//! number and end-of-file check of the reader as it is on the original file.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::ops::Range;
use std::path::Path;

use csv::ByteRecord;
use fieldmap::Template;
use xxhash_rust::xxh3::xxh3_128;

use super::collector::SeenSkus;
use crate::pool::{ContentHash, RowHashes};

/// Changes whenever reading, mapping or hashing a row changes meaning, so stored row
/// hashes from older builds stop matching.
const PIPELINE_VERSION: &[u8] =
    concat!("petra-ops row hash 2 ", env!("CARGO_PKG_VERSION")).as_bytes();

/// Hashes feed rows for one source, template and header.
///
/// The hash is XXH3-128, not a cryptographic hash. A row hash only decides whether a row
/// of the merchant's own feed is skipped, and a re-import hashes every row of the file.
pub(crate) struct RowHasher {
    /// The digest of everything but the row, then the row's fields, reused per row.
    buffer: Vec<u8>,
    prefix_len: usize,
}

impl RowHasher {
    /// Returns `None` when the template cannot be serialized, in which case no row is
    /// skipped.
    pub fn new(source: &str, template: &Template, columns: &[String]) -> Option<Self> {
        let template = serde_json::to_vec(template).ok()?;
        let mut prefix = Vec::with_capacity(template.len() + 1024);
        for part in [PIPELINE_VERSION, source.as_bytes(), &template] {
            push_field(&mut prefix, part);
        }
        prefix.extend_from_slice(&(columns.len() as u64).to_le_bytes());
        for column in columns {
            push_field(&mut prefix, column.as_bytes());
        }

        let mut buffer = Vec::with_capacity(1024);
        buffer.extend_from_slice(&xxh3_128(&prefix).to_le_bytes());
        Some(Self {
            prefix_len: buffer.len(),
            buffer,
        })
    }

    /// Hashes a record's fields with their lengths, so moving a comma changes the hash.
    pub fn hash<'a>(&mut self, record: impl IntoIterator<Item = &'a [u8]>) -> ContentHash {
        self.buffer.truncate(self.prefix_len);
        for field in record {
            push_field(&mut self.buffer, field);
        }
        ContentHash(xxh3_128(&self.buffer).to_le_bytes())
    }
}

fn push_field(buffer: &mut Vec<u8>, field: &[u8]) {
    buffer.extend_from_slice(&(field.len() as u64).to_le_bytes());
    buffer.extend_from_slice(field);
}

/// Rows a scan found unchanged.
pub(crate) struct Scan {
    /// Byte ranges of the skipped rows, merged where they touch, in file order.
    pub skipped: Vec<Range<u64>>,
    pub skipped_rows: u64,
}

/// Parses the file with the same CSV settings as the feed reader and finds the rows past
/// the header whose hash is in `stored`. Each skipped row's SKU goes into `seen` with its
/// line as the csv crate counts it, which after a CRLF is one less than the reader's. The file's last record is never skipped, so the reader still sees how the file
/// ends, and a row whose SKU was already skipped is kept so the reader reports the
/// repeat.
pub(crate) fn scan(
    path: &Path,
    header_line: u64,
    hasher: &mut RowHasher,
    stored: &RowHashes,
    seen: &mut SeenSkus,
) -> Result<Scan, csv::Error> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_path(path)?;
    let mut record = ByteRecord::new();
    let mut scan = Scan {
        skipped: Vec::new(),
        skipped_rows: 0,
    };

    // A candidate waits for the next record, because the last record is always kept.
    let mut candidate: Option<(Range<u64>, u64, u64)> = None;
    while csv.read_byte_record(&mut record)? {
        if let Some((bytes, line, fingerprint)) = candidate.take() {
            skip(&mut scan, seen, bytes, line, fingerprint);
        }
        let Some(position) = record.position() else {
            continue;
        };
        let line = position.line();
        if line <= header_line {
            continue;
        }
        if let Some(fingerprint) = stored.sku_fingerprint(&hasher.hash(&record)) {
            let bytes = position.byte()..csv.position().byte();
            candidate = Some((bytes, line, fingerprint));
        }
    }
    Ok(scan)
}

fn skip(scan: &mut Scan, seen: &mut SeenSkus, bytes: Range<u64>, line: u64, fingerprint: u64) {
    if !seen.insert_fingerprint(fingerprint, line) {
        return;
    }
    scan.skipped_rows += 1;
    match scan.skipped.last_mut() {
        Some(last) if last.end == bytes.start => last.end = bytes.end,
        _ => scan.skipped.push(bytes),
    }
}

/// A file reader that replaces the bytes of skipped rows with their carriage returns
/// and line feeds, which the CSV parser reads as blank lines.
pub(crate) struct SkipRows {
    inner: BufReader<File>,
    offset: u64,
    skipped: Vec<Range<u64>>,
    next: usize,
}

impl SkipRows {
    pub fn open(path: &Path, skipped: Vec<Range<u64>>) -> io::Result<Self> {
        Ok(Self {
            inner: BufReader::with_capacity(256 * 1024, File::open(path)?),
            offset: 0,
            skipped,
            next: 0,
        })
    }

    /// Compacts `buf[..len]`, read from `self.offset`, in place and returns the new length.
    fn filter(&mut self, buf: &mut [u8], len: usize) -> usize {
        let start = self.offset;
        let end = start + len as u64;
        let mut kept = 0;
        let mut at = start;
        while at < end {
            while self
                .skipped
                .get(self.next)
                .is_some_and(|range| range.end <= at)
            {
                self.next += 1;
            }
            let (kept_end, skipped_end) = match self.skipped.get(self.next) {
                Some(range) if range.start <= at => (at, range.end.min(end)),
                Some(range) => (range.start.min(end), range.start.min(end)),
                None => (end, end),
            };

            let from = (at - start) as usize;
            let keep_to = (kept_end - start) as usize;
            buf.copy_within(from..keep_to, kept);
            kept += keep_to - from;

            let skip_to = (skipped_end - start) as usize;
            let mut index = keep_to;
            while let Some(found) = memchr::memchr2(b'\r', b'\n', &buf[index..skip_to]) {
                buf[kept] = buf[index + found];
                kept += 1;
                index += found + 1;
            }
            at = skipped_end.max(kept_end);
        }
        self.offset = end;
        kept
    }
}

impl Read for SkipRows {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let len = self.inner.read(buf)?;
            if len == 0 {
                return Ok(0);
            }
            let kept = self.filter(buf, len);
            // Zero would mean the end of the file, so read on past wholly skipped chunks.
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn filtered(content: &[u8], skipped: Vec<Range<u64>>) -> Vec<u8> {
        let mut file = tempfile::NamedTempFile::new().expect("create a temporary file");
        file.write_all(content).expect("write the file");
        let mut reader = SkipRows::open(file.path(), skipped).expect("open the file");
        let mut out = Vec::new();
        reader.read_to_end(&mut out).expect("read the file");
        out
    }

    #[test]
    fn skip_rows_keeps_line_breaks() {
        let out = filtered(b"h\r\na,1\r\nb,\"x\ny\"\r\nc,3\r\n", vec![3..8, 8..17]);
        assert_eq!(out, b"h\r\n\r\n\n\r\nc,3\r\n".to_vec());
    }

    #[test]
    fn skip_rows_without_ranges() {
        let out = filtered(b"h\na\n", Vec::new());
        assert_eq!(out, b"h\na\n".to_vec());
    }
}
