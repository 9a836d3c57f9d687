//! Transforms: compiled once from their template form, applied per record.
//!
//! Each family lives in its own file with its argument check and its tests:
//! - `case`: trim, upper, lower, sentence case, title case.
//! - `replace`: replace and regex replace.
//! - `html`: strip HTML tags, decode HTML entities.
//! - `affix`: prefix, suffix, truncate.
//! - `default_if_empty`: default if empty.
//! - `list`: split, join.
//! - `arithmetic`: round, multiply, add, percent markup, clamp.
//! - `parse_number`: parse number.
//! - `date`: parse date, format date.
//! - `gtin`: GTIN/UPC normalisation.
//!
//! `chain` contains a compiled chain of steps and runs its text steps.

mod affix;
mod arithmetic;
mod case;
mod chain;
pub(crate) mod date;
mod default_if_empty;
mod gtin;
mod html;
mod list;
mod parse_number;
mod replace;

use std::borrow::Cow;

use regex::Regex;
use rust_decimal::Decimal;

use crate::compile::Context;
use crate::number::DecimalSeparator;
use crate::template::{OnInvalid, Transform};
use crate::value::{FieldType, Value, Work};

pub(crate) use chain::Chain;
pub(crate) use date::DateFormat;

/// A static type while compiling: `None` when the source does not declare one.
pub(crate) type StaticType = Option<FieldType>;

/// A compiled transform step.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Trim,
    Upper,
    Lower,
    SentenceCase,
    TitleCase,
    Replace {
        from: Box<str>,
        to: Box<str>,
    },
    RegexReplace {
        regex: Regex,
        replacement: Box<str>,
    },
    StripHtml,
    DecodeHtmlEntities,
    Prefix(Box<str>),
    Suffix(Box<str>),
    Truncate(usize),
    DefaultIfEmpty(Value),
    Split(Box<str>),
    Join(Box<str>),
    Round(u32),
    Multiply(Decimal),
    Add(Decimal),
    PercentMarkup(Decimal),
    Clamp {
        min: Option<Decimal>,
        max: Option<Decimal>,
    },
    ParseNumber(DecimalSeparator),
    ParseDate(DateFormat),
    FormatDate(DateFormat),
    Gtin(OnInvalid),
}

impl Step {
    /// Whether `apply` can return an error.
    pub(crate) fn can_fail(&self) -> bool {
        matches!(
            self,
            Step::Split(_)
                | Step::Round(_)
                | Step::Multiply(_)
                | Step::Add(_)
                | Step::PercentMarkup(_)
                | Step::Clamp { .. }
                | Step::ParseNumber(_)
                | Step::ParseDate(_)
                | Step::FormatDate(_)
                | Step::Gtin(_)
        )
    }

    /// Whether the step maps text to text and never fails, so it can run on a plain
    /// string through [`Step::apply_text`].
    pub(crate) fn is_text(&self) -> bool {
        matches!(
            self,
            Step::Trim
                | Step::Upper
                | Step::Lower
                | Step::SentenceCase
                | Step::TitleCase
                | Step::Replace { .. }
                | Step::RegexReplace { .. }
                | Step::StripHtml
                | Step::DecodeHtmlEntities
                | Step::Prefix(_)
                | Step::Suffix(_)
                | Step::Truncate(_)
        )
    }

    /// Applies a text step to a string. A step for which [`Step::is_text`] is false
    /// returns the text unchanged, so call this only for text steps.
    pub(crate) fn apply_text<'s>(&self, text: &'s str) -> Cow<'s, str> {
        match self {
            Step::Trim => case::trim(text),
            Step::Upper => case::upper(text),
            Step::Lower => case::lower(text),
            Step::SentenceCase => case::sentence_case(text),
            Step::TitleCase => case::title_case(text),
            Step::Replace { from, to } => replace::replace(text, from, to),
            Step::RegexReplace { regex, replacement } => {
                replace::regex_replace(text, regex, replacement)
            }
            Step::StripHtml => html::strip_html(text),
            Step::DecodeHtmlEntities => html::decode_entities(text),
            Step::Prefix(prefix) => affix::prefix(text, prefix),
            Step::Suffix(suffix) => affix::suffix(text, suffix),
            Step::Truncate(max_chars) => affix::truncate(text, *max_chars),
            _ => Cow::Borrowed(text),
        }
    }

    /// Applies the step. Absent and null pass through every step except
    /// `default_if_empty`. The error is the reason shown in the record error.
    pub(crate) fn apply<'a>(&self, value: Work<'a>) -> Result<Work<'a>, String> {
        match self {
            step if step.is_text() => map_text(value, |text| step.apply_text(text)),
            Step::DefaultIfEmpty(default) => Ok(default_if_empty::apply(value, default)),
            Step::Split(separator) => list::split(value, separator),
            Step::Join(separator) => Ok(list::join(value, separator)),
            Step::Round(places) => {
                arithmetic::apply(value, |number| Ok(arithmetic::round(number, *places)))
            }
            Step::Multiply(factor) => {
                arithmetic::apply(value, |number| arithmetic::multiply(number, *factor))
            }
            Step::Add(addend) => {
                arithmetic::apply(value, |number| arithmetic::add(number, *addend))
            }
            Step::PercentMarkup(percent) => {
                arithmetic::apply(value, |number| arithmetic::percent_markup(number, *percent))
            }
            Step::Clamp { min, max } => {
                arithmetic::apply(value, |number| Ok(arithmetic::clamp(number, *min, *max)))
            }
            Step::ParseNumber(separator) => parse_number::apply(value, *separator),
            Step::ParseDate(format) => date::parse(value, format),
            Step::FormatDate(format) => date::format(value, format),
            Step::Gtin(on_invalid) => gtin::apply(value, *on_invalid),
            // The text steps were applied by the first arm.
            _ => Ok(value),
        }
    }
}

