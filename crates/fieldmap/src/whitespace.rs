//! Whitespace trimming that skips the Unicode check when a text starts and ends with a
//! visible ASCII character, which is the common case for feed values.

/// Trims whitespace at both ends, with the same result as [`str::trim`].
pub(crate) fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if is_visible_ascii(*first) && is_visible_ascii(*last) => text,
        _ => text.trim(),
    }
}

/// Checks whether the text is empty or only whitespace, like `text.trim().is_empty()`.
pub(crate) fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(first) if is_visible_ascii(*first) => false,
        _ => text.trim().is_empty(),
    }
}

/// Checks whether the byte is an ASCII character from `!` to `~`, which is a whole
/// character that `char::is_whitespace` rejects.
fn is_visible_ascii(byte: u8) -> bool {
    (b'!'..=b'~').contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: [&str; 12] = [
        "",
        " ",
        "sku",
        " sku",
        "sku\t",
        "\u{a0}sku\u{a0}",
        "\u{2003}",
        "a\u{2003}",
        "\u{0b}x\u{0c}",
        "é",
        "x\u{7f}",
        " \r\n",
    ];

    #[test]
    fn trim_agrees_with_std() {
        for text in CASES {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn is_blank_agrees_with_std() {
        for text in CASES {
            assert_eq!(is_blank(text), text.trim().is_empty(), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn trim_agrees_on_any_text(text in "\\PC{0,6}|[ \\t\\n\\x0b\\x0c\\r\\u{85}\\u{a0}\\u{3000}a~!]{0,6}") {
            proptest::prop_assert_eq!(trim(&text), text.trim());
            proptest::prop_assert_eq!(is_blank(&text), text.trim().is_empty());
        }
    }
}
