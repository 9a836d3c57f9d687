//! Orders, their planned shipments, and the record of every create request.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use petra_client::wire::{CreateOrderRequest, Order, Shipment, ShipmentItem};
use petra_client::{PoNumber, TrackingNumber};
use rand::Rng;

use crate::admin::{AdminView, AttemptOutcome, CreateAttempt, PoRecord};
use crate::catalog::InvalidCursor;
use crate::config::ShippingConfig;
use crate::shipping_plan::{self, Service, ShippedAtForm};
use crate::tracking::{self, Carrier};

#[derive(Debug, Default)]
pub(crate) struct OrderBook {
    /// Keyed by the upper-case PO.
    orders: BTreeMap<String, StoredOrder>,
    records: BTreeMap<String, PoRecord>,
    attempts_without_po: u32,
    /// In creation order; a shipment's index is its serial number minus one.
    shipments: Vec<StoredShipment>,
}

#[derive(Debug)]
struct StoredOrder {
    order: Order,
    shipments: Vec<usize>,
}

#[derive(Debug)]
struct StoredShipment {
    shipment_id: String,
    po_number: PoNumber,
    ship_at: DateTime<Utc>,
    service: Service,
    tracking_number: TrackingNumber,
    items: Vec<ShipmentItem>,
    shipped_at_form: ShippedAtForm,
}

impl StoredShipment {
    fn to_wire(&self) -> Shipment {
        Shipment {
            shipment_id: self.shipment_id.clone(),
            po_number: self.po_number.clone(),
            tracking_number: self.tracking_number.clone(),
            carrier: Some(self.service.carrier.name().to_owned()),
            shipping_method: Some(self.service.name.to_owned()),
            shipped_at: self.shipped_at_form.render(self.ship_at),
            items: self.items.clone(),
        }
    }
}

/// The PO already has an order.
#[derive(Debug)]
pub(crate) struct DuplicatePo;

impl OrderBook {
    /// Stores a validated order, stamping it at `now` and planning its shipments.
    pub(crate) fn create(
        &mut self,
        request: CreateOrderRequest,
        now: DateTime<Utc>,
        shipping: &ShippingConfig,
    ) -> Result<Order, DuplicatePo> {
        let key = request.po_number.key().to_owned();
        if self.orders.contains_key(&key) {
            return Err(DuplicatePo);
        }

        let po_number = PoNumber::new(&key);
        let order = Order {
            order_id: format!("ORD-{:06}", self.orders.len() + 1),
            po_number: po_number.clone(),
            status: "accepted".to_owned(),
            created_at: now,
            shipping_method: request.shipping_method.clone(),
            lines: request.lines,
        };

        let mut rng = shipping_plan::order_rng(shipping.seed, &key);
        let plan = shipping_plan::plan(
            &order.lines,
            order.shipping_method.as_deref(),
            now,
            shipping,
            &mut rng,
        );
        let mut indexes = Vec::with_capacity(plan.len());
        for planned in plan {
            let serial = self.shipments.len() as u64 + 1;
            indexes.push(self.shipments.len());
            self.shipments.push(StoredShipment {
                shipment_id: format!("SHP-{serial:06}"),
                po_number: po_number.clone(),
                ship_at: planned.ship_at,
                tracking_number: TrackingNumber::new(tracking_number(
                    &planned.service,
                    serial,
                    &mut rng,
                )),
                service: planned.service,
                items: planned.items,
                shipped_at_form: planned.shipped_at_form,
            });
        }

        self.orders.insert(
            key,
            StoredOrder {
                order: order.clone(),
                shipments: indexes,
            },
        );
        Ok(order)
    }

