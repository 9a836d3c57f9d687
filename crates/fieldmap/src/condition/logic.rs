//! All, any and not, folding constant parts so an always-true condition is known at
//! compile time.

use super::{compile, Cond};
use crate::compile::Context;
use crate::template::Condition;

pub(super) fn compile_all(
    conditions: &[Condition],
    path: &str,
    context: &mut Context,
) -> Option<Cond> {
    let compiled = compile_each(conditions, path, context)?;
    let remaining: Vec<Cond> = compiled
        .into_iter()
        .filter(|condition| !condition.always_true())
        .collect();
    if remaining
        .iter()
        .any(|condition| matches!(condition, Cond::Constant(false)))
    {
        return Some(Cond::Constant(false));
    }
    Some(if remaining.is_empty() {
        Cond::Constant(true)
    } else {
        Cond::All(remaining)
    })
}

pub(super) fn compile_any(
    conditions: &[Condition],
    path: &str,
    context: &mut Context,
) -> Option<Cond> {
    let compiled = compile_each(conditions, path, context)?;
    if compiled.iter().any(Cond::always_true) {
        return Some(Cond::Constant(true));
    }
    let remaining: Vec<Cond> = compiled
        .into_iter()
        .filter(|condition| !matches!(condition, Cond::Constant(false)))
        .collect();
    Some(if remaining.is_empty() {
        Cond::Constant(false)
    } else {
        Cond::Any(remaining)
    })
}

pub(super) fn compile_not(
    condition: &Condition,
    path: &str,
    context: &mut Context,
) -> Option<Cond> {
    let inner = compile(condition, &format!("{path}.condition"), context)?;
    Some(match inner {
        Cond::Constant(value) => Cond::Constant(!value),
        other => Cond::Not(Box::new(other)),
    })
}

/// Compiles every condition, reporting all problems before giving up.
fn compile_each(conditions: &[Condition], path: &str, context: &mut Context) -> Option<Vec<Cond>> {
    let compiled: Vec<Option<Cond>> = conditions
        .iter()
        .enumerate()
        .map(|(position, condition)| {
            compile(
                condition,
                &format!("{path}.conditions[{position}]"),
                context,
            )
        })
        .collect();
    compiled.into_iter().collect()
}
