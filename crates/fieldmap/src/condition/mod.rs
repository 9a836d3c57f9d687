//! Smart Rule conditions: compiled once, evaluated per record.
//!
//! - `text`: equals, not equals, contains, starts with, ends with, in list.
//! - `compare`: greater/less than (or equal).
//! - `empty`: is empty, is not empty.
//! - `pattern`: matches a regular expression.
//! - `logic`: all, any, not, and the folding that finds always-true conditions.

mod compare;
mod empty;
mod logic;
mod pattern;
mod text;

use std::borrow::Cow;

use regex::Regex;
use rust_decimal::Decimal;

use crate::compile::Context;
use crate::record::Record;
use crate::template::Condition;
use crate::value::ValueRef;

pub(crate) use compare::CompareOp;
pub(crate) use text::TextOp;

/// A compiled condition; source fields are resolved to record indices.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    Constant(bool),
    Text {
        source: usize,
        op: TextOp,
        needle: Box<str>,
        case_insensitive: bool,
    },
    InList {
        source: usize,
        values: Vec<Box<str>>,
        case_insensitive: bool,
    },
    Compare {
        source: usize,
        op: CompareOp,
        value: Decimal,
    },
    Empty {
        source: usize,
        expect_empty: bool,
    },
    Matches {
        source: usize,
        regex: Regex,
    },
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
}

impl Cond {
    /// Evaluates the condition against a record.
    pub(crate) fn holds<R: Record + ?Sized>(&self, record: &R) -> bool {
        match self {
            Cond::Constant(value) => *value,
            Cond::Text {
                source,
                op,
                needle,
                case_insensitive,
            } => text::holds(record.get(*source), *op, needle, *case_insensitive),
            Cond::InList {
                source,
                values,
                case_insensitive,
            } => text::in_list(record.get(*source), values, *case_insensitive),
            Cond::Compare { source, op, value } => compare::holds(record.get(*source), *op, *value),
            Cond::Empty {
                source,
                expect_empty,
            } => empty::is_empty(record.get(*source)) == *expect_empty,
            Cond::Matches { source, regex } => pattern::holds(record.get(*source), regex),
            Cond::All(conditions) => conditions.iter().all(|condition| condition.holds(record)),
            Cond::Any(conditions) => conditions.iter().any(|condition| condition.holds(record)),
            Cond::Not(condition) => !condition.holds(record),
        }
    }

    /// Returns whether the condition holds for every record.
    pub(crate) fn always_true(&self) -> bool {
        matches!(self, Cond::Constant(true))
    }
}

/// Compiles a condition; `None` when it has a problem (already reported).
pub(crate) fn compile(condition: &Condition, path: &str, context: &mut Context) -> Option<Cond> {
    match condition {
        Condition::Equals {
            field,
            value,
            case_insensitive,
        } => text::compile(
            TextOp::Equals,
            field,
            value,
            *case_insensitive,
            path,
            context,
        ),
        Condition::NotEquals {
            field,
            value,
            case_insensitive,
        } => text::compile(
            TextOp::NotEquals,
            field,
            value,
            *case_insensitive,
            path,
            context,
        ),
        Condition::Contains {
            field,
            value,
            case_insensitive,
        } => text::compile(
            TextOp::Contains,
            field,
            value,
            *case_insensitive,
            path,
            context,
        ),
        Condition::StartsWith {
            field,
            value,
            case_insensitive,
        } => text::compile(
            TextOp::StartsWith,
            field,
            value,
            *case_insensitive,
            path,
            context,
        ),
        Condition::EndsWith {
            field,
            value,
            case_insensitive,
        } => text::compile(
            TextOp::EndsWith,
            field,
            value,
            *case_insensitive,
            path,
            context,
        ),
        Condition::InList {
            field,
            values,
            case_insensitive,
        } => text::compile_in_list(field, values, *case_insensitive, path, context),
        Condition::GreaterThan { field, value } => {
            compare::compile(CompareOp::Greater, field, value, path, context)
        }
        Condition::GreaterOrEqual { field, value } => {
            compare::compile(CompareOp::GreaterOrEqual, field, value, path, context)
        }
        Condition::LessThan { field, value } => {
            compare::compile(CompareOp::Less, field, value, path, context)
        }
        Condition::LessOrEqual { field, value } => {
            compare::compile(CompareOp::LessOrEqual, field, value, path, context)
        }
        Condition::IsEmpty { field } => empty::compile(field, true, path, context),
        Condition::IsNotEmpty { field } => empty::compile(field, false, path, context),
        Condition::Matches {
            field,
            pattern,
            case_insensitive,
        } => pattern::compile(field, pattern, *case_insensitive, path, context),
        Condition::All { conditions } => logic::compile_all(conditions, path, context),
        Condition::Any { conditions } => logic::compile_any(conditions, path, context),
        Condition::Not { condition } => logic::compile_not(condition, path, context),
    }
}

/// Text of a scalar value for comparison; `None` for absent, null and lists.
fn scalar_text(value: ValueRef<'_>) -> Option<Cow<'_, str>> {
    match value {
        ValueRef::Absent | ValueRef::Null | ValueRef::List(_) => None,
        ValueRef::Text(text) => Some(Cow::Borrowed(text)),
        ValueRef::Number(number) => Some(Cow::Owned(number.to_string())),
        ValueRef::Boolean(flag) => Some(Cow::Borrowed(if flag { "true" } else { "false" })),
        ValueRef::Date(date) => Some(Cow::Owned(date.to_string())),
    }
}

/// Lower-cases only when the text has upper-case letters, to avoid a copy.
pub(crate) fn fold_case(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_uppercase) {
        Cow::Owned(text.to_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}
