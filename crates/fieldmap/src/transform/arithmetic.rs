//! Round, multiply, add, percent markup and clamp on decimal numbers.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{type_mismatch, StaticType, Step};
use crate::compile::Context;
use crate::diagnostic::Code;
use crate::literal;
use crate::number::{parse_decimal, DecimalSeparator, NumberError};
use crate::template::NumberArg;
use crate::value::{FieldType, Work};

/// `Decimal` holds at most 28 fractional digits.
const MAX_PLACES: u32 = 28;

/// Checks that a number transform gets text or a number.
fn check_input(op: &str, input: StaticType, path: &str, context: &mut Context) -> bool {
    match input {
        Some(field_type @ (FieldType::Boolean | FieldType::Date | FieldType::List)) => {
            type_mismatch(
                context,
                path,
                op,
                field_type,
                "number transforms take a number or numeric text",
            );
            false
        }
        _ => true,
    }
}

pub(super) fn compile_round(
    places: u32,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    if places > MAX_PLACES {
        context.push(
            Code::InvalidArgument,
            &format!("{path}.places"),
            format!("round to {places} places exceeds the {MAX_PLACES} a decimal holds"),
            "give places between 0 and 28",
        );
        return None;
    }
    check_input("round", input, path, context)
        .then_some((Step::Round(places), Some(FieldType::Number)))
}

/// Checks the input type and parses a number argument named `name`.
pub(super) fn compile_with_number(
    argument: &NumberArg,
    name: &str,
    op: &str,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<Decimal> {
    let number = number_argument(argument, name, path, context);
    if check_input(op, input, path, context) {
        number
    } else {
        None
    }
}

pub(super) fn compile_clamp(
    min: Option<&NumberArg>,
    max: Option<&NumberArg>,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    let min_value = min.map(|min| number_argument(min, "min", path, context));
    let max_value = max.map(|max| number_argument(max, "max", path, context));
    if matches!(min_value, Some(None)) || matches!(max_value, Some(None)) {
        return None;
    }
    let (min_value, max_value) = (min_value.flatten(), max_value.flatten());

    if let (Some(low), Some(high)) = (min_value, max_value) {
        if low > high {
            context.push(
                Code::InvalidArgument,
                path,
                format!("clamp min {low} is greater than max {high}"),
                "swap min and max",
            );
            return None;
        }
    }
    let step = Step::Clamp {
        min: min_value,
        max: max_value,
    };
    check_input("clamp", input, path, context).then_some((step, Some(FieldType::Number)))
}

fn number_argument(
    argument: &NumberArg,
    name: &str,
    path: &str,
    context: &mut Context,
) -> Option<Decimal> {
    match literal::number_arg(argument) {
        Ok(number) => Some(number),
        Err(reason) => {
            context.push(
                Code::InvalidArgument,
                &format!("{path}.{name}"),
                format!("`{name}` is not a number: {reason}"),
                "write a decimal number such as 1.5 or \"1.5\"",
            );
            None
        }
    }
}

/// Applies a number function. Text is read as a US-style number first; empty text
/// becomes null; absent and null pass through.
pub(super) fn apply<'a, F>(value: Work<'a>, function: F) -> Result<Work<'a>, String>
where
    F: Fn(Decimal) -> Result<Decimal, String>,
{
    let number = match value {
        Work::Absent | Work::Null => return Ok(value),
        Work::Number(number) => number,
        Work::Text(text) => match parse_decimal(&text, DecimalSeparator::Point) {
            Ok(number) => number,
            Err(NumberError::Empty) => return Ok(Work::Null),
            Err(_) => return Err(format!("{:?} is not a number", text.as_ref())),
        },
        other => return Err(format!("{} is not a number", other.describe())),
    };
    function(number).map(Work::Number)
}

/// Rounds half away from zero, as prices are usually rounded.
pub(super) fn round(number: Decimal, places: u32) -> Decimal {
    number.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

pub(super) fn multiply(number: Decimal, factor: Decimal) -> Result<Decimal, String> {
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("{number} × {factor} overflows a decimal"))
}

pub(super) fn add(number: Decimal, addend: Decimal) -> Result<Decimal, String> {
    number
        .checked_add(addend)
        .ok_or_else(|| format!("{number} + {addend} overflows a decimal"))
}

pub(super) fn percent_markup(number: Decimal, percent: Decimal) -> Result<Decimal, String> {
    let factor = Decimal::ONE + percent / Decimal::ONE_HUNDRED;
    multiply(number, factor)
}

pub(super) fn clamp(number: Decimal, min: Option<Decimal>, max: Option<Decimal>) -> Decimal {
    let raised = min.map_or(number, |min| number.max(min));
    max.map_or(raised, |max| raised.min(max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn round_table() {
        let cases = [
            ("2.345", 2, "2.35"),
            ("-2.345", 2, "-2.35"),
            ("2.344", 2, "2.34"),
            ("10", 2, "10"),
            ("0.5", 0, "1"),
        ];
        for (input, places, expected) in cases {
            assert_eq!(
                round(dec(input), places),
                dec(expected),
                "{input} to {places}"
            );
        }
    }

    #[test]
    fn multiply_add_markup_table() {
        assert_eq!(multiply(dec("91.99"), dec("1.2")), Ok(dec("110.388")));
        assert_eq!(add(dec("91.99"), dec("-1.99")), Ok(dec("90.00")));
        assert_eq!(percent_markup(dec("80"), dec("25")), Ok(dec("100")));
        assert_eq!(percent_markup(dec("20.99"), dec("0")), Ok(dec("20.99")));
    }

    #[test]
    fn multiply_overflow_is_error() {
        assert!(multiply(Decimal::MAX, dec("2")).is_err());
    }

    #[test]
    fn clamp_table() {
        let cases = [
            ("5", Some("0"), Some("10"), "5"),
            ("-1", Some("0"), None, "0"),
            ("99", None, Some("10"), "10"),
            ("3", None, None, "3"),
        ];
        for (input, min, max, expected) in cases {
            assert_eq!(
                clamp(dec(input), min.map(dec), max.map(dec)),
                dec(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn apply_reads_text_and_passes_null() {
        let doubled = |number: Decimal| multiply(number, dec("2"));

        assert_eq!(
            apply(Work::Text(Cow::Borrowed("$1,000.50")), doubled),
            Ok(Work::Number(dec("2001.00")))
        );
        assert_eq!(
            apply(Work::Text(Cow::Borrowed("")), doubled),
            Ok(Work::Null)
        );
        assert_eq!(apply(Work::Absent, doubled), Ok(Work::Absent));
        assert!(apply(Work::Text(Cow::Borrowed("N/A")), doubled).is_err());
    }
}
