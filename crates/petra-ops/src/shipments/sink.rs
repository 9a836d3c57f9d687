//! The [`ShipmentSink`] seam, where shipments attach to orders, and an in-memory
//! implementation.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::PoNumber;

use super::ledger::{OrderShipping, StoredShipment};
use crate::pool::PoolError;

/// Shipments and derived order states to store together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachBatch {
    /// New or changed shipments, keyed by (PO, tracking number): storing one again
    /// replaces it.
    pub shipments: Vec<StoredShipment>,
    /// The shipping state of every order those shipments belong to.
    pub orders: Vec<OrderShipping>,
}

/// The store that attaches shipments to their orders, idempotently.
#[async_trait]
pub trait ShipmentSink: Send + Sync {
    /// Stores a batch in one transaction.
    async fn attach(
        &self,
        source: &str,
        batch: AttachBatch,
        now: DateTime<Utc>,
    ) -> Result<(), PoolError>;

    /// Returns the stored shipments of a PO (ignoring letter case), by tracking number.
    async fn shipments(
        &self,
        source: &str,
        po: &PoNumber,
    ) -> Result<Vec<StoredShipment>, PoolError>;

    /// Returns the stored shipping state of an order.
    async fn order_shipping(
        &self,
        source: &str,
        po: &PoNumber,
    ) -> Result<Option<OrderShipping>, PoolError>;

    /// Lists shipments whose PO matches no fulfillment request, by PO and tracking number.
    async fn unmatched(&self, source: &str) -> Result<Vec<StoredShipment>, PoolError>;
}

type Key = (String, String);

#[derive(Debug, Default)]
struct Ledger {
    shipments: BTreeMap<Key, StoredShipment>,
    orders: BTreeMap<String, OrderShipping>,
}

/// A shipment ledger held in memory.
#[derive(Debug, Default)]
pub struct MemoryShipments {
    sources: Mutex<HashMap<String, Ledger>>,
}

impl MemoryShipments {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Ledger>> {
        self.sources
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl ShipmentSink for MemoryShipments {
    async fn attach(
        &self,
        source: &str,
        batch: AttachBatch,
        _now: DateTime<Utc>,
    ) -> Result<(), PoolError> {
        let mut sources = self.lock();
        let ledger = sources.entry(source.to_owned()).or_default();
        for shipment in batch.shipments {
            let key = (
                shipment.record.po_number.key().to_owned(),
                shipment.record.tracking_number.to_string(),
            );
            ledger.shipments.insert(key, shipment);
        }
        for order in batch.orders {
            ledger
                .orders
                .insert(order.po_number.key().to_owned(), order);
        }
        Ok(())
    }

    async fn shipments(
        &self,
        source: &str,
        po: &PoNumber,
    ) -> Result<Vec<StoredShipment>, PoolError> {
        let sources = self.lock();
        Ok(sources
            .get(source)
            .map(|ledger| {
                ledger
                    .shipments
                    .iter()
                    .filter(|((key, _), _)| key == po.key())
                    .map(|(_, shipment)| shipment.clone())
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn order_shipping(
        &self,
        source: &str,
        po: &PoNumber,
    ) -> Result<Option<OrderShipping>, PoolError> {
        Ok(self
            .lock()
            .get(source)
            .and_then(|ledger| ledger.orders.get(po.key()))
            .cloned())
    }

    async fn unmatched(&self, source: &str) -> Result<Vec<StoredShipment>, PoolError> {
        Ok(self
            .lock()
            .get(source)
            .map(|ledger| {
                ledger
                    .shipments
                    .values()
                    .filter(|shipment| !shipment.matched)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }
}
