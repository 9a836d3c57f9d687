//! Parsing of ProdList values: UPCs with check digits, US-format money and quantities,
//! Y/N flags and text with HTML entities.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// A UPC-A (12 digits) or EAN-13 (13 digits) whose check digit is verified.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Upc(String);

/// Outcome of parsing a UPC field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UpcValue {
    Blank,
    Valid(Upc),
    /// An 11-digit value whose restored leading zero passes the check digit.
    Repaired(Upc),
    /// Scientific notation written by a spreadsheet; the digits are lost.
    Scientific,
    /// 12 or 13 digits, or 11 digits with the leading zero restored, whose check digit is
    /// wrong. The value carries the reason.
    WrongCheckDigit(String),
}

impl Upc {
    /// Parses 12 or 13 digits and verifies the check digit.
    pub fn parse(digits: &str) -> Result<Upc, String> {
        Upc::parse_into(digits, String::new())
    }

    /// Like [`Upc::parse`], storing the digits in `buffer` so that a reused row keeps its
    /// allocation.
    pub(crate) fn parse_into(digits: &str, mut buffer: String) -> Result<Upc, String> {
        let digits = trim(digits);
        if !matches!(digits.len(), 12 | 13) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "expected 12 digits (UPC-A) or 13 digits (EAN-13), found {digits:?}"
            ));
        }
        if !check_digit_ok(digits) {
            return Err(format!("check digit of {digits} is wrong"));
        }
        buffer.clear();
        buffer.push_str(digits);
        Ok(Upc(buffer))
    }

    /// Returns the digits' buffer for reuse.
    pub(crate) fn into_buffer(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Upc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Upc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Upc({:?})", self.0)
    }
}

fn check_digit_ok(digits: &str) -> bool {
    let (body, check) = digits.split_at(digits.len() - 1);
    u32::from(check.as_bytes()[0] - b'0') == check_digit(body)
}

/// Computes the GTIN check digit of `body` (ASCII digits): weights 3 and 1 alternate
/// from the rightmost digit.
pub(crate) fn check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10
}

/// Returns true when `digits` are all ASCII digits and the last one is the GTIN check
/// digit of the others, as [`check_digit`] computes it.
fn digits_pass_check(digits: &[u8]) -> bool {
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    let mut sum = 0;
    for (i, &byte) in body.iter().rev().enumerate() {
        let digit = u32::from(byte.wrapping_sub(b'0'));
        if digit > 9 {
            return false;
        }
        sum += if i % 2 == 0 { digit * 3 } else { digit };
    }
    u32::from(check.wrapping_sub(b'0')) == (10 - sum % 10) % 10
}

/// Parses a UPC field; `buffer` becomes the digits' storage of a valid UPC.
pub(crate) fn parse_upc(raw: &str, mut buffer: String) -> Result<UpcValue, String> {
    let value = trim(raw);
    if value.is_empty() {
        return Ok(UpcValue::Blank);
    }
    // Most UPCs are 12 or 13 digits with a correct check digit, so one pass checks both.
    if matches!(value.len(), 12 | 13) && digits_pass_check(value.as_bytes()) {
        buffer.clear();
        buffer.push_str(value);
        return Ok(UpcValue::Valid(Upc(buffer)));
    }
    if value.bytes().any(|b| b == b'E' || b == b'e') && value.contains('+') {
        return Ok(UpcValue::Scientific);
    }
    let all_digits = value.bytes().all(|b| b.is_ascii_digit());
    if value.len() == 11 && all_digits {
        let padded = format!("0{value}");
        return Ok(match Upc::parse(&padded) {
            Ok(upc) => UpcValue::Repaired(upc),
            Err(_) => UpcValue::WrongCheckDigit(format!(
                "11-digit UPC {value} does not pass the check digit with its leading zero restored"
            )),
        });
    }

    // The fast path above already rejected these digits, so only the check digit is wrong.
    if matches!(value.len(), 12 | 13) && all_digits {
        return Ok(UpcValue::WrongCheckDigit(format!(
            "check digit of {value} is wrong"
        )));
    }
    Upc::parse_into(value, buffer).map(UpcValue::Valid)
}

/// Outcome of parsing a money or measurement field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Amount {
    Blank,
    /// `N/A` or `NA`: absent, worth a warning.
    NotAvailable,
    Value(Decimal),
}

