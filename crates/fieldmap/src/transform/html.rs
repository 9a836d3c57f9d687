//! HTML tag stripping and entity decoding, for feed columns that carry markup.

use std::borrow::Cow;

/// Tags whose boundary separates words, so `a<br>b` becomes `a b` and not `ab`.
const BREAKING_TAGS: [&str; 16] = [
    "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
];

/// Removes HTML tags and comments, keeping the text between them.
pub(super) fn strip_html(text: &str) -> Cow<'_, str> {
    if !text.contains('<') {
        return Cow::Borrowed(text);
    }

    let mut output = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut rest = text;
    loop {
        let (before, tag) = match rest.find('<') {
            Some(start) => (&rest[..start], Some(&rest[start..])),
            None => (rest, None),
        };
        push_text(&mut output, before, &mut pending_space);

        let Some(tag) = tag else { break };
        let Some(end) = tag.find('>') else {
            // A lone `<` (as in `a < b`) is text, not the start of a tag.
            push_text(&mut output, tag, &mut pending_space);
            break;
        };
        pending_space |= is_breaking(&tag[1..end]);
        rest = &tag[end + 1..];
    }
    Cow::Owned(output)
}

/// Appends text, first adding the space a block tag left unless a space is already there.
/// No space is added at the start or the end.
fn push_text(output: &mut String, text: &str, pending_space: &mut bool) {
    if text.is_empty() {
        return;
    }
    if *pending_space
        && !output.is_empty()
        && !output.ends_with(char::is_whitespace)
        && !text.starts_with(char::is_whitespace)
    {
        output.push(' ');
    }
    *pending_space = false;
    output.push_str(text);
}

fn is_breaking(tag_body: &str) -> bool {
    let name: String = tag_body
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    BREAKING_TAGS
        .iter()
        .any(|breaking| breaking.eq_ignore_ascii_case(&name))
}

/// Decodes named (`&bull;`, `&amp;`) and numeric (`&#8226;`, `&#x2022;`) entities.
pub(super) fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    html_escape::decode_html_entities(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_html_table() {
        let cases = [
            ("<b>Bold</b> text", "Bold text"),
            ("line<br>break", "line break"),
            ("<p>one</p><p>two</p>", "one two"),
            ("a < b", "a < b"),
            ("no tags", "no tags"),
            ("<!-- note -->kept", "kept"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(strip_html(input), expected, "{input:?}");
        }
    }

    #[test]
    fn decode_entities_table() {
        let cases = [
            ("&bull; 50 watt", "• 50 watt"),
            ("Tom &amp; Jerry", "Tom & Jerry"),
            ("&#8226;&#x2022;", "••"),
            ("5&quot; screen", "5\" screen"),
            ("&unknownentity;", "&unknownentity;"),
            ("plain", "plain"),
        ];
        for (input, expected) in cases {
            assert_eq!(decode_entities(input), expected, "{input:?}");
        }
    }
}
