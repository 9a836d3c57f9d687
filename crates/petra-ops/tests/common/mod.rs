//! A Get Inventory run over the in-memory pool and history, shared by the feed tests.

use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, InventoryReport, RunOptions};
use petra_ops::memory::{MemoryHistory, MemoryPool};
use petra_ops::pool::{InventoryPool, ItemStatus};
use petra_ops::settings::{InventorySettings, SourceSettings};

/// The default source's Get Inventory with an empty in-memory pool and history.
pub struct Harness {
    pool: MemoryPool,
    history: MemoryHistory,
    operation: GetInventory,
}

impl Harness {
    pub fn new() -> Self {
        let source = SourceSettings::default().validate().unwrap();
        Self {
            pool: MemoryPool::new(),
            history: MemoryHistory::new(),
            operation: GetInventory::new(source, InventorySettings::default()),
        }
    }

    /// Runs Get Inventory on `catalog` and fails the test on an error.
    pub async fn run_catalog(
        &self,
        catalog: CatalogSource,
        options: RunOptions,
    ) -> InventoryReport {
        self.operation
            .run(catalog, &self.pool, &self.history, &SystemClock, options)
            .await
            .unwrap()
    }

    /// Counts the source's active items.
    pub async fn active(&self) -> u64 {
        let source = self.operation.source().name();
        self.pool.count(source, ItemStatus::Active).await.unwrap()
    }
}
