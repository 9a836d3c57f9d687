//! The JSON object of a mapped record's fields, as stored with each item.
//!
//! The bytes must stay exactly those `serde_json` writes, because each item's content hash
//! covers them: any change would report every stored item as updated once. Strings that
//! need no escaping and decimals are written directly, since `serde_json`'s escaping loop
//! and `Decimal`'s `Display` cost more than the rest of building an item.

use std::io::Write;
use std::sync::Arc;

use fieldmap::{MappedRecord, Value};
use rust_decimal::Decimal;

/// Room reserved for one object; real catalog items take about 400 bytes.
const OBJECT_CAPACITY: usize = 512;

/// A writer of mapped records as JSON objects, which escapes each field name once per
/// plan instead of once per record.
#[derive(Default)]
pub(crate) struct FieldsJson {
    /// The target names `keys` were written for.
    names: Option<Arc<[Box<str>]>>,
    /// Each field's key as JSON, with its colon: `"name":`.
    keys: Vec<Box<[u8]>>,
}

impl FieldsJson {
    /// Writes the set fields of a record as one JSON object, all but the field at
    /// position `except`. Numbers are written as strings, like `MappedRecord::to_json`,
    /// so no precision is lost.
    pub(crate) fn write(&mut self, mapped: &MappedRecord, except: usize) -> String {
        let names = mapped.names();
        let known = self
            .names
            .as_ref()
            .is_some_and(|written| Arc::ptr_eq(written, names));
        if !known {
            self.keys = names.iter().map(|name| key_json(name)).collect();
            self.names = Some(Arc::clone(names));
        }

        let mut out = Vec::with_capacity(OBJECT_CAPACITY);
        out.push(b'{');
        let mut first = true;
        let fields = self.keys.iter().zip(mapped.iter()).enumerate();
        for (position, (key, (_, value))) in fields {
            let Some(value) = value.filter(|_| position != except) else {
                continue;
            };
            if !first {
                out.push(b',');
            }
            first = false;

            out.extend_from_slice(key);
            write_value(&mut out, value);
        }
        out.push(b'}');
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Writes a field name as a JSON object key, with its colon.
fn key_json(name: &str) -> Box<[u8]> {
    let mut key = Vec::with_capacity(name.len() + 3);
    write_str(&mut key, name);
    key.push(b':');
    key.into_boxed_slice()
}

fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Text(text) => write_str(out, text),
        Value::Number(number) => {
            out.push(b'"');
            write_decimal(out, number);
            out.push(b'"');
        }
        Value::Boolean(true) => out.extend_from_slice(b"true"),
        Value::Boolean(false) => out.extend_from_slice(b"false"),
        Value::Null => out.extend_from_slice(b"null"),
        // Writing to a Vec cannot fail, and these values always serialize.
        other => {
            let _ = serde_json::to_writer(out, &other.to_json());
        }
    }
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

/// Bytes checked at once by [`block_needs_escape`].
const BLOCK: usize = 16;

/// Returns whether JSON needs an escape for any byte: a quote, a backslash or a control
/// character below 0x20. `serde_json` escapes exactly these bytes.
///
/// The bytes are checked in blocks of 16, which the compiler turns into a few vector
/// instructions each, so no byte is checked alone. A text shorter than a block is copied
/// into one padded with spaces. A longer one ends with a block that overlaps the one
/// before. Most fields are short, and a byte loop over a text's tail cost more than
/// the blocks.
fn needs_escape(bytes: &[u8]) -> bool {
    if bytes.len() < BLOCK {
        let mut padded = [b' '; BLOCK];
        padded[..bytes.len()].copy_from_slice(bytes);
        return block_needs_escape(padded);
    }

    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut found = false;
    for block in &mut blocks {
        found |= block_needs_escape(to_block(block));
    }
    if !blocks.remainder().is_empty() {
        found |= block_needs_escape(to_block(&bytes[bytes.len() - BLOCK..]));
    }
    found
}

/// Copies a slice of exactly [`BLOCK`] bytes into an array.
fn to_block(bytes: &[u8]) -> [u8; BLOCK] {
    let mut block = [0u8; BLOCK];
    block.copy_from_slice(bytes);
    block
}

fn block_needs_escape(block: [u8; BLOCK]) -> bool {
    // Or-ing flags over every byte, without an early exit, lets the compiler vectorize
    // the loop.
    let mut flags = 0u8;
    for byte in block {
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
    use fieldmap::{compile, FieldType, Plan, SourceSchema, TargetField, TargetSchema, Template};
    use proptest::prelude::*;

    /// Compiles a plan that copies the columns `a`, `b` and `n` into targets of these
    /// names, `n` as a number.
    fn plan(names: [&str; 3]) -> Plan {
        let field = |name: &str, field_type| TargetField {
            name: name.to_owned(),
            field_type,
            required: false,
            description: String::new(),
        };
        let target = TargetSchema::new(
            "test",
            vec![
                field(names[0], FieldType::Text),
                field(names[1], FieldType::Text),
                field(names[2], FieldType::Number),
            ],
            None,
        );
        let mut template = String::from("name = \"test\"\n");
        for (name, column) in names.iter().zip(["a", "b", "n"]) {
            let key = serde_json::to_string(name).unwrap();
            template.push_str(&format!(
                "[fields.{key}]\nkind = \"match\"\nsource = \"{column}\"\n"
            ));
        }
        let template = Template::from_toml(&template).unwrap();
        let source = SourceSchema::from_columns("test", ["a", "b", "n"]);
        compile(&template, &source, &target).unwrap()
    }

    fn write(writer: &mut FieldsJson, plan: &Plan, row: [&str; 3], except: usize) -> String {
        let mapped = plan.map(&row.to_vec(), 1).unwrap();
        writer.write(&mapped, except)
    }

    #[test]
    fn object_keeps_target_order() {
        let plan = plan(["title", "brand", "cost"]);

        let json = write(
            &mut FieldsJson::default(),
            &plan,
            ["T", "B", "1.50"],
            usize::MAX,
        );

        assert_eq!(json, r#"{"title":"T","brand":"B","cost":"1.50"}"#);
    }

    #[test]
    fn object_leaves_out_excepted_field() {
        let plan = plan(["title", "brand", "cost"]);

        let json = write(&mut FieldsJson::default(), &plan, ["T", "B", "2"], 1);

        assert_eq!(json, r#"{"title":"T","cost":"2"}"#);
    }

    #[test]
    fn keys_are_escaped() {
        let plan = plan(["say \"hi\"", "back\\slash", "n"]);

        let json = write(
            &mut FieldsJson::default(),
            &plan,
            ["x", "y", "3"],
            usize::MAX,
        );

        assert_eq!(json, r#"{"say \"hi\"":"x","back\\slash":"y","n":"3"}"#);
    }

    #[test]
    fn keys_follow_plan_change() {
        let first = plan(["title", "brand", "cost"]);
        let second = plan(["name", "maker", "price"]);
        let mut writer = FieldsJson::default();

        write(&mut writer, &first, ["T", "B", "1"], usize::MAX);
        let json = write(&mut writer, &second, ["T", "B", "1"], usize::MAX);

        assert_eq!(json, r#"{"name":"T","maker":"B","price":"1"}"#);
    }

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
    fn escape_found_at_every_position() {
        for length in 0..48 {
            let plain = "a".repeat(length);
            assert!(!needs_escape(plain.as_bytes()), "length {length}");
            for position in 0..length {
                for special in [b'"', b'\\', b'\n', 0x1f] {
                    let mut bytes = plain.clone().into_bytes();
                    bytes[position] = special;
                    assert!(
                        needs_escape(&bytes),
                        "{special:#x} at {position} of {length}"
                    );
                }
            }
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
        fn any_object_matches_serde_json(a in any::<String>(), b in "[a\"\\\\\\x00-\\x1f é]{0,40}") {
            let plan = plan(["title", "brand", "cost"]);
            let mapped = plan.map(&vec![a.as_str(), b.as_str(), "7"], 1).unwrap();

            let json = FieldsJson::default().write(&mapped, usize::MAX);

            let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(parsed, mapped.to_json());
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
