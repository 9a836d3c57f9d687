//! [`FulfillmentRequests`] on the `fulfillment_requests` table: the durable order outbox.
//!
//! Every state change is its own `IMMEDIATE` transaction, committed before the call
//! returns, so the send operation's "record, then send" order survives a crash.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::PoNumber;
use petra_ops::fulfillment::memory::import_into;
use petra_ops::fulfillment::{
    Change, FulfillmentRequest, FulfillmentRequests, ImportOutcome, OutboxEntry, OutboxState,
};
use petra_ops::pool::PoolError;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::Error;
use crate::store::{timestamp, SqliteStore};

fn read_entry(json: &str) -> Result<OutboxEntry, Error> {
    serde_json::from_str(json).map_err(|_| Error::InvalidRow {
        what: "outbox entry",
        value: json.chars().take(200).collect(),
    })
}

fn write_entry(tx: &Transaction<'_>, source: &str, entry: &OutboxEntry) -> Result<(), Error> {
    let json = serde_json::to_string(entry).map_err(|error| Error::InvalidRow {
        what: "outbox entry",
        value: error.to_string(),
    })?;
    tx.execute(
        "INSERT INTO fulfillment_requests (source, po_key, sequence, state, entry, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (source, po_key) DO UPDATE SET
             sequence = excluded.sequence, state = excluded.state,
             entry = excluded.entry, updated_at = excluded.updated_at",
        params![
            source,
            entry.po_number.key(),
            entry.sequence as i64,
            entry.state.as_str(),
            json,
            timestamp(entry.updated_at),
        ],
    )
    .map_err(Error::sqlite("write an outbox entry"))?;
    Ok(())
}

fn find(tx: &Transaction<'_>, source: &str, po_key: &str) -> Result<Option<OutboxEntry>, Error> {
    let json: Option<String> = tx
        .query_row(
            "SELECT entry FROM fulfillment_requests WHERE source = ?1 AND po_key = ?2",
            params![source, po_key],
            |row| row.get(0),
        )
        .optional()
        .map_err(Error::sqlite("read an outbox entry"))?;
    json.as_deref().map(read_entry).transpose()
}

fn query_entries(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<OutboxEntry>, Error> {
    let mut statement = conn
        .prepare_cached(sql)
        .map_err(Error::sqlite("list outbox entries"))?;
    let rows = statement
        .query_map(params, |row| row.get::<_, String>(0))
        .map_err(Error::sqlite("list outbox entries"))?;
    let mut entries = Vec::new();
    for json in rows {
        let json = json.map_err(Error::sqlite("list outbox entries"))?;
        entries.push(read_entry(&json)?);
    }
    Ok(entries)
}

#[async_trait]
impl FulfillmentRequests for SqliteStore {
    async fn import(
        &self,
        source: &str,
        requests: Vec<FulfillmentRequest>,
        hold: bool,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, PoolError> {
        let source = source.to_owned();
        let outcome = self
            .with_conn(move |conn| {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(Error::sqlite("begin an import"))?;
                let max: i64 = tx
                    .query_row(
                        "SELECT COALESCE(MAX(sequence), 0) FROM fulfillment_requests WHERE source = ?1",
                        params![source],
                        |row| row.get(0),
                    )
                    .map_err(Error::sqlite("read the last request number"))?;
                let mut next_sequence = max as u64;
                let mut outcome = ImportOutcome::default();

                for request in requests {
                    let key = PoNumber::new(&request.fr_number).key().to_owned();
                    let existing = find(&tx, &source, &key)?;
                    let entry = import_into(
                        existing.as_ref(),
                        request,
                        &mut next_sequence,
                        hold,
                        now,
                        &mut outcome,
                    );
                    if let Some(entry) = entry {
                        write_entry(&tx, &source, &entry)?;
                    }
                }
                tx.commit().map_err(Error::sqlite("commit an import"))?;
                Ok(outcome)
            })
            .await?;
        Ok(outcome)
    }

    async fn actionable(
        &self,
        source: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, PoolError> {
        let source = source.to_owned();
        let entries = self
            .with_conn(move |conn| {
                query_entries(
                    conn,
                    "SELECT entry FROM fulfillment_requests
                     WHERE source = ?1 AND state IN ('pending', 'submitting', 'outcome_unknown')
                       AND sequence > ?2
                     ORDER BY sequence LIMIT ?3",
                    params![source, after as i64, limit as i64],
                )
            })
            .await?;
        Ok(entries)
    }

    async fn record(
        &self,
        source: &str,
        po: &PoNumber,
        change: Change,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry, PoolError> {
        let source = source.to_owned();
        let po = po.clone();
        let entry = self
            .with_conn(move |conn| {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(Error::sqlite("begin a state change"))?;
                let Some(mut entry) = find(&tx, &source, po.key())? else {
                    return Err(Error::NotInOutbox {
                        source_name: source,
                        po: po.to_string(),
                    });
                };
                change
                    .apply(&mut entry, now)
                    .map_err(Error::InvalidChange)?;
                write_entry(&tx, &source, &entry)?;
                tx.commit()
                    .map_err(Error::sqlite("commit a state change"))?;
                Ok(entry)
            })
            .await?;
        Ok(entry)
    }

    async fn get(&self, source: &str, po: &PoNumber) -> Result<Option<OutboxEntry>, PoolError> {
        let source = source.to_owned();
        let key = po.key().to_owned();
        let entry = self
            .with_conn(move |conn| {
                let tx = conn.transaction().map_err(Error::sqlite("begin a read"))?;
                find(&tx, &source, &key)
            })
            .await?;
        Ok(entry)
    }

    async fn list(
        &self,
        source: &str,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxEntry>, PoolError> {
        let source = source.to_owned();
        let entries = self
            .with_conn(move |conn| match state {
                Some(state) => query_entries(
                    conn,
                    "SELECT entry FROM fulfillment_requests
                     WHERE source = ?1 AND state = ?2 ORDER BY sequence",
                    params![source, state.as_str()],
                ),
                None => query_entries(
                    conn,
                    "SELECT entry FROM fulfillment_requests WHERE source = ?1 ORDER BY sequence",
                    params![source],
                ),
            })
            .await?;
        Ok(entries)
    }
}
