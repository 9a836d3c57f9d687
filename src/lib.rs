//! Facade over the Petra SDK crates, so an application depends on one package.
//!
//! - [`fieldmap`]: the field-mapping engine.
//! - [`client`]: the typed Petra client (HTTP API and ProdList.csv feed).
//! - [`ops`]: the three operations and the traits a platform implements.
//! - [`store`]: the embedded SQLite implementations of those traits.
//! - [`sandbox`]: a local Petra-compatible server.

pub use fieldmap;
pub use petra_client as client;
pub use petra_ops as ops;
pub use petra_sandbox as sandbox;
pub use petra_store as store;
