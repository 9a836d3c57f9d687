//! The inventory pool seam: where mapped variants are saved, archived and re-activated.
//!
//! The trait is batch-shaped so each backend writes a batch its fastest way (one SQLite
//! transaction, one SQL statement, one HTTP call). [`MemoryPool`](crate::memory::MemoryPool)
//! and `petra_store::SqliteStore` implement it.

use std::collections::HashSet;
use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::Sku;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

pub use crate::row_hashes::RowHashes;

/// The error type a pool returns. Any error a backend has fits, and the operation adds
/// which source and batch failed.
pub type PoolError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Whether an item of the pool is for sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Active,
    /// Absent from the latest complete retrieval: quantity 0, kept for when it returns.
    Archived,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }
}

/// A 128-bit digest of a variant's mapped fields and quantity. Equal digests mean the
/// item did not change, so the pool skips the write.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentHash(pub [u8; 16]);

impl ContentHash {
    /// Digests `bytes` with XXH3-128, in little-endian byte order.
    pub fn of(bytes: &[u8]) -> Self {
        Self(xxh3_128(bytes).to_le_bytes())
    }

    /// Digests an item's quantity and its fields serialized as a JSON object, as
    /// [`PoolItem`] does. A backend that stores both can recompute the hash.
    ///
    /// XXH3 is not a cryptographic hash. The digest only decides whether the merchant's
    /// own item changed, and its output is fixed by its specification, so stored digests
    /// stay valid across builds.
    pub fn of_item(quantity: u64, fields_json: &str) -> Self {
        Self::of_parts(quantity, &Self::of(fields_json.as_bytes()))
    }

    /// Digests an item's quantity and the digest of its fields ([`PoolItem::fields_hash`]).
    /// A backend that stores the quantity apart from the fields keeps the fields' digest
    /// and recomputes the item's from both.
    pub fn of_parts(quantity: u64, fields_hash: &ContentHash) -> Self {
        // One call over 24 bytes on the stack gives what a streaming hasher fed both
        // parts gives, without setting up its state for every item.
        let mut input = [0u8; 24];
        input[..8].copy_from_slice(&quantity.to_le_bytes());
        input[8..].copy_from_slice(&fields_hash.0);
        Self::of(&input)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash(")?;
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        write!(f, ")")
    }
}

/// Returns a 64-bit fingerprint of a SKU: XXH3 of its UTF-8 bytes.
///
/// XXH3's output is fixed by its specification, so a backend may store fingerprints and
/// compare them with those of later runs and builds.
pub fn sku_fingerprint(sku: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(sku.as_bytes())
}

/// One mapped variant, ready for the pool.
///
/// `fields` is a JSON object in the target field order. Items that Get Inventory builds
/// carry every mapped field there except the quantity, which is [`quantity`](Self::quantity)
/// alone. The content hash covers the quantity and exactly the bytes of the fields, so two
/// items with the same quantity and fields always have the same hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolItem {
    pub sku: Sku,
    pub quantity: u64,
    fields_json: String,
    fields_hash: ContentHash,
    content_hash: ContentHash,
    row_hash: Option<ContentHash>,
}

impl PoolItem {
    /// Builds an item from its mapped fields, serialized once here.
    pub fn new(
        sku: Sku,
        quantity: u64,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        let fields_json = serde_json::Value::Object(fields.clone()).to_string();
        Self::from_json(sku, quantity, fields_json)
    }

    /// Builds an item from fields already serialized as a JSON object.
    pub fn from_json(sku: Sku, quantity: u64, fields_json: String) -> Self {
        let fields_hash = ContentHash::of(fields_json.as_bytes());
        Self {
            sku,
            quantity,
            content_hash: ContentHash::of_parts(quantity, &fields_hash),
            fields_hash,
            fields_json,
            row_hash: None,
        }
    }

    /// Records the hash of the feed row the item was mapped from (see [`RowHashes`]).
    pub fn with_row_hash(mut self, row_hash: ContentHash) -> Self {
        self.row_hash = Some(row_hash);
        self
    }

