//! Equals, not equals, contains, starts with, ends with and in list.
//!
//! Absent, null and lists of no matching item make every one of these false, except
//! not equals, which is the negation of equals.

use super::{fold_case, scalar_text, Cond};
use crate::compile::Context;
use crate::value::ValueRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextOp {
    Equals,
    NotEquals,
    Contains,
    StartsWith,
    EndsWith,
}

pub(super) fn compile(
    op: TextOp,
    field: &str,
    value: &str,
    case_insensitive: bool,
    path: &str,
    context: &mut Context,
) -> Option<Cond> {
    let source = context.source_field(field, &format!("{path}.field"))?;
    let needle = if case_insensitive {
        fold_case(value).into_owned()
    } else {
        value.to_owned()
    };
    Some(Cond::Text {
        source,
        op,
        needle: needle.into(),
        case_insensitive,
    })
}

pub(super) fn compile_in_list(
    field: &str,
    values: &[String],
    case_insensitive: bool,
    path: &str,
    context: &mut Context,
) -> Option<Cond> {
    let source = context.source_field(field, &format!("{path}.field"))?;
    let values = values
        .iter()
        .map(|value| {
            if case_insensitive {
                fold_case(value).into_owned().into()
            } else {
                value.as_str().into()
            }
        })
        .collect();
    Some(Cond::InList {
        source,
        values,
        case_insensitive,
    })
}

pub(super) fn holds(value: ValueRef<'_>, op: TextOp, needle: &str, case_insensitive: bool) -> bool {
    if op == TextOp::NotEquals {
        return !holds(value, TextOp::Equals, needle, case_insensitive);
    }
    if let ValueRef::List(items) = value {
        return items
            .iter()
            .any(|item| compare(item, op, needle, case_insensitive));
    }
    match scalar_text(value) {
        Some(text) => compare(&text, op, needle, case_insensitive),
        None => false,
    }
}

fn compare(text: &str, op: TextOp, needle: &str, case_insensitive: bool) -> bool {
    let text = if case_insensitive {
        fold_case(text)
    } else {
        text.into()
    };
    match op {
        TextOp::Equals => text == needle,
        TextOp::NotEquals => text != needle,
        // The length check skips building a substring searcher for a text too short to
        // contain the needle, such as an empty notes column.
        TextOp::Contains => text.len() >= needle.len() && text.contains(needle),
        TextOp::StartsWith => text.starts_with(needle),
        TextOp::EndsWith => text.ends_with(needle),
    }
}

pub(super) fn in_list(value: ValueRef<'_>, values: &[Box<str>], case_insensitive: bool) -> bool {
    values
        .iter()
        .any(|candidate| holds(value, TextOp::Equals, candidate, case_insensitive))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn text_ops_table() {
        let list = vec!["Air Quality".to_owned(), "Fans".to_owned()];
        let cases = [
            (ValueRef::Text("N"), TextOp::Equals, "N", false, true),
            (ValueRef::Text("n"), TextOp::Equals, "N", false, false),
            (ValueRef::Text("n"), TextOp::Equals, "n", true, true),
            (ValueRef::Text("Y"), TextOp::NotEquals, "N", false, true),
            (ValueRef::Absent, TextOp::NotEquals, "N", false, true),
            (ValueRef::Absent, TextOp::Equals, "N", false, false),
            (ValueRef::Null, TextOp::Contains, "", false, false),
            (
                ValueRef::Text("Item is DISCONTINUED"),
                TextOp::Contains,
                "discontinued",
                true,
                true,
            ),
            (
                ValueRef::Text("Item is DISCONTINUED"),
                TextOp::Contains,
                "discontinued",
                false,
                false,
            ),
            (
                ValueRef::Text("1KSK02"),
                TextOp::StartsWith,
                "1KS",
                false,
                true,
            ),
            (
                ValueRef::Text("OHUHU (R)"),
                TextOp::EndsWith,
                "(r)",
                true,
                true,
            ),
            (
                ValueRef::Number(Decimal::new(0, 0)),
                TextOp::Equals,
                "0",
                false,
                true,
            ),
            (ValueRef::Boolean(true), TextOp::Equals, "true", false, true),
            (ValueRef::List(&list), TextOp::Equals, "fans", true, true),
            (
                ValueRef::List(&list),
                TextOp::Contains,
                "Heat",
                false,
                false,
            ),
        ];
        for (value, op, needle, case_insensitive, expected) in cases {
            let needle = if case_insensitive {
                fold_case(needle).into_owned()
            } else {
                needle.to_owned()
            };
            assert_eq!(
                holds(value, op, &needle, case_insensitive),
                expected,
                "{value:?} {op:?} {needle:?}"
            );
        }
    }

    #[test]
    fn in_list_table() {
        let values: Vec<Box<str>> = vec!["y".into(), "yes".into()];

        assert!(in_list(ValueRef::Text("YES"), &values, true));
        assert!(!in_list(ValueRef::Text("YES"), &values, false));
        assert!(!in_list(ValueRef::Absent, &values, true));
    }
}
