//! The byte source under the CSV parser. It counts the bytes read from the source, strips a
//! UTF-8 byte order mark and transcodes UTF-16 to UTF-8. It also keeps the bytes of the
//! record being parsed, to find whether the input ends inside a quoted field and which
//! byte ended a record.

use std::io::{self, Read};

use encoding_rs::{CoderResult, Decoder, UTF_16BE, UTF_16LE};

const RAW_CHUNK: usize = 16 * 1024;

/// Encoding of the source, decided from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    /// UTF-8 or Windows-1252, decided per field; the file may start with a UTF-8 BOM.
    Bytes,
    Utf16Le,
    Utf16Be,
}

pub(crate) struct FeedInput<R> {
    inner: R,
    source_bytes: u64,
    started: bool,
    encoding: SourceEncoding,
    utf16: Option<Decoder>,
    raw: Vec<u8>,
    pending: Vec<u8>,
    pending_at: usize,
    source_done: bool,
    /// Bytes handed to the parser from `tail_start` on: at least those of the record being
    /// parsed, so that the quote state at the end of the input can be found from them.
    tail: Vec<u8>,
    tail_start: u64,
    /// Offset where the record being parsed starts; the parser is outside quotes there.
    record_start: u64,
    ended_in_quotes: bool,
    exhausted: bool,
}

impl<R: Read> FeedInput<R> {
    pub(crate) fn new(inner: R) -> FeedInput<R> {
        FeedInput {
            inner,
            source_bytes: 0,
            started: false,
            encoding: SourceEncoding::Bytes,
            utf16: None,
            raw: Vec::new(),
            pending: Vec::new(),
            pending_at: 0,
            source_done: false,
            tail: Vec::new(),
            tail_start: 0,
            record_start: 0,
            ended_in_quotes: false,
            exhausted: false,
        }
    }

    /// Bytes read from the source so far, before any transcoding.
    pub(crate) fn source_bytes(&self) -> u64 {
        self.source_bytes
    }

    /// Returns the byte at `offset` of the decoded stream, if it is kept: bytes from the
    /// start of the record being parsed (see [`mark_record_start`](Self::mark_record_start))
    /// up to the last byte handed to the parser.
    pub(crate) fn byte_at(&self, offset: u64) -> Option<u8> {
        let index = usize::try_from(offset.checked_sub(self.tail_start)?).ok()?;
        self.tail.get(index).copied()
    }

    pub(crate) fn encoding(&self) -> SourceEncoding {
        self.encoding
    }

    /// Returns true once a read has returned the end of the input.
    pub(crate) fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// Records that the parser starts a record at `offset` of the decoded stream. Bytes
    /// before it are no longer kept. Offsets must not decrease.
    pub(crate) fn mark_record_start(&mut self, offset: u64) {
        self.record_start = offset;
    }

    /// Returns true when the input has ended inside a quoted field; false before the end.
    pub(crate) fn ends_in_quoted_field(&self) -> bool {
        self.ended_in_quotes
    }

    /// Keeps `chunk` in the tail, dropping bytes before the current record.
    fn keep_tail(&mut self, chunk: &[u8]) {
        let passed =
            (self.record_start.saturating_sub(self.tail_start) as usize).min(self.tail.len());
        if passed > 0 {
            self.tail.drain(..passed);
            self.tail_start += passed as u64;
        }
        self.tail.extend_from_slice(chunk);
    }

    /// Finds the quote state at the end of the input by scanning the last record, which
    /// is cheaper than tracking quotes through the whole file.
    fn find_end_state(&mut self) {
        let from =
            (self.record_start.saturating_sub(self.tail_start) as usize).min(self.tail.len());
        let mut quotes = QuoteTracker::default();
        quotes.scan(&self.tail[from..]);
        self.ended_in_quotes = quotes.in_quoted_field();
    }

    fn read_source(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.source_bytes += n as u64;
        Ok(n)
    }

    /// Reads the first bytes to find a byte order mark. Bytes that are not a BOM are kept
    /// for the parser.
    fn sniff(&mut self) -> io::Result<()> {
        let mut prefix = [0u8; 3];
        let mut filled = 0;
        while filled < prefix.len() {
            let n = self.read_source(&mut prefix[filled..])?;
            if n == 0 {
                self.source_done = true;
                break;
            }
            filled += n;
        }
        let prefix = &prefix[..filled];

        let kept = if prefix.starts_with(&[0xEF, 0xBB, 0xBF]) {
            &prefix[3..]
        } else if prefix.starts_with(&[0xFF, 0xFE]) {
            self.encoding = SourceEncoding::Utf16Le;
            self.utf16 = Some(UTF_16LE.new_decoder_without_bom_handling());
            self.raw.extend_from_slice(&prefix[2..]);
            &[]
        } else if prefix.starts_with(&[0xFE, 0xFF]) {
            self.encoding = SourceEncoding::Utf16Be;
            self.utf16 = Some(UTF_16BE.new_decoder_without_bom_handling());
            self.raw.extend_from_slice(&prefix[2..]);
            &[]
        } else {
            prefix
        };
        self.pending.extend_from_slice(kept);
        Ok(())
    }

