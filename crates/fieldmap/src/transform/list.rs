//! Split text into a list, join a list into text.

use std::borrow::Cow;

use super::{type_mismatch, StaticType, Step};
use crate::compile::Context;
use crate::diagnostic::Code;
use crate::value::{FieldType, Work};

pub(super) fn compile_split(
    separator: &str,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    if separator.is_empty() {
        context.push(
            Code::InvalidArgument,
            &format!("{path}.separator"),
            "split needs a non-empty separator".to_owned(),
            "give the separator, for example \",\" or \";\"",
        );
        return None;
    }
    if let Some(
        field_type @ (FieldType::List | FieldType::Number | FieldType::Boolean | FieldType::Date),
    ) = input
    {
        type_mismatch(
            context,
            path,
            "split",
            field_type,
            "split takes text; remove it or split before converting",
        );
        return None;
    }
    Some((Step::Split(separator.into()), Some(FieldType::List)))
}

pub(super) fn compile_join(
    separator: &str,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    if let Some(field_type @ (FieldType::Number | FieldType::Boolean | FieldType::Date)) = input {
        type_mismatch(
            context,
            path,
            "join",
            field_type,
            "join takes a list; remove it",
        );
        return None;
    }
    Some((Step::Join(separator.into()), Some(FieldType::Text)))
}

/// Splits text at `separator`, trims each item and drops empty items.
pub(super) fn split<'a>(value: Work<'a>, separator: &str) -> Result<Work<'a>, String> {
    match value {
        Work::Absent | Work::Null | Work::List(_) => Ok(value),
        Work::Text(text) => {
            let items = text
                .split(separator)
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect();
            Ok(Work::List(Cow::Owned(items)))
        }
        other => Err(format!("split takes text, got {}", other.describe())),
    }
}

/// Joins a list with `separator`; text passes unchanged.
pub(super) fn join<'a>(value: Work<'a>, separator: &str) -> Work<'a> {
    match value {
        Work::List(items) => Work::Text(Cow::Owned(items.join(separator))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Work<'static> {
        Work::List(Cow::Owned(
            items.iter().map(|item| item.to_string()).collect(),
        ))
    }

    #[test]
    fn split_table() {
        let cases = [
            ("a, b,c", ",", list(&["a", "b", "c"])),
            ("Air Quality;;Fans", ";", list(&["Air Quality", "Fans"])),
            ("", ",", list(&[])),
            ("one", ",", list(&["one"])),
        ];
        for (input, separator, expected) in cases {
            assert_eq!(
                split(Work::Text(Cow::Borrowed(input)), separator),
                Ok(expected),
                "{input:?}"
            );
        }
    }

    #[test]
    fn join_table() {
        assert_eq!(
            join(list(&["a", "b"]), " | "),
            Work::Text(Cow::Borrowed("a | b"))
        );
        assert_eq!(join(list(&[]), ","), Work::Text(Cow::Borrowed("")));
        assert_eq!(
            join(Work::Text(Cow::Borrowed("x")), ","),
            Work::Text(Cow::Borrowed("x"))
        );
        assert_eq!(join(Work::Absent, ","), Work::Absent);
    }
}
