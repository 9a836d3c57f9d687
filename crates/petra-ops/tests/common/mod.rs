//! A Get Inventory run over the in-memory pool and history, shared by the feed tests.

use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, InventoryReport, RunOptions};
use petra_ops::memory::{MemoryHistory, MemoryPool, StoredItem};
use petra_ops::pool::{InventoryPool, ItemStatus};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_ops::Sku;

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
    // Not every test binary that shares this module counts items.
    #[allow(dead_code)]
    pub async fn active(&self) -> u64 {
        let source = self.operation.source().name();
        self.pool.count(source, ItemStatus::Active).await.unwrap()
    }

    /// Returns the in-memory pool the runs write to.
    // Not every test binary that shares this module reads the pool.
    #[allow(dead_code)]
    pub fn pool(&self) -> &MemoryPool {
        &self.pool
    }

    /// Returns one item of the source, if the pool contains it.
    // Not every test binary that shares this module reads items.
    #[allow(dead_code)]
    pub fn item(&self, sku: &str) -> Option<StoredItem> {
        let source = self.operation.source().name();
        self.pool.get(source, &Sku::new(sku))
    }
}
