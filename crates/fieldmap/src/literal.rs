//! Template constants converted to typed values at compile time.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::convert::into_target;
use crate::template::{Literal, NumberArg};
use crate::value::{FieldType, Value, Work};

/// Converts a constant to a value of `field_type`, with the same rules as a record
/// value of that type.
pub(crate) fn to_value(literal: &Literal, field_type: FieldType) -> Result<Value, String> {
    let work = untyped(literal)?;
    let converted = into_target(Work::from_value(&work), field_type)?;
    Ok(converted.unwrap_or(Value::Null))
}

/// Converts a constant by its JSON shape alone: a string is text, a number a decimal.
pub(crate) fn untyped(literal: &Literal) -> Result<Value, String> {
    match literal {
        Literal::Null => Ok(Value::Null),
        Literal::Bool(flag) => Ok(Value::Boolean(*flag)),
        Literal::Number(number) => json_number(number).map(Value::Number),
        Literal::String(text) => Ok(Value::Text(text.clone())),
        Literal::Array(items) => items
            .iter()
            .map(|item| match item {
                Literal::String(text) => Ok(text.clone()),
                other => Err(format!("list items must be strings, found {other}")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List),
        Literal::Object(_) => {
            Err("an object is not a constant; write a string, number, boolean or list".to_owned())
        }
    }
}

pub(crate) fn number_arg(argument: &NumberArg) -> Result<Decimal, String> {
    match argument {
        NumberArg::Number(number) => json_number(number),
        NumberArg::Text(text) => {
            Decimal::from_str(text.trim()).map_err(|error| format!("{text:?}: {error}"))
        }
    }
}

/// Reads a JSON number through its decimal text, so `0.1` stays exactly 0.1.
fn json_number(number: &serde_json::Number) -> Result<Decimal, String> {
    let text = number.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|error| format!("{text}: {error}"))
}