/// Compiles a transform chain, checking each step's argument and input type.
///
/// A step that fails its check is reported and dropped, and the type after it becomes
/// unknown, so one mistake does not cascade into more diagnostics.
pub(crate) fn compile_chain(
    transforms: &[Transform],
    mut current: StaticType,
    path: &str,
    context: &mut Context,
) -> (Vec<Step>, StaticType) {
    let mut steps = Vec::with_capacity(transforms.len());
    for (position, transform) in transforms.iter().enumerate() {
        let step_path = format!("{path}[{position}]");
        match compile_step(transform, current, &step_path, context) {
            Some((step, output)) => {
                steps.push(step);
                current = output;
            }
            None => current = None,
        }
    }
    (steps, current)
}

fn compile_step(
    transform: &Transform,
    input: StaticType,
    path: &str,
    context: &mut Context,
) -> Option<(Step, StaticType)> {
    match transform {
        Transform::Trim => Some((Step::Trim, case::output_type(input))),
        Transform::Upper => Some((Step::Upper, case::output_type(input))),
        Transform::Lower => Some((Step::Lower, case::output_type(input))),
        Transform::SentenceCase => Some((Step::SentenceCase, case::output_type(input))),
        Transform::TitleCase => Some((Step::TitleCase, case::output_type(input))),
        Transform::Replace { from, to } => replace::compile_replace(from, to, input, path, context),
        Transform::RegexReplace {
            pattern,
            replacement,
        } => replace::compile_regex_replace(pattern, replacement, input, path, context),
        Transform::StripHtml => Some((Step::StripHtml, case::output_type(input))),
        Transform::DecodeHtmlEntities => Some((Step::DecodeHtmlEntities, case::output_type(input))),
        Transform::Prefix { value } => Some((
            Step::Prefix(value.as_str().into()),
            case::output_type(input),
        )),
        Transform::Suffix { value } => Some((
            Step::Suffix(value.as_str().into()),
            case::output_type(input),
        )),
        Transform::Truncate { max_chars } => {
            affix::compile_truncate(*max_chars, input, path, context)
        }
        Transform::DefaultIfEmpty { value } => {
            default_if_empty::compile(value, input, path, context)
        }
        Transform::Split { separator } => list::compile_split(separator, input, path, context),
        Transform::Join { separator } => list::compile_join(separator, input, path, context),
        Transform::Round { places } => arithmetic::compile_round(*places, input, path, context),
        Transform::Multiply { by } => {
            arithmetic::compile_with_number(by, "by", "multiply", input, path, context)
                .map(|by| (Step::Multiply(by), Some(FieldType::Number)))
        }
        Transform::Add { value } => {
            arithmetic::compile_with_number(value, "value", "add", input, path, context)
                .map(|addend| (Step::Add(addend), Some(FieldType::Number)))
        }
        Transform::PercentMarkup { percent } => arithmetic::compile_with_number(
            percent,
            "percent",
            "percent_markup",
            input,
            path,
            context,
        )
        .map(|percent| (Step::PercentMarkup(percent), Some(FieldType::Number))),
        Transform::Clamp { min, max } => {
            arithmetic::compile_clamp(min.as_ref(), max.as_ref(), input, path, context)
        }
        Transform::ParseNumber { decimal_separator } => {
            parse_number::compile(*decimal_separator, input, path, context)
        }
        Transform::ParseDate { format } => date::compile_parse(format, input, path, context),
        Transform::FormatDate { format } => date::compile_format(format, input, path, context),
        Transform::Gtin { on_invalid } => gtin::compile(*on_invalid, input, path, context),
    }
}

/// Applies a text function to text, to each item of a list, or to the text form of a
/// number, boolean or date. Absent and null pass through.
pub(crate) fn map_text<'a, F>(value: Work<'a>, function: F) -> Result<Work<'a>, String>
where
    F: for<'s> Fn(&'s str) -> Cow<'s, str>,
{
    let mapped = match value {
        Work::Absent | Work::Null => value,
        Work::Text(Cow::Borrowed(text)) => Work::Text(function(text)),
        Work::Text(Cow::Owned(text)) => {
            Work::Text(Cow::Owned(reuse(&text, function(&text)).unwrap_or(text)))
        }
        Work::List(items) => Work::List(Cow::Owned(
            items
                .iter()
                .map(|item| function(item).into_owned())
                .collect(),
        )),
        Work::Number(_) | Work::Boolean(_) | Work::Date(_) => {
            let text = value.as_text().map(Cow::into_owned).unwrap_or_default();
            let mapped = function(&text).into_owned();
            Work::Text(Cow::Owned(mapped))
        }
    };
    Ok(mapped)
}

/// Returns the function's result as an owned string, or `None` when it is the unchanged
/// input, so an owned input is kept instead of copied.
pub(crate) fn reuse(input: &str, output: Cow<'_, str>) -> Option<String> {
    match output {
        Cow::Borrowed(borrowed) if borrowed.len() == input.len() => None,
        other => Some(other.into_owned()),
    }
}

/// Reports a transform that cannot take the value type it gets.
pub(crate) fn type_mismatch(
    context: &mut Context,
    path: &str,
    op: &str,
    input: FieldType,
    hint: &str,
) {
    context.push(
        crate::diagnostic::Code::TypeMismatch,
        path,
        format!("{op} cannot take a {input} value"),
        hint,
    );
}

/// Parses text as a number the way `parse_number` does: empty text becomes null.
pub(crate) fn parse_number_text<'a>(
    text: &str,
    separator: DecimalSeparator,
) -> Result<Work<'a>, String> {
    parse_number::parse_text(text, separator)
}
