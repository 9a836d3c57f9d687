//! Matches: a regular expression compiled once.

use regex::Regex;

use super::{scalar_text, Cond};
use crate::compile::Context;
use crate::value::ValueRef;

pub(super) fn compile(
    field: &str,
    pattern: &str,
    case_insensitive: bool,
    path: &str,
    context: &mut Context,
) -> Option<Cond> {
    let source = context.source_field(field, &format!("{path}.field"));
    let regex = context.regex(pattern, case_insensitive, &format!("{path}.pattern"));
    Some(Cond::Matches {
        source: source?,
        regex: regex?,
    })
}

/// A list matches when any item matches; absent and null never match.
pub(super) fn holds(value: ValueRef<'_>, regex: &Regex) -> bool {
    if let ValueRef::List(items) = value {
        return items.iter().any(|item| regex.is_match(item));
    }
    scalar_text(value).is_some_and(|text| regex.is_match(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_table() {
        let discontinued = regex::RegexBuilder::new(r"\bdiscontinued\b")
            .case_insensitive(true)
            .build()
            .unwrap();
        let cases = [
            (ValueRef::Text("DISCONTINUED by maker"), true),
            (ValueRef::Text("continued"), false),
            (ValueRef::Text(""), false),
            (ValueRef::Absent, false),
        ];
        for (value, expected) in cases {
            assert_eq!(holds(value, &discontinued), expected, "{value:?}");
        }
    }
}
