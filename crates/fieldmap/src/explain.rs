//! Explanations: which mapping kind, rule, mapping-set entry or fallback produced a
//! field's value.

use std::fmt;

/// The five mapping kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappingKind {
    /// Copy a source field through transforms.
    Match,
    /// A constant.
    Set,
    /// A mapping-set lookup.
    Transform,
    /// Ordered rules.
    SmartRules,
    /// Left unset.
    Skip,
}

impl MappingKind {
    /// Returns the name used in templates.
    pub fn as_str(self) -> &'static str {
        match self {
            MappingKind::Match => "match",
            MappingKind::Set => "set",
            MappingKind::Transform => "transform",
            MappingKind::SmartRules => "smart_rules",
            MappingKind::Skip => "skip",
        }
    }
}

/// What a mapping-set lookup did on a miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The looked-up value was used as it was.
    PassThrough,
    /// The set's `on_miss` default was used.
    Default,
    /// The record was rejected.
    Error,
}

/// How one output field got its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The target field.
    pub field: String,
    /// The mapping kind of the field.
    pub kind: MappingKind,
    /// The index of the smart rule that matched.
    pub rule: Option<usize>,
    /// Whether the smart rules fell through to `otherwise`.
    pub otherwise: bool,
    /// The mapping set that was consulted.
    pub set: Option<String>,
    /// The mapping-set key that matched, as written in the set.
    pub entry: Option<String>,
    /// What happened on a mapping-set miss.
    pub fallback: Option<Fallback>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind.as_str())?;
        if let Some(rule) = self.rule {
            write!(f, " rule {rule}")?;
        }
        if self.otherwise {
            f.write_str(" otherwise")?;
        }
        if let Some(set) = &self.set {
            write!(f, " set {set}")?;
        }
        if let Some(entry) = &self.entry {
            write!(f, " entry {entry:?}")?;
        }
        match self.fallback {
            Some(Fallback::PassThrough) => f.write_str(" miss, passed through")?,
            Some(Fallback::Default) => f.write_str(" miss, default")?,
            Some(Fallback::Error) => f.write_str(" miss, rejected")?,
            None => {}
        }
        Ok(())
    }
}
