//! A consumer's own inventory pool: every batch is printed instead of stored, to show
//! the trait a platform implements to receive Petra's catalog.
//!
//! `cargo run --example custom_pool -- PATH/TO/ProdList.csv`

use std::collections::BTreeSet;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_sdk::ops::clock::SystemClock;
use petra_sdk::ops::inventory::{CatalogSource, GetInventory, RunOptions};
use petra_sdk::ops::memory::MemoryHistory;
use petra_sdk::ops::pool::{
    BatchOutcome, InventoryPool, ItemStatus, PoolError, PoolItem, UpsertOptions,
};
use petra_sdk::ops::settings::{InventorySettings, SourceSettings};
use petra_sdk::ops::Sku;

/// A pool that records which SKUs it received and prints the first item of each batch.
/// A real platform would write to its catalog here.
#[derive(Default)]
struct PrintingPool {
    skus: Mutex<BTreeSet<Sku>>,
}

#[async_trait]
impl InventoryPool for PrintingPool {
    async fn upsert_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        _options: UpsertOptions,
        _now: DateTime<Utc>,
    ) -> Result<BatchOutcome, PoolError> {
        if let Some(first) = items.first() {
            println!(
                "{source}: batch of {} from {} (quantity {}) {}",
                items.len(),
                first.sku,
                first.quantity,
                first.fields_json()
            );
        }
        let mut skus = self.skus.lock().map_err(|_| "pool lock poisoned")?;
        let mut outcome = BatchOutcome::default();
        for item in items {
            if skus.insert(item.sku) {
                outcome.created += 1;
            } else {
                outcome.unchanged += 1;
            }
        }
        Ok(outcome)
    }

    async fn preview_batch(
        &self,
        _source: &str,
        items: Vec<PoolItem>,
        _options: UpsertOptions,
    ) -> Result<BatchOutcome, PoolError> {
        Ok(BatchOutcome {
            created: items.len() as u64,
            ..BatchOutcome::default()
        })
    }

    async fn list_skus(
        &self,
        _source: &str,
        status: ItemStatus,
        after: Option<Sku>,
        limit: usize,
    ) -> Result<Vec<Sku>, PoolError> {
        if status == ItemStatus::Archived {
            return Ok(Vec::new());
        }
        let skus = self.skus.lock().map_err(|_| "pool lock poisoned")?;
        Ok(skus
            .iter()
            .filter(|sku| after.as_ref().is_none_or(|after| *sku > after))
            .take(limit)
            .cloned()
            .collect())
    }

    async fn count(&self, _source: &str, status: ItemStatus) -> Result<u64, PoolError> {
        let skus = self.skus.lock().map_err(|_| "pool lock poisoned")?;
        Ok(match status {
            ItemStatus::Active => skus.len() as u64,
            ItemStatus::Archived => 0,
        })
    }

    async fn archive(
        &self,
        _source: &str,
        skus: Vec<Sku>,
        _now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        println!("archive {} items", skus.len());
        Ok(skus.len() as u64)
    }

    async fn unarchive(
        &self,
        _source: &str,
        skus: Vec<Sku>,
        _now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        println!("re-activate {} items", skus.len());
        Ok(skus.len() as u64)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let feed = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: custom_pool PATH/TO/ProdList.csv"))?;
    let operation = GetInventory::new(
        SourceSettings::default().validate()?,
        InventorySettings::default(),
    );

    let report = operation
        .run(
            CatalogSource::FeedFile(feed.into()),
            &PrintingPool::default(),
            &MemoryHistory::new(),
            &SystemClock,
            RunOptions::default(),
        )
        .await?;

    println!("created {} rejected {}", report.created, report.rejected);

    // A missing or broken feed is not an `Err`: the run keeps the upserts it made and
    // reports the retrieval as incomplete.
    if let Some(reason) = report.retrieval_error {
        anyhow::bail!("the catalog was not read to its end: {reason}");
    }
    Ok(())
}
