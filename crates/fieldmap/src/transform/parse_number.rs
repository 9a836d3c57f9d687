//! Parse number: text with currency signs and thousands separators to a decimal.

use super::{type_mismatch, StaticType, Step};
use crate::compile::Context;
use crate::number::{parse_decimal, DecimalSeparator, NumberError};
use crate::template::Separator;
use crate::value::{FieldType, Work};

pub(super) fn compile(
    separator: Separator,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    if let Some(field_type @ (FieldType::Boolean | FieldType::Date | FieldType::List)) = input {
        type_mismatch(
            context,
            path,
            "parse_number",
            field_type,
            "parse_number takes text",
        );
        return None;
    }
    let separator = match separator {
        Separator::Point => DecimalSeparator::Point,
        Separator::Comma => DecimalSeparator::Comma,
    };
    Some((Step::ParseNumber(separator), Some(FieldType::Number)))
}

/// Parses text; empty text becomes null, a number passes, anything else is an error
/// that names the expected form.
pub(super) fn apply<'a>(value: Work<'a>, separator: DecimalSeparator) -> Result<Work<'a>, String> {
    match value {
        Work::Absent | Work::Null | Work::Number(_) => Ok(value),
        Work::Text(text) => parse_text(&text, separator),
        other => Err(format!("{} is not a number", other.describe())),
    }
}

pub(crate) fn parse_text<'a>(text: &str, separator: DecimalSeparator) -> Result<Work<'a>, String> {
    match parse_decimal(text, separator) {
        Ok(number) => Ok(Work::Number(number)),
        Err(NumberError::Empty) => Ok(Work::Null),
        Err(NumberError::Invalid) => Err(match separator {
            DecimalSeparator::Point => "not a number: expected digits with an optional sign, $, comma thousands separators and a decimal point".to_owned(),
            DecimalSeparator::Comma => "not a number: expected digits with an optional sign, currency sign, point thousands separators and a decimal comma".to_owned(),
        }),
        Err(NumberError::TooLarge) => Err("number too large or too precise for a decimal".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::borrow::Cow;
    use std::str::FromStr;

    fn text(input: &str) -> Work<'_> {
        Work::Text(Cow::Borrowed(input))
    }

    fn number(input: &str) -> Work<'static> {
        Work::Number(Decimal::from_str(input).unwrap())
    }

    #[test]
    fn parse_number_us_table() {
        let cases = [
            ("$1,249.99", Ok(number("1249.99"))),
            (" 7.5 ", Ok(number("7.5"))),
            ("", Ok(Work::Null)),
            ("0", Ok(number("0"))),
        ];
        for (input, expected) in cases {
            assert_eq!(
                apply(text(input), DecimalSeparator::Point),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn parse_number_rejects_european_under_us() {
        assert!(apply(text("1.249,99"), DecimalSeparator::Point).is_err());
    }

    #[test]
    fn parse_number_rejects_not_available() {
        assert!(apply(text("N/A"), DecimalSeparator::Point).is_err());
    }

    #[test]
    fn parse_number_comma_separator() {
        assert_eq!(
            apply(text("1.249,99"), DecimalSeparator::Comma),
            Ok(number("1249.99"))
        );
    }

    #[test]
    fn parse_number_passes_absent() {
        assert_eq!(
            apply(Work::Absent, DecimalSeparator::Point),
            Ok(Work::Absent)
        );
    }
}
