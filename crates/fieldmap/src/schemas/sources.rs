//! Source schemas of the default templates.

use crate::schema::{source, SourceSchema};
use crate::value::FieldType::{Boolean, List, Number, Text};

/// The columns of Petra's `ProdList.csv`, in the order the feed writes them.
pub const PRODLIST_COLUMNS: [&str; 28] = [
    "VENDOR SKU",
    "PETRA SKU",
    "DESCRIPTION",
    "AVAILABLE",
    "PRICE",
    "BRAND NAME",
    "WEIGHT-UNPACKED",
    "PRODUCT CLASS",
    "UPC",
    "LONG DESC",
    "KEYWORDS",
    "SPECS",
    "SUBCATEGORY",
    "NOTES1",
    "REFURB",
    "LENGTH",
    "WIDTH",
    "HEIGHT",
    "MAP",
    "RETURNABLE",
    "ESTIMATED SHIP WEIGHT",
    "NOTES2",
    "SUBCATEGORY2",
    "SUBCATEGORY3",
    "MSRP",
    "PO ETA DATE",
    "WARRANTY",
    "IMAGE URL",
];

/// The `ProdList.csv` columns as text fields, indexed in feed order.
///
/// A feed whose header has another order needs a schema built from that header with
/// [`SourceSchema::from_columns`]; the default template compiles against either.
pub fn prodlist() -> SourceSchema {
    SourceSchema::new(
        "petra_prodlist",
        PRODLIST_COLUMNS
            .iter()
            .map(|name| source(name, Some(Text)))
            .collect(),
    )
}

/// One catalog variant from Petra's HTTP API, flattened: variant fields, its product's
/// fields and its prices side by side.
///
/// | field | from | type |
/// |---|---|---|
/// | `sku` | variant `sku` | text |
/// | `vendor_sku` | variant `vendor_sku` | text |
/// | `title` | variant `title` | text |
/// | `product_id` | product `product_id` | text |
/// | `name` | product `name` | text |
/// | `description` | product `description` | text |
/// | `brand` | product `brand` | text |
/// | `category` | first of product `categories` | text |
/// | `categories` | product `categories` | list |
/// | `currency` | variant `pricing.currency` | text |
/// | `dealer_price` | variant `pricing.dealer_price` | number |
/// | `msrp` | variant `pricing.msrp` | number |
/// | `map` | variant `pricing.map` | number |
/// | `quantity_available` | variant `quantity_available` | number |
/// | `upc` | variant `upc` | text |
/// | `image_url` | first of variant `images` | text |
/// | `images` | variant `images` | list |
/// | `discontinued` | variant `discontinued` | boolean |
/// | `refurbished` | `attributes.refurbished` of the variant, else of the product (`Y` or `N`) | text |
pub fn petra_catalog_api() -> SourceSchema {
    SourceSchema::new(
        "petra_catalog_api",
        vec![
            source("sku", Some(Text)),
            source("vendor_sku", Some(Text)),
            source("title", Some(Text)),
            source("product_id", Some(Text)),
            source("name", Some(Text)),
            source("description", Some(Text)),
            source("brand", Some(Text)),
            source("category", Some(Text)),
            source("categories", Some(List)),
            source("currency", Some(Text)),
            source("dealer_price", Some(Number)),
            source("msrp", Some(Number)),
            source("map", Some(Number)),
            source("quantity_available", Some(Number)),
            source("upc", Some(Text)),
            source("image_url", Some(Text)),
            source("images", Some(List)),
            source("discontinued", Some(Boolean)),
            source("refurbished", Some(Text)),
        ],
    )
}

/// One line of a merchant's fulfillment request routed to Petra.
pub fn merchant_fulfillment_request() -> SourceSchema {
    SourceSchema::new(
        "merchant_fulfillment_request",
        vec![
            source("fr_number", Some(Text)),
            source("ship_to_name", Some(Text)),
            source("address_line_1", Some(Text)),
            source("address_line_2", Some(Text)),
            source("city", Some(Text)),
            source("state", Some(Text)),
            source("postal_code", Some(Text)),
            source("country", Some(Text)),
            source("phone", Some(Text)),
            source("email", Some(Text)),
            source("shipping_method", Some(Text)),
            source("item_sku", Some(Text)),
            source("item_quantity", Some(Number)),
        ],
    )
}

/// One shipped item from Petra's shipment listing, flattened with its shipment.
/// `shipped_at` is text because Petra writes an RFC 3339 time, a local time without
/// offset, a bare date, or nothing.
pub fn petra_shipment() -> SourceSchema {
    SourceSchema::new(
        "petra_shipment",
        vec![
            source("shipment_id", Some(Text)),
            source("po_number", Some(Text)),
            source("tracking_number", Some(Text)),
            source("carrier", Some(Text)),
            source("shipping_method", Some(Text)),
            source("shipped_at", Some(Text)),
            source("sku", Some(Text)),
            source("quantity_shipped", Some(Number)),
        ],
    )
}
