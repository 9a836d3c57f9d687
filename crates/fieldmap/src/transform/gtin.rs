//! GTIN normalisation: UPC-A, EAN-13, EAN-8 and GTIN-14 with check-digit validation.

use std::borrow::Cow;

use super::{type_mismatch, StaticType, Step};
use crate::compile::Context;
use crate::template::OnInvalid;
use crate::value::{FieldType, Work};

pub(super) fn compile(
    on_invalid: OnInvalid,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    if let Some(field_type @ (FieldType::Boolean | FieldType::Date | FieldType::List)) = input {
        type_mismatch(
            context,
            path,
            "gtin",
            field_type,
            "gtin takes text or a number",
        );
        return None;
    }
    Some((Step::Gtin(on_invalid), Some(FieldType::Text)))
}

pub(super) fn apply<'a>(value: Work<'a>, on_invalid: OnInvalid) -> Result<Work<'a>, String> {
    let text = match &value {
        Work::Absent | Work::Null => return Ok(value),
        Work::Text(text) if crate::whitespace::is_blank(text) => return Ok(Work::Null),
        other => other.as_text().map(Cow::into_owned).unwrap_or_default(),
    };
    match normalise(&text) {
        Ok(code) => Ok(Work::Text(Cow::Owned(code))),
        Err(reason) => match on_invalid {
            OnInvalid::Error => Err(reason),
            OnInvalid::Null => Ok(Work::Null),
        },
    }
}

/// Removes spaces and hyphens, restores the leading zero a spreadsheet drops from an
/// 11-digit UPC-A, and verifies the check digit.
pub(crate) fn normalise(text: &str) -> Result<String, String> {
    let mut digits: String = text
        .chars()
        .filter(|character| !matches!(character, ' ' | '-'))
        .collect();
    if !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err("not a GTIN: only digits, spaces and hyphens are allowed".to_owned());
    }
    if digits.len() == 11 {
        digits.insert(0, '0');
    }
    if ![8, 12, 13, 14].contains(&digits.len()) {
        return Err(format!(
            "not a GTIN: {} digits (expected 8, 11, 12, 13 or 14)",
            digits.len()
        ));
    }
    if !check_digit_valid(&digits) {
        return Err("not a GTIN: the check digit is wrong".to_owned());
    }
    Ok(digits)
}

/// GS1 check digit: weights 3 and 1 alternate from the rightmost payload digit.
fn check_digit_valid(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    let (payload, check) = bytes.split_at(bytes.len() - 1);
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if position % 2 == 0 {
                digit * 3
            } else {
                digit
            }
        })
        .sum();
    (10 - sum % 10) % 10 == u32::from(check[0] - b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_table() {
        let cases = [
            ("6970684277620", Ok("6970684277620")),
            ("036000291452", Ok("036000291452")),
            ("36000291452", Ok("036000291452")),
            ("0 36000-29145 2", Ok("036000291452")),
            ("96385074", Ok("96385074")),
            ("036000291453", Err(())),
            ("12345", Err(())),
            ("ABC000291452", Err(())),
        ];
        for (input, expected) in cases {
            let actual = normalise(input).map_err(|_| ());
            assert_eq!(actual.as_deref().map_err(|_| ()), expected, "{input:?}");
        }
    }

    #[test]
    fn invalid_gtin_can_become_null() {
        let value = Work::Text(Cow::Borrowed("12345"));

        assert_eq!(apply(value, OnInvalid::Null), Ok(Work::Null));
    }

    #[test]
    fn empty_gtin_is_null() {
        assert_eq!(
            apply(Work::Text(Cow::Borrowed("")), OnInvalid::Error),
            Ok(Work::Null)
        );
    }
}
