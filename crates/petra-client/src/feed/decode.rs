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
///
/// Valid fields are copied in runs together with the delimiters and quotes between them,
/// so `text` may contain those bytes between the spans.
pub(crate) fn decode_record(
    record: &Record,
    first_invalid: usize,
    text: &mut String,
    spans: &mut Vec<Span>,
) -> DecodedRecord {
    let mut decoded = DecodedRecord::default();
    // Runs of valid fields and the decoded fields are gathered as bytes, and the whole
    // text is checked once at the end, so a valid field needs no `str` check of its own.
    let mut bytes = std::mem::take(text).into_bytes();
    let source = record.bytes();
    let bounds = &record.bounds;
    spans.reserve(bounds.len());
    // `source[..copied]` is in `bytes` already. A valid field after it lands at
    // `bytes.len() + start - copied` once the run up to the next decoded field is copied.
    let mut copied = 0;
    let mut position = 0;
    let mut suspect = first_invalid.min(bounds.len());

    while let Some(&(start, end)) = bounds.get(position) {
        // The fields before `suspect` are valid. Starts never decrease, so when the first
        // of them starts at or after `copied`, they all do.
        if position < suspect && start >= copied {
            let offset = bytes.len() - copied;
            let run = bounds.get(position..suspect).unwrap_or_default();
            spans.extend(run.iter().map(|&(start, end)| Span {
                start: (start + offset) as u32,
                end: (end + offset) as u32,
            }));
            position = suspect;
            continue;
        }

        let field = source.get(start..end).unwrap_or_default();
        let valid = field.is_ascii() || std::str::from_utf8(field).is_ok();
        if position >= suspect {
            suspect = next_suspect(record, position + 1);
        }
        if valid && start >= copied {
            let offset = bytes.len() - copied;
            spans.push(Span {
                start: (start + offset) as u32,
                end: (end + offset) as u32,
            });
            position += 1;
            continue;
        }

        bytes.extend_from_slice(source.get(copied..start).unwrap_or_default());
        let field_start = bytes.len();
        if valid {
            // The field overlaps the one before it, which the splitter never builds.
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
        copied = copied.max(end);
        spans.push(Span {
            start: field_start as u32,
            end: bytes.len() as u32,
        });
        position += 1;
    }
    let last_end = record.bounds.last().map_or(0, |&(_, end)| end);
    bytes.extend_from_slice(source.get(copied..last_end).unwrap_or_default());

    // Every piece is valid UTF-8 on its own, so the check cannot fail. The lossy branch
    // only keeps this code free of a panic.
    *text = String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    decoded
}

/// Returns the position of the first field from `from` on that may be invalid UTF-8.
///
/// In an unpacked record every field is followed by a delimiter, a quote or a line end,
/// all ASCII. So one check of the bytes from the field at `from` to the last field's end
/// finds the first invalid field, the one holding the first invalid byte. Fields of a
/// packed record lie back to back, and a character may be split across two of them, so
/// each is a suspect.
fn next_suspect(record: &Record, from: usize) -> usize {
    let count = record.bounds.len();
    if record.packed || from >= count {
        return from;
    }
    let start = record.bounds[from].0;
    let last_end = record.bounds[count - 1].1;
    let rest = record.bytes().get(start..last_end).unwrap_or_default();
    match std::str::from_utf8(rest) {
        Ok(_) => count,
        Err(error) => {
            let invalid_at = start + error.valid_up_to();
            record.bounds[from..]
                .iter()
                .position(|&(_, end)| end > invalid_at)
                .map_or(count, |offset| from + offset)
        }
    }
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
    use proptest::prelude::*;

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

    /// A record as the splitter builds it from a line: the fields joined by `separator`,
    /// which must be ASCII.
    fn unpacked_record(fields: &[Vec<u8>], separator: &[u8]) -> Record {
        let mut record = Record::default();
        for field in fields {
            if !record.bounds.is_empty() {
                record.bytes.extend_from_slice(separator);
            }
            let start = record.bytes.len();
            record.bytes.extend_from_slice(field);
            record.bounds.push((start, record.bytes.len()));
        }
        record.bytes.extend_from_slice(b"\r");
        record
    }

    /// Decodes `record` with `decode_record` and checks every field against `decode_field`.
    fn check_against_decode_field(record: &Record, first_invalid: usize) {
        let mut text = String::from("kept");
        let mut spans = Vec::new();

        let decoded = decode_record(record, first_invalid, &mut text, &mut spans);

        assert!(text.starts_with("kept"));
        assert_eq!(spans.len(), record.len());
        let mut fallback_fields = 0;
        let mut undefined_bytes = Vec::new();
        for (position, field) in record.iter().enumerate() {
            assert_eq!(
                spans[position].get(&text),
                decode_field(field),
                "field {position}"
            );
            if std::str::from_utf8(field).is_err() {
                fallback_fields += 1;
                if field
                    .iter()
                    .any(|b| matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D))
                {
                    undefined_bytes.push(position);
                }
            }
        }
        assert_eq!(decoded.fallback_fields, fallback_fields);
        assert_eq!(decoded.undefined_bytes, undefined_bytes);
    }

    /// Checks `record` decoded with the valid prefix `into_utf8` finds, and with none.
    fn check_with_and_without_prefix(record: &Record) {
        let first_invalid = match record.clone().into_utf8() {
            Err((_, first_invalid)) => first_invalid,
            Ok(_) => record.len(),
        };

        check_against_decode_field(record, first_invalid);
        check_against_decode_field(record, 0);
    }

    /// Bytes that make fields valid UTF-8 or not: ASCII, a lone Windows-1252 `é`, the
    /// pieces of a UTF-8 `é` and of a zero-width space, and an undefined byte.
    fn field_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte =
            proptest::sample::select(vec![b'a', b'&', 0xE9, 0xC3, 0xA9, 0xE2, 0x80, 0x8B, 0x81]);
        proptest::collection::vec(byte, 0..6)
    }

    #[test]
    fn invalid_fields_between_valid_runs() {
        let fields: Vec<Vec<u8>> = vec![
            b"VX-100".to_vec(),
            b"Home D\xE9cor".to_vec(),
            b"D\xC3\xA9cor".to_vec(),
            b"".to_vec(),
            b"10 \x96 20".to_vec(),
            b"last".to_vec(),
        ];
        let record = unpacked_record(&fields, b"\",\"");
        let first_invalid = match record.clone().into_utf8() {
            Err((_, first_invalid)) => first_invalid,
            Ok(_) => panic!("the record has invalid fields"),
        };

        assert_eq!(first_invalid, 1);
        check_against_decode_field(&record, first_invalid);
        check_against_decode_field(&record, 0);
    }

    proptest! {
        #[test]
        fn unpacked_decode_matches_field_by_field(
            fields in proptest::collection::vec(field_bytes(), 1..8),
            separator in proptest::sample::select(vec![&b","[..], b"\",", b"\",\""]),
        ) {
            check_with_and_without_prefix(&unpacked_record(&fields, separator));
        }

        #[test]
        fn packed_decode_matches_field_by_field(
            fields in proptest::collection::vec(field_bytes(), 1..8),
        ) {
            check_with_and_without_prefix(&Record::from_fields(&fields));
        }
    }

    #[test]
    fn undefined_byte_is_flagged() {
        let (_, decoded) = decode(&[b"ok", b"bad \x81 byte"]);

        assert_eq!(decoded.undefined_bytes, [1]);
    }
}