/// Parses a non-negative US-format number: optional `$`, `,` thousands separators in
/// groups of three, `.` as the decimal point, surrounding whitespace.
pub(crate) fn parse_amount(raw: &str, currency: bool) -> Result<Amount, String> {
    let value = trim(raw);
    if let Some(plain) = parse_plain_decimal(value) {
        return Ok(Amount::Value(plain));
    }
    parse_amount_slowly(value, currency)
}

/// Returns true for an amount written `N/A` or `NA`, in any letter case, with surrounding
/// whitespace.
pub(crate) fn is_not_available(raw: &str) -> bool {
    let value = trim(raw);
    value.eq_ignore_ascii_case("N/A") || value.eq_ignore_ascii_case("NA")
}

/// Parses a trimmed value with the full rules of [`parse_amount`]. Any value the fast path
/// accepts parses here to the same decimal with the same scale.
fn parse_amount_slowly(value: &str, currency: bool) -> Result<Amount, String> {
    if value.is_empty() {
        return Ok(Amount::Blank);
    }
    if is_not_available(value) {
        return Ok(Amount::NotAvailable);
    }

    let unsigned = match value.strip_prefix('$') {
        Some(rest) if currency => rest.trim_start(),
        _ => value,
    };
    if unsigned.starts_with('-') || unsigned.ends_with('-') {
        return Err("negative amount".to_owned());
    }

    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let fraction_ok =
        fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !fraction_ok || !whole_part_ok(whole) || (whole.is_empty() && fraction.is_none()) {
        return Err(
            "not a US-format number (expected digits, optional `,` thousands separators \
             and a `.` decimal point)"
                .to_owned(),
        );
    }

    // Digits without separators fit a stack buffer, because a Decimal has at most 29
    // significant digits.
    let mut buffer = [0u8; 64];
    let mut length = 0;
    for byte in unsigned.bytes().filter(|&b| b != b',') {
        if length == buffer.len() {
            return Err("number has too many digits".to_owned());
        }
        buffer[length] = byte;
        length += 1;
    }
    let digits = std::str::from_utf8(&buffer[..length]).unwrap_or_default();
    Decimal::from_str(digits)
        .map(Amount::Value)
        .map_err(|error| format!("number out of range: {error}"))
}

/// Fast path of [`parse_amount`] for the common spellings: ASCII digits, optionally in
/// `,`-separated groups of three, with at most one `.` followed by at least one digit,
/// and 18 digits at most, so the value fits an `i64` mantissa. Returns `None` for
/// anything else (`$`, signs, bad grouping, `N/A`), which the general path then parses or
/// rejects. The scale is the number of fraction digits, as `Decimal::from_str` keeps it.
#[inline]
pub(crate) fn parse_plain_decimal(value: &str) -> Option<Decimal> {
    let bytes = value.as_bytes();
    if bytes.len() > 24 {
        return None;
    }

    // The whole part: a first group of one to three digits when `,` separators appear.
    // Wrapping arithmetic is safe because more than 18 digits are rejected below.
    let mut mantissa: u64 = 0;
    let mut at = 0;
    let mut group = 0;
    let mut grouped = false;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii_digit() {
            mantissa = mantissa
                .wrapping_mul(10)
                .wrapping_add(u64::from(byte - b'0'));
            group += 1;
        } else if byte == b',' {
            let group_ok = if grouped {
                group == 3
            } else {
                (1..=3).contains(&group)
            };
            if !group_ok {
                return None;
            }
            grouped = true;
            group = 0;
        } else {
            break;
        }
        at += 1;
    }
    if group == 0 || (grouped && group != 3) {
        return None;
    }
    let whole_end = at;

    let mut scale = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        while let Some(&byte) = bytes.get(at) {
            if !byte.is_ascii_digit() {
                return None;
            }
            mantissa = mantissa
                .wrapping_mul(10)
                .wrapping_add(u64::from(byte - b'0'));
            scale += 1;
            at += 1;
        }
        if scale == 0 {
            return None;
        }
    }
    if at != bytes.len() {
        return None;
    }

    let separators = if grouped { whole_end / 4 } else { 0 };
    let digits = whole_end - separators + scale as usize;
    if digits > 18 {
        return None;
    }
    Decimal::try_new(i64::try_from(mantissa).ok()?, scale).ok()
}

