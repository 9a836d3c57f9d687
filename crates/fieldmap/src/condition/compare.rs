//! Greater than, greater or equal, less than, less or equal.
//!
//! The field is read as a number (numeric text in US notation counts); a field that is
//! not a number makes the condition false.

use rust_decimal::Decimal;

use super::Cond;
use crate::compile::Context;
use crate::diagnostic::Code;
use crate::literal;
use crate::number::{parse_decimal, DecimalSeparator};
use crate::template::NumberArg;
use crate::value::ValueRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

pub(super) fn compile(
    op: CompareOp,
    field: &str,
    value: &NumberArg,
    path: &str,
    context: &mut Context,
) -> Option<Cond> {
    let source = context.source_field(field, &format!("{path}.field"));
    let value = match literal::number_arg(value) {
        Ok(number) => Some(number),
        Err(reason) => {
            context.push(
                Code::InvalidArgument,
                &format!("{path}.value"),
                format!("comparison value is not a number: {reason}"),
                "write a decimal number such as 0 or \"19.99\"",
            );
            None
        }
    };
    Some(Cond::Compare {
        source: source?,
        op,
        value: value?,
    })
}

pub(super) fn holds(value: ValueRef<'_>, op: CompareOp, limit: Decimal) -> bool {
    let number = match value {
        ValueRef::Number(number) => number,
        ValueRef::Text(text) => match parse_decimal(text, DecimalSeparator::Point) {
            Ok(number) => number,
            Err(_) => return false,
        },
        _ => return false,
    };
    match op {
        CompareOp::Greater => number > limit,
        CompareOp::GreaterOrEqual => number >= limit,
        CompareOp::Less => number < limit,
        CompareOp::LessOrEqual => number <= limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_table() {
        let zero = Decimal::ZERO;
        let cases = [
            (ValueRef::Text("0"), CompareOp::LessOrEqual, true),
            (ValueRef::Text("0.00"), CompareOp::LessOrEqual, true),
            (ValueRef::Text("19.99"), CompareOp::LessOrEqual, false),
            (ValueRef::Text("19.99"), CompareOp::Greater, true),
            (ValueRef::Text("$1,249.99"), CompareOp::GreaterOrEqual, true),
            (ValueRef::Number(Decimal::new(-1, 0)), CompareOp::Less, true),
            (ValueRef::Text(""), CompareOp::LessOrEqual, false),
            (ValueRef::Text("N/A"), CompareOp::Less, false),
            (ValueRef::Absent, CompareOp::LessOrEqual, false),
            (ValueRef::Null, CompareOp::GreaterOrEqual, false),
        ];
        for (value, op, expected) in cases {
            assert_eq!(holds(value, op, zero), expected, "{value:?} {op:?} 0");
        }
    }
}
