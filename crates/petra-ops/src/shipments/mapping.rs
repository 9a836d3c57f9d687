//! Petra shipments through the mapping template: one record per shipped item, folded
//! back into one ledger record per shipment.

use chrono::{DateTime, Utc};
use fieldmap::{MappedRecord, Plan, Record, Value, ValueRef};
use petra_client::wire::{Shipment, ShipmentItem};
use petra_client::{PoNumber, Sku, TrackingNumber};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::ledger::{ShipmentRecord, ShippedItem};
use super::report::ShipmentRejection;
use super::shipped_at::{self, ShippedAtFallback};

/// One item of a shipment, in the field order of `fieldmap::schemas::petra_shipment`.
struct ItemRecord<'a> {
    shipment: &'a Shipment,
    item: Option<&'a ShipmentItem>,
}

impl Record for ItemRecord<'_> {
    fn get(&self, index: usize) -> ValueRef<'_> {
        let shipment = self.shipment;
        match index {
            0 => ValueRef::Text(&shipment.shipment_id),
            1 => ValueRef::Text(shipment.po_number.as_str()),
            2 => ValueRef::Text(shipment.tracking_number.as_str()),
            3 => shipment
                .carrier
                .as_deref()
                .map_or(ValueRef::Null, ValueRef::Text),
            4 => shipment
                .shipping_method
                .as_deref()
                .map_or(ValueRef::Null, ValueRef::Text),
            5 => shipment
                .shipped_at
                .as_deref()
                .map_or(ValueRef::Null, ValueRef::Text),
            6 => self
                .item
                .map_or(ValueRef::Absent, |item| ValueRef::Text(item.sku.as_str())),
            7 => self.item.map_or(ValueRef::Absent, |item| {
                ValueRef::Number(Decimal::from(item.quantity_shipped))
            }),
            _ => ValueRef::Absent,
        }
    }
}

/// Maps one shipment. Every problem is returned with the shipment's position in the
/// listing, its id and PO, so it can be found at Petra.
pub(super) fn map_shipment(
    plan: &Plan,
    shipment: &Shipment,
    position: u64,
    zone: chrono_tz::Tz,
    fallback: ShippedAtFallback,
    now: DateTime<Utc>,
) -> Result<ShipmentRecord, Vec<ShipmentRejection>> {
    let reject = |field: &str, reason: String| ShipmentRejection {
        position,
        shipment_id: shipment.shipment_id.clone(),
        po_number: shipment.po_number.to_string(),
        field: field.to_owned(),
        reason,
    };
    if shipment.items.is_empty() {
        return Err(vec![reject(
            "items",
            "the shipment lists no items".to_owned(),
        )]);
    }

    let mut rejections = Vec::new();
    let mut header: Option<MappedRecord> = None;
    let mut items = Vec::new();
    for item in &shipment.items {
        let record = ItemRecord {
            shipment,
            item: Some(item),
        };
        match plan.map(&record, position) {
            Ok(mapped) => {
                match shipped_item(&mapped) {
                    Ok(item) => items.push(item),
                    Err((field, reason)) => rejections.push(reject(field, reason)),
                }
                header.get_or_insert(mapped);
            }
            Err(error) => rejections.extend(error.problems.into_iter().map(|problem| {
                reject(
                    &problem.field,
                    format!("{} (value {:?})", problem.reason, problem.value),
                )
            })),
        }
    }
    let Some(header) = header.filter(|_| rejections.is_empty()) else {
        return Err(rejections);
    };

    let tracking_number = text(&header, "tracking_number").map(TrackingNumber::new);
    let Some(tracking_number) = tracking_number.filter(|tracking| !tracking.is_empty()) else {
        return Err(vec![reject("tracking_number", "is missing".to_owned())]);
    };
    let shipped_at = match header.get("shipped_at") {
        Some(Value::Date(date)) => Some(*date),
        _ => None,
    };

    Ok(ShipmentRecord {
        po_number: PoNumber::new(text(&header, "po_number").unwrap_or_default()),
        tracking_number,
        shipment_id: Some(shipment.shipment_id.clone()).filter(|id| !id.is_empty()),
        shipped_at: shipped_at::interpret(shipped_at, zone, fallback, now),
        method: text(&header, "method"),
        items,
    })
}

fn text(mapped: &MappedRecord, field: &str) -> Option<String> {
    match mapped.get(field) {
        Some(Value::Text(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        _ => None,
    }
}

fn shipped_item(mapped: &MappedRecord) -> Result<ShippedItem, (&'static str, String)> {
    let sku = text(mapped, "item_sku").ok_or(("item_sku", "is missing".to_owned()))?;
    let quantity = match mapped.get("quantity_shipped") {
        Some(Value::Number(number)) => number,
        _ => return Err(("quantity_shipped", "is missing".to_owned())),
    };
    let whole = (*quantity > Decimal::ZERO && quantity.fract() == Decimal::ZERO)
        .then(|| quantity.to_u32())
        .flatten()
        .ok_or((
            "quantity_shipped",
            format!("{quantity} is not a positive whole number"),
        ))?;
    Ok(ShippedItem {
        sku: Sku::new(sku),
        quantity: whole,
    })
}
