//! The record splitter under the reader. It cuts the decoded byte stream into CSV records
//! exactly as the `csv` crate (1.3, csv-core 0.1) does with `has_headers(false)` and
//! `flexible(true)`. It finds the ends of unquoted fields with a bitmask of the commas, CRs
//! and LFs of each 64-byte block, and closing quotes with a `memchr` search, instead of
//! stepping through a state machine byte by byte.
//!
//! The rules, as csv-core applies them with a comma delimiter, `"` quotes, doubled quotes
//! and no escape character:
//!
//! - CR, LF and CRLF end a record. Line ends at the start of a record are skipped, so blank
//!   lines yield no record.
//! - A field is quoted only when its first byte is `"`. A quote inside an unquoted field is
//!   a literal byte.
//! - Inside a quoted field, `""` is one literal quote, and commas, CR and LF are content.
//! - Bytes after a closing quote, up to the next comma or line end, are appended to the
//!   field as they are.
//! - At the end of the input, an open quoted field ends the record with the content read so
//!   far. [`RecordSplitter::ended_in_quotes`] then tells the caller.
//! - Records may have any number of fields.

use std::io::{self, Read};

use super::byte_search::{find_byte, find_either};
use super::field_ends::FieldEnds;
use super::record::Record;

/// Initial size of the read buffer. It grows when a single record does not fit.
const BUFFER_BYTES: usize = 64 * 1024;

/// Splits a byte stream into CSV records. The module documentation lists the rules.
///
/// Memory is the read buffer, which grows to the longest record, plus the caller's record.
pub struct RecordSplitter<R> {
    source: R,
    buffer: Vec<u8>,
    /// Start of the unread bytes in `buffer`: the field being split.
    at: usize,
    /// Start of the record being split in `buffer`. `fill` keeps the bytes from here on.
    record_at: usize,
    /// End of the bytes read into `buffer`.
    filled: usize,
    /// Stream offset of `buffer[0]`.
    buffer_offset: u64,
    /// Physical line (1-based) of `buffer[at]`: one plus the line feeds before it.
    line: u64,
    source_done: bool,
    /// Content of the record's quoted fields that had a doubled quote or bytes after their
    /// closing quote, and the positions of those fields.
    rewritten_bytes: Vec<u8>,
    rewritten: Vec<usize>,
    record_line: u64,
    record_start: u64,
    record_end: u64,
    /// True when the last record ended with a CR or LF, false when the input ended it.
    record_line_end: bool,
    ended_in_quotes: bool,
    field_ends: FieldEnds,
}

/// Outcome of splitting one field.
enum FieldEnd {
    /// A comma follows; another field of the same record comes next.
    Delimiter,
    /// A line end or the end of the input follows; the record is complete.
    Record,
}

impl<R: Read> RecordSplitter<R> {
    /// Creates a splitter reading from `source`, which needs no `BufReader`.
    pub fn new(source: R) -> RecordSplitter<R> {
        RecordSplitter::with_buffer_bytes(source, BUFFER_BYTES)
    }

    /// Creates a splitter whose read buffer starts at `bytes` (at least 1), so that tests
    /// can make records cross refills and grow the buffer with short inputs.
    fn with_buffer_bytes(source: R, bytes: usize) -> RecordSplitter<R> {
        RecordSplitter {
            source,
            buffer: vec![0; bytes.max(1)],
            at: 0,
            record_at: 0,
            filled: 0,
            buffer_offset: 0,
            line: 1,
            source_done: false,
            rewritten_bytes: Vec::new(),
            rewritten: Vec::new(),
            record_line: 0,
            record_start: 0,
            record_end: 0,
            record_line_end: false,
            ended_in_quotes: false,
            field_ends: FieldEnds::default(),
        }
    }

    /// Returns the source.
    pub fn get_ref(&self) -> &R {
        &self.source
    }

    /// Physical line (1-based) where the last record starts, counting line feeds only, as
    /// the `csv` crate does.
    pub fn record_line(&self) -> u64 {
        self.record_line
    }

