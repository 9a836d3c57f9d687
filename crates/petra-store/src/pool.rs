//! The inventory pool on the `inventory_items` and `inventory_item_state` tables.
//!
//! Each batch is one transaction with cached prepared statements. A new SKU costs one
//! insert into each table, both appending at the end because item ids only grow. An item
//! whose content hash matches the stored one is read but never written, so a re-import
//! with few changes costs few writes. Quantities live in the narrow state table, so an
//! item whose quantity changed but whose fields did not is written there alone.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_ops::pool::{
    sku_fingerprint, BatchOutcome, ContentHash, InventoryPool, ItemChange, ItemStatus, PoolError,
    PoolItem, RowHashes, UpsertOptions,
};
use petra_ops::Sku;
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, Statement, Transaction};
use serde::Serialize;

use crate::error::Error;
use crate::new_states::{NewState, NewStates};
use crate::store::{timestamp, SqliteStore};

const SOURCE_ID: &str = "SELECT id FROM inventory_sources WHERE name = ?1";

const ADD_SOURCE: &str = "INSERT INTO inventory_sources (name) VALUES (?1) \
     ON CONFLICT (name) DO NOTHING";

const SELECT_STATE: &str = "SELECT i.id, s.active, s.fields_hash, s.feed_quantity \
     FROM inventory_items AS i JOIN inventory_item_state AS s ON s.item_id = i.id \
     WHERE i.source_id = ?1 AND i.sku = ?2";

/// Creates an item unless its SKU is already stored; the change count tells which.
const INSERT_NEW: &str = "INSERT INTO inventory_items (source_id, sku, fields, created_at) \
     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (source_id, sku) DO NOTHING";

const UPDATE_FIELDS: &str = "UPDATE inventory_items SET fields = ?2 WHERE id = ?1";

/// Sets the archive time, or clears it with NULL.
const SET_ARCHIVED_AT: &str = "UPDATE inventory_items SET archived_at = ?2 WHERE id = ?1";

/// Writes an active item's quantity, fields digest and row hash: an update of an active
/// item or a re-activation.
const SET_STATE_ACTIVE: &str = "UPDATE inventory_item_state SET active = 1, quantity = ?2, \
     feed_quantity = ?2, fields_hash = ?3, row_hash = ?4, updated_at = ?5 WHERE item_id = ?1";

/// Writes an archived item's new feed quantity and fields digest while it stays archived
/// with quantity 0 and no row hash.
const SET_STATE_ARCHIVED: &str = "UPDATE inventory_item_state SET feed_quantity = ?2, \
     fields_hash = ?3, row_hash = NULL, updated_at = ?4 WHERE item_id = ?1";

const SET_ROW_HASH: &str = "UPDATE inventory_item_state SET row_hash = ?2 WHERE item_id = ?1";

const FIND_SKU: &str = "SELECT 1 FROM inventory_items WHERE source_id = ?1 AND sku = ?2";

const SELECT_STATUS: &str = "SELECT i.id, s.active FROM inventory_items AS i \
     JOIN inventory_item_state AS s ON s.item_id = i.id WHERE i.source_id = ?1 AND i.sku = ?2";

/// Archiving drops the row hash, so the item's row is mapped again when it returns.
const ARCHIVE_STATE: &str = "UPDATE inventory_item_state SET active = 0, quantity = 0, \
     row_hash = NULL, updated_at = ?2 WHERE item_id = ?1";

const UNARCHIVE_STATE: &str = "UPDATE inventory_item_state SET active = 1, \
     quantity = feed_quantity, updated_at = ?2 WHERE item_id = ?1";

/// One item of the pool, read from the `inventory_items` and `inventory_item_state` tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredItem {
    pub sku: String,
    pub status: ItemStatus,
    /// Quantity offered for sale: 0 while archived.
    pub quantity: u64,
    /// Quantity of the latest retrieval.
    pub feed_quantity: u64,
    /// Mapped fields except the quantity, as a JSON object.
    pub fields: String,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

