//! The Get Shipments report, kept as run history.

use chrono::{DateTime, Utc};
use petra_client::{PoNumber, TrackingNumber};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ledger::{OverShipment, ShippingState};

/// A shipment named by its ledger key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentKey {
    pub po_number: PoNumber,
    pub tracking_number: TrackingNumber,
}

/// A shipment that could not be read: its position in the listing and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentRejection {
    /// Position in the listing of this run, starting at 1.
    pub position: u64,
    pub shipment_id: String,
    pub po_number: String,
    pub field: String,
    pub reason: String,
}

/// An order whose shipping state this run derived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderUpdate {
    pub po_number: PoNumber,
    pub previous: Option<ShippingState>,
    pub state: ShippingState,
}

/// More shipped than ordered on one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverShipped {
    pub po_number: PoNumber,
    pub item: OverShipment,
}

/// The outcome of one Get Shipments run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentsReport {
    pub run_id: Uuid,
    pub source: String,
    pub window_days: u32,
    pub shipped_since: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: u64,
    /// Shipments read from Petra.
    pub fetched: u64,
    /// Shipments new to the ledger.
    pub new: u64,
    /// Shipments the ledger already had exactly.
    pub unchanged: u64,
    /// Stored shipments whose fallback shipped-at Petra now gave.
    pub completed: u64,
    /// Shipments Petra sent again with other items; the ledger kept the first version.
    pub conflicts: Vec<ShipmentKey>,
    pub rejected: Vec<ShipmentRejection>,
    /// Shipments of this run whose PO matches no fulfillment request. They are stored.
    pub unmatched: Vec<ShipmentKey>,
    pub orders: Vec<OrderUpdate>,
    pub over_shipped: Vec<OverShipped>,
    /// False when the listing failed part way; what was read is stored.
    pub complete: bool,
    pub retrieval_error: Option<String>,
    /// The error that stopped the listing when Petra rejected the credentials (`401`) or
    /// the account has no API access (`403`). Fetching again fails the same way until that
    /// is fixed.
    #[serde(default)]
    pub fatal_error: Option<String>,
    /// HTTP status of `fatal_error`: `401` or `403`.
    #[serde(default)]
    pub fatal_status: Option<u16>,
    /// True when the listing failed to connect (refused, DNS or TLS failure, or connect
    /// timeout) before Petra returned any shipment, so no request reached Petra.
    #[serde(default)]
    pub petra_unreachable: bool,
    /// True when a stop signal ended the run after a batch.
    pub interrupted: bool,
}

impl ShipmentsReport {
    /// Reports whether the whole window was read.
    pub fn succeeded(&self) -> bool {
        self.complete && !self.interrupted
    }
}
