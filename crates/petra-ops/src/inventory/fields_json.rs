//! The JSON object of a mapped record's fields, as stored with each item.
//!
//! The bytes must stay exactly those `serde_json` writes, because each item's content hash
//! covers them: any change would report every stored item as updated once. Strings that
//! need no escaping and decimals are written directly, since `serde_json`'s escaping loop
//! and `Decimal`'s `Display` cost more than the rest of building an item.

use std::io::Write;

use fieldmap::{MappedRecord, Value};
use rust_decimal::Decimal;

/// Writes the set fields of a record as one JSON object, all but the field at position
/// `except`. Numbers are written as strings, like `MappedRecord::to_json`, so no
/// precision is lost.
pub(crate) fn fields_json(mapped: &MappedRecord, except: usize) -> String {
    let mut out = Vec::with_capacity(512);
    out.push(b'{');
    let mut first = true;
    for (position, (name, value)) in mapped.iter().enumerate() {
        let Some(value) = value.filter(|_| position != except) else {
            continue;
        };
        if !first {
            out.push(b',');
        }
        first = false;

        write_str(&mut out, name);
        out.push(b':');
        match value {
            Value::Text(text) => write_str(&mut out, text),
            Value::Number(number) => {
                out.push(b'"');
                write_decimal(&mut out, number);
                out.push(b'"');
            }
            Value::Boolean(true) => out.extend_from_slice(b"true"),
            Value::Boolean(false) => out.extend_from_slice(b"false"),
            Value::Null => out.extend_from_slice(b"null"),
            // Writing to a Vec cannot fail, and these values always serialize.
            other => {
                let _ = serde_json::to_writer(&mut out, &other.to_json());
            }
        }
    }
    out.push(b'}');
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `text` as a JSON string, exactly as `serde_json` does.
fn write_str(out: &mut Vec<u8>, text: &str) {
    if needs_escape(text.as_bytes()) {
        // Writing to a Vec cannot fail, and strings always serialize.
        let _ = serde_json::to_writer(&mut *out, text);
        return;
    }
    out.reserve(text.len() + 2);
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
}

/// Returns whether JSON needs an escape for any byte: a quote, a backslash or a control
/// character below 0x20. `serde_json` escapes exactly these bytes.
fn needs_escape(bytes: &[u8]) -> bool {
    // Or-ing flags over every byte, without an early exit, lets the compiler vectorize
    // the loop, and text fields are short.
    let mut flags = 0u8;
    for &byte in bytes {
        flags |= u8::from(byte < 0x20) | u8::from(byte == b'"') | u8::from(byte == b'\\');
    }
    flags != 0
}

/// Writes `number` as `Decimal`'s `Display` does: every digit of its scale, a leading
/// zero before the point, and a minus sign for negative values.
fn write_decimal(out: &mut Vec<u8>, number: &Decimal) {
    let mantissa = number.mantissa();
    // Mantissas past 64 bits are rare, so they take `Display` itself.
    let Ok(digits) = u64::try_from(mantissa.unsigned_abs()) else {
        let _ = write!(out, "{number}");
        return;
    };
    // `Display` writes a negative zero with its sign, which the mantissa has lost.
    if mantissa == 0 && number.is_sign_negative() {
        let _ = write!(out, "{number}");
        return;
    }

    let mut buffer = [0u8; 20];
    let mut start = buffer.len();
    let mut rest = digits;
    loop {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let written = &buffer[start..];

    if mantissa < 0 {
        out.push(b'-');
    }
    let scale = number.scale() as usize;
    if scale == 0 {
        out.extend_from_slice(written);
    } else if written.len() > scale {
        let (whole, fraction) = written.split_at(written.len() - scale);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + scale - written.len(), b'0');
        out.extend_from_slice(written);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fast_str(text: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, text);
        String::from_utf8(out).unwrap()
    }

    fn fast_decimal(number: Decimal) -> String {
        let mut out = Vec::new();
        write_decimal(&mut out, &number);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_match_serde_json() {
        let cases = [
            "",
            "plain",
            "Home Décor ® – 10 mm",
            "quote \" inside",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "\u{1}\u{1f}\u{7f}",
            "<p>one</p>\r\n<p>two</p>",
            "a long value past one chunk of thirty-two bytes, with a \" at the end",
        ];
        for text in cases {
            assert_eq!(
                fast_str(text),
                serde_json::to_string(text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn decimals_match_display() {
        let cases = [
            Decimal::new(10999, 2),
            Decimal::new(0, 0),
            Decimal::new(0, 2),
            Decimal::new(-5, 3),
            Decimal::new(7, 1),
            Decimal::new(1_200, 0),
            Decimal::new(-124_999, 2),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_parts(0, 0, 0, true, 2),
            Decimal::from_parts(1, 0, 0, false, 28),
        ];
        for number in cases {
            assert_eq!(fast_decimal(number), number.to_string(), "{number:?}");
        }
    }

    proptest! {
        #[test]
        fn any_string_matches_serde_json(text in any::<String>()) {
            prop_assert_eq!(fast_str(&text), serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn ascii_controls_match_serde_json(text in "[a\"\\\\\\x00-\\x1f\\x7f é]{0,80}") {
            prop_assert_eq!(fast_str(&text), serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn any_decimal_matches_display(
            mantissa in any::<i64>(),
            scale in 0u32..=28,
        ) {
            let number = Decimal::new(mantissa, scale);
            prop_assert_eq!(fast_decimal(number), number.to_string());
        }

        #[test]
        fn wide_decimal_matches_display(
            lo in any::<u32>(),
            mid in any::<u32>(),
            hi in any::<u32>(),
            negative in any::<bool>(),
            scale in 0u32..=28,
        ) {
            let number = Decimal::from_parts(lo, mid, hi, negative, scale);
            prop_assert_eq!(fast_decimal(number), number.to_string());
        }
    }
}
