//! Is empty and is not empty.

use super::Cond;
use crate::compile::Context;
use crate::value::ValueRef;

pub(super) fn compile(
    field: &str,
    expect_empty: bool,
    path: &str,
    context: &mut Context,
) -> Option<Cond> {
    let source = context.source_field(field, &format!("{path}.field"))?;
    Some(Cond::Empty {
        source,
        expect_empty,
    })
}

/// Absent, null, empty or whitespace-only text, and an empty list are empty.
pub(super) fn is_empty(value: ValueRef<'_>) -> bool {
    match value {
        ValueRef::Absent | ValueRef::Null => true,
        ValueRef::Text(text) => crate::whitespace::is_blank(text),
        ValueRef::List(items) => items.is_empty(),
        ValueRef::Number(_) | ValueRef::Boolean(_) | ValueRef::Date(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn is_empty_table() {
        let empty_list: Vec<String> = Vec::new();
        let cases = [
            (ValueRef::Absent, true),
            (ValueRef::Null, true),
            (ValueRef::Text(""), true),
            (ValueRef::Text("  "), true),
            (ValueRef::Text("0"), false),
            (ValueRef::Number(Decimal::ZERO), false),
            (ValueRef::Boolean(false), false),
            (ValueRef::List(&empty_list), true),
        ];
        for (value, expected) in cases {
            assert_eq!(is_empty(value), expected, "{value:?}");
        }
    }
}