    /// Stream offset of the first byte of the last record.
    pub fn record_start(&self) -> u64 {
        self.record_start
    }

    /// Stream offset just past the last record: past its CR or LF, before the LF of a CRLF.
    /// This equals the `csv` crate's `Position::byte` after reading the record.
    pub fn record_end(&self) -> u64 {
        self.record_end
    }

    /// Returns true when the last record ended with a CR or LF. Only the last record of an
    /// input can end without one, when the input stops right after it.
    pub fn record_has_line_end(&self) -> bool {
        self.record_line_end
    }

    /// Returns true when the input ended inside a quoted field, so the last record is cut
    /// short. False until the end of the input is reached.
    pub fn ended_in_quotes(&self) -> bool {
        self.ended_in_quotes
    }

    /// Reads the next record into `record`, replacing its fields. Returns false at the end of
    /// the input, leaving `record` empty.
    ///
    /// # Errors
    ///
    /// Any error of the source other than [`io::ErrorKind::Interrupted`], which is retried.
    pub fn read_record(&mut self, record: &mut Record) -> io::Result<bool> {
        record.clear();
        if !self.skip_line_ends()? {
            return Ok(false);
        }

        self.record_line = self.line;
        self.record_at = self.at;
        self.record_start = self.buffer_offset + self.at as u64;
        loop {
            if self.at == self.filled && !self.fill()? {
                // The input ends right after a comma, so the record ends with an empty field.
                let at = self.at - self.record_at;
                record.bounds.push((at, at));
                self.finish_record(record);
                return Ok(true);
            }
            if self.unquoted_fields(record) {
                self.finish_record(record);
                return Ok(true);
            }
            if self.at == self.filled {
                // The buffer ends right after a comma.
                continue;
            }

            let end = if self.buffer[self.at] == b'"' {
                self.quoted_field(record)?
            } else {
                self.unquoted_field(record)?
            };
            if let FieldEnd::Record = end {
                self.finish_record(record);
                return Ok(true);
            }
        }
    }

    /// Skips CR and LF bytes before a record. Returns false when the input ends first.
    fn skip_line_ends(&mut self) -> io::Result<bool> {
        loop {
            while self.at < self.filled {
                match self.buffer[self.at] {
                    b'\n' => self.line += 1,
                    b'\r' => {}
                    _ => return Ok(true),
                }
                self.at += 1;
            }
            self.record_at = self.at;
            if !self.fill()? {
                return Ok(false);
            }
        }
    }

    /// Splits the unquoted fields from `self.at` on that end inside the buffer, and stops
    /// before a quoted field or a field that runs past its 64-byte block. Returns true when
    /// a line end completed the record.
    ///
    /// This is the loop most bytes of a feed go through. Each field takes its end from the
    /// lowest bit of the block's mask, and clearing that bit leaves the next field's end.
    /// The loop works on local copies of the positions so that the compiler can keep them
    /// in registers. It must assume that the field bounds, written through the pointer of a
    /// `Vec`, may alias `self` or the `Vec` itself.
    #[inline]
    fn unquoted_fields(&mut self, record: &mut Record) -> bool {
        let filled = &self.buffer[..self.filled];
        let record_at = self.record_at;
        let mut block = self.field_ends;
        let mut at = self.at;
        let mut ends = block.mask_from(at);
        let mut bounds = std::mem::take(&mut record.bounds);

        let record_ended = loop {
            if ends == 0 {
                // The bytes from `at` to the end of the cached block have no field end, so
                // the next block starts at the later of the two.
                let next = at.max(block.end());
                if next >= filled.len() {
                    break false;
                }
                block.load(filled, next);
                ends = block.mask_from(next);
                if ends == 0 {
                    // The field runs past this block.
                    break false;
                }
            }
            if filled.get(at) == Some(&b'"') {
                break false;
            }

            let field_end = block.start() + ends.trailing_zeros() as usize;
            ends &= ends - 1;
            bounds.push((at - record_at, field_end - record_at));
            at = field_end + 1;
            match filled.get(field_end) {
                Some(b',') => {}
                Some(b'\n') => {
                    self.line += 1;
                    break true;
                }
                _ => break true,
            }
        };

        record.bounds = bounds;
        self.at = at;
        self.field_ends = block;
        record_ended
    }