fn status_of(active: bool) -> ItemStatus {
    if active {
        ItemStatus::Active
    } else {
        ItemStatus::Archived
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

/// Stores a fingerprint's 64 bits in SQLite's signed integer.
fn fingerprint_param(sku: &str) -> i64 {
    sku_fingerprint(sku) as i64
}

/// Returns the id of a source, if it has ever had items.
fn source_id(conn: &Connection, source: &str) -> Result<Option<i64>, Error> {
    conn.prepare_cached(SOURCE_ID)
        .and_then(|mut select| select.query_row([source], |row| row.get(0)).optional())
        .map_err(Error::sqlite("look up a source"))
}

/// Returns the id of a source, adding the source when it is new.
fn add_source(tx: &Transaction<'_>, source: &str) -> Result<i64, Error> {
    tx.prepare_cached(ADD_SOURCE)
        .and_then(|mut insert| insert.execute([source]))
        .map_err(Error::sqlite("add a source"))?;
    source_id(tx, source)?.ok_or_else(|| Error::InvalidRow {
        what: "source (added but not found)",
        value: source.to_owned(),
    })
}

/// The stored id, status, fields digest and feed quantity of an item.
#[derive(Clone, Copy)]
struct State {
    id: i64,
    status: ItemStatus,
    fields_hash: ContentHash,
    feed_quantity: u64,
}

impl State {
    /// Computes the content hash of the stored item as [`PoolItem::content_hash`] does.
    fn content_hash(&self) -> ContentHash {
        ContentHash::of_parts(self.feed_quantity, &self.fields_hash)
    }
}

fn stored_state(tx: &Transaction<'_>, source_id: i64, sku: &str) -> Result<Option<State>, Error> {
    let mut select = tx
        .prepare_cached(SELECT_STATE)
        .map_err(Error::sqlite("prepare item lookup"))?;
    read_state(&mut select, source_id, sku)
}

fn read_state(
    select: &mut Statement<'_>,
    source_id: i64,
    sku: &str,
) -> Result<Option<State>, Error> {
    let row = select
        .query_row(params![source_id, sku], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, bool>(1)?,
                row.get::<_, Vec<u8>>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })
        .optional()
        .map_err(Error::sqlite("look up an item"))?;
    match row {
        Some((id, active, hash, feed_quantity)) => Ok(Some(State {
            id,
            status: status_of(active),
            fields_hash: parse_hash(&hash)?,
            // The column's CHECK keeps quantities non-negative.
            feed_quantity: feed_quantity.max(0) as u64,
        })),
        None => Ok(None),
    }
}

fn execute(tx: &Transaction<'_>, sql: &str, params: impl rusqlite::Params) -> Result<usize, Error> {
    tx.prepare_cached(sql)
        .and_then(|mut statement| statement.execute(params))
        .map_err(Error::sqlite("write an item"))
}

/// Sorts a batch by SKU so consecutive lookups land on neighbouring index pages. The
/// sort is stable, so of two rows with one SKU the later still wins.
fn sort_by_sku(items: &mut [PoolItem]) {
    items.sort_by(|a, b| a.sku.cmp(&b.sku));
}

/// The statements of a batch, prepared once per batch instead of looked up in the
/// statement cache by their SQL text for every row.
struct BatchStatements<'tx> {
    insert_new: CachedStatement<'tx>,
    select_state: CachedStatement<'tx>,
    update_fields: CachedStatement<'tx>,
    set_archived_at: CachedStatement<'tx>,
    set_state_active: CachedStatement<'tx>,
    set_state_archived: CachedStatement<'tx>,
    set_row_hash: CachedStatement<'tx>,
}

impl<'tx> BatchStatements<'tx> {
    fn prepare(tx: &'tx Transaction<'_>) -> Result<Self, Error> {
        let prepare = |sql| {
            tx.prepare_cached(sql)
                .map_err(Error::sqlite("prepare a batch statement"))
        };
        Ok(Self {
            insert_new: prepare(INSERT_NEW)?,
            select_state: prepare(SELECT_STATE)?,
            update_fields: prepare(UPDATE_FIELDS)?,
            set_archived_at: prepare(SET_ARCHIVED_AT)?,
            set_state_active: prepare(SET_STATE_ACTIVE)?,
            set_state_archived: prepare(SET_STATE_ARCHIVED)?,
            set_row_hash: prepare(SET_ROW_HASH)?,
        })
    }
}

fn write(statement: &mut Statement<'_>, params: impl rusqlite::Params) -> Result<usize, Error> {
    statement
        .execute(params)
        .map_err(Error::sqlite("write an item"))
}

