//! The shipment ledger rules: shipments keyed by (PO, tracking number), merged so a
//! refetch changes nothing, and an order's shipping state derived from all its
//! shipments.
//!
//! Because the state is a function of the set of stored shipments, and a stored shipment
//! is never removed or given fewer items, fetching the same window any number of times
//! gives the same state, and shipped quantities never go backwards.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use petra_client::wire::OrderLine;
use petra_client::{PoNumber, Sku, TrackingNumber};
use serde::{Deserialize, Serialize};

use super::shipped_at::ShippedAt;

/// One package of an order as the ledger keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentRecord {
    pub po_number: PoNumber,
    pub tracking_number: TrackingNumber,
    /// Petra's id of the shipment, when given.
    pub shipment_id: Option<String>,
    pub shipped_at: ShippedAt,
    pub method: Option<String>,
    pub items: Vec<ShippedItem>,
}

/// A SKU and the quantity of it in one package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippedItem {
    pub sku: Sku,
    pub quantity: u32,
}

/// A shipment in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredShipment {
    pub record: ShipmentRecord,
    /// False while no fulfillment request has the shipment's PO.
    pub matched: bool,
    pub first_seen_at: DateTime<Utc>,
}

/// What merging a fetched shipment into the ledger did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeOutcome {
    New,
    Unchanged,
    /// Petra sent a shipped-at value where the ledger had only a fallback.
    Completed,
    /// Petra sent other items under the same key; the stored version is kept.
    Conflict,
}

/// Merges a fetched shipment into the stored one with the same key. Returns the
/// shipment to store (if anything changed) and what happened.
pub fn merge(
    stored: Option<&StoredShipment>,
    fetched: ShipmentRecord,
    matched: bool,
    now: DateTime<Utc>,
) -> (Option<StoredShipment>, MergeOutcome) {
    let Some(stored) = stored else {
        return (
            Some(StoredShipment {
                record: fetched,
                matched,
                first_seen_at: now,
            }),
            MergeOutcome::New,
        );
    };

    if item_totals(&stored.record.items) != item_totals(&fetched.items) {
        return (None, MergeOutcome::Conflict);
    }
    let completes = !stored.record.shipped_at.is_from_petra() && fetched.shipped_at.is_from_petra();
    let newly_matched = matched && !stored.matched;
    if !completes && !newly_matched {
        return (None, MergeOutcome::Unchanged);
    }

    let mut updated = stored.clone();
    updated.matched |= matched;
    if completes {
        updated.record.shipped_at = fetched.shipped_at;
    }
    let outcome = if completes {
        MergeOutcome::Completed
    } else {
        MergeOutcome::Unchanged
    };
    (Some(updated), outcome)
}

fn item_totals(items: &[ShippedItem]) -> BTreeMap<&Sku, u64> {
    let mut totals = BTreeMap::new();
    for item in items {
        *totals.entry(&item.sku).or_insert(0) += u64::from(item.quantity);
    }
    totals
}

/// How far an order has shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShippingState {
    NotShipped,
    PartiallyShipped,
    Shipped,
}

impl ShippingState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotShipped => "not_shipped",
            Self::PartiallyShipped => "partially_shipped",
            Self::Shipped => "shipped",
        }
    }
}

/// One order line with its shipped quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineShipping {
    pub sku: Sku,
    pub ordered: u32,
    /// Never more than was ordered on this line, nor more than all shipments carried.
    pub shipped: u32,
}

/// More of a SKU shipped than the order asked for (ordered 0 for a SKU not on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverShipment {
    pub sku: Sku,
    pub ordered: u64,
    pub shipped: u64,
}

/// An order's shipping state, derived from its lines and its shipments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderShipping {
    pub po_number: PoNumber,
    pub state: ShippingState,
    pub lines: Vec<LineShipping>,
    pub over_shipped: Vec<OverShipment>,
    pub shipments: usize,
}

