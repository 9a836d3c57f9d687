//! Prefix, suffix and truncate.

use std::borrow::Cow;

use super::{case, StaticType, Step};
use crate::compile::Context;
use crate::diagnostic::Code;

pub(super) fn compile_truncate(
    max_chars: usize,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    if max_chars == 0 {
        context.push(
            Code::InvalidArgument,
            &format!("{path}.max_chars"),
            "truncate to 0 characters always gives empty text".to_owned(),
            "give a max_chars of at least 1, or use a set mapping",
        );
        return None;
    }
    Some((Step::Truncate(max_chars), case::output_type(input)))
}

pub(super) fn prefix<'s>(text: &'s str, prefix: &str) -> Cow<'s, str> {
    let mut output = String::with_capacity(prefix.len() + text.len());
    output.push_str(prefix);
    output.push_str(text);
    Cow::Owned(output)
}

pub(super) fn suffix<'s>(text: &'s str, suffix: &str) -> Cow<'s, str> {
    let mut output = String::with_capacity(text.len() + suffix.len());
    output.push_str(text);
    output.push_str(suffix);
    Cow::Owned(output)
}

/// Keeps the first `max_chars` Unicode scalar values.
pub(super) fn truncate(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => Cow::Borrowed(&text[..end]),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affix_table() {
        assert_eq!(prefix("123", "PET-"), "PET-123");
        assert_eq!(prefix("", "PET-"), "PET-");
        assert_eq!(suffix("10", " in"), "10 in");
        assert_eq!(suffix("", "x"), "x");
    }

    #[test]
    fn truncate_table() {
        let cases = [
            ("abcdef", 3, "abc"),
            ("abc", 3, "abc"),
            ("ab", 5, "ab"),
            ("Décor", 2, "Dé"),
            ("", 1, ""),
        ];
        for (input, max_chars, expected) in cases {
            assert_eq!(
                truncate(input, max_chars),
                expected,
                "{input:?} to {max_chars}"
            );
        }
    }
}
