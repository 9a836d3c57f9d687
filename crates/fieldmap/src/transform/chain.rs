//! A compiled transform chain, with a single scan that finds when its leading steps
//! cannot change a text.

use std::borrow::Cow;

use super::{reuse, Step};

/// Transform steps in order, with facts about them computed once at compile time.
#[derive(Debug, Clone)]
pub(crate) struct Chain {
    steps: Vec<Step>,
    /// Whether every step maps text to text and never fails (see [`Step::is_text`]).
    text_only: bool,
    guard: Option<Guard>,
}

/// The leading steps of a chain that return their input unchanged unless it contains one
/// of `bytes`. One `memchr3` pass over a text then replaces a search per step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Guard {
    steps: usize,
    /// Up to three distinct trigger bytes. Unused places repeat the first byte.
    bytes: [u8; 3],
}

impl Chain {
    pub(crate) fn new(steps: Vec<Step>) -> Self {
        Self {
            text_only: steps.iter().all(Step::is_text),
            guard: Guard::new(&steps),
            steps,
        }
    }

    pub(crate) fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Whether every step maps text to text and never fails.
    pub(crate) fn is_text_only(&self) -> bool {
        self.text_only
    }

    /// Runs the text steps of the chain on a string, copying it only when a step changes
    /// it. Steps for which [`Step::is_text`] is false leave the text unchanged.
    pub(crate) fn run_text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut first = 0;
        if let Some(guard) = self.guard {
            let [a, b, c] = guard.bytes;
            if memchr::memchr3(a, b, c, text.as_bytes()).is_none() {
                first = guard.steps;
            }
        }

        let mut text = Cow::Borrowed(text);
        for step in &self.steps[first..] {
            text = match text {
                Cow::Borrowed(borrowed) => step.apply_text(borrowed),
                Cow::Owned(owned) => {
                    let changed = reuse(&owned, step.apply_text(&owned));
                    Cow::Owned(changed.unwrap_or(owned))
                }
            };
        }
        text
    }
}

impl Guard {
    /// Finds the longest run of leading steps with at most three distinct trigger bytes.
    /// A guard over one step would only repeat that step's own search, so it needs two.
    fn new(steps: &[Step]) -> Option<Self> {
        let mut bytes: Vec<u8> = Vec::with_capacity(3);
        let mut covered = 0;
        for step in steps {
            let Some(byte) = trigger(step) else { break };
            if !bytes.contains(&byte) {
                if bytes.len() == 3 {
                    break;
                }
                bytes.push(byte);
            }
            covered += 1;
        }
        if covered < 2 {
            return None;
        }

        let first = bytes[0];
        let byte_at = |place: usize| bytes.get(place).copied().unwrap_or(first);
        Some(Self {
            steps: covered,
            bytes: [first, byte_at(1), byte_at(2)],
        })
    }
}

/// The byte without which a step returns its input unchanged, if it has one.
///
/// Entity decoding needs a `&`, tag stripping a `<`, and a literal replacement the first
/// byte of its non-empty pattern.
fn trigger(step: &Step) -> Option<u8> {
    match step {
        Step::DecodeHtmlEntities => Some(b'&'),
        Step::StripHtml => Some(b'<'),
        Step::Replace { from, .. } => from.as_bytes().first().copied(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn cleaning_chain() -> Chain {
        Chain::new(vec![
            Step::DecodeHtmlEntities,
            Step::StripHtml,
            Step::Replace {
                from: "\u{200b}".into(),
                to: "".into(),
            },
            Step::Trim,
        ])
    }

    #[test]
    fn guard_covers_three_triggers() {
        let guard = cleaning_chain().guard;

        assert_eq!(
            guard,
            Some(Guard {
                steps: 3,
                bytes: [b'&', b'<', 0xE2]
            })
        );
    }

    #[test]
    fn guard_stops_at_fourth_byte() {
        let replace = |from: &str| Step::Replace {
            from: from.into(),
            to: "".into(),
        };
        let chain = Chain::new(vec![
            replace("a"),
            replace("b"),
            replace("a"),
            replace("c"),
            replace("d"),
        ]);

        assert_eq!(chain.guard.map(|guard| guard.steps), Some(4));
    }

    #[test]
    fn single_trigger_step_unguarded() {
        let chain = Chain::new(vec![Step::StripHtml, Step::Trim]);

        assert_eq!(chain.guard, None);
    }

    #[test]
    fn guarded_chain_table() {
        let chain = cleaning_chain();
        let cases = [
            ("  plain text ", "plain text"),
            ("", ""),
            ("Tom &amp; Jerry", "Tom & Jerry"),
            ("&lt;b&gt;bold&lt;/b&gt;", "bold"),
            ("<p>one</p><p>two</p>", "one two"),
            ("zero\u{200b}width ", "zerowidth"),
            ("\u{2022} bullet", "\u{2022} bullet"),
            ("&#8203;hidden", "hidden"),
        ];
        for (input, expected) in cases {
            assert_eq!(chain.run_text(input), expected, "{input:?}");
        }
    }

    #[test]
    fn unchanged_text_stays_borrowed() {
        let chain = cleaning_chain();

        assert!(matches!(chain.run_text("plain"), Cow::Borrowed("plain")));
    }

    /// Texts built from the pieces that trigger or defeat the guarded steps.
    fn markup_text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "a",
            "Z",
            " ",
            "\u{a0}",
            "&",
            "&amp;",
            "&lt;p&gt;",
            "&#8203;",
            "&bogus;",
            "<",
            ">",
            "<br>",
            "</p>",
            "<!-- c -->",
            "\u{200b}",
            "\u{2022}",
            "\u{2003}",
            "é",
        ]);
        prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn guarded_agrees_with_unguarded(text in markup_text()) {
            let guarded = cleaning_chain();
            let mut unguarded = guarded.clone();
            unguarded.guard = None;

            prop_assert_eq!(guarded.run_text(&text), unguarded.run_text(&text));
        }
    }
}
