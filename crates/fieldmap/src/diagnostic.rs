//! Compile diagnostics: stable codes, the template path, a message and a fix hint.

use std::fmt;

/// A stable diagnostic code. The codes are documented in `docs/mapping.md` and never
/// change meaning; new problems get new codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Code {
    /// `FM001`: a source field name is not in the source schema.
    UnknownSourceField,
    /// `FM002`: a mapping set name is not defined in the template.
    UnknownMappingSet,
    /// `FM003`: the template maps a field the target schema does not have.
    UnknownTargetField,
    /// `FM004`: a value's type cannot become the type a transform or target needs.
    TypeMismatch,
    /// `FM005`: a regular expression does not compile.
    InvalidRegex,
    /// `FM006`: a required target field is skipped or not mapped.
    RequiredTargetSkipped,
    /// `FM007`: a rule can never run because an earlier rule always matches.
    UnreachableRule,
    /// `FM008`: a constant cannot be converted to the target field's type.
    InvalidConstant,
    /// `FM009`: a date format is not a valid `strftime` format.
    InvalidDateFormat,
    /// `FM010`: a transform argument is out of range or not a number.
    InvalidArgument,
    /// `FM011`: a `transform` or `lookup` action names no source and the rules give none.
    MissingSource,
    /// `FM012`: a case-insensitive mapping set has two keys that differ only by case.
    DuplicateMappingKey,
}

impl Code {
    /// Every code, in order.
    pub const ALL: [Code; 12] = [
        Code::UnknownSourceField,
        Code::UnknownMappingSet,
        Code::UnknownTargetField,
        Code::TypeMismatch,
        Code::InvalidRegex,
        Code::RequiredTargetSkipped,
        Code::UnreachableRule,
        Code::InvalidConstant,
        Code::InvalidDateFormat,
        Code::InvalidArgument,
        Code::MissingSource,
        Code::DuplicateMappingKey,
    ];

    /// Returns the stable code, for example `FM001`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnknownSourceField => "FM001",
            Code::UnknownMappingSet => "FM002",
            Code::UnknownTargetField => "FM003",
            Code::TypeMismatch => "FM004",
            Code::InvalidRegex => "FM005",
            Code::RequiredTargetSkipped => "FM006",
            Code::UnreachableRule => "FM007",
            Code::InvalidConstant => "FM008",
            Code::InvalidDateFormat => "FM009",
            Code::InvalidArgument => "FM010",
            Code::MissingSource => "FM011",
            Code::DuplicateMappingKey => "FM012",
        }
    }

    /// Returns the short kebab-case name, for example `unknown-source-field`.
    pub fn name(self) -> &'static str {
        match self {
            Code::UnknownSourceField => "unknown-source-field",
            Code::UnknownMappingSet => "unknown-mapping-set",
            Code::UnknownTargetField => "unknown-target-field",
            Code::TypeMismatch => "type-mismatch",
            Code::InvalidRegex => "invalid-regex",
            Code::RequiredTargetSkipped => "required-target-skipped",
            Code::UnreachableRule => "unreachable-rule",
            Code::InvalidConstant => "invalid-constant",
            Code::InvalidDateFormat => "invalid-date-format",
            Code::InvalidArgument => "invalid-argument",
            Code::MissingSource => "missing-source",
            Code::DuplicateMappingKey => "duplicate-mapping-key",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found while compiling a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Where in the template, for example `fields.map.rules[1].if.field`.
    pub path: String,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// What to change.
    pub hint: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}: {} (fix: {})",
            self.code, self.path, self.message, self.hint
        )
    }
}

/// Every problem found in one template, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics {
    /// The template's name, possibly empty.
    pub template: String,
    /// The problems, in the order of the template's fields.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Returns whether any problem has this code.
    pub fn contains(&self, code: Code) -> bool {
        self.items.iter().any(|item| item.code == code)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.template.is_empty() {
            "(unnamed)"
        } else {
            &self.template
        };
        let count = self.items.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        write!(f, "template {name} has {count} {noun}:")?;
        for item in &self.items {
            write!(f, "\n  {item}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostics(count: usize) -> Diagnostics {
        let item = Diagnostic {
            code: Code::UnknownSourceField,
            path: "fields.brand.source".to_owned(),
            message: "source \"prodlist\" has no field \"BRAND NAMEX\"".to_owned(),
            hint: "use one of: BRAND NAME".to_owned(),
        };
        Diagnostics {
            template: "my-inventory".to_owned(),
            items: vec![item; count],
        }
    }

    #[test]
    fn one_problem_singular() {
        let text = diagnostics(1).to_string();

        assert!(
            text.starts_with("template my-inventory has 1 problem:\n"),
            "{text}"
        );
    }

    #[test]
    fn two_problems_plural() {
        let text = diagnostics(2).to_string();

        assert!(
            text.starts_with("template my-inventory has 2 problems:\n"),
            "{text}"
        );
    }
}
