//! Parse date and format date, with the format compiled once.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::format::{Fixed, Item, Numeric, Parsed, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

use super::{type_mismatch, StaticType, Step};
use crate::compile::Context;
use crate::diagnostic::Code;
use crate::value::{DateValue, FieldType, Work};

/// The keyword that selects ISO 8601 instead of a `strftime` pattern.
pub(crate) const ISO_8601: &str = "iso8601";

/// The precision a pattern produces, which follows from the fields it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precision {
    Date,
    Local,
    Offset,
}

/// A compiled date format.
#[derive(Debug, Clone)]
pub(crate) enum DateFormat {
    /// `2026-06-11`, `2026-06-11T14:30:00` (or with a space) or RFC 3339 with offset.
    Iso,
    /// A `strftime` pattern, parsed into chrono items at compile time.
    Pattern {
        items: Vec<Item<'static>>,
        precision: Precision,
    },
}

impl DateFormat {
    pub(crate) fn compile(format: &str) -> Result<Self, String> {
        if format.eq_ignore_ascii_case(ISO_8601) {
            return Ok(DateFormat::Iso);
        }
        if format.trim().is_empty() {
            return Err("the format is empty".to_owned());
        }
        let items = StrftimeItems::new(format)
            .parse_to_owned()
            .map_err(|error| format!("{format:?} is not a strftime format: {error}"))?;
        let precision = precision_of(&items);
        Ok(DateFormat::Pattern { items, precision })
    }
}

fn precision_of(items: &[Item<'_>]) -> Precision {
    let mut precision = Precision::Date;
    for item in items {
        match item {
            Item::Fixed(
                Fixed::TimezoneOffset
                | Fixed::TimezoneOffsetColon
                | Fixed::TimezoneOffsetColonZ
                | Fixed::TimezoneOffsetZ
                | Fixed::RFC3339
                | Fixed::RFC2822,
            ) => {
                return Precision::Offset;
            }
            Item::Numeric(
                Numeric::Hour
                | Numeric::Hour12
                | Numeric::Minute
                | Numeric::Second
                | Numeric::Timestamp,
                _,
            ) => {
                precision = Precision::Local;
            }
            _ => {}
        }
    }
    precision
}

pub(super) fn compile_parse(
    format: &str,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    let compiled = compile_date_step(
        format,
        input,
        path,
        context,
        "parse_date",
        "parse_date takes text",
    )?;
    Some((Step::ParseDate(compiled), Some(FieldType::Date)))
}

pub(super) fn compile_format(
    format: &str,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    let hint = "format_date takes a date; add parse_date before it";
    let compiled = compile_date_step(format, input, path, context, "format_date", hint)?;
    Some((Step::FormatDate(compiled), Some(FieldType::Text)))
}

/// Compiles the format and checks that the input can be text or a date.
fn compile_date_step(
    format: &str,
    input: StaticType,
    path: &str,
    context: &mut Context,
    op: &str,
    hint: &str,
) -> Option<DateFormat> {
    let compiled = compile_format_argument(format, path, context)?;
    if let Some(field_type @ (FieldType::Number | FieldType::Boolean | FieldType::List)) = input {
        type_mismatch(context, path, op, field_type, hint);
        return None;
    }
    Some(compiled)
}

fn compile_format_argument(format: &str, path: &str, context: &mut Context) -> Option<DateFormat> {
    match DateFormat::compile(format) {
        Ok(compiled) => Some(compiled),
        Err(reason) => {
            context.push(
                Code::InvalidDateFormat,
                &format!("{path}.format"),
                reason,
                "use strftime fields such as %Y-%m-%d, %m/%d/%Y %H:%M or %Y-%m-%dT%H:%M:%S%:z, or \"iso8601\"",
            );
            None
        }
    }
}

/// Parses text as a date; empty text becomes null, a date passes.
pub(super) fn parse<'a>(value: Work<'a>, format: &DateFormat) -> Result<Work<'a>, String> {
    match value {
        Work::Absent | Work::Null | Work::Date(_) => Ok(value),
        Work::Text(text) if text.trim().is_empty() => Ok(Work::Null),
        Work::Text(text) => parse_text(text.trim(), format).map(Work::Date),
        other => Err(format!("{} is not a date", other.describe())),
    }
}

pub(crate) fn parse_text(text: &str, format: &DateFormat) -> Result<DateValue, String> {
    match format {
        DateFormat::Iso => parse_iso(text).ok_or_else(|| "not an ISO 8601 date (expected 2026-06-11, 2026-06-11T14:30:00 or 2026-06-11T14:30:00-05:00)".to_owned()),
        DateFormat::Pattern { items, precision } => {
            let mut parsed = Parsed::new();
            chrono::format::parse(&mut parsed, text, items.iter()).map_err(|error| format!("does not match the date format: {error}"))?;
            let value = match precision {
                Precision::Offset => parsed.to_datetime().map(DateValue::Offset),
                Precision::Local => parsed.to_naive_datetime_with_offset(0).map(DateValue::Local),
                Precision::Date => parsed.to_naive_date().map(DateValue::Date),
            };
            value.map_err(|error| format!("not a valid date: {error}"))
        }
    }
}

