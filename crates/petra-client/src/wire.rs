//! Every type that crosses the wire to Petra's HTTP API, and nothing else.
//!
//! `docs/petra-api.md` documents the contract these types encode. Adapting the SDK to
//! Petra's real API should touch only this module (and the paths in the client).
//! Money is carried as decimal strings (`"91.99"`) so no binary floating point ever holds
//! a price.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::{PoNumber, Sku, TrackingNumber};

/// Path segments of the contract, relative to the connection's base URL.
pub mod paths {
    pub const PING: &str = "ping";
    pub const CATALOG_PRODUCTS: &str = "catalog/products";
    pub const FEED: &str = "feed/ProdList.csv";
    pub const ORDERS: &str = "orders";
    pub const SHIPMENTS: &str = "shipments";
}

/// Maximum `limit` a catalog or shipment page request may ask for.
pub const MAX_PAGE_LIMIT: u32 = 1000;

/// Default page size of catalog and shipment listings.
pub const DEFAULT_PAGE_LIMIT: u32 = 200;

/// Body of `GET /ping`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingResponse {
    pub account: String,
    pub api_access: bool,
    pub server_time: DateTime<Utc>,
}

/// One page of `GET /catalog/products`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub products: Vec<Product>,
    pub next_cursor: Option<String>,
}

/// A product and its sellable variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Petra's product line id; the parent of the variants.
    pub product_id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    pub variants: Vec<Variant>,
}

/// A sellable item with its own SKU, price and quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub sku: Sku,
    #[serde(default)]
    pub vendor_sku: Option<String>,
    pub title: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    pub pricing: Pricing,
    pub quantity_available: u64,
    #[serde(default)]
    pub upc: Option<String>,
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default)]
    pub discontinued: bool,
}

/// Prices of a variant. `map` of `None` or zero means no minimum advertised price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pricing {
    pub currency: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub dealer_price: Decimal,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub msrp: Option<Decimal>,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub map: Option<Decimal>,
}

/// Body of `POST /orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderRequest {
    pub po_number: PoNumber,
    pub ship_to: ShipTo,
    #[serde(default)]
    pub shipping_method: Option<String>,
    pub lines: Vec<OrderLine>,
}

/// Where a dropship order goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipTo {
    pub name: String,
    pub address1: String,
    #[serde(default)]
    pub address2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    #[serde(default = "default_country")]
    pub country: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

fn default_country() -> String {
    "US".to_owned()
}

/// One line of an order: a SKU and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: Sku,
    pub quantity: u32,
}

/// An order as Petra holds it: the body of `201` on create and of `GET /orders/{po}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub order_id: String,
    pub po_number: PoNumber,
    pub status: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub shipping_method: Option<String>,
    pub lines: Vec<OrderLine>,
}

/// One page of `GET /shipments`, and the body of `GET /orders/{po}/shipments`
/// (where `next_cursor` is always `null`). An empty list means no shipments yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentPage {
    pub shipments: Vec<Shipment>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// One package sent for an order, with the items it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub shipment_id: String,
    pub po_number: PoNumber,
    pub tracking_number: TrackingNumber,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub shipping_method: Option<String>,
    /// Kept as the server wrote it: an RFC 3339 time with offset, a local time without
    /// offset (America/Chicago), a date, or absent. Interpreting it is the caller's job.
    #[serde(default)]
    pub shipped_at: Option<String>,
    pub items: Vec<ShipmentItem>,
}

/// A SKU and the quantity of it in one shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentItem {
    pub sku: Sku,
    pub quantity_shipped: u32,
}

/// The body of every non-2xx response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, in Petra's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub details: Vec<FieldProblem>,
}

/// One invalid or missing field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub reason: String,
}

/// Stable `error.code` values.
pub mod error_codes {
    pub const BAD_REQUEST: &str = "bad_request";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const API_ACCESS_DISABLED: &str = "api_access_disabled";
    pub const NOT_FOUND: &str = "not_found";
    pub const DUPLICATE_PO: &str = "duplicate_po";
    pub const VALIDATION_FAILED: &str = "validation_failed";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const SERVER_ERROR: &str = "server_error";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pricing_reads_decimal_strings() {
        let pricing: Pricing = serde_json::from_str(
            r#"{"currency":"USD","dealer_price":"91.99","msrp":"109.99","map":null}"#,
        )
        .unwrap();

        assert_eq!(pricing.dealer_price, Decimal::new(9199, 2));
        assert_eq!(pricing.msrp, Some(Decimal::new(10999, 2)));
        assert_eq!(pricing.map, None);
    }

    #[test]
    fn ship_to_country_defaults_to_us() {
        let ship_to: ShipTo = serde_json::from_str(
            r#"{"name":"A","address1":"1 Main","city":"Tempe","state":"AZ","postal_code":"85281"}"#,
        )
        .unwrap();

        assert_eq!(ship_to.country, "US");
    }

    #[test]
    fn empty_shipment_page_means_none_yet() {
        let page: ShipmentPage = serde_json::from_str(r#"{"shipments":[]}"#).unwrap();

        assert!(page.shipments.is_empty());
        assert!(page.next_cursor.is_none());
    }
}
