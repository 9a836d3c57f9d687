//! [`ShipmentSink`] on the `shipments` and `order_shipping` tables: the shipment ledger.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::PoNumber;
use petra_ops::pool::PoolError;
use petra_ops::shipments::{AttachBatch, OrderShipping, ShipmentSink, StoredShipment};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::store::{timestamp, SqliteStore};

fn from_json<T: DeserializeOwned>(what: &'static str, json: &str) -> Result<T, Error> {
    serde_json::from_str(json).map_err(|_| Error::InvalidRow {
        what,
        value: json.chars().take(200).collect(),
    })
}

fn to_json<T: serde::Serialize>(what: &'static str, value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|error| Error::InvalidRow {
        what,
        value: error.to_string(),
    })
}

fn query_shipments(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<StoredShipment>, Error> {
    let mut statement = conn
        .prepare_cached(sql)
        .map_err(Error::sqlite("read shipments"))?;
    let rows = statement
        .query_map(params, |row| row.get::<_, String>(0))
        .map_err(Error::sqlite("read shipments"))?;
    let mut shipments = Vec::new();
    for json in rows {
        let json = json.map_err(Error::sqlite("read shipments"))?;
        shipments.push(from_json("shipment", &json)?);
    }
    Ok(shipments)
}

#[async_trait]
impl ShipmentSink for SqliteStore {
    async fn attach(
        &self,
        source: &str,
        batch: AttachBatch,
        now: DateTime<Utc>,
    ) -> Result<(), PoolError> {
        let source = source.to_owned();
        self.with_conn(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(Error::sqlite("begin attaching shipments"))?;
            for shipment in &batch.shipments {
                let record = &shipment.record;
                tx.execute(
                    "INSERT INTO shipments
                         (source, po_key, tracking_number, matched, shipment, first_seen_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (source, po_key, tracking_number) DO UPDATE SET
                         matched = excluded.matched, shipment = excluded.shipment,
                         updated_at = excluded.updated_at",
                    params![
                        source,
                        record.po_number.key(),
                        record.tracking_number.as_str(),
                        shipment.matched,
                        to_json("shipment", shipment)?,
                        timestamp(shipment.first_seen_at),
                        timestamp(now),
                    ],
                )
                .map_err(Error::sqlite("store a shipment"))?;
            }
            for order in &batch.orders {
                tx.execute(
                    "INSERT INTO order_shipping (source, po_key, state, shipping, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (source, po_key) DO UPDATE SET
                         state = excluded.state, shipping = excluded.shipping,
                         updated_at = excluded.updated_at",
                    params![
                        source,
                        order.po_number.key(),
                        order.state.as_str(),
                        to_json("order shipping", order)?,
                        timestamp(now),
                    ],
                )
                .map_err(Error::sqlite("store an order's shipping state"))?;
            }
            tx.commit()
                .map_err(Error::sqlite("commit attached shipments"))
        })
        .await?;
        Ok(())
    }

    async fn shipments(
        &self,
        source: &str,
        po: &PoNumber,
    ) -> Result<Vec<StoredShipment>, PoolError> {
        let source = source.to_owned();
        let key = po.key().to_owned();
        let shipments = self
            .with_conn(move |conn| {
                query_shipments(
                    conn,
                    "SELECT shipment FROM shipments WHERE source = ?1 AND po_key = ?2
                     ORDER BY tracking_number",
                    params![source, key],
                )
            })
            .await?;
        Ok(shipments)
    }

    async fn order_shipping(
        &self,
        source: &str,
        po: &PoNumber,
    ) -> Result<Option<OrderShipping>, PoolError> {
        let source = source.to_owned();
        let key = po.key().to_owned();
        let shipping = self
            .with_conn(move |conn| {
                let json: Option<String> = conn
                    .query_row(
                        "SELECT shipping FROM order_shipping WHERE source = ?1 AND po_key = ?2",
                        params![source, key],
                        |row| row.get(0),
                    )
                    .optional()
                    .map_err(Error::sqlite("read an order's shipping state"))?;
                json.as_deref()
                    .map(|json| from_json("order shipping", json))
                    .transpose()
            })
            .await?;
        Ok(shipping)
    }

    async fn unmatched(&self, source: &str) -> Result<Vec<StoredShipment>, PoolError> {
        let source = source.to_owned();
        let shipments = self
            .with_conn(move |conn| {
                query_shipments(
                    conn,
                    "SELECT shipment FROM shipments WHERE source = ?1 AND matched = 0
                     ORDER BY po_key, tracking_number",
                    params![source],
                )
            })
            .await?;
        Ok(shipments)
    }
}
