//! The crate's error type.

use crate::diagnostic::Diagnostics;
use crate::record_error::RecordError;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The template is not valid JSON or does not follow the template format.
    #[error("invalid JSON template: {}", describe_json_error(source))]
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

/// Describes a JSON template error with serde_json's line and column. Input that ends
/// inside a value is called incomplete, because that is what a truncated file looks like.
fn describe_json_error(error: &serde_json::Error) -> String {
    if error.is_eof() {
        format!("the JSON is incomplete, so the file may be truncated: {error}")
    } else {
        format!("{error}; check it against template.schema.json")
    }
}
