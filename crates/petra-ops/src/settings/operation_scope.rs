//! The operations each settings problem stops, so a command and `petra status` judge an
//! operation only by the settings it reads.

use crate::history::Operation;

/// Settings that only Get Inventory reads. The feed URL is the catalog source of
/// `retrieval = "feed"`.
const INVENTORY_ONLY: [&str; 2] = ["inventory", "connection.feed_url"];

/// Settings that only Send Fulfillment Requests reads, which are its own table and how
/// and from where the source ships.
const FULFILLMENT_ONLY: [&str; 4] = [
    "fulfillment",
    "source.fulfills_orders",
    "source.shipping_methods",
    "source.ship_from",
];

/// Settings that only Get Shipments reads.
const SHIPMENTS_ONLY: [&str; 1] = ["shipments"];

/// Reports whether a problem of `field`, a path such as `source.ship_from.state_code`,
/// stops `operation`. Problems outside the tables above stop every operation, because
/// every operation reads the connection, the source's name and type and the store. An
/// unknown table stops every operation too.
pub fn stops_operation(field: &str, operation: Operation) -> bool {
    let only = [
        (Operation::GetInventory, &INVENTORY_ONLY[..]),
        (Operation::SendFulfillmentRequests, &FULFILLMENT_ONLY[..]),
        (Operation::GetShipments, &SHIPMENTS_ONLY[..]),
    ];

    match only
        .iter()
        .find(|(_, tables)| tables.iter().any(|table| is_within(field, table)))
    {
        Some((owner, _)) => *owner == operation,
        None => true,
    }
}

/// Reports whether `field` is `table` itself or a key, index or table below it.
fn is_within(field: &str, table: &str) -> bool {
    match field.strip_prefix(table) {
        Some(rest) => rest.is_empty() || rest.starts_with('.') || rest.starts_with('['),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Operation; 3] = Operation::ALL;

    fn stopped(field: &str) -> Vec<Operation> {
        ALL.into_iter()
            .filter(|operation| stops_operation(field, *operation))
            .collect()
    }

    #[test]
    fn shared_settings_stop_every_operation() {
        for field in [
            "connection.base_url",
            "connection.tiemout_secs",
            "source.name",
            "source.nmae",
            "store.pth",
            "inventroy",
        ] {
            assert_eq!(stopped(field), ALL, "{field}");
        }
    }

    #[test]
    fn shipping_settings_stop_only_fulfillment() {
        for field in [
            "source.fulfills_orders",
            "source.shipping_methods",
            "source.shipping_methods[0].code",
            "source.ship_from",
            "source.ship_from.state_code",
            "fulfillment.batch_size",
        ] {
            assert_eq!(
                stopped(field),
                [Operation::SendFulfillmentRequests],
                "{field}"
            );
        }
    }

    #[test]
    fn inventory_settings_stop_only_inventory() {
        for field in ["inventory.batch_size", "connection.feed_url"] {
            assert_eq!(stopped(field), [Operation::GetInventory], "{field}");
        }
    }

    #[test]
    fn shipments_settings_stop_only_shipments() {
        assert_eq!(stopped("shipments.window_days"), [Operation::GetShipments]);
    }

    #[test]
    fn table_prefix_needs_separator() {
        assert!(!is_within("inventory_extra", "inventory"));
        assert!(is_within("inventory", "inventory"));
        assert!(is_within("source.ship_from.city", "source.ship_from"));
    }
}
