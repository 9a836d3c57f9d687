//! The inventory pool on the `inventory_items` table.
//!
//! Each batch is one transaction with cached prepared statements. A new SKU costs one
//! insert. An item whose content hash matches the stored one is read but never written,
//! so a re-import with few changes costs few writes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_ops::pool::{
    BatchOutcome, ContentHash, InventoryPool, ItemChange, ItemStatus, PoolError, PoolItem,
    RowHashes, UpsertOptions,
};
use petra_ops::Sku;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::error::Error;
use crate::store::{timestamp, SqliteStore};

const SELECT_STATE: &str =
    "SELECT status, content_hash FROM inventory_items WHERE source = ?1 AND sku = ?2";

/// Creates an item unless its SKU is already stored; the change count tells which.
const INSERT_NEW: &str = "INSERT INTO inventory_items \
     (source, sku, status, quantity, feed_quantity, content_hash, fields, created_at, updated_at) \
     VALUES (?1, ?2, 'active', ?3, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (source, sku) DO NOTHING";

/// Writes an item and makes it active: an update of an active item or a re-activation.
const UPDATE_ACTIVE: &str = "UPDATE inventory_items SET status = 'active', quantity = ?3, \
     feed_quantity = ?3, content_hash = ?4, fields = ?5, updated_at = ?6, archived_at = NULL \
     WHERE source = ?1 AND sku = ?2";

/// Writes an archived item's new data while it stays archived with quantity 0.
const UPDATE_ARCHIVED: &str = "UPDATE inventory_items SET feed_quantity = ?3, \
     content_hash = ?4, fields = ?5, updated_at = ?6 WHERE source = ?1 AND sku = ?2";

const SET_ROW_HASH: &str = "INSERT INTO inventory_row_hashes (source, sku, row_hash) \
     VALUES (?1, ?2, ?3) ON CONFLICT (source, sku) DO UPDATE SET row_hash = excluded.row_hash";

const DELETE_ROW_HASH: &str = "DELETE FROM inventory_row_hashes WHERE source = ?1 AND sku = ?2";

const ARCHIVE: &str = "UPDATE inventory_items SET status = 'archived', quantity = 0, \
     archived_at = ?3, updated_at = ?3 WHERE source = ?1 AND sku = ?2 AND status = 'active'";

const UNARCHIVE: &str = "UPDATE inventory_items SET status = 'active', \
     quantity = feed_quantity, archived_at = NULL, updated_at = ?3 \
     WHERE source = ?1 AND sku = ?2 AND status = 'archived'";

/// One row of the `inventory_items` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredItem {
    pub sku: String,
    pub status: ItemStatus,
    /// Quantity offered for sale: 0 while archived.
    pub quantity: u64,
    /// Quantity of the latest retrieval.
    pub feed_quantity: u64,
    /// Mapped fields as a JSON object.
    pub fields: String,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

fn parse_status(text: &str) -> Result<ItemStatus, Error> {
    match text {
        "active" => Ok(ItemStatus::Active),
        "archived" => Ok(ItemStatus::Archived),
        other => Err(Error::InvalidRow {
            what: "item status",
            value: other.to_owned(),
        }),
    }
}

fn parse_hash(bytes: &[u8]) -> Result<ContentHash, Error> {
    let array: [u8; 16] = bytes.try_into().map_err(|_| Error::InvalidRow {
        what: "content hash length",
        value: bytes.len().to_string(),
    })?;
    Ok(ContentHash(array))
}

fn quantity_param(quantity: u64) -> i64 {
    // SQLite integers are signed; no real stock count comes near the limit.
    i64::try_from(quantity).unwrap_or(i64::MAX)
}

fn stored_state(
    tx: &Transaction<'_>,
    source: &str,
    sku: &str,
) -> Result<Option<(ItemStatus, ContentHash)>, Error> {
    let mut select = tx
        .prepare_cached(SELECT_STATE)
        .map_err(Error::sqlite("prepare item lookup"))?;
    let row = select
        .query_row(params![source, sku], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
        })
        .optional()
        .map_err(Error::sqlite("look up an item"))?;
    match row {
        Some((status, hash)) => Ok(Some((parse_status(&status)?, parse_hash(&hash)?))),
        None => Ok(None),
    }
}

/// Stores the row hash of an item, or deletes it when `row_hash` is `None`.
fn set_row_hash(
    tx: &Transaction<'_>,
    source: &str,
    sku: &str,
    row_hash: Option<ContentHash>,
) -> Result<(), Error> {
    let result = match row_hash {
        Some(row_hash) => tx
            .prepare_cached(SET_ROW_HASH)
            .and_then(|mut set| set.execute(params![source, sku, &row_hash.as_bytes()[..]])),
        None => tx
            .prepare_cached(DELETE_ROW_HASH)
            .and_then(|mut delete| delete.execute(params![source, sku])),
    };
    result.map_err(Error::sqlite("write a row hash"))?;
    Ok(())
}

