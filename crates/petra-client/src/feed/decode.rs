//! Per-field text decoding: UTF-8 where a field is valid UTF-8, Windows-1252 where not.
//!
//! Petra's file mixes both in one file (single 0xE9 bytes for `é` next to valid UTF-8
//! zero-width spaces), so no single decision per file reads it correctly.

use encoding_rs::WINDOWS_1252;

use super::record::Record;

/// Byte range of one field inside a row's text buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span {
    #[inline]
    pub(crate) fn get(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }
}

/// Result of decoding one record.
#[derive(Debug, Default)]
pub(crate) struct DecodedRecord {
    /// Fields decoded with the Windows-1252 fallback.
    pub(crate) fallback_fields: u32,
    /// Positions of fields holding one of the five bytes Windows-1252 leaves undefined.
    pub(crate) undefined_bytes: Vec<usize>,
}

/// Decodes every field of `record` into `text`, pushing one span per field. Each field
/// that is valid UTF-8 is copied as it is; any other field is read as Windows-1252.
/// Fields before `first_invalid` must be valid UTF-8; they are copied without a check.
pub(crate) fn decode_record(
    record: &Record,
    first_invalid: usize,
    text: &mut String,
    spans: &mut Vec<Span>,
) -> DecodedRecord {
    let mut decoded = DecodedRecord::default();
    // The fields are gathered as bytes and the whole text is checked once at the end, so
    // a valid field needs no `str` check of its own.
    let mut bytes = std::mem::take(text).into_bytes();

    for (position, field) in record.iter().enumerate() {
        let start = bytes.len();
        let valid =
            position < first_invalid || field.is_ascii() || std::str::from_utf8(field).is_ok();
        if valid {
            bytes.extend_from_slice(field);
        } else {
            decoded.fallback_fields += 1;
            if field
                .iter()
                .any(|b| matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D))
            {
                decoded.undefined_bytes.push(position);
            }
            let (cow, _) = WINDOWS_1252.decode_without_bom_handling(field);
            bytes.extend_from_slice(cow.as_bytes());
        }
        spans.push(Span {
            start: start as u32,
            end: bytes.len() as u32,
        });
    }

    // Every piece is valid UTF-8 on its own, so the check cannot fail. The lossy branch
    // only keeps this code free of a panic.
    *text = String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    decoded
}

/// Decodes one field on its own, with the same rule as [`decode_record`].
pub(crate) fn decode_field(field: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(field) {
        Ok(valid) => valid.into(),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(field).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(fields: &[&[u8]]) -> (Vec<String>, DecodedRecord) {
        let record = Record::from_fields(fields);
        let mut text = String::new();
        let mut spans = Vec::new();
        let decoded = decode_record(&record, 0, &mut text, &mut spans);
        let values = spans
            .iter()
            .map(|span| span.get(&text).to_owned())
            .collect();
        (values, decoded)
    }

    #[test]
    fn cp1252_bytes_fall_back() {
        let (values, decoded) = decode(&[b"VX-100", b"Hose clamp 10 \x96 20 mm \xAE", b"4.50"]);

        assert_eq!(values[1], "Hose clamp 10 \u{2013} 20 mm \u{AE}");
        assert_eq!(decoded.fallback_fields, 1);
    }

    #[test]
    fn utf8_fields_stay_utf8() {
        let (values, decoded) = decode(&[b"Home D\xC3\xA9cor", b"Home D\xE9cor"]);

        assert_eq!(values[0], "Home Décor");
        assert_eq!(values[1], "Home Décor");
        assert_eq!(decoded.fallback_fields, 1);
    }

    #[test]
    fn sequence_split_across_fields() {
        let (values, decoded) = decode(&[b"a\xE2\x80", b"\x8Bb"]);

        assert_eq!(values[0], "a\u{E2}\u{20AC}");
        assert_eq!(decoded.fallback_fields, 2);
    }

    #[test]
    fn valid_prefix_is_copied() {
        let record = Record::from_fields(&[&b"D\xC3\xA9cor"[..], b"D\xE9cor", b"x"]);
        let mut text = String::new();
        let mut spans = Vec::new();

        let decoded = decode_record(&record, 1, &mut text, &mut spans);

        assert_eq!(text, "D\u{E9}corD\u{E9}corx");
        assert_eq!(spans.len(), 3);
        assert_eq!(decoded.fallback_fields, 1);
    }

    #[test]
    fn undefined_byte_is_flagged() {
        let (_, decoded) = decode(&[b"ok", b"bad \x81 byte"]);

        assert_eq!(decoded.undefined_bytes, [1]);
    }
}
