//! Built-in schemas: targets for the three operations and the sources the default
//! templates read.
//!
//! Target schemas:
//! - [`inventory`]: one inventory variant (Get Inventory).
//! - [`fulfillment_request`]: one line of a dropship order sent to Petra (Send
//!   Fulfillment Requests).
//! - [`shipment`]: one shipped item of a shipment (Get Shipments).
//!
//! Source schemas:
//! - [`petra_catalog_api`]: one catalog variant from Petra's HTTP API, flattened.
//! - [`prodlist`]: the columns of Petra's `ProdList.csv` feed.
//! - [`merchant_fulfillment_request`]: one line of a merchant's fulfillment request.
//! - [`petra_shipment`]: one shipped item from Petra's shipment listing, flattened.

mod sources;
mod targets;

pub use sources::{
    merchant_fulfillment_request, petra_catalog_api, petra_shipment, prodlist, PRODLIST_COLUMNS,
};
pub use targets::{fulfillment_request, inventory, shipment};
