//! Per-record errors: which record, which field, which value, and why.

use std::fmt;

/// One field of a record that could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The target field.
    pub field: String,
    /// The value as the record had it, or `(absent)`.
    pub value: String,
    /// Why it was rejected.
    pub reason: String,
}

/// A rejected record. The other records of a run go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RecordError {
    /// The row number the caller passed to [`crate::Plan::map`].
    pub row: u64,
    /// The record's key (for example its SKU) when it could be mapped.
    pub key: Option<String>,
    /// Every field that failed, in target schema order.
    pub problems: Vec<FieldProblem>,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        f.write_str(" rejected:")?;
        for (position, problem) in self.problems.iter().enumerate() {
            let separator = if position == 0 { " " } else { "; " };
            write!(
                f,
                "{separator}field {} value {:?}: {}",
                problem.field, problem.value, problem.reason
            )?;
        }
        Ok(())
    }
}
