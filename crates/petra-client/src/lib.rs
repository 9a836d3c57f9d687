//! Typed async client for Petra Industries.
//!
//! - [`error`]: the crate's one error type.
//! - [`feed`]: the ProdList.csv feed: streaming reader, downloads and a synthetic
//!   feed generator.
//! - [`ids`]: identifier newtypes (SKU, PO number, tracking number) and their
//!   normalisation rules.
//! - [`wire`]: every type of the HTTP wire contract documented in `docs/petra-api.md`.

pub mod error;
pub mod feed;
pub mod ids;
pub mod wire;

pub use error::Error;
pub use ids::{PoNumber, Sku, TrackingNumber};