/// Parses ISO 8601 at the precision the text has: date, local date-time or date-time
/// with offset (`Z` counts as an offset of zero).
pub(crate) fn parse_iso(text: &str) -> Option<DateValue> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(DateValue::Offset(time));
    }
    for pattern in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(text, pattern) {
            return Some(DateValue::Local(time));
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(DateValue::Date)
}

/// Formats a date; text is read as ISO 8601 first.
pub(super) fn format<'a>(value: Work<'a>, format: &DateFormat) -> Result<Work<'a>, String> {
    let date = match value {
        Work::Absent | Work::Null => return Ok(value),
        Work::Date(date) => date,
        Work::Text(ref text) if text.trim().is_empty() => return Ok(Work::Null),
        Work::Text(ref text) => parse_iso(text.trim())
            .ok_or_else(|| format!("{:?} is not an ISO 8601 date", text.as_ref()))?,
        other => return Err(format!("{} is not a date", other.describe())),
    };
    format_date(date, format).map(|text| Work::Text(Cow::Owned(text)))
}

fn format_date(date: DateValue, format: &DateFormat) -> Result<String, String> {
    let DateFormat::Pattern { items, .. } = format else {
        return Ok(date.to_string());
    };
    let mut output = String::new();
    let written = match date {
        DateValue::Date(day) => write!(output, "{}", day.format_with_items(items.iter())),
        DateValue::Local(time) => write!(output, "{}", time.format_with_items(items.iter())),
        DateValue::Offset(time) => write!(output, "{}", time.format_with_items(items.iter())),
    };
    // chrono reports a field the value lacks (a time on a date, an offset on a local
    // time) as a formatting error.
    written.map_err(|_| format!("{date} lacks a field the date format needs"))?;
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(input: &str) -> Work<'_> {
        Work::Text(Cow::Borrowed(input))
    }

    fn parsed(input: &str, format: &str) -> Result<String, String> {
        let format = DateFormat::compile(format).unwrap();
        match parse(text(input), &format)? {
            Work::Date(date) => Ok(date.to_string()),
            other => Ok(other.describe()),
        }
    }

    #[test]
    fn parse_date_table() {
        let cases = [
            ("2026-06-11", "iso8601", "2026-06-11"),
            ("2026-06-11T14:30:00", "iso8601", "2026-06-11T14:30:00"),
            (
                "2026-06-11T14:30:00-05:00",
                "iso8601",
                "2026-06-11T14:30:00-05:00",
            ),
            (
                "2026-06-11T19:30:00Z",
                "iso8601",
                "2026-06-11T19:30:00+00:00",
            ),
            ("06/11/2026", "%m/%d/%Y", "2026-06-11"),
            (
                "06/11/2026 2:30 PM",
                "%m/%d/%Y %I:%M %p",
                "2026-06-11T14:30:00",
            ),
            (
                "2026-06-11 14:30 +0530",
                "%Y-%m-%d %H:%M %z",
                "2026-06-11T14:30:00+05:30",
            ),
            ("", "%m/%d/%Y", "null"),
        ];
        for (input, format, expected) in cases {
            assert_eq!(
                parsed(input, format).as_deref(),
                Ok(expected),
                "{input:?} with {format}"
            );
        }
    }

    #[test]
    fn parse_date_rejects_mismatch() {
        assert!(parsed("11.06.2026", "%m/%d/%Y").is_err());
        assert!(parsed("2026-02-30", "iso8601").is_err());
        assert!(parsed("N/A", "iso8601").is_err());
    }

    #[test]
    fn format_date_table() {
        let date = DateValue::Date(NaiveDate::from_ymd_opt(2026, 6, 11).unwrap());
        let offset =
            DateValue::Offset(DateTime::parse_from_rfc3339("2026-06-11T14:30:00-05:00").unwrap());
        let cases = [
            (date, "%m/%d/%Y", Ok("06/11/2026".to_owned())),
            (date, "iso8601", Ok("2026-06-11".to_owned())),
            (
                offset,
                "%Y-%m-%d %H:%M %:z",
                Ok("2026-06-11 14:30 -05:00".to_owned()),
            ),
            (offset, "%Y-%m-%d", Ok("2026-06-11".to_owned())),
        ];
        for (value, format, expected) in cases {
            assert_eq!(
                format_date(value, &DateFormat::compile(format).unwrap()),
                expected,
                "{value} with {format}"
            );
        }
    }

    #[test]
    fn format_time_of_date_is_error() {
        let date = DateValue::Date(NaiveDate::from_ymd_opt(2026, 6, 11).unwrap());
        let format = DateFormat::compile("%H:%M").unwrap();

        assert!(format_date(date, &format).is_err());
    }

    #[test]
    fn invalid_format_rejected() {
        assert!(DateFormat::compile("%Q").is_err());
        assert!(DateFormat::compile("").is_err());
    }
}