/// Writes a batch. The caller runs it with foreign-key checks off.
///
/// The checks cost about 12% of the writer's instructions, because each created item
/// looked up its source and each state row its item. Under callgrind, `write_only` at
/// 50,000 rows counted 2.020 billion instructions in `upsert_in` with them and 1.771
/// billion without. A batch takes the source id from `inventory_sources` and each state
/// row's item id from the insert just before it, so neither reference can be missing,
/// and `SqliteStore::integrity_check` runs `foreign_key_check` to confirm it.
fn upsert_in(
    conn: &mut Connection,
    source: &str,
    mut items: Vec<PoolItem>,
    options: UpsertOptions,
    now: DateTime<Utc>,
) -> Result<BatchOutcome, Error> {
    sort_by_sku(&mut items);
    upsert_transaction(conn, source, &items, options, now)
}

fn upsert_transaction(
    conn: &mut Connection,
    source: &str,
    items: &[PoolItem],
    options: UpsertOptions,
    now: DateTime<Utc>,
) -> Result<BatchOutcome, Error> {
    let tx = conn.transaction().map_err(Error::sqlite("begin a batch"))?;
    let source_id = add_source(&tx, source)?;
    let outcome = {
        let mut statements = BatchStatements::prepare(&tx)?;
        upsert_items(&tx, &mut statements, source_id, items, options, now)?
    };
    tx.commit().map_err(Error::sqlite("commit a batch"))?;
    Ok(outcome)
}

fn upsert_items(
    tx: &Transaction<'_>,
    statements: &mut BatchStatements<'_>,
    source_id: i64,
    items: &[PoolItem],
    options: UpsertOptions,
    now: DateTime<Utc>,
) -> Result<BatchOutcome, Error> {
    let mut outcome = BatchOutcome::default();
    let created_at = timestamp(now);
    let updated_at = now.timestamp_millis();
    let mut new_states = NewStates::new(source_id, updated_at);

    for item in items {
        let sku = item.sku.as_str();
        let fields_hash = item.fields_hash();
        let fields_digest = &fields_hash.as_bytes()[..];
        let new_row_hash = item.row_hash();
        let row_hash = new_row_hash.as_ref().map(|hash| &hash.as_bytes()[..]);
        let quantity = quantity_param(item.quantity);

        // Trying the insert first spares new SKUs a separate lookup, which is every row
        // of a first import. A conflict changes nothing, so the stored state read next
        // is still the state before this item.
        let inserted = write(
            &mut statements.insert_new,
            params![source_id, sku, item.fields_json(), created_at],
        )?;
        if inserted == 1 {
            let id = tx.last_insert_rowid();
            let state = NewState {
                item_id: id,
                fingerprint: fingerprint_param(sku),
                fields_hash,
                row_hash: new_row_hash,
                quantity,
            };
            new_states.push(tx, state)?;
            outcome.record(ItemChange::Created);
            continue;
        }

        // An item created earlier in this batch is found only with its state row.
        new_states.flush(tx)?;
        let Some(stored) = read_state(&mut statements.select_state, source_id, sku)? else {
            return Err(Error::InvalidRow {
                what: "SKU (an insert found it but a lookup did not)",
                value: sku.to_owned(),
            });
        };
        let change = ItemChange::classify(
            Some((stored.status, stored.content_hash())),
            item.content_hash(),
            options,
        );
        outcome.record(change);

        let stays_archived =
            stored.status == ItemStatus::Archived && change != ItemChange::Reactivated;
        // A quantity-only change, the usual one, leaves the wide item row alone.
        let fields_changed = stored.fields_hash != fields_hash;
        if fields_changed && change != ItemChange::Unchanged {
            write(
                &mut statements.update_fields,
                params![stored.id, item.fields_json()],
            )?;
        }
        match change {
            // An archived item keeps no row hash, so its row is never skipped and can
            // still re-activate it.
            ItemChange::Unchanged if stays_archived => {}
            // Only the row hash is written, so the next run can skip this row.
            ItemChange::Unchanged => {
                if row_hash.is_some() {
                    write(&mut statements.set_row_hash, params![stored.id, row_hash])?;
                }
            }
            ItemChange::Updated if stays_archived => {
                let state = params![stored.id, quantity, fields_digest, updated_at];
                write(&mut statements.set_state_archived, state)?;
            }
            ItemChange::Updated | ItemChange::Reactivated => {
                if stored.status == ItemStatus::Archived {
                    write(
                        &mut statements.set_archived_at,
                        params![stored.id, None::<&str>],
                    )?;
                }
                let state = params![stored.id, quantity, fields_digest, row_hash, updated_at];
                write(&mut statements.set_state_active, state)?;
            }
            // The insert above found the SKU, so only an error lands here.
            ItemChange::Created => {
                return Err(Error::InvalidRow {
                    what: "SKU (an insert found it but a lookup did not)",
                    value: sku.to_owned(),
                })
            }
        }
    }

    new_states.flush(tx)?;
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
    let source_id = source_id(&tx, source)?;
    let mut outcome = BatchOutcome::default();
    for item in items {
        let stored = match source_id {
            Some(source_id) => stored_state(&tx, source_id, item.sku.as_str())?,
            None => None,
        };
        let stored = stored.map(|state| (state.status, state.content_hash()));
        outcome.record(ItemChange::classify(stored, item.content_hash(), options));
    }
    tx.rollback().map_err(Error::sqlite("end a preview"))?;
    Ok(outcome)
}