    /// The hash of the feed row the item was mapped from, when the row may be skipped
    /// next time it appears unchanged.
    pub fn row_hash(&self) -> Option<ContentHash> {
        self.row_hash
    }

    /// The mapped fields as a JSON object.
    pub fn fields_json(&self) -> &str {
        &self.fields_json
    }

    /// The mapped fields, parsed.
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::from_str(&self.fields_json) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        }
    }

    /// Returns the digest of the quantity and the fields, which decides whether the item
    /// changed.
    pub fn content_hash(&self) -> ContentHash {
        self.content_hash
    }

    /// Returns the digest of the fields alone. Equal digests with a different quantity
    /// mean only the quantity changed.
    pub fn fields_hash(&self) -> ContentHash {
        self.fields_hash
    }
}

/// Options of a batch upsert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpsertOptions {
    /// Re-activate archived items present in the batch. When false, their fields are
    /// updated but they stay archived with quantity 0.
    pub reactivate: bool,
}

/// Counts of the changes an upsert made (or, in a preview, would make) to a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOutcome {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub reactivated: u64,
}

impl BatchOutcome {
    /// Adds another batch's counts to this one.
    pub fn add(&mut self, other: &BatchOutcome) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.reactivated += other.reactivated;
    }

    /// Counts one item.
    pub fn record(&mut self, change: ItemChange) {
        match change {
            ItemChange::Created => self.created += 1,
            ItemChange::Updated => self.updated += 1,
            ItemChange::Unchanged => self.unchanged += 1,
            ItemChange::Reactivated => self.reactivated += 1,
        }
    }
}

/// The change an upsert makes to one item, given the stored state of its SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemChange {
    Created,
    Updated,
    Unchanged,
    Reactivated,
}

impl ItemChange {
    /// Decides the change for an item from the stored status and hash of its SKU
    /// (`None` when the pool does not hold it). Backends share this rule so they agree.
    pub fn classify(
        stored: Option<(ItemStatus, ContentHash)>,
        incoming: ContentHash,
        options: UpsertOptions,
    ) -> Self {
        match stored {
            None => Self::Created,
            Some((ItemStatus::Archived, _)) if options.reactivate => Self::Reactivated,
            Some((_, hash)) if hash == incoming => Self::Unchanged,
            Some(_) => Self::Updated,
        }
    }
}

