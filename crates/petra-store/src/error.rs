//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can fail in `petra-store`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot open the SQLite store {}: {source}; check the path and its permissions", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("the store {} is not a SQLite database, or its header is damaged", path.display())]
    NotADatabase { path: PathBuf },

    #[error("schema migration {version} failed: {source}")]
    Migration {
        version: usize,
        #[source]
        source: rusqlite::Error,
    },

    #[error("schema migration {version} was rolled back because it would leave a broken reference: {first}; the store is unchanged, so keep using the previous petra build and report this")]
    MigrationReferences { version: usize, first: String },

    #[error("the store has schema version {found} but this build knows only up to {supported}; use a newer petra")]
    NewerSchema { found: usize, supported: usize },

    #[error("SQLite failed to {action}: {source}")]
    Sqlite {
        action: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    #[error("stored {what} {value:?} is invalid; the database may have been edited by hand")]
    InvalidRow { what: &'static str, value: String },

    #[error("PO {po} is not in the outbox of source {source_name:?}; import it first")]
    NotInOutbox { source_name: String, po: String },

    #[error("invalid outbox state change: {0}")]
    InvalidChange(#[from] petra_ops::fulfillment::outbox::InvalidChange),

    #[error("cannot start {thread}: {source}")]
    Thread {
        thread: &'static str,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot check the operation lock file {}: {source}; check its permissions", path.display())]
    LockCheck {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("the store's worker thread stopped: {0}")]
    Worker(#[from] tokio::task::JoinError),
}

impl Error {
    pub(crate) fn sqlite(action: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Self::Sqlite { action, source }
    }

    /// Turns an error SQLite gave because the file at `path` is not a database into
    /// [`Error::NotADatabase`], which names the file.
    pub(crate) fn naming_file(self, path: &std::path::Path) -> Self {
        let source = match &self {
            Self::Sqlite { source, .. }
            | Self::Open { source, .. }
            | Self::Migration { source, .. } => source,
            _ => return self,
        };
        match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => Self::NotADatabase {
                path: path.to_owned(),
            },
            _ => self,
        }
    }
}
