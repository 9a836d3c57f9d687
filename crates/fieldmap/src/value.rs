//! Field types, owned output values and borrowed input values.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The type of a source or target field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Unicode text.
    Text,
    /// A decimal number (`rust_decimal::Decimal`), never binary floating point.
    Number,
    /// A calendar date, a local date and time, or a date and time with its UTC offset.
    Date,
    /// `true` or `false`.
    Boolean,
    /// A list of text items.
    List,
}

impl FieldType {
    /// Returns the lower-case name used in templates and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Boolean => "boolean",
            FieldType::List => "list",
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A date value that keeps exactly the precision its input had.
///
/// A date-only input stays a [`DateValue::Date`], a time without offset stays
/// [`DateValue::Local`], and an input with an offset keeps that offset in
/// [`DateValue::Offset`]; nothing is shifted to another zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// A calendar date without time.
    Date(NaiveDate),
    /// A date and time without a UTC offset.
    Local(NaiveDateTime),
    /// A date and time with the UTC offset it was written with.
    Offset(DateTime<FixedOffset>),
}

impl fmt::Display for DateValue {
    /// Formats as ISO 8601: `2026-06-11`, `2026-06-11T14:30:00` or
    /// `2026-06-11T14:30:00-05:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateValue::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            DateValue::Local(time) => write!(f, "{}", time.format("%Y-%m-%dT%H:%M:%S%.f")),
            DateValue::Offset(time) => write!(f, "{}", time.format("%Y-%m-%dT%H:%M:%S%.f%:z")),
        }
    }
}

/// An owned value of a mapped record.
///
/// A target field that no mapping set at all is absent from the record (see
/// [`crate::MappedRecord::get`]); `Null` is an explicit "no value", for example a MAP of 0
/// that a rule turned into "no minimum advertised price".
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An explicit empty value.
    Null,
    /// Text.
    Text(String),
    /// A decimal number.
    Number(Decimal),
    /// A boolean.
    Boolean(bool),
    /// A date, local date and time, or date and time with offset.
    Date(DateValue),
    /// A list of text items.
    List(Vec<String>),
}

impl Value {
    /// Returns the value's type, or `None` for `Null`.
    pub fn field_type(&self) -> Option<FieldType> {
        match self {
            Value::Null => None,
            Value::Text(_) => Some(FieldType::Text),
            Value::Number(_) => Some(FieldType::Number),
            Value::Boolean(_) => Some(FieldType::Boolean),
            Value::Date(_) => Some(FieldType::Date),
            Value::List(_) => Some(FieldType::List),
        }
    }

    /// Returns the text if this is a `Text` value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Returns the number if this is a `Number` value.
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(number) => Some(*number),
            _ => None,
        }
    }

    /// Borrows this value as an input value, so mapped output can feed another plan.
    pub fn as_value_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Text(text) => ValueRef::Text(text),
            Value::Number(number) => ValueRef::Number(*number),
            Value::Boolean(flag) => ValueRef::Boolean(*flag),
            Value::Date(date) => ValueRef::Date(*date),
            Value::List(items) => ValueRef::List(items),
        }
    }

    /// Converts to JSON: numbers become strings so no precision is lost, dates become
    /// ISO 8601 strings.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Text(text) => serde_json::Value::String(text.clone()),
            Value::Number(number) => serde_json::Value::String(number.to_string()),
            Value::Boolean(flag) => serde_json::Value::Bool(*flag),
            Value::Date(date) => serde_json::Value::String(date.to_string()),
            Value::List(items) => serde_json::Value::Array(
                items
                    .iter()
                    .map(|item| serde_json::Value::String(item.clone()))
                    .collect(),
            ),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Text(text) => f.write_str(text),
            Value::Number(number) => write!(f, "{number}"),
            Value::Boolean(flag) => write!(f, "{flag}"),
            Value::Date(date) => write!(f, "{date}"),
            Value::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

/// A borrowed value of a source record, as a [`crate::Record`] hands it to a plan.
///
/// `Absent` means the record has no such field at all (a short CSV row, a JSON object
/// without the key); `Null` means the field is present and explicitly empty (JSON
/// `null`); `Text("")` is present and empty text, which is what an empty CSV cell is.
/// The mapping kinds treat the three differently; `docs/mapping.md` has the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// The record has no such field.
    Absent,
    /// The field is present with no value.
    Null,
    /// Text, possibly empty.
    Text(&'a str),
    /// A decimal number.
    Number(Decimal),
    /// A boolean.
    Boolean(bool),
    /// A date value.
    Date(DateValue),
    /// A list of text items.
    List(&'a [String]),
}

impl<'a> From<&'a str> for ValueRef<'a> {
    fn from(text: &'a str) -> Self {
        ValueRef::Text(text)
    }
}

/// A value while it moves through a transform chain: borrowed text stays borrowed until
/// a transform has to change it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Work<'a> {
    Absent,
    Null,
    Text(Cow<'a, str>),
    Number(Decimal),
    Boolean(bool),
    Date(DateValue),
    List(Cow<'a, [String]>),
}

impl<'a> Work<'a> {
    pub(crate) fn from_ref(value: ValueRef<'a>) -> Self {
        match value {
            ValueRef::Absent => Work::Absent,
            ValueRef::Null => Work::Null,
            ValueRef::Text(text) => Work::Text(Cow::Borrowed(text)),
            ValueRef::Number(number) => Work::Number(number),
            ValueRef::Boolean(flag) => Work::Boolean(flag),
            ValueRef::Date(date) => Work::Date(date),
            ValueRef::List(items) => Work::List(Cow::Borrowed(items)),
        }
    }

    pub(crate) fn from_value(value: &Value) -> Work<'static> {
        match value {
            Value::Null => Work::Null,
            Value::Text(text) => Work::Text(Cow::Owned(text.clone())),
            Value::Number(number) => Work::Number(*number),
            Value::Boolean(flag) => Work::Boolean(*flag),
            Value::Date(date) => Work::Date(*date),
            Value::List(items) => Work::List(Cow::Owned(items.clone())),
        }
    }

    /// True for absent, null, empty text and an empty list.
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Work::Absent | Work::Null => true,
            Work::Text(text) => text.is_empty(),
            Work::List(items) => items.is_empty(),
            Work::Number(_) | Work::Boolean(_) | Work::Date(_) => false,
        }
    }

    /// Returns the value as text, or `None` for absent, null and lists.
    pub(crate) fn as_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Work::Absent | Work::Null | Work::List(_) => None,
            Work::Text(text) => Some(Cow::Borrowed(text.as_ref())),
            Work::Number(number) => Some(Cow::Owned(number.to_string())),
            Work::Boolean(flag) => Some(Cow::Borrowed(if *flag { "true" } else { "false" })),
            Work::Date(date) => Some(Cow::Owned(date.to_string())),
        }
    }

    /// Describes the value for an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Work::Absent => "(absent)".to_owned(),
            Work::Null => "null".to_owned(),
            Work::Text(text) => text.to_string(),
            Work::Number(number) => number.to_string(),
            Work::Boolean(flag) => flag.to_string(),
            Work::Date(date) => date.to_string(),
            Work::List(items) => format!("[{}]", items.join(", ")),
        }
    }
}