/// The inventory pool of a merchant platform.
///
/// Items are keyed by (source name, SKU) and every method takes a whole batch. A backend
/// should apply each call atomically, so a run stopped between calls leaves the pool
/// consistent and the next run finishes the work.
#[async_trait]
pub trait InventoryPool: Send + Sync {
    /// Creates or updates the items of a batch and returns what it did. Items whose content
    /// hash matches the stored one must not be rewritten. Get Inventory hands over each
    /// SKU at most once per batch, in SKU order.
    ///
    /// A backend that returns row hashes from [`row_hashes`](Self::row_hashes) stores
    /// each item's [`PoolItem::row_hash`] with it, also for an unchanged item. It drops
    /// the stored row hash when an item is written without one or stays archived.
    async fn upsert_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
        now: DateTime<Utc>,
    ) -> Result<BatchOutcome, PoolError>;

    /// Returns what [`upsert_batch`](Self::upsert_batch) would do, writing nothing.
    async fn preview_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
    ) -> Result<BatchOutcome, PoolError>;

    /// Returns the row hashes of the source's active items. A run skips feed rows found
    /// here, counting them unchanged, so a backend must only return hashes stored by
    /// [`upsert_batch`](Self::upsert_batch) and must forget an item's hash when it
    /// archives the item. The default returns none, so every row is mapped and upserted.
    ///
    /// A backend may also list every active item (see [`RowHashes::mark_all_active`]),
    /// which a feed run then uses instead of [`count`](Self::count) and
    /// [`active_fingerprints`](Self::active_fingerprints).
    async fn row_hashes(&self, source: &str) -> Result<RowHashes, PoolError> {
        let _ = source;
        Ok(RowHashes::default())
    }

    /// Returns the [`sku_fingerprint`] of every active item of the source, or `None` when
    /// the backend does not provide them. A run compares them with the SKUs it saw to
    /// count the items it would archive, and pages through [`list_skus`](Self::list_skus)
    /// only when some are absent. The default returns `None`, so every run pages.
    async fn active_fingerprints(&self, source: &str) -> Result<Option<Vec<u64>>, PoolError> {
        let _ = source;
        Ok(None)
    }

    /// Lists up to `limit` SKUs of a source with the given status, in ascending SKU order
    /// and strictly after `after`, so callers page through any number of items.
    async fn list_skus(
        &self,
        source: &str,
        status: ItemStatus,
        after: Option<Sku>,
        limit: usize,
    ) -> Result<Vec<Sku>, PoolError>;

    /// Returns which of `skus` the source holds, active or archived, or `None` when the
    /// backend does not look SKUs up. Send Fulfillment Requests checks each order's SKUs
    /// here for its unknown-SKU warning. With the default, `None`, a send lists every SKU
    /// of the source once through [`list_skus`](Self::list_skus) instead.
    async fn find_skus(
        &self,
        source: &str,
        skus: &[Sku],
    ) -> Result<Option<HashSet<Sku>>, PoolError> {
        let _ = (source, skus);
        Ok(None)
    }

    /// Counts the items of a source with the given status.
    async fn count(&self, source: &str, status: ItemStatus) -> Result<u64, PoolError>;

    /// Archives the given active items (status archived, quantity 0) and returns how many
    /// changed. Unknown or already archived SKUs are ignored.
    async fn archive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError>;

    /// Re-activates the given archived items with their last known quantity and returns
    /// how many changed. Unknown or active SKUs are ignored.
    async fn unarchive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    const APPLY: UpsertOptions = UpsertOptions { reactivate: true };

    #[test]
    fn classify_new_sku_as_created() {
        let hash = ContentHash::of(b"a");
        assert_eq!(ItemChange::classify(None, hash, APPLY), ItemChange::Created);
    }

    #[test]
    fn classify_same_hash_as_unchanged() {
        let hash = ContentHash::of(b"a");
        let stored = Some((ItemStatus::Active, hash));
        assert_eq!(
            ItemChange::classify(stored, hash, APPLY),
            ItemChange::Unchanged
        );
    }

    #[test]
    fn classify_other_hash_as_updated() {
        let stored = Some((ItemStatus::Active, ContentHash::of(b"a")));
        let change = ItemChange::classify(stored, ContentHash::of(b"b"), APPLY);
        assert_eq!(change, ItemChange::Updated);
    }

    #[test]
    fn classify_archived_as_reactivated() {
        let hash = ContentHash::of(b"a");
        let stored = Some((ItemStatus::Archived, hash));
        assert_eq!(
            ItemChange::classify(stored, hash, APPLY),
            ItemChange::Reactivated
        );
    }

    #[test]
    fn classify_archived_without_reactivate() {
        let hash = ContentHash::of(b"a");
        let stored = Some((ItemStatus::Archived, hash));
        let keep = UpsertOptions { reactivate: false };
        assert_eq!(
            ItemChange::classify(stored, hash, keep),
            ItemChange::Unchanged
        );
    }

    #[test]
    fn item_hash_covers_quantity() {
        let a = PoolItem::from_json(Sku::new("A"), 1, r#"{"sku":"A"}"#.into());
        let b = PoolItem::from_json(Sku::new("A"), 2, r#"{"sku":"A"}"#.into());
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn fields_hash_ignores_quantity() {
        let a = PoolItem::from_json(Sku::new("A"), 1, r#"{"sku":"A"}"#.into());
        let b = PoolItem::from_json(Sku::new("A"), 2, r#"{"sku":"A"}"#.into());
        assert_eq!(a.fields_hash(), b.fields_hash());
    }

    #[test]
    fn item_hash_from_parts() {
        let item = PoolItem::from_json(Sku::new("A"), 7, r#"{"sku":"A"}"#.into());
        let rebuilt = ContentHash::of_parts(7, &item.fields_hash());
        assert_eq!(item.content_hash(), rebuilt);
        assert_eq!(
            item.content_hash(),
            ContentHash::of_item(7, r#"{"sku":"A"}"#)
        );
    }
}