/// Sorts a batch by SKU so consecutive writes land on neighbouring pages. The sort is
/// stable, so of two rows with one SKU the later still wins.
fn sort_by_sku(items: &mut [PoolItem]) {
    items.sort_by(|a, b| a.sku.cmp(&b.sku));
}

fn upsert_in(
    conn: &mut Connection,
    source: &str,
    mut items: Vec<PoolItem>,
    options: UpsertOptions,
    now: DateTime<Utc>,
) -> Result<BatchOutcome, Error> {
    sort_by_sku(&mut items);
    let now = timestamp(now);
    let tx = conn.transaction().map_err(Error::sqlite("begin a batch"))?;
    let mut outcome = BatchOutcome::default();

    for item in &items {
        let sku = item.sku.as_str();
        let hash = item.content_hash();
        let write = |statement: &str| {
            tx.prepare_cached(statement)
                .map_err(Error::sqlite("prepare an item write"))?
                .execute(params![
                    source,
                    sku,
                    quantity_param(item.quantity),
                    &hash.as_bytes()[..],
                    item.fields_json(),
                    now
                ])
                .map_err(Error::sqlite("write an item"))
        };

        // Trying the insert first spares new SKUs a separate lookup, which is every row
        // of a first import. A conflict changes nothing, so the stored state read next
        // is still the state before this item.
        if write(INSERT_NEW)? == 1 {
            outcome.record(ItemChange::Created);
            if let Some(row_hash) = item.row_hash() {
                set_row_hash(&tx, source, sku, Some(row_hash))?;
            }
            continue;
        }
        let stored = stored_state(&tx, source, sku)?;
        let change = ItemChange::classify(stored, hash, options);
        outcome.record(change);

        let stays_archived =
            matches!(stored, Some((ItemStatus::Archived, _))) && change != ItemChange::Reactivated;
        match change {
            // Archiving deleted the row hash and an archived item gets none, so its row
            // is never skipped and can still re-activate it.
            _ if stays_archived => {}
            // Only the row hash is written, so the next run can skip this row.
            ItemChange::Unchanged => {
                if let Some(row_hash) = item.row_hash() {
                    set_row_hash(&tx, source, sku, Some(row_hash))?;
                }
            }
            _ => set_row_hash(&tx, source, sku, item.row_hash())?,
        }

        let statement = match (change, stored) {
            (ItemChange::Unchanged, _) => continue,
            // The insert above found the SKU, so only an error lands here.
            (ItemChange::Created, _) => {
                return Err(Error::InvalidRow {
                    what: "SKU (an insert found it but a lookup did not)",
                    value: sku.to_owned(),
                })
            }
            (ItemChange::Updated, Some((ItemStatus::Archived, _))) => UPDATE_ARCHIVED,
            (ItemChange::Updated | ItemChange::Reactivated, _) => UPDATE_ACTIVE,
        };
        write(statement)?;
    }

    tx.commit().map_err(Error::sqlite("commit a batch"))?;
    Ok(outcome)
}

fn preview_in(
    conn: &mut Connection,
    source: &str,
    items: &[PoolItem],
    options: UpsertOptions,
) -> Result<BatchOutcome, Error> {
    // A read transaction gives the whole batch one snapshot; nothing is written.
    let tx = conn
        .transaction()
        .map_err(Error::sqlite("begin a preview"))?;
    let mut outcome = BatchOutcome::default();
    for item in items {
        let stored = stored_state(&tx, source, item.sku.as_str())?;
        outcome.record(ItemChange::classify(stored, item.content_hash(), options));
    }
    tx.rollback().map_err(Error::sqlite("end a preview"))?;
    Ok(outcome)
}

fn set_status_in(
    conn: &mut Connection,
    statement: &'static str,
    source: &str,
    skus: &[Sku],
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let now = timestamp(now);
    let tx = conn
        .transaction()
        .map_err(Error::sqlite("begin a status change"))?;
    let mut changed = 0u64;
    {
        let mut update = tx
            .prepare_cached(statement)
            .map_err(Error::sqlite("prepare a status change"))?;
        for sku in skus {
            let updated = update
                .execute(params![source, sku.as_str(), now])
                .map_err(Error::sqlite("change an item's status"))?;
            if updated > 0 && statement == ARCHIVE {
                set_row_hash(&tx, source, sku.as_str(), None)?;
            }
            changed += updated as u64;
        }
    }
    tx.commit()
        .map_err(Error::sqlite("commit a status change"))?;
    Ok(changed)
}

