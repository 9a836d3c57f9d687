//! Embedded SQLite implementations of the `petra-ops` seams.
//!
//! - [`store`]: [`SqliteStore`], the handle, its connection and blocking-thread calls.
//! - `checkpointer`: the thread that copies committed WAL pages into the database file.
//! - [`schema`]: pragmas and the versioned migrations embedded in the crate.
//! - [`pool`]: [`InventoryPool`](petra_ops::pool::InventoryPool) on the
//!   `inventory_items` and `inventory_item_state` tables, with change detection by
//!   content hash.
//! - [`history`]: [`RunHistory`](petra_ops::history::RunHistory) on the `runs` and
//!   `connection_tests` tables.
//! - [`outbox`]: [`FulfillmentRequests`](petra_ops::fulfillment::FulfillmentRequests) on
//!   the `fulfillment_requests` table: the durable order outbox.
//! - [`ledger`]: [`ShipmentSink`](petra_ops::shipments::ShipmentSink) on the `shipments`
//!   and `order_shipping` tables.
//! - [`locks`]: [`OperationLocks`](petra_ops::schedule::OperationLocks) safe across
//!   processes.
//! - [`error`]: the crate's one error type.

mod checkpointer;
pub mod error;
pub mod history;
pub mod ledger;
pub mod locks;
mod new_states;
pub mod outbox;
pub mod pool;
pub mod schema;
pub mod store;

pub use error::Error;
pub use pool::StoredItem;
pub use store::SqliteStore;
