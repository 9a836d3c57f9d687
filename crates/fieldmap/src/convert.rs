//! Conversion of a transformed value to its target field's type.

use std::borrow::Cow;

use crate::number::{parse_boolean, DecimalSeparator};
use crate::transform::date::parse_iso;
use crate::value::{FieldType, Value, Work};

/// Converts a value to `field_type`. `Ok(None)` means the field stays unset.
///
/// Absent stays unset and null stays null for every type. Empty (or blank) text becomes
/// null for number, date and boolean targets and an empty list for list targets.
pub(crate) fn into_target(value: Work<'_>, field_type: FieldType) -> Result<Option<Value>, String> {
    let converted = match (value, field_type) {
        (Work::Absent, _) => return Ok(None),
        (Work::Null, _) => Value::Null,

        (Work::Text(text), FieldType::Text) => Value::Text(text.into_owned()),
        (Work::List(_), FieldType::Text) => {
            return Err("a list cannot fill a text field; add a join transform".to_owned())
        }
        (scalar, FieldType::Text) => {
            Value::Text(scalar.as_text().map(Cow::into_owned).unwrap_or_default())
        }

        (Work::Number(number), FieldType::Number) => Value::Number(number),
        (Work::Text(text), FieldType::Number) => {
            match crate::transform::parse_number_text(&text, DecimalSeparator::Point)? {
                Work::Number(number) => Value::Number(number),
                _ => Value::Null,
            }
        }

        (Work::Date(date), FieldType::Date) => Value::Date(date),
        (Work::Text(text), FieldType::Date) if text.trim().is_empty() => Value::Null,
        (Work::Text(text), FieldType::Date) => match parse_iso(text.trim()) {
            Some(date) => Value::Date(date),
            None => {
                return Err(
                    "not an ISO 8601 date; add a parse_date transform with the feed's format"
                        .to_owned(),
                )
            }
        },

        (Work::Boolean(flag), FieldType::Boolean) => Value::Boolean(flag),
        (Work::Text(text), FieldType::Boolean) if text.trim().is_empty() => Value::Null,
        (Work::Text(text), FieldType::Boolean) => match parse_boolean(&text) {
            Some(flag) => Value::Boolean(flag),
            None => return Err("not a boolean (expected true/false, yes/no, y/n, 1/0)".to_owned()),
        },

        (Work::List(items), FieldType::List) => Value::List(items.into_owned()),
        (Work::Text(text), FieldType::List) if text.is_empty() => Value::List(Vec::new()),
        (Work::Text(text), FieldType::List) => Value::List(vec![text.into_owned()]),

        (other, field_type) => {
            let from = match other {
                Work::Number(_) => "number",
                Work::Boolean(_) => "boolean",
                Work::Date(_) => "date",
                Work::List(_) => "list",
                _ => "value",
            };
            return Err(format!("a {from} cannot fill a {field_type} field"));
        }
    };
    Ok(Some(converted))
}

/// Whether a converted value counts as empty for a required field.
pub(crate) fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Text(text)) => crate::whitespace::is_blank(text),
        Some(Value::List(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// Whether a value of `from` can become `to`, as far as compile time can tell.
pub(crate) fn convertible(from: FieldType, to: FieldType) -> bool {
    from == to || from == FieldType::Text || (to == FieldType::Text && from != FieldType::List)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn text(input: &str) -> Work<'_> {
        Work::Text(Cow::Borrowed(input))
    }

    #[test]
    fn text_to_number_table() {
        assert_eq!(
            into_target(text("$1,249.99"), FieldType::Number),
            Ok(Some(Value::Number(Decimal::new(124999, 2))))
        );
        assert_eq!(
            into_target(text(" 7.5 "), FieldType::Number),
            Ok(Some(Value::Number(Decimal::new(75, 1))))
        );
        assert_eq!(
            into_target(text(""), FieldType::Number),
            Ok(Some(Value::Null))
        );
        assert!(into_target(text("1.249,99"), FieldType::Number).is_err());
        assert!(into_target(text("N/A"), FieldType::Number).is_err());
    }

    #[test]
    fn absent_stays_unset() {
        assert_eq!(into_target(Work::Absent, FieldType::Number), Ok(None));
        assert_eq!(into_target(Work::Absent, FieldType::Text), Ok(None));
    }

    #[test]
    fn null_stays_null() {
        assert_eq!(
            into_target(Work::Null, FieldType::Text),
            Ok(Some(Value::Null))
        );
    }

    #[test]
    fn empty_text_stays_text() {
        assert_eq!(
            into_target(text(""), FieldType::Text),
            Ok(Some(Value::Text(String::new())))
        );
    }

    #[test]
    fn date_keeps_precision() {
        let date = into_target(text("2026-06-11"), FieldType::Date)
            .unwrap()
            .unwrap();
        let offset = into_target(text("2026-06-11T14:30:00-05:00"), FieldType::Date)
            .unwrap()
            .unwrap();

        assert_eq!(date.to_string(), "2026-06-11");
        assert_eq!(offset.to_string(), "2026-06-11T14:30:00-05:00");
    }

    #[test]
    fn text_to_boolean_table() {
        assert_eq!(
            into_target(text("Y"), FieldType::Boolean),
            Ok(Some(Value::Boolean(true)))
        );
        assert_eq!(
            into_target(text(""), FieldType::Boolean),
            Ok(Some(Value::Null))
        );
        assert!(into_target(text("maybe"), FieldType::Boolean).is_err());
    }

    #[test]
    fn list_to_text_is_error() {
        let list = Work::List(Cow::Owned(vec!["a".into()]));

        assert!(into_target(list, FieldType::Text).is_err());
    }
}