/// Derives the shipping state of an order from every shipment stored for it. Shipped
/// quantities fill the order's lines of a SKU in line order.
pub fn derive(po: &PoNumber, ordered: &[OrderLine], shipments: &[ShipmentRecord]) -> OrderShipping {
    let mut shipped: BTreeMap<&Sku, u64> = BTreeMap::new();
    for shipment in shipments {
        for item in &shipment.items {
            *shipped.entry(&item.sku).or_insert(0) += u64::from(item.quantity);
        }
    }

    let mut remaining = shipped.clone();
    let mut ordered_totals: BTreeMap<&Sku, u64> = BTreeMap::new();
    let lines: Vec<LineShipping> = ordered
        .iter()
        .map(|line| {
            *ordered_totals.entry(&line.sku).or_insert(0) += u64::from(line.quantity);
            let left = remaining.entry(&line.sku).or_insert(0);
            let take = (*left).min(u64::from(line.quantity));
            *left -= take;
            LineShipping {
                sku: line.sku.clone(),
                ordered: line.quantity,
                shipped: take as u32,
            }
        })
        .collect();

    let over_shipped = shipped
        .iter()
        .filter_map(|(sku, total)| {
            let ordered = ordered_totals.get(sku).copied().unwrap_or(0);
            (*total > ordered).then(|| OverShipment {
                sku: (*sku).clone(),
                ordered,
                shipped: *total,
            })
        })
        .collect();

    let all_covered = !lines.is_empty() && lines.iter().all(|line| line.shipped >= line.ordered);
    let any_shipped = lines.iter().any(|line| line.shipped > 0);
    let state = if all_covered {
        ShippingState::Shipped
    } else if any_shipped {
        ShippingState::PartiallyShipped
    } else {
        ShippingState::NotShipped
    };

    OrderShipping {
        po_number: po.clone(),
        state,
        lines,
        over_shipped,
        shipments: shipments.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 12, 0, 0, 0).unwrap()
    }

    fn line(sku: &str, quantity: u32) -> OrderLine {
        OrderLine {
            sku: Sku::new(sku),
            quantity,
        }
    }

    fn shipment(tracking: &str, items: &[(&str, u32)]) -> ShipmentRecord {
        ShipmentRecord {
            po_number: PoNumber::new("FR-1"),
            tracking_number: TrackingNumber::new(tracking),
            shipment_id: None,
            shipped_at: ShippedAt::Unknown,
            method: None,
            items: items
                .iter()
                .map(|(sku, quantity)| ShippedItem {
                    sku: Sku::new(sku),
                    quantity: *quantity,
                })
                .collect(),
        }
    }

    #[test]
    fn partial_then_full() {
        let po = PoNumber::new("FR-1");
        let ordered = [line("A", 3), line("B", 1)];
        let first = shipment("T1", &[("A", 2)]);
        let second = shipment("T2", &[("A", 1), ("B", 1)]);

        let partial = derive(&po, &ordered, std::slice::from_ref(&first));
        let full = derive(&po, &ordered, &[first, second]);

        assert_eq!(partial.state, ShippingState::PartiallyShipped);
        assert_eq!(partial.lines[0].shipped, 2);
        assert_eq!(full.state, ShippingState::Shipped);
        assert!(full.over_shipped.is_empty());
    }

    #[test]
    fn nothing_shipped_yet() {
        let state = derive(&PoNumber::new("FR-1"), &[line("A", 1)], &[]);

        assert_eq!(state.state, ShippingState::NotShipped);
    }

    #[test]
    fn over_shipment_reported_and_capped() {
        let state = derive(
            &PoNumber::new("FR-1"),
            &[line("A", 1)],
            &[shipment("T1", &[("A", 3), ("Z", 1)])],
        );

        assert_eq!(state.lines[0].shipped, 1);
        assert_eq!(state.over_shipped.len(), 2);
        assert_eq!(state.over_shipped[0].shipped, 3);
        assert_eq!(state.over_shipped[1].ordered, 0);
    }

    #[test]
    fn same_sku_fills_lines_in_order() {
        let state = derive(
            &PoNumber::new("FR-1"),
            &[line("A", 2), line("A", 2)],
            &[shipment("T1", &[("A", 3)])],
        );

        assert_eq!(state.lines[0].shipped, 2);
        assert_eq!(state.lines[1].shipped, 1);
    }

    #[test]
    fn refetch_is_unchanged() {
        let (stored, _) = merge(None, shipment("T1", &[("A", 1)]), true, now());

        let (update, outcome) = merge(stored.as_ref(), shipment("T1", &[("A", 1)]), true, now());

        assert!(update.is_none());
        assert_eq!(outcome, MergeOutcome::Unchanged);
    }

    #[test]
    fn different_items_keep_stored() {
        let (stored, _) = merge(None, shipment("T1", &[("A", 2)]), true, now());

        let (update, outcome) = merge(stored.as_ref(), shipment("T1", &[("A", 1)]), true, now());

        assert!(update.is_none());
        assert_eq!(outcome, MergeOutcome::Conflict);
    }

    #[test]
    fn petra_time_replaces_fallback() {
        let (stored, _) = merge(None, shipment("T1", &[("A", 1)]), false, now());
        let mut fetched = shipment("T1", &[("A", 1)]);
        fetched.shipped_at = ShippedAt::Date {
            date: chrono::NaiveDate::from_ymd_opt(2026, 6, 11).unwrap(),
        };

        let (update, outcome) = merge(stored.as_ref(), fetched, true, now());

        assert_eq!(outcome, MergeOutcome::Completed);
        assert!(update.unwrap().matched);
    }
}
