//! Default if empty: fill absent, null, empty text and empty lists with a constant.

use super::{StaticType, Step};
use crate::compile::Context;
use crate::diagnostic::Code;
use crate::literal;
use crate::template::Literal;
use crate::value::{Value, Work};

pub(super) fn compile(
    value: &Literal,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    let converted = match input {
        Some(field_type) => literal::to_value(value, field_type),
        None => literal::untyped(value),
    };
    match converted {
        Ok(default) => {
            let output = input.or_else(|| default.field_type());
            Some((Step::DefaultIfEmpty(default), output))
        }
        Err(reason) => {
            context.push(
                Code::InvalidConstant,
                &format!("{path}.value"),
                format!("invalid default {value}: {reason}"),
                "give a default of the value's type",
            );
            None
        }
    }
}

pub(super) fn apply<'a>(value: Work<'a>, default: &Value) -> Work<'a> {
    if value.is_empty() {
        Work::from_value(default)
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn default_if_empty_table() {
        let default = Value::Text("n/a".into());
        let cases = [
            (Work::Absent, Work::Text(Cow::Borrowed("n/a"))),
            (Work::Null, Work::Text(Cow::Borrowed("n/a"))),
            (
                Work::Text(Cow::Borrowed("")),
                Work::Text(Cow::Borrowed("n/a")),
            ),
            (
                Work::List(Cow::Owned(vec![])),
                Work::Text(Cow::Borrowed("n/a")),
            ),
            (
                Work::Text(Cow::Borrowed(" ")),
                Work::Text(Cow::Borrowed(" ")),
            ),
            (
                Work::Text(Cow::Borrowed("x")),
                Work::Text(Cow::Borrowed("x")),
            ),
        ];
        for (input, expected) in cases {
            let label = format!("{input:?}");
            assert_eq!(apply(input, &default), expected, "{label}");
        }
    }
}
