//! The crate's one error type.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything that can stop the sandbox from starting or from taking a new setting.
///
/// Requests the sandbox serves never produce this type: they get Petra's JSON error body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(
        "failed to bind the sandbox to {addr}: {source}; choose another port or free this one"
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    #[error("failed to read the catalog feed {path}: {source}; check the path and permissions")]
    ReadFeed {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid catalog feed {path}: {reason}")]
    InvalidFeed { path: PathBuf, reason: String },

    #[error("failed to write the ProdList.csv download: {source}")]
    RenderFeed {
        #[source]
        source: std::io::Error,
    },

    #[error("invalid sandbox setting `{setting}`: {reason}")]
    InvalidConfig { setting: String, reason: String },

    #[error("invalid fault rule `{rule}`: {reason}")]
    InvalidFaultRule { rule: String, reason: String },
}

impl Error {
    pub(crate) fn config(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidConfig {
            setting: setting.into(),
            reason: reason.into(),
        }
    }
}
