//! Trim and letter-case transforms.

use std::borrow::Cow;

use super::StaticType;
use crate::value::FieldType;

/// Text transforms keep a list a list and turn everything else into text.
pub(super) fn output_type(input: StaticType) -> StaticType {
    match input {
        Some(FieldType::List) => Some(FieldType::List),
        _ => Some(FieldType::Text),
    }
}

pub(super) fn trim(text: &str) -> Cow<'_, str> {
    Cow::Borrowed(crate::whitespace::trim(text))
}

pub(super) fn upper(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_lowercase) {
        Cow::Owned(text.to_uppercase())
    } else {
        Cow::Borrowed(text)
    }
}

pub(super) fn lower(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_uppercase) {
        Cow::Owned(text.to_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// Upper-cases the first letter and lower-cases every other letter.
pub(super) fn sentence_case(text: &str) -> Cow<'_, str> {
    let mut output = String::with_capacity(text.len());
    let mut seen_letter = false;
    for character in text.chars() {
        if !seen_letter && character.is_alphabetic() {
            output.extend(character.to_uppercase());
            seen_letter = true;
        } else {
            output.extend(character.to_lowercase());
        }
    }
    keep_if_same(text, output)
}

/// Upper-cases the first letter of each whitespace-separated word, lower-cases the rest.
pub(super) fn title_case(text: &str) -> Cow<'_, str> {
    let mut output = String::with_capacity(text.len());
    let mut word_start = true;
    for character in text.chars() {
        if character.is_whitespace() {
            output.push(character);
            word_start = true;
        } else if word_start {
            output.extend(character.to_uppercase());
            word_start = false;
        } else {
            output.extend(character.to_lowercase());
        }
    }
    keep_if_same(text, output)
}

fn keep_if_same(input: &str, output: String) -> Cow<'_, str> {
    if output == input {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_transforms_table() {
        type TextFn = fn(&str) -> Cow<'_, str>;
        let cases: [(&str, TextFn, &str, &str); 14] = [
            ("trim", trim, "  a b \t", "a b"),
            ("trim", trim, "", ""),
            ("upper", upper, "Home Décor", "HOME DÉCOR"),
            ("upper", upper, "ABC", "ABC"),
            ("lower", lower, "EPI236 AIR PURIFIER", "epi236 air purifier"),
            ("lower", lower, "", ""),
            (
                "sentence_case",
                sentence_case,
                "EPI236 AIR PURIFIER BLK",
                "Epi236 air purifier blk",
            ),
            (
                "sentence_case",
                sentence_case,
                "  hello WORLD",
                "  Hello world",
            ),
            ("sentence_case", sentence_case, "123", "123"),
            (
                "title_case",
                title_case,
                "24 SKIN TONE MRKR SET",
                "24 Skin Tone Mrkr Set",
            ),
            ("title_case", title_case, "home  décor", "Home  Décor"),
            ("title_case", title_case, "", ""),
            ("upper", upper, "straße", "STRASSE"),
            ("lower", lower, "ÉCOLE", "école"),
        ];
        for (name, function, input, expected) in cases {
            assert_eq!(function(input), expected, "{name}({input:?})");
        }
    }

    #[test]
    fn unchanged_text_stays_borrowed() {
        assert!(matches!(upper("ABC"), Cow::Borrowed(_)));
        assert!(matches!(title_case("Abc Def"), Cow::Borrowed(_)));
    }
}
