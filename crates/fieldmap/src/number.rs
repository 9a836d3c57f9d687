//! Strict parsing of decimal numbers as people and spreadsheets write them.

use rust_decimal::Decimal;

/// Which character separates the fraction; the other one groups thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum DecimalSeparator {
    /// `1,249.99` (United States; the default).
    #[default]
    Point,
    /// `1.249,99` (most of continental Europe).
    Comma,
}

/// Why a text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    Empty,
    Invalid,
    TooLarge,
}

/// Parses `text` as a decimal number.
///
/// Accepts surrounding whitespace, one leading sign, one currency sign (`$`, `€`, `£`)
/// before the digits, thousands separators only in groups of three, and one decimal
/// separator. Everything else is invalid, so `1.249,99` is rejected under
/// [`DecimalSeparator::Point`] instead of being read as 1.249.
pub(crate) fn parse_decimal(
    text: &str,
    separator: DecimalSeparator,
) -> Result<Decimal, NumberError> {
    let (fraction_mark, group_mark) = match separator {
        DecimalSeparator::Point => (b'.', b','),
        DecimalSeparator::Comma => (b',', b'.'),
    };

    let mut rest = crate::whitespace::trim(text);
    if rest.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some(number) = parse_plain(rest, fraction_mark) {
        return Ok(number);
    }

    let mut negative = false;
    if let Some(stripped) = rest.strip_prefix('-') {
        negative = true;
        rest = stripped;
    } else if let Some(stripped) = rest.strip_prefix('+') {
        rest = stripped;
    }
    for currency in ["$", "€", "£"] {
        if let Some(stripped) = rest.strip_prefix(currency) {
            rest = stripped;
            break;
        }
    }
    if rest.is_empty() {
        return Err(NumberError::Invalid);
    }

    // Digits are accumulated into an integer mantissa; groups are checked as they close.
    let mut mantissa: u128 = 0;
    let mut scale: u32 = 0;
    let mut digits_in_group: u32 = 0;
    let mut saw_group = false;
    let mut in_fraction = false;
    let mut any_digit = false;
    for &byte in rest.as_bytes() {
        if byte.is_ascii_digit() {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(u128::from(byte - b'0')))
                .ok_or(NumberError::TooLarge)?;
            any_digit = true;
            if in_fraction {
                scale += 1;
            } else {
                digits_in_group += 1;
            }
        } else if byte == group_mark && !in_fraction {
            let first_group_ok = !saw_group && (1..=3).contains(&digits_in_group);
            let later_group_ok = saw_group && digits_in_group == 3;
            if !(first_group_ok || later_group_ok) {
                return Err(NumberError::Invalid);
            }
            saw_group = true;
            digits_in_group = 0;
        } else if byte == fraction_mark && !in_fraction {
            if saw_group && digits_in_group != 3 {
                return Err(NumberError::Invalid);
            }
            in_fraction = true;
        } else {
            return Err(NumberError::Invalid);
        }
    }
    if !any_digit || (saw_group && !in_fraction && digits_in_group != 3) {
        return Err(NumberError::Invalid);
    }
    if scale > 28 {
        return Err(NumberError::TooLarge);
    }

    let signed = i128::try_from(mantissa).map_err(|_| NumberError::TooLarge)?;
    let signed = if negative { -signed } else { signed };
    Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| NumberError::TooLarge)
}

/// Parses the common plain form `123` or `123.45` (no sign, currency or grouping, at most
/// 18 digits, so the mantissa fits a `u64`), or returns `None` for the full parser.
fn parse_plain(text: &str, fraction_mark: u8) -> Option<Decimal> {
    if text.len() > 18 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut scale: u32 = 0;
    let mut in_fraction = false;
    let mut any_digit = false;
    for &byte in text.as_bytes() {
        if byte.is_ascii_digit() {
            mantissa = mantissa * 10 + u64::from(byte - b'0');
            scale += u32::from(in_fraction);
            any_digit = true;
        } else if byte == fraction_mark && !in_fraction {
            in_fraction = true;
        } else {
            return None;
        }
    }
    if !any_digit {
        return None;
    }
    // Eighteen digits fit an `i64` and leave at most 17 for the fraction, so neither
    // conversion fails.
    Decimal::try_new(i64::try_from(mantissa).ok()?, scale).ok()
}

/// Parses the usual spellings of a boolean, ignoring case and surrounding whitespace.
pub(crate) fn parse_boolean(text: &str) -> Option<bool> {
    let text = text.trim();
    const TRUE: [&str; 5] = ["true", "yes", "y", "1", "on"];
    const FALSE: [&str; 5] = ["false", "no", "n", "0", "off"];
    if TRUE.iter().any(|word| word.eq_ignore_ascii_case(text)) {
        Some(true)
    } else if FALSE.iter().any(|word| word.eq_ignore_ascii_case(text)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn us_numbers_parse() {
        let cases = [
            ("91.99", "91.99"),
            ("$1,249.99", "1249.99"),
            (" 7.5 ", "7.5"),
            ("-3", "-3"),
            ("+0.50", "0.50"),
            ("-$12.00", "-12.00"),
            ("1,000,000", "1000000"),
            ("0", "0"),
            (".5", "0.5"),
            ("5.", "5"),
            ("999999999999999999", "999999999999999999"),
            ("9999999999999999999.5", "9999999999999999999.5"),
            ("0.000000000000000001", "0.000000000000000001"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_decimal(input, DecimalSeparator::Point),
                Ok(dec(expected)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn us_rejects_malformed_numbers() {
        let cases = [
            "1.249,99",
            "N/A",
            "1,24",
            "12,3456",
            "1,,000",
            "abc",
            "$",
            "-",
            "1.2.3",
            "1 000",
            "12e3",
            "1,000.5,0",
            ".",
            "1..2",
        ];
        for input in cases {
            assert_eq!(
                parse_decimal(input, DecimalSeparator::Point),
                Err(NumberError::Invalid),
                "{input:?}"
            );
        }
    }

    #[test]
    fn empty_text_is_empty() {
        assert_eq!(
            parse_decimal("", DecimalSeparator::Point),
            Err(NumberError::Empty)
        );
        assert_eq!(
            parse_decimal("   ", DecimalSeparator::Point),
            Err(NumberError::Empty)
        );
    }

    #[test]
    fn comma_separator_parses_european() {
        assert_eq!(
            parse_decimal("1.249,99", DecimalSeparator::Comma),
            Ok(dec("1249.99"))
        );
        assert_eq!(
            parse_decimal("€7,5", DecimalSeparator::Comma),
            Ok(dec("7.5"))
        );
        assert_eq!(
            parse_decimal("$1,249.99", DecimalSeparator::Comma),
            Err(NumberError::Invalid)
        );
    }

    #[test]
    fn huge_number_is_too_large() {
        let input = "9".repeat(40);
        assert_eq!(
            parse_decimal(&input, DecimalSeparator::Point),
            Err(NumberError::TooLarge)
        );
    }

    #[test]
    fn booleans_parse_common_words() {
        let cases = [
            ("Y", Some(true)),
            ("no", Some(false)),
            (" TRUE ", Some(true)),
            ("0", Some(false)),
            ("maybe", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_boolean(input), expected, "{input:?}");
        }
    }
}
