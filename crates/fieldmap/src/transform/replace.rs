//! Literal and regular-expression replacement.

use std::borrow::Cow;

use regex::Regex;

use super::{case, StaticType, Step};
use crate::compile::Context;
use crate::diagnostic::Code;

pub(super) fn compile_replace(
    from: &str,
    to: &str,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    if from.is_empty() {
        context.push(
            Code::InvalidArgument,
            &format!("{path}.from"),
            "replace needs a non-empty `from`".to_owned(),
            "give the text to replace, or remove the transform",
        );
        return None;
    }
    let step = Step::Replace {
        from: from.into(),
        to: to.into(),
    };
    Some((step, case::output_type(input)))
}

pub(super) fn compile_regex_replace(
    pattern: &str,
    replacement: &str,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    let regex = context.regex(pattern, false, &format!("{path}.pattern"))?;
    let step = Step::RegexReplace {
        regex,
        replacement: replacement.into(),
    };
    Some((step, case::output_type(input)))
}

pub(super) fn replace<'s>(text: &'s str, from: &str, to: &str) -> Cow<'s, str> {
    // A one-character pattern is searched as a `char`, which scans with `memchr` where a
    // `&str` pattern builds a substring searcher on every call.
    let mut chars = from.chars();
    let found = match (chars.next(), chars.next()) {
        (Some(only), None) => text.contains(only),
        _ => text.contains(from),
    };
    if found {
        Cow::Owned(text.replace(from, to))
    } else {
        Cow::Borrowed(text)
    }
}

pub(super) fn regex_replace<'s>(text: &'s str, regex: &Regex, replacement: &str) -> Cow<'s, str> {
    regex.replace_all(text, replacement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_table() {
        let cases = [
            ("a-b-c", "-", " ", "a b c"),
            ("abc", "x", "y", "abc"),
            ("&bull; one", "&bull;", "*", "* one"),
            ("", "a", "b", ""),
            ("a\u{200b}b\u{200b}", "\u{200b}", "", "ab"),
            ("no space", "\u{200b}", "", "no space"),
        ];
        for (input, from, to, expected) in cases {
            assert_eq!(replace(input, from, to), expected, "{input:?}");
        }
    }

    #[test]
    fn regex_replace_table() {
        let cases = [
            (r"\s+", " ", "a   b\t c", "a b c"),
            (r"^(\d{3})(\d{4})$", "$1-$2", "5551234", "555-1234"),
            (r"\(R\)$", "®", "OHUHU (R)", "OHUHU ®"),
            (r"x", "y", "abc", "abc"),
        ];
        for (pattern, replacement, input, expected) in cases {
            let regex = Regex::new(pattern).unwrap();
            assert_eq!(
                regex_replace(input, &regex, replacement),
                expected,
                "{pattern} on {input:?}"
            );
        }
    }
}
