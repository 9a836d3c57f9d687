//! The Get Inventory report, kept as run history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Rejections and warnings listed one by one in a report; the counts cover the rest.
pub const MAX_LISTED: usize = 1_000;

/// One field of a record that was rejected: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Line of the feed file where the row starts, or the variant's position in the API
    /// catalog (1-based).
    pub line: u64,
    pub sku: Option<String>,
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// The outcome for items absent from the retrieval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ArchiveOutcome {
    /// Archiving is switched off in the settings.
    Disabled,
    /// The items were archived (or, in a dry run, would be).
    Applied { count: u64 },
    /// Nothing was archived, for the reason given.
    Refused {
        would_archive: Option<u64>,
        reason: String,
        /// True when the archive guard's fraction limit refused, which
        /// `--allow-mass-archive` (or `RunOptions::allow_mass_archive`) lifts. False when
        /// the retrieval was incomplete or empty.
        #[serde(default)]
        mass_archive: bool,
        /// Active items the guard measured against when it refused a mass archive. Later
        /// runs measure against no more than this until a run archives or finds nothing
        /// absent, so the items a refused run created do not let the next run archive
        /// what it refused.
        #[serde(default)]
        guard_base: Option<u64>,
        /// When the refusal that `guard_base` comes from was made: this run, or the
        /// earlier run whose refusal is still pending.
        #[serde(default)]
        refused_at: Option<DateTime<Utc>>,
    },
}

/// The outcome of one Get Inventory run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryReport {
    pub run_id: Uuid,
    pub source: String,
    /// Origin of the catalog: the API base URL, a feed URL or a file path.
    pub retrieved_from: String,
    pub dry_run: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: u64,
    /// Whether every record of the catalog was read. Archiving needs a complete read.
    pub retrieval_complete: bool,
    /// Reason the retrieval is incomplete, when it is.
    pub retrieval_error: Option<String>,
    /// The error that stopped the retrieval when Petra or the feed server rejected the
    /// credentials (`401`, or an FTP login rejection) or the account has no API access
    /// (`403`). Running again fails the same way until that is fixed.
    #[serde(default)]
    pub fatal_error: Option<String>,
    /// HTTP status of `fatal_error`: `401` or `403`. `None` for an FTP login rejection.
    #[serde(default)]
    pub fatal_status: Option<u16>,
    /// True when the retrieval failed to connect (refused, DNS or TLS failure, or connect
    /// timeout) before any record arrived, so no request reached Petra or the feed
    /// server.
    #[serde(default)]
    pub petra_unreachable: bool,
    /// True when a stop signal (or the cancellation token of [`RunOptions`]) ended the
    /// retrieval before the end of the catalog.
    ///
    /// [`RunOptions`]: super::RunOptions
    #[serde(default)]
    pub interrupted: bool,
    /// Feed line (or position in the API catalog) of the last record read before the
    /// stop, when the run was interrupted after reading one.
    #[serde(default)]
    pub stopped_after: Option<u64>,
    /// Records read: mapped, rejected or duplicate.
    pub records: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub reactivated: u64,
    pub archived: u64,
    pub archive: ArchiveOutcome,
    /// Records rejected, each with at least one entry in `rejections`.
    pub rejected: u64,
    /// The first [`MAX_LISTED`] rejections, one per field.
    pub rejections: Vec<Rejection>,
    pub warning_count: u64,
    /// The first [`MAX_LISTED`] warnings.
    pub warnings: Vec<String>,
}

impl InventoryReport {
    /// Whether the run applied everything it read and archived what the settings ask for.
    /// Rejected records do not make a run fail. A refused archive does when the guard's
    /// fraction limit refused it, because a person has to check the feed.
    pub fn succeeded(&self) -> bool {
        self.retrieval_complete && !self.mass_archive_refused()
    }

    /// Reports whether the catalog came from the Petra API rather than a feed.
    pub fn from_api(&self) -> bool {
        self.retrieved_from.starts_with(super::API_ORIGIN)
    }

    /// Reports whether the archive guard refused to archive more than its fraction of the
    /// active items.
    pub fn mass_archive_refused(&self) -> bool {
        matches!(
            self.archive,
            ArchiveOutcome::Refused {
                mass_archive: true,
                ..
            }
        )
    }
}