    /// Notes one create request for the admin view. `po` is `None` when the request had
    /// no usable PO number.
    pub(crate) fn record_attempt(&mut self, po: Option<&PoNumber>, attempt: CreateAttempt) {
        let Some(po) = po.filter(|po| !po.is_empty()) else {
            self.attempts_without_po += 1;
            return;
        };

        let record = self
            .records
            .entry(po.key().to_owned())
            .or_insert_with(|| PoRecord {
                po_number: PoNumber::new(po.key()),
                create_attempts: 0,
                stored: 0,
                responses_dropped: 0,
                order: None,
                attempts: Vec::new(),
            });
        record.create_attempts += 1;
        if attempt.outcome == AttemptOutcome::Stored {
            record.stored += 1;
        }
        if attempt.response_dropped {
            record.responses_dropped += 1;
        }
        record.attempts.push(attempt);
    }

    /// Finds the order with this PO, with its status as of `now`.
    pub(crate) fn order(&self, po: &PoNumber, now: DateTime<Utc>) -> Option<Order> {
        let stored = self.orders.get(po.key())?;
        let shipped = stored
            .shipments
            .iter()
            .filter(|&&index| self.shipments[index].ship_at <= now)
            .count();

        let mut order = stored.order.clone();
        order.status = match shipped {
            0 => "accepted",
            n if n < stored.shipments.len() => "partially_shipped",
            _ => "shipped",
        }
        .to_owned();
        Some(order)
    }

    /// Lists the shipments of this PO sent by `now`, or `None` when the PO is unknown.
    pub(crate) fn shipments_for(&self, po: &PoNumber, now: DateTime<Utc>) -> Option<Vec<Shipment>> {
        let stored = self.orders.get(po.key())?;
        let shipments = stored
            .shipments
            .iter()
            .map(|&index| &self.shipments[index])
            .filter(|shipment| shipment.ship_at <= now)
            .map(StoredShipment::to_wire)
            .collect();
        Some(shipments)
    }

    /// Shipments sent from `since` to `now`, ordered by ship time then id, `limit` per page.
    pub(crate) fn shipments_since(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Shipment>, Option<String>), InvalidCursor> {
        let after = cursor.map(decode_cursor).transpose()?;

        let mut visible: Vec<(DateTime<Utc>, usize)> = self
            .shipments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.ship_at >= since && s.ship_at <= now)
            .map(|(index, s)| (s.ship_at, index))
            .filter(|position| after.is_none_or(|after| *position > after))
            .collect();
        visible.sort_unstable();

        let has_more = visible.len() > limit;
        visible.truncate(limit);
        let next = match visible.last() {
            Some(&last) if has_more => Some(encode_cursor(last)),
            _ => None,
        };
        let page = visible
            .iter()
            .map(|&(_, index)| self.shipments[index].to_wire())
            .collect();
        Ok((page, next))
    }

    /// Builds the admin view: every PO's record, with each stored order's status as of `now`.
    pub(crate) fn admin_view(&self, now: DateTime<Utc>) -> AdminView {
        let orders = self
            .records
            .values()
            .map(|record| PoRecord {
                order: self.order(&record.po_number, now),
                ..record.clone()
            })
            .collect();
        AdminView {
            orders,
            attempts_without_po: self.attempts_without_po,
        }
    }
}

fn tracking_number(service: &Service, serial: u64, rng: &mut impl Rng) -> String {
    match service.carrier {
        Carrier::Ups => tracking::ups(rng, service.code, serial),
        Carrier::FedEx => tracking::fedex(rng, serial),
        Carrier::Usps => tracking::usps(rng, service.code, serial),
    }
}

fn encode_cursor((ship_at, index): (DateTime<Utc>, usize)) -> String {
    let nanos = ship_at.timestamp_nanos_opt().unwrap_or_default();
    URL_SAFE_NO_PAD.encode(format!("{nanos}:{index}"))
}

fn decode_cursor(cursor: &str) -> Result<(DateTime<Utc>, usize), InvalidCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| InvalidCursor)?;
    let text = String::from_utf8(bytes).map_err(|_| InvalidCursor)?;
    let (nanos, index) = text.split_once(':').ok_or(InvalidCursor)?;
    let nanos: i64 = nanos.parse().map_err(|_| InvalidCursor)?;
    let index = index.parse().map_err(|_| InvalidCursor)?;
    Ok((DateTime::from_timestamp_nanos(nanos), index))
}