impl SqliteStore {
    /// Returns one item of the pool, if the store contains it.
    pub async fn item(&self, source: &str, sku: &str) -> Result<Option<StoredItem>, Error> {
        let source = source.to_owned();
        let sku = sku.to_owned();
        self.with_conn(move |conn| {
            let row = conn
                .query_row(
                    "SELECT sku, status, quantity, feed_quantity, fields, created_at, \
                     updated_at, archived_at FROM inventory_items WHERE source = ?1 AND sku = ?2",
                    params![source, sku],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, i64>(3)?,
                            row.get::<_, String>(4)?,
                            row.get::<_, String>(5)?,
                            row.get::<_, String>(6)?,
                            row.get::<_, Option<String>>(7)?,
                        ))
                    },
                )
                .optional()
                .map_err(Error::sqlite("read an item"))?;
            let Some((sku, status, quantity, feed_quantity, fields, created, updated, archived)) =
                row
            else {
                return Ok(None);
            };
            Ok(Some(StoredItem {
                sku,
                status: parse_status(&status)?,
                quantity: quantity.max(0) as u64,
                feed_quantity: feed_quantity.max(0) as u64,
                fields,
                created_at: created,
                updated_at: updated,
                archived_at: archived,
            }))
        })
        .await
    }
}

#[async_trait]
impl InventoryPool for SqliteStore {
    #[tracing::instrument(skip(self, items), fields(items = items.len()))]
    async fn upsert_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
        now: DateTime<Utc>,
    ) -> Result<BatchOutcome, PoolError> {
        let source = source.to_owned();
        let outcome = self
            .with_conn(move |conn| upsert_in(conn, &source, items, options, now))
            .await?;
        tracing::debug!(?outcome, "wrote batch");
        Ok(outcome)
    }

    async fn preview_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
    ) -> Result<BatchOutcome, PoolError> {
        let source = source.to_owned();
        Ok(self
            .with_conn(move |conn| preview_in(conn, &source, &items, options))
            .await?)
    }

    async fn row_hashes(&self, source: &str) -> Result<RowHashes, PoolError> {
        let source = source.to_owned();
        let hashes = self
            .with_conn(move |conn| {
                let count: i64 = conn
                    .query_row(
                        "SELECT count(*) FROM inventory_row_hashes WHERE source = ?1",
                        params![source],
                        |row| row.get(0),
                    )
                    .map_err(Error::sqlite("count row hashes"))?;
                let mut hashes = RowHashes::with_capacity(usize::try_from(count).unwrap_or(0));
                let mut select = conn
                    .prepare("SELECT sku, row_hash FROM inventory_row_hashes WHERE source = ?1")
                    .map_err(Error::sqlite("prepare the row hash listing"))?;
                let mut rows = select
                    .query(params![source])
                    .map_err(Error::sqlite("list row hashes"))?;
                while let Some(row) = rows.next().map_err(Error::sqlite("list row hashes"))? {
                    let sku = row
                        .get_ref(0)
                        .and_then(|value| Ok(value.as_str()?))
                        .map_err(Error::sqlite("read a row hash"))?;
                    let hash = row
                        .get_ref(1)
                        .and_then(|value| Ok(value.as_blob()?))
                        .map_err(Error::sqlite("read a row hash"))?;
                    hashes.insert(parse_hash(hash)?, sku);
                }
                Ok(hashes)
            })
            .await?;
        Ok(hashes)
    }

    async fn list_skus(
        &self,
        source: &str,
        status: ItemStatus,
        after: Option<Sku>,
        limit: usize,
    ) -> Result<Vec<Sku>, PoolError> {
        let source = source.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let skus = self
            .with_conn(move |conn| {
                let mut select = conn
                    .prepare_cached(
                        "SELECT sku FROM inventory_items WHERE source = ?1 AND status = ?2 \
                         AND (?3 IS NULL OR sku > ?3) ORDER BY sku LIMIT ?4",
                    )
                    .map_err(Error::sqlite("prepare the SKU listing"))?;
                let after = after.as_ref().map(Sku::as_str);
                let rows = select
                    .query_map(params![source, status.as_str(), after, limit], |row| {
                        row.get::<_, String>(0)
                    })
                    .map_err(Error::sqlite("list SKUs"))?;
                rows.map(|sku| sku.map(Sku::new))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Error::sqlite("list SKUs"))
            })
            .await?;
        Ok(skus)
    }

    async fn count(&self, source: &str, status: ItemStatus) -> Result<u64, PoolError> {
        let source = source.to_owned();
        let count = self
            .with_conn(move |conn| {
                conn.prepare_cached(
                    "SELECT count(*) FROM inventory_items WHERE source = ?1 AND status = ?2",
                )
                .and_then(|mut select| {
                    select.query_row(params![source, status.as_str()], |row| row.get::<_, i64>(0))
                })
                .map_err(Error::sqlite("count items"))
            })
            .await?;
        Ok(count.max(0) as u64)
    }

    #[tracing::instrument(skip(self, skus), fields(skus = skus.len()))]
    async fn archive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        let source = source.to_owned();
        Ok(self
            .with_conn(move |conn| set_status_in(conn, ARCHIVE, &source, &skus, now))
            .await?)
    }

    #[tracing::instrument(skip(self, skus), fields(skus = skus.len()))]
    async fn unarchive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        let source = source.to_owned();
        Ok(self
            .with_conn(move |conn| set_status_in(conn, UNARCHIVE, &source, &skus, now))
            .await?)
    }
}