    /// Refills `pending` with transcoded UTF-8 until it is non-empty or the source ends.
    fn transcode(&mut self) -> io::Result<()> {
        self.pending.clear();
        self.pending_at = 0;

        while let Some(decoder) = self.utf16.as_mut() {
            if !self.source_done {
                let start = self.raw.len();
                self.raw.resize(start + RAW_CHUNK, 0);
                let n = self.inner.read(&mut self.raw[start..])?;
                self.source_bytes += n as u64;
                self.raw.truncate(start + n);
                self.source_done = n == 0;
            }

            // At the end, `last = true` flushes a dangling half code unit as U+FFFD.
            let capacity = decoder
                .max_utf8_buffer_length(self.raw.len())
                .unwrap_or(self.raw.len() * 3 + 8);
            let mut out = String::with_capacity(capacity);
            let (result, consumed, replaced) =
                decoder.decode_to_string(&self.raw, &mut out, self.source_done);
            debug_assert_eq!(result, CoderResult::InputEmpty);
            if replaced {
                tracing::warn!("invalid UTF-16 in the feed was replaced with U+FFFD");
            }
            self.raw.drain(..consumed);
            self.pending.extend_from_slice(out.as_bytes());

            if self.source_done {
                self.utf16 = None;
            }
            if !self.pending.is_empty() {
                break;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for FeedInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            self.started = true;
            self.sniff()?;
        }
        if self.pending_at == self.pending.len() && self.utf16.is_some() {
            self.transcode()?;
        }

        let n = if self.pending_at < self.pending.len() {
            let available = &self.pending[self.pending_at..];
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            self.pending_at += n;
            n
        } else if self.source_done || self.encoding != SourceEncoding::Bytes {
            0
        } else {
            self.read_source(buf)?
        };

        self.keep_tail(&buf[..n]);
        if n == 0 && !buf.is_empty() && !self.exhausted {
            self.exhausted = true;
            self.find_end_state();
        }
        Ok(n)
    }
}

/// Quote state of the bytes seen so far, following RFC 4180 as the `csv` crate applies it.
/// A quote opens a quoted field only at the start of a field, and `""` inside one is a
/// literal quote. The reader uses it to tell a complete file from one cut inside a quoted
/// field. It only looks at quote bytes, found with `memchr`.
#[derive(Debug)]
struct QuoteTracker {
    in_quotes: bool,
    /// The last chunk ended with a quote inside a quoted field; the next byte decides
    /// whether it closed the field or starts an escaped `""`.
    quote_pending: bool,
    previous: u8,
}

impl Default for QuoteTracker {
    fn default() -> Self {
        QuoteTracker {
            in_quotes: false,
            quote_pending: false,
            previous: b'\n',
        }
    }
}

impl QuoteTracker {
    fn in_quoted_field(&self) -> bool {
        self.in_quotes && !self.quote_pending
    }

    fn scan(&mut self, chunk: &[u8]) {
        let Some(&last) = chunk.last() else {
            return;
        };
        let mut at = 0;

        if self.quote_pending {
            self.quote_pending = false;
            if chunk[0] == b'"' {
                at = 1;
            } else {
                self.in_quotes = false;
            }
        }

        while let Some(offset) = memchr::memchr(b'"', &chunk[at..]) {
            let quote = at + offset;
            if self.in_quotes {
                match chunk.get(quote + 1) {
                    Some(b'"') => at = quote + 2,
                    Some(_) => {
                        self.in_quotes = false;
                        at = quote + 1;
                    }
                    None => {
                        self.quote_pending = true;
                        at = quote + 1;
                    }
                }
            } else {
                let before = if quote == 0 {
                    self.previous
                } else {
                    chunk[quote - 1]
                };
                if matches!(before, b',' | b'\n' | b'\r') {
                    self.in_quotes = true;
                }
                at = quote + 1;
            }
        }

        self.previous = last;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends_quoted(chunks: &[&[u8]]) -> bool {
        let mut tracker = QuoteTracker::default();
        for chunk in chunks {
            tracker.scan(chunk);
        }
        tracker.in_quoted_field()
    }

    #[test]
    fn closed_quote_is_complete() {
        assert!(!ends_quoted(&[b"a,\"b,\"\"c\"\"\",d\r\n"]));
    }

    #[test]
    fn open_quote_is_unterminated() {
        assert!(ends_quoted(&[b"a,\"b,\"\"c\r\nmore"]));
    }

    #[test]
    fn literal_quote_in_unquoted_field() {
        assert!(!ends_quoted(&[b"a,12\" screen,b\n"]));
    }

    #[test]
    fn escaped_quote_split_across_chunks() {
        assert!(ends_quoted(&[b"a,\"x\"", b"\"y"]));
        assert!(!ends_quoted(&[b"a,\"x\"", b",y"]));
    }

    #[test]
    fn closing_quote_at_end_is_complete() {
        assert!(!ends_quoted(&[b"a,\"x\""]));
    }

    #[test]
    fn utf16_le_is_transcoded() {
        let text = "a,b\r\nc,d\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let mut input = FeedInput::new(&bytes[..]);
        let mut out = String::new();
        input.read_to_string(&mut out).unwrap();

        assert_eq!(out, text);
        assert_eq!(input.source_bytes(), bytes.len() as u64);
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let mut input = FeedInput::new(&b"\xEF\xBB\xBFtitle line\r\n"[..]);
        let mut out = String::new();
        input.read_to_string(&mut out).unwrap();

        assert_eq!(out, "title line\r\n");
    }
}
