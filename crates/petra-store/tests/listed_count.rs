//! A feed import takes the number of active items from the row-hash listing when the
//! pool lists every active item, instead of counting them in a second pass.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::clock::SystemClock;
use petra_ops::inventory::{
    ArchiveOutcome, CatalogSource, GetInventory, InventoryReport, RunOptions,
};
use petra_ops::pool::{
    BatchOutcome, InventoryPool, ItemStatus, PoolError, PoolItem, RowHashes, UpsertOptions,
};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_ops::Sku;
use petra_store::SqliteStore;

const ROWS: u64 = 200;
/// Two preamble lines and the header come before the data rows.
const DATA_START: usize = 3;

/// The SQLite store with `count` failing, so a run that counts active items fails.
struct ListingOnly(SqliteStore);

#[async_trait]
impl InventoryPool for ListingOnly {
    async fn upsert_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
        now: DateTime<Utc>,
    ) -> Result<BatchOutcome, PoolError> {
        self.0.upsert_batch(source, items, options, now).await
    }

    async fn preview_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
    ) -> Result<BatchOutcome, PoolError> {
        self.0.preview_batch(source, items, options).await
    }

    async fn row_hashes(&self, source: &str) -> Result<RowHashes, PoolError> {
        self.0.row_hashes(source).await
    }

    async fn active_fingerprints(&self, source: &str) -> Result<Option<Vec<u64>>, PoolError> {
        self.0.active_fingerprints(source).await
    }

    async fn list_skus(
        &self,
        source: &str,
        status: ItemStatus,
        after: Option<Sku>,
        limit: usize,
    ) -> Result<Vec<Sku>, PoolError> {
        self.0.list_skus(source, status, after, limit).await
    }

    async fn find_skus(
        &self,
        source: &str,
        skus: &[Sku],
    ) -> Result<Option<HashSet<Sku>>, PoolError> {
        self.0.find_skus(source, skus).await
    }

    async fn count(&self, _source: &str, _status: ItemStatus) -> Result<u64, PoolError> {
        Err("count called although the row-hash listing counted the active items".into())
    }

    async fn archive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        self.0.archive(source, skus, now).await
    }

    async fn unarchive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        self.0.unarchive(source, skus, now).await
    }
}

/// Writes the generated feed without `removed` of its data rows, from the first.
fn feed_without(dir: &Path, removed: usize) -> PathBuf {
    let mut bytes = Vec::new();
    generate(
        &mut bytes,
        GeneratorOptions {
            rows: ROWS,
            seed: 9,
        },
    )
    .expect("generate");
    let records = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice())
        .byte_records()
        .collect::<Result<Vec<_>, _>>()
        .expect("parse the generated feed");

    let path = dir.join(format!("without-{removed}.csv"));
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_path(&path)
        .expect("create the feed");
    let kept = records[..DATA_START]
        .iter()
        .chain(&records[DATA_START + removed..]);
    for record in kept {
        writer.write_byte_record(record).expect("write the feed");
    }
    writer.flush().expect("write the feed");
    path
}

async fn import(pool: &dyn InventoryPool, store: &SqliteStore, feed: &Path) -> InventoryReport {
    let source = SourceSettings::default()
        .validate()
        .expect("default source");
    GetInventory::new(source, InventorySettings::default())
        .run(
            CatalogSource::FeedFile(feed.to_owned()),
            pool,
            store,
            &SystemClock,
            RunOptions::default(),
        )
        .await
        .expect("import")
}

#[tokio::test]
async fn archive_guard_uses_listed_count() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let store = SqliteStore::open(dir.path().join("petra.sqlite")).expect("open the store");
    import(&store, &store, &feed_without(dir.path(), 0)).await;
    let pool = ListingOnly(store.clone());

    let within_guard = import(&pool, &store, &feed_without(dir.path(), 30)).await;
    let beyond_guard = import(&pool, &store, &feed_without(dir.path(), 80)).await;

    assert_eq!(within_guard.archived, 30);
    // 50 more of the 170 active items is 29%, above the default guard of 20%.
    assert_eq!(beyond_guard.archived, 0);
    assert!(
        matches!(
            beyond_guard.archive,
            ArchiveOutcome::Refused {
                mass_archive: true,
                ..
            }
        ),
        "{:?}",
        beyond_guard.archive
    );
}
