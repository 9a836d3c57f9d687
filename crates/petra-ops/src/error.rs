//! The crate's one error type.

use std::fmt;
use std::path::PathBuf;

use crate::pool::PoolError;

/// One broken rule of the settings: the field path in `petra.toml` and what to change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SettingsProblem {
    pub field: String,
    pub reason: String,
}

impl SettingsProblem {
    /// Builds the problem of `field` whose value `found`, as `petra.toml` writes it, is
    /// not one the key accepts, with `expected` describing what it accepts.
    pub fn invalid(field: impl Into<String>, found: impl fmt::Display, expected: &str) -> Self {
        Self {
            field: field.into(),
            reason: format!("is invalid: found {found}, expected {expected}"),
        }
    }
}

impl fmt::Display for SettingsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.reason)
    }
}

/// The count of problems, then one problem per line.
struct ProblemList<'a>(&'a [SettingsProblem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.0.len() == 1 {
            "problem"
        } else {
            "problems"
        };
        write!(f, "({} {noun}):", self.0.len())?;
        for problem in self.0 {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// The subject of the missing-PO message, such as "requests 2, 5 in the file have".
struct MissingPoList<'a>(&'a [usize]);

impl fmt::Display for MissingPoList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let positions: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        match positions.len() {
            1 => write!(f, "request {} in the file has", positions[0]),
            _ => write!(f, "requests {} in the file have", positions.join(", ")),
        }
    }
}

/// Everything that can fail in `petra-ops`.
///
/// Per-record problems (a row that does not map) are not errors of this type: a run
/// reports them as rejections and goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("invalid settings {}", ProblemList(problems))]
    InvalidSettings { problems: Vec<SettingsProblem> },

    /// Send Fulfillment Requests was called to import or send for a source whose
    /// `fulfills_orders` setting is false. Nothing was stored or sent.
    #[error("source {source_name:?} does not fulfill orders: {problem}")]
    FulfillmentDisabled {
        source_name: String,
        problem: SettingsProblem,
    },

    #[error("cannot read {}: {source}", path.display())]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid configuration file {}: {reason}", path.display())]
    ConfigFile { path: PathBuf, reason: String },

    #[error("invalid secrets file {}: {reason}", path.display())]
    SecretsFile { path: PathBuf, reason: String },

    /// An unreadable secrets file, named by `connection.secrets_file` and needed because
    /// the environment variables leave `unset` without a value.
    #[error(
        "cannot read the secrets file {} (connection.secrets_file), which is read because \
         {unset}: {source}",
        path.display()
    )]
    SecretsFileUnreadable {
        path: PathBuf,
        /// The variables without a value, such as "PETRA_PASSWORD is not set".
        unset: String,
        #[source]
        source: std::io::Error,
    },

    #[error("the Petra {name} is missing: {fix}")]
    MissingSecret { name: &'static str, fix: String },

    /// A credential's value cannot be sent. `origin` names the environment variable or
    /// the secrets file and key it was read from; the value itself is never included.
    #[error("the Petra {setting} from {origin} is invalid: it {reason}")]
    InvalidSecret {
        setting: String,
        origin: String,
        reason: String,
    },

    #[error("failed to {context}: {source}")]
    Client {
        context: &'static str,
        #[source]
        source: petra_client::Error,
    },

    #[error("mapping template {template} does not compile: {details}")]
    Template { template: String, details: String },

    #[error("cannot read the mapping template {}: {reason}", path.display())]
    TemplateFile { path: PathBuf, reason: String },

    #[error("retrieving the catalog from {location} failed: {source}")]
    Retrieval {
        location: String,
        #[source]
        source: petra_client::Error,
    },

    #[error("the inventory pool failed to {action} for source {source_name:?}: {source}")]
    Pool {
        action: &'static str,
        source_name: String,
        #[source]
        source: PoolError,
    },

    #[error("internal error: {reason}")]
    Internal { reason: String },

    #[error("the run history failed to {action}: {source}")]
    History {
        action: &'static str,
        #[source]
        source: PoolError,
    },

    #[error("cannot import requests from {}: {reason}", path.display())]
    Import { path: PathBuf, reason: String },

    /// Requests without an FR number were given to import. The outbox keys requests by
    /// their PO, so nothing was stored.
    #[error(
        "{} no fr_number (the PO), so nothing was imported; give every request its FR number",
        MissingPoList(positions)
    )]
    MissingPo {
        /// Positions of those requests in the input, starting at 1.
        positions: Vec<usize>,
    },

    /// Two or more requests given to one import share a PO, ignoring letter case. The
    /// later one would replace the earlier, so nothing was stored.
    #[error(
        "PO {po} is the fr_number of requests {} in the file, so nothing was imported; \
         merge their lines into one request, or give each order its own FR number",
        positions.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    RepeatedPo {
        po: String,
        /// Positions of those requests in the input, starting at 1.
        positions: Vec<usize>,
    },

    #[error("the fulfillment request outbox failed to {action}{}: {source}", po.as_ref().map(|po| format!(" for PO {po}")).unwrap_or_default())]
    Requests {
        action: &'static str,
        po: Option<String>,
        #[source]
        source: PoolError,
    },

    #[error("the shipment ledger failed to {action}: {source}")]
    Shipments {
        action: &'static str,
        #[source]
        source: PoolError,
    },

    #[error("the operation lock {name:?} could not be taken: {source}")]
    Lock {
        name: String,
        #[source]
        source: PoolError,
    },
}

/// Formats a client error with the innermost cause of its source chain, such as
/// "Connection refused (os error 111)", which the client's own message leaves out.
pub(crate) fn with_root_cause(error: &petra_client::Error) -> String {
    let message = error.to_string();
    let mut root = None;
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        root = Some(cause);
        source = cause.source();
    }

    match root.map(|cause| cause.to_string()) {
        Some(cause) if !message.contains(&cause) => format!("{message}: {cause}"),
        _ => message,
    }
}
