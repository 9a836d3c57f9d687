//! Target schemas of the three operations.

use crate::schema::{target, TargetSchema};
use crate::value::FieldType::{Boolean, Date, Number, Text};

/// The inventory variant that Get Inventory saves to the merchant's inventory pool.
/// Key: `sku`.
pub fn inventory() -> TargetSchema {
    let fields = vec![
        target(
            "sku",
            Text,
            true,
            "The variant's SKU, unique within the source.",
        ),
        target(
            "parent_sku",
            Text,
            false,
            "The SKU of the product the variant belongs to.",
        ),
        target(
            "title",
            Text,
            true,
            "The variant's title as a storefront shows it.",
        ),
        target("description", Text, false, "Long description, plain text."),
        target("brand", Text, false, "Brand name."),
        target("cost", Number, true, "Dealer cost in US dollars."),
        target(
            "msrp",
            Number,
            false,
            "Manufacturer's suggested retail price in US dollars.",
        ),
        target(
            "map",
            Number,
            false,
            "Minimum advertised price in US dollars; null means none.",
        ),
        target("quantity", Number, true, "Quantity available to sell."),
        target(
            "upc",
            Text,
            false,
            "UPC-A or other GTIN, digits only, check digit verified.",
        ),
        target("image_url", Text, false, "URL of the main image."),
        target("condition", Text, false, "`new` or `refurbished`."),
        target(
            "discontinued",
            Boolean,
            false,
            "Whether the supplier discontinued the item.",
        ),
    ];
    TargetSchema::new("inventory", fields, Some("sku"))
}

/// One line of a dropship order that Send Fulfillment Requests submits. All address
/// fields a carrier needs are required. Key: `po_number`.
pub fn fulfillment_request() -> TargetSchema {
    let fields = vec![
        target(
            "po_number",
            Text,
            true,
            "The merchant's PO or reference number.",
        ),
        target("ship_to_name", Text, true, "Recipient name."),
        target("address1", Text, true, "First address line."),
        target("address2", Text, false, "Second address line."),
        target("city", Text, true, "City."),
        target("state", Text, true, "State or province code."),
        target("postal_code", Text, true, "Postal code."),
        target(
            "country",
            Text,
            false,
            "ISO country code; Petra assumes US when empty.",
        ),
        target("phone", Text, false, "Recipient phone number."),
        target("email", Text, false, "Recipient email address."),
        target("shipping_method", Text, false, "Requested shipping method."),
        target("item_sku", Text, true, "Petra SKU of the line item."),
        target("item_quantity", Number, true, "Quantity ordered."),
    ];
    TargetSchema::new("fulfillment_request", fields, Some("po_number"))
}

/// One shipped item that Get Shipments attaches to an order. Key: `tracking_number`.
pub fn shipment() -> TargetSchema {
    let fields = vec![
        target("tracking_number", Text, true, "Carrier tracking number."),
        target(
            "shipped_at",
            Date,
            false,
            "When the package shipped, with offset if known.",
        ),
        target("method", Text, false, "Shipping method or carrier service."),
        target("po_number", Text, false, "The order's PO number."),
        target("item_sku", Text, true, "SKU of the shipped item."),
        target(
            "quantity_shipped",
            Number,
            true,
            "Quantity of the item in this package.",
        ),
    ];
    TargetSchema::new("shipment", fields, Some("tracking_number"))
}