    /// Splits an unquoted field starting at `self.at`, and its delimiter or line end.
    fn unquoted_field(&mut self, record: &mut Record) -> io::Result<FieldEnd> {
        loop {
            let filled = &self.buffer[..self.filled];
            if let Some(field_end) = self.field_ends.find(filled, self.at) {
                record
                    .bounds
                    .push((self.at - self.record_at, field_end - self.record_at));
                return Ok(self.consume_field_end(field_end - self.at));
            }
            if !self.fill()? {
                record
                    .bounds
                    .push((self.at - self.record_at, self.filled - self.record_at));
                self.at = self.filled;
                return Ok(FieldEnd::Record);
            }
        }
    }

    /// Splits a quoted field starting at `self.at` (its opening quote), any bytes after its
    /// closing quote, and its delimiter or line end. Offsets below are from `self.at`.
    fn quoted_field(&mut self, record: &mut Record) -> io::Result<FieldEnd> {
        // On a refill the field is searched again from its opening quote, which `fill`
        // keeps at `self.at`. The same search counts the line feeds in the content, so
        // the content is read once.
        'search: loop {
            let mut from = 1;
            let mut doubled = false;
            let mut line_feeds = 0;
            let closing = loop {
                let unread = &self.buffer[self.at..self.filled];
                let Some(offset) = find_either(b'"', b'\n', &unread[from..]) else {
                    if self.fill()? {
                        continue 'search;
                    }
                    // The input ends inside the quotes.
                    self.ended_in_quotes = true;
                    let length = self.filled - self.at;
                    self.line += line_feeds;
                    self.push_quoted(record, length, doubled, length - 1);
                    self.at = self.filled;
                    return Ok(FieldEnd::Record);
                };
                let found = from + offset;
                if unread[found] == b'\n' {
                    line_feeds += 1;
                    from = found + 1;
                    continue;
                }

                let quote = found;
                match unread.get(quote + 1).copied() {
                    Some(b'"') => {
                        doubled = true;
                        from = quote + 2;
                    }
                    Some(_) => break quote,
                    // A quote at the end of the buffer: the next byte decides whether it
                    // closes the field or starts a doubled quote.
                    None => {
                        if self.fill()? {
                            continue 'search;
                        }
                        break quote;
                    }
                }
            };

            // csv-core appends any bytes between the closing quote and the next delimiter or
            // line end to the field, quotes included.
            let after = self.at + closing + 1;
            let filled = &self.buffer[..self.filled];
            let trailing = match self.field_ends.find(filled, after) {
                Some(field_end) => field_end - after,
                None => {
                    if self.fill()? {
                        continue 'search;
                    }
                    // `fill` may have moved the field to the front of the buffer.
                    self.filled - (self.at + closing + 1)
                }
            };

            let length = closing + 1 + trailing;
            self.line += line_feeds;
            self.push_quoted(record, length, doubled, closing - 1);
            return Ok(self.consume_field_end(length));
        }
    }

    /// Adds the quoted field of `length` bytes at `self.at`, whose content (after the
    /// opening quote) is `content_length` bytes long and is followed by its closing quote
    /// and any trailing bytes up to `length`.
    fn push_quoted(
        &mut self,
        record: &mut Record,
        length: usize,
        doubled: bool,
        content_length: usize,
    ) {
        let field = &self.buffer[self.at..self.at + length];
        let content = &field[1..1 + content_length];

        // The closing quote, when there is one, sits right after the content.
        let trailing = field.get(content_length + 2..).unwrap_or_default();
        if !doubled && trailing.is_empty() {
            let start = self.at + 1 - self.record_at;
            record.bounds.push((start, start + content_length));
            return;
        }

        let start = self.rewritten_bytes.len();
        unescape_into(&mut self.rewritten_bytes, content, doubled);
        self.rewritten_bytes.extend_from_slice(trailing);
        self.rewritten.push(record.bounds.len());
        record.bounds.push((start, self.rewritten_bytes.len()));
    }

    /// Copies the record's bytes, from `self.record_at` to `self.at`, into `record`, and
    /// records where it ended.
    fn finish_record(&mut self, record: &mut Record) {
        self.record_end = self.buffer_offset + self.at as u64;
        // `at` is past the byte that ended the record, if a byte did. Inside quotes a CR or
        // LF is content, so a record cut inside quotes never counts as ended by one.
        self.record_line_end = self.at > self.record_at
            && matches!(self.buffer[self.at - 1], b'\r' | b'\n')
            && !self.ended_in_quotes;
        let line = &self.buffer[self.record_at..self.at];
        if self.rewritten.is_empty() {
            record.bytes.extend_from_slice(line);
            return;
        }

        // Rewritten fields live in `rewritten_bytes`, so copy every field back to back to
        // keep the bounds in field order.
        record.packed = true;
        let mut rewritten = self.rewritten.iter().peekable();
        for (position, bound) in record.bounds.iter_mut().enumerate() {
            let source = if rewritten.next_if_eq(&&position).is_some() {
                &self.rewritten_bytes[..]
            } else {
                line
            };
            let start = record.bytes.len();
            record.bytes.extend_from_slice(&source[bound.0..bound.1]);
            *bound = (start, record.bytes.len());
        }
        self.rewritten.clear();
        self.rewritten_bytes.clear();
    }

    /// Moves past a field of `length` bytes from `self.at` and the byte that ends it, if
    /// any, and returns what that byte means.
    #[inline]
    fn consume_field_end(&mut self, length: usize) -> FieldEnd {
        let end = self.at + length;
        let Some(&byte) = self.buffer[..self.filled].get(end) else {
            self.at = self.filled;
            return FieldEnd::Record;
        };

        self.at = end + 1;
        match byte {
            b',' => FieldEnd::Delimiter,
            b'\n' => {
                self.line += 1;
                FieldEnd::Record
            }
            _ => FieldEnd::Record,
        }
    }

    /// Reads more input into the buffer, keeping the bytes of the record being split (moved
    /// to the front). Returns false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.source_done {
            return Ok(false);
        }

        // The cached block positions go stale when the bytes move.
        self.field_ends.clear();
        let keep = self.record_at;
        if keep > 0 {
            self.buffer.copy_within(keep..self.filled, 0);
            self.filled -= keep;
            self.buffer_offset += keep as u64;
            self.at -= keep;
            self.record_at = 0;
        }
        if self.filled == self.buffer.len() {
            // One record fills the whole buffer.
            self.buffer.resize(self.buffer.len() * 2, 0);
        }

        loop {
            match self.source.read(&mut self.buffer[self.filled..]) {
                Ok(0) => {
                    self.source_done = true;
                    return Ok(false);
                }
                Ok(read) => {
                    self.filled += read;
                    return Ok(true);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }
}

/// Appends a quoted field's `content` to `out`, with each `""` read as one quote when
/// `doubled`.
fn unescape_into(out: &mut Vec<u8>, content: &[u8], doubled: bool) {
    let mut from = 0;
    if doubled {
        // Every quote inside the content is the first of a pair: keep it, drop the second.
        while let Some(offset) = find_byte(b'"', &content[from..]) {
            let quote = from + offset;
            out.extend_from_slice(&content[from..=quote]);
            from = (quote + 2).min(content.len());
        }
    }
    out.extend_from_slice(&content[from..]);
}

#[cfg(test)]
#[path = "split_tests.rs"]
mod tests;
