//! The crate's error type.

use crate::diagnostic::Diagnostics;
use crate::record_error::RecordError;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The template is not valid JSON or does not follow the template format.
    #[error("invalid JSON template: {source}; check it against template.schema.json")]
    TemplateJson {
        #[source]
        source: serde_json::Error,
    },
    /// The template is not valid TOML or does not follow the template format.
    #[error("invalid TOML template: {source}")]
    TemplateToml {
        #[source]
        source: toml::de::Error,
    },
    /// The template could not be written as TOML.
    #[error("failed to write template as TOML: {source}")]
    TemplateTomlWrite {
        #[source]
        source: toml::ser::Error,
    },
    /// No default template has this name.
    #[error("no default template named {name:?}; available: {available}")]
    UnknownDefault { name: String, available: String },
    /// A mapping-set CSV could not be read.
    #[error("failed to read mapping set CSV: {source}")]
    MappingSetCsv {
        #[source]
        source: csv::Error,
    },
    /// A mapping-set CSV row is invalid.
    #[error("invalid mapping set CSV at line {line}: {reason}")]
    MappingSetRow { line: u64, reason: String },
    /// The template does not compile against the schemas.
    #[error(transparent)]
    Compile(#[from] Diagnostics),
    /// A record was rejected.
    #[error(transparent)]
    Record(#[from] RecordError),
}