/// Returns the SKUs of `skus` stored for the source, active or archived.
fn find_skus_in(conn: &Connection, source: &str, skus: Vec<Sku>) -> Result<HashSet<Sku>, Error> {
    let Some(source_id) = source_id(conn, source)? else {
        return Ok(HashSet::new());
    };
    let mut select = conn
        .prepare_cached(FIND_SKU)
        .map_err(Error::sqlite("prepare a SKU lookup"))?;
    let mut found = HashSet::new();
    for sku in skus {
        let stored = select
            .exists(params![source_id, sku.as_str()])
            .map_err(Error::sqlite("look up a SKU"))?;
        if stored {
            found.insert(sku);
        }
    }
    Ok(found)
}

/// A status change: the status it applies to and the statement that makes it.
struct StatusChange {
    from: ItemStatus,
    state: &'static str,
}

const ARCHIVE: StatusChange = StatusChange {
    from: ItemStatus::Active,
    state: ARCHIVE_STATE,
};

const UNARCHIVE: StatusChange = StatusChange {
    from: ItemStatus::Archived,
    state: UNARCHIVE_STATE,
};

fn set_status_in(
    conn: &mut Connection,
    change: &StatusChange,
    source: &str,
    skus: &[Sku],
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let updated_at = now.timestamp_millis();
    // Archiving records the time, and re-activation clears it.
    let archived_at = (change.from == ItemStatus::Active).then(|| timestamp(now));
    let tx = conn
        .transaction()
        .map_err(Error::sqlite("begin a status change"))?;
    let Some(source_id) = source_id(&tx, source)? else {
        return Ok(0);
    };

    let mut changed = 0u64;
    for sku in skus {
        let stored = tx
            .prepare_cached(SELECT_STATUS)
            .and_then(|mut select| {
                select
                    .query_row(params![source_id, sku.as_str()], |row| {
                        Ok((row.get::<_, i64>(0)?, row.get::<_, bool>(1)?))
                    })
                    .optional()
            })
            .map_err(Error::sqlite("look up an item's status"))?;
        let Some((id, active)) = stored else { continue };
        if status_of(active) != change.from {
            continue;
        }
        execute(&tx, change.state, params![id, updated_at])?;
        execute(&tx, SET_ARCHIVED_AT, params![id, archived_at])?;
        changed += 1;
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
                    "SELECT i.sku, s.active, s.quantity, s.feed_quantity, i.fields, \
                     i.created_at, s.updated_at, i.archived_at FROM inventory_items AS i \
                     JOIN inventory_item_state AS s ON s.item_id = i.id \
                     WHERE i.source_id = (SELECT id FROM inventory_sources WHERE name = ?1) \
                     AND i.sku = ?2",
                    params![source, sku],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, bool>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, i64>(3)?,
                            row.get::<_, String>(4)?,
                            row.get::<_, String>(5)?,
                            row.get::<_, i64>(6)?,
                            row.get::<_, Option<String>>(7)?,
                        ))
                    },
                )
                .optional()
                .map_err(Error::sqlite("read an item"))?;
            let Some((sku, active, quantity, feed_quantity, fields, created, updated, archived)) =
                row
            else {
                return Ok(None);
            };
            let updated =
                DateTime::from_timestamp_millis(updated).ok_or_else(|| Error::InvalidRow {
                    what: "update time (milliseconds since 1970)",
                    value: updated.to_string(),
                })?;
            Ok(Some(StoredItem {
                sku,
                status: status_of(active),
                quantity: quantity.max(0) as u64,
                feed_quantity: feed_quantity.max(0) as u64,
                fields,
                created_at: created,
                updated_at: timestamp(updated),
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
            .with_conn_unchecked(move |conn| upsert_in(conn, &source, items, options, now))
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
                let mut hashes = RowHashes::default();
                let Some(source_id) = source_id(conn, &source)? else {
                    // A source never written has no active items.
                    hashes.mark_all_active();
                    return Ok(hashes);
                };
                // Item ids only grow, so the largest bounds the number of active items, at
                // the cost of one B-tree descent. Room reserved past the real count is never
                // touched, so it takes address space, not memory.
                let largest_id: i64 = conn
                    .query_row(
                        "SELECT coalesce(max(item_id), 0) FROM inventory_item_state",
                        [],
                        |row| row.get(0),
                    )
                    .map_err(Error::sqlite("read the largest item id"))?;
                hashes = RowHashes::with_capacity(usize::try_from(largest_id).unwrap_or(0));
                let mut select = conn
                    .prepare(
                        "SELECT sku_fingerprint, row_hash FROM inventory_item_state \
                         WHERE source_id = ?1 AND active = 1",
                    )
                    .map_err(Error::sqlite("prepare the active item listing"))?;
                let mut rows = select
                    .query(params![source_id])
                    .map_err(Error::sqlite("list active items"))?;
                while let Some(row) = rows.next().map_err(Error::sqlite("list active items"))? {
                    let fingerprint: i64 = row
                        .get(0)
                        .map_err(Error::sqlite("read a SKU fingerprint"))?;
                    let hash = row
                        .get_ref(1)
                        .and_then(|value| Ok(value.as_blob_or_null()?))
                        .map_err(Error::sqlite("read a row hash"))?;
                    let hash = hash.map(parse_hash).transpose()?;
                    hashes.push_active(fingerprint as u64, hash);
                }
                hashes.mark_all_active();
                Ok(hashes)
            })
            .await?;
        Ok(hashes)
    }

    async fn active_fingerprints(&self, source: &str) -> Result<Option<Vec<u64>>, PoolError> {
        let source = source.to_owned();
        let fingerprints = self
            .with_conn(move |conn| {
                let Some(source_id) = source_id(conn, &source)? else {
                    return Ok(Vec::new());
                };
                let mut select = conn
                    .prepare(
                        "SELECT sku_fingerprint FROM inventory_item_state \
                         WHERE source_id = ?1 AND active = 1",
                    )
                    .map_err(Error::sqlite("prepare the fingerprint listing"))?;
                let rows = select
                    .query_map(params![source_id], |row| row.get::<_, i64>(0))
                    .map_err(Error::sqlite("list SKU fingerprints"))?;
                rows.map(|fingerprint| fingerprint.map(|bits| bits as u64))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Error::sqlite("list SKU fingerprints"))
            })
            .await?;
        Ok(Some(fingerprints))
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
        let active = status == ItemStatus::Active;
        let skus = self
            .with_conn(move |conn| {
                let Some(source_id) = source_id(conn, &source)? else {
                    return Ok(Vec::new());
                };
                let mut select = conn
                    .prepare_cached(
                        "SELECT i.sku FROM inventory_items AS i \
                         JOIN inventory_item_state AS s ON s.item_id = i.id \
                         WHERE i.source_id = ?1 AND s.active = ?2 \
                         AND (?3 IS NULL OR i.sku > ?3) ORDER BY i.sku LIMIT ?4",
                    )
                    .map_err(Error::sqlite("prepare the SKU listing"))?;
                let after = after.as_ref().map(Sku::as_str);
                let rows = select
                    .query_map(params![source_id, active, after, limit], |row| {
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

    async fn find_skus(
        &self,
        source: &str,
        skus: &[Sku],
    ) -> Result<Option<HashSet<Sku>>, PoolError> {
        let source = source.to_owned();
        let skus = skus.to_vec();
        let found = self
            .with_conn(move |conn| find_skus_in(conn, &source, skus))
            .await?;
        Ok(Some(found))
    }

    async fn count(&self, source: &str, status: ItemStatus) -> Result<u64, PoolError> {
        let source = source.to_owned();
        let active = status == ItemStatus::Active;
        let count = self
            .with_conn(move |conn| {
                conn.prepare_cached(
                    "SELECT count(*) FROM inventory_item_state WHERE source_id = \
                     (SELECT id FROM inventory_sources WHERE name = ?1) AND active = ?2",
                )
                .and_then(|mut select| {
                    select.query_row(params![source, active], |row| row.get::<_, i64>(0))
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
            .with_conn(move |conn| set_status_in(conn, &ARCHIVE, &source, &skus, now))
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
            .with_conn(move |conn| set_status_in(conn, &UNARCHIVE, &source, &skus, now))
            .await?)
    }
}
