//! The byte source under the record splitter. It counts the bytes read from the source,
//! strips a UTF-8 byte order mark and transcodes UTF-16 to UTF-8.

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
        }
    }

    /// Bytes read from the source so far, before any transcoding.
    pub(crate) fn source_bytes(&self) -> u64 {
        self.source_bytes
    }

    pub(crate) fn encoding(&self) -> SourceEncoding {
        self.encoding
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

        if self.pending_at < self.pending.len() {
            let available = &self.pending[self.pending_at..];
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            self.pending_at += n;
            Ok(n)
        } else if self.source_done || self.encoding != SourceEncoding::Bytes {
            Ok(0)
        } else {
            self.read_source(buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
