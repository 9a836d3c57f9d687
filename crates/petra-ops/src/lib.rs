//! The Petra operations and the seams they compose.
//!
//! - [`settings`]: `petra.toml`: connection, source, operation and store settings, and
//!   the secrets loaded beside them.
//! - [`pool`]: the [`InventoryPool`](pool::InventoryPool) seam, pool items and content
//!   hashes.
//! - [`history`]: the [`RunHistory`](history::RunHistory) seam: runs and connection tests.
//! - [`inventory`]: the Get Inventory operation, its archive guard and its report.
//! - [`fulfillment`]: Send Fulfillment Requests: the order outbox, validation and
//!   submission with PO lookups after lost replies.
//! - [`shipments`]: Get Shipments: the shipment ledger and order shipping states.
//! - [`schedule`]: schedules, the operation lock and the scheduler loop.
//! - [`status`]: Connected, Configured and Mapped per operation.
//! - [`clock`]: the injectable [`Clock`](clock::Clock).
//! - [`memory`]: in-memory implementations of the seams.
//! - [`error`]: the crate's one error type.

pub mod clock;
pub mod error;
pub mod fulfillment;
pub mod history;
pub mod inventory;
pub mod memory;
pub mod pool;
mod row_hashes;
pub mod schedule;
pub mod settings;
pub mod shipments;
pub mod status;

pub use error::Error;
pub use petra_client::Sku;