/// Trims whitespace like `str::trim`, without scanning characters when both ends are
/// visible ASCII, as nearly every field's are.
#[inline]
pub(crate) fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    let visible = |byte: &u8| byte.is_ascii_graphic();
    if bytes.first().is_none_or(visible) && bytes.last().is_none_or(visible) {
        return text;
    }
    text.trim()
}

fn whole_part_ok(whole: &str) -> bool {
    if !whole.contains(',') {
        return whole.bytes().all(|b| b.is_ascii_digit());
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    first_ok && groups.all(|group| group.len() == 3 && group.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses a non-negative whole quantity: `1,200` is 1200; `12.00` is 12.
pub(crate) fn parse_quantity(raw: &str) -> Result<u64, String> {
    // Plain digits, the usual spelling, need no decimal.
    if let Some(quantity) = parse_plain_quantity(trim(raw).as_bytes()) {
        return Ok(quantity);
    }

    let amount = match parse_amount(raw, false) {
        Ok(amount) => amount,
        Err(reason) if reason == "negative amount" => return Err("negative quantity".to_owned()),
        Err(reason) => return Err(reason),
    };
    match amount {
        Amount::Blank => Err("quantity is empty".to_owned()),
        Amount::NotAvailable => Err("quantity is N/A".to_owned()),
        Amount::Value(value) if !value.fract().is_zero() => Err("fractional quantity".to_owned()),
        Amount::Value(value) => {
            u64::try_from(value.trunc()).map_err(|_| "quantity out of range".to_owned())
        }
    }
}

/// Fast path of [`parse_quantity`] for 1 to 19 ASCII digits, checked and summed in one
/// pass. Returns `None` for anything else, which the general path then parses or rejects.
fn parse_plain_quantity(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut quantity: u64 = 0;
    for &byte in digits {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        // 19 digits stay below u64::MAX (about 1.8e19), so this cannot overflow.
        quantity = quantity * 10 + u64::from(digit);
    }
    Some(quantity)
}

/// Parses a Y/N flag; blank is `false`.
pub(crate) fn parse_flag(raw: &str) -> Result<bool, String> {
    let value = trim(raw);
    if value.is_empty() || value.eq_ignore_ascii_case("N") || value.eq_ignore_ascii_case("NO") {
        Ok(false)
    } else if value.eq_ignore_ascii_case("Y") || value.eq_ignore_ascii_case("YES") {
        Ok(true)
    } else {
        Err("expected Y or N".to_owned())
    }
}

/// Returns true when a NOTES1 value marks the product discontinued.
pub(crate) fn marks_discontinued(notes: &str) -> bool {
    const WORD: &[u8] = b"discontinu";
    notes
        .as_bytes()
        .windows(WORD.len())
        .any(|window| window.eq_ignore_ascii_case(WORD))
}

/// Undoes double HTML encoding: `&amp;bull;` becomes `&bull;`, `&amp;amp;` becomes `&amp;`.
/// Markup and single entities are left as they are.
pub(crate) fn undo_double_encoding(text: &str) -> Cow<'_, str> {
    const DOUBLE: &str = "&amp;";
    if !text.contains(DOUBLE) {
        return Cow::Borrowed(text);
    }

    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find(DOUBLE) {
        out.push_str(&rest[..at]);
        let after = &rest[at + DOUBLE.len()..];
        if starts_with_entity(after) {
            out.push('&');
            changed = true;
        } else {
            out.push_str(DOUBLE);
        }
        rest = after;
    }
    out.push_str(rest);

    if !changed {
        return Cow::Borrowed(text);
    }
    // `&amp;amp;bull;` needs a second pass; each pass that changes something shortens
    // the text, so this ends.
    match undo_double_encoding(&out) {
        Cow::Borrowed(_) => Cow::Owned(out),
        Cow::Owned(shorter) => Cow::Owned(shorter),
    }
}

/// Returns true when `text` starts with an entity body such as `bull;`, `#8217;` or `#x2022;`.
fn starts_with_entity(text: &str) -> bool {
    let Some(end) = text.find(';') else {
        return false;
    };
    let name = &text[..end];
    if let Some(number) = name.strip_prefix('#') {
        let digits = number.strip_prefix(['x', 'X']).unwrap_or(number);
        let hex = digits.len() != number.len();
        !digits.is_empty()
            && digits.len() <= 8
            && digits.bytes().all(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
    } else {
        (1..=32).contains(&name.len())
            && name.as_bytes()[0].is_ascii_alphabetic()
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
    }
}

/// Returns false when `text` cannot contain an entity: an entity starts with `&` followed
/// by a letter, a digit or `#`, and ends with `;`. `Tools & Home` is the common case.
pub(crate) fn may_contain_entity(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'&', bytes).any(|at| {
        let rest = &bytes[at + 1..];
        rest.first()
            .is_some_and(|next| next.is_ascii_alphanumeric() || *next == b'#')
            && memchr::memchr(b';', rest).is_some()
    })
}

/// Decodes HTML entities of plain text once, after undoing double encoding.
pub(crate) fn decode_plain_text(text: &str) -> Cow<'_, str> {
    if !may_contain_entity(text) {
        return Cow::Borrowed(text);
    }
    match undo_double_encoding(text) {
        Cow::Borrowed(single) => html_escape::decode_html_entities(single),
        Cow::Owned(single) => Cow::Owned(html_escape::decode_html_entities(&single).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(raw: &str) -> Decimal {
        match parse_amount(raw, true) {
            Ok(Amount::Value(value)) => value,
            other => panic!("{raw:?} parsed as {other:?}"),
        }
    }

    #[test]
    fn money_formats_parse() {
        assert_eq!(value("$10.00"), Decimal::new(1000, 2));
        assert_eq!(value("1,249.99"), Decimal::new(124999, 2));
        assert_eq!(value("$1,499.00"), Decimal::new(149900, 2));
        assert_eq!(value(" 7.5 "), Decimal::new(75, 1));
    }

    #[test]
    fn fast_path_matches_general_path() {
        let spellings = [
            "0",
            "7",
            "007",
            "12.5",
            "12.50",
            "1,249.99",
            "12,345,678",
            "999999999999999999",
            "1234567890123456789",
            "1,2499",
            "12,49.99",
            "1,249,",
            ",249",
            "1.",
            "1.2.3",
            "1,249.9,9",
        ];
        for spelling in spellings {
            let general = Decimal::from_str(&spelling.replace(',', ""));
            let fast = parse_plain_decimal(spelling);

            if let Some(fast) = fast {
                assert_eq!(Ok(fast), general, "{spelling}");
                assert_eq!(fast.scale(), general.unwrap().scale(), "{spelling}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_amount_matches_full_rules(raw in "[ $]?[0-9,.]{0,14}[ ]?") {
            let value = trim(&raw);
            let full = parse_amount_slowly(value, true);
            let fast = parse_plain_decimal(value);

            if let Some(fast) = fast {
                let Ok(Amount::Value(full)) = full else {
                    panic!("fast path read {raw:?} as {fast}, full rules as {full:?}");
                };
                proptest::prop_assert_eq!(fast, full);
                proptest::prop_assert_eq!(fast.scale(), full.scale());
            }
        }

        #[test]
        fn fast_quantity_matches_std_parse(raw in "[0-9]{1,20}|[0-9a ,.+-]{0,6}") {
            let fast = parse_plain_quantity(raw.as_bytes());
            let all_digits = raw.bytes().all(|b| b.is_ascii_digit());
            let expected = if all_digits && raw.len() <= 19 {
                raw.parse::<u64>().ok()
            } else {
                None
            };

            proptest::prop_assert_eq!(fast, expected);
        }

        #[test]
        fn fast_upc_matches_full_rules(raw in "[0-9]{11,14}|[0-9A-Za-z+.]{12,13}") {
            let fast = digits_pass_check(raw.as_bytes()) && matches!(raw.len(), 12 | 13);

            proptest::prop_assert_eq!(fast, Upc::parse(&raw).is_ok());
        }
    }

    #[test]
    fn fast_amount_accepts_grouped_values() {
        assert_eq!(
            parse_plain_decimal("1,249.99"),
            Some(Decimal::new(124999, 2))
        );
        assert_eq!(
            parse_plain_decimal("12,345,678"),
            Some(Decimal::new(12345678, 0))
        );
        assert_eq!(parse_plain_decimal("0.50"), Some(Decimal::new(50, 2)));
    }

    #[test]
    fn fast_amount_declines_other_spellings() {
        for spelling in [
            "",
            "$10.00",
            ".5",
            "1.",
            "N/A",
            "-3",
            "1.249,99",
            "1234567890123456789",
        ] {
            assert_eq!(parse_plain_decimal(spelling), None, "{spelling}");
        }
    }

    #[test]
    fn fast_path_rejects_bad_grouping() {
        for spelling in ["1,2499", "12,49.99", "1,249,", "1234,567", "1,249.9,9"] {
            assert_eq!(parse_plain_decimal(spelling), None, "{spelling}");
        }
    }

    #[test]
    fn european_amount_is_error() {
        assert!(parse_amount("1.249,99", true).is_err());
    }

    #[test]
    fn bad_grouping_is_error() {
        assert!(parse_amount("12,49.99", true).is_err());
        assert!(parse_amount("1,2499", true).is_err());
    }

    #[test]
    fn blank_and_na_amounts() {
        assert_eq!(parse_amount("  ", true), Ok(Amount::Blank));
        assert_eq!(parse_amount("n/a", true), Ok(Amount::NotAvailable));
    }

    #[test]
    fn dollar_rejected_outside_money() {
        assert!(parse_amount("$3", false).is_err());
    }

    #[test]
    fn quantity_rules() {
        assert_eq!(parse_quantity("1,200"), Ok(1200));
        assert_eq!(parse_quantity(" 12.00 "), Ok(12));
        assert_eq!(parse_quantity("-3"), Err("negative quantity".to_owned()));
        assert_eq!(parse_quantity("2.5"), Err("fractional quantity".to_owned()));
    }

    #[test]
    fn quantity_digit_count_limits() {
        assert_eq!(parse_quantity("0"), Ok(0));
        assert_eq!(
            parse_quantity("9999999999999999999"),
            Ok(9_999_999_999_999_999_999)
        );
        assert_eq!(parse_quantity("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            parse_quantity("18446744073709551616"),
            Err("quantity out of range".to_owned())
        );
    }

    #[test]
    fn upc_check_digits() {
        assert!(Upc::parse("036000291452").is_ok());
        assert!(Upc::parse("036000291453").is_err());
        assert!(Upc::parse("6970684277620").is_ok());
        assert!(Upc::parse("6970684277621").is_err());
    }

    #[test]
    fn upc_eleven_digits_repaired() {
        assert_eq!(
            parse_upc("36000291452", String::new()),
            Ok(UpcValue::Repaired(Upc("036000291452".to_owned())))
        );
        assert!(matches!(
            parse_upc("36000291453", String::new()),
            Ok(UpcValue::WrongCheckDigit(_))
        ));
    }

    #[test]
    fn upc_wrong_check_digit_absent() {
        assert!(matches!(
            parse_upc("036000291453", String::new()),
            Ok(UpcValue::WrongCheckDigit(_))
        ));
        assert!(matches!(
            parse_upc("6970684277621", String::new()),
            Ok(UpcValue::WrongCheckDigit(_))
        ));
    }

    #[test]
    fn upc_malformed_is_error() {
        assert!(parse_upc("0360002914", String::new()).is_err());
        assert!(parse_upc("03600029145X", String::new()).is_err());
    }

    #[test]
    fn upc_scientific_is_corrupt() {
        assert_eq!(
            parse_upc("6.97068E+12", String::new()),
            Ok(UpcValue::Scientific)
        );
    }

    #[test]
    fn double_encoding_undone() {
        assert_eq!(
            undo_double_encoding("&amp;bull; a &amp; b"),
            "&bull; a &amp; b"
        );
        assert_eq!(undo_double_encoding("&amp;amp;bull;"), "&bull;");
        assert_eq!(undo_double_encoding("<p>&bull; x</p>"), "<p>&bull; x</p>");
    }

    #[test]
    fn plain_text_entities_decoded() {
        assert_eq!(
            decode_plain_text("&bull; A &amp; B &quot;C&quot; Don&rsquo;t"),
            "\u{2022} A & B \"C\" Don\u{2019}t"
        );
        assert_eq!(decode_plain_text("Tools & Home"), "Tools & Home");
    }

    #[test]
    fn discontinued_notes_detected() {
        assert!(marks_discontinued("Item DISCONTINUED by vendor"));
        assert!(!marks_discontinued("Ships in 2 days"));
    }
}
