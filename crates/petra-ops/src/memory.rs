//! In-memory implementations of the seams, for tests and for trying the SDK out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::Sku;
use uuid::Uuid;

use crate::history::{ConnectionTest, Operation, RunHistory, RunRecord, RunStatus};
use crate::pool::{
    BatchOutcome, ContentHash, InventoryPool, ItemChange, ItemStatus, PoolError, PoolItem,
    UpsertOptions,
};

/// One item stored in a [`MemoryPool`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredItem {
    pub item: PoolItem,
    pub status: ItemStatus,
    pub updated_at: DateTime<Utc>,
}

impl StoredItem {
    /// The quantity offered for sale: 0 while archived.
    pub fn quantity(&self) -> u64 {
        match self.status {
            ItemStatus::Active => self.item.quantity,
            ItemStatus::Archived => 0,
        }
    }
}

/// An inventory pool held in a map, keyed by source and SKU.
#[derive(Debug, Default)]
pub struct MemoryPool {
    sources: Mutex<HashMap<String, BTreeMap<Sku, StoredItem>>>,
}

impl MemoryPool {
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns a copy of one item, if the pool contains it.
    pub fn get(&self, source: &str, sku: &Sku) -> Option<StoredItem> {
        self.lock().get(source)?.get(sku).cloned()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, BTreeMap<Sku, StoredItem>>> {
        self.sources
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn stored_state(item: Option<&StoredItem>) -> Option<(ItemStatus, ContentHash)> {
    item.map(|stored| (stored.status, stored.item.content_hash()))
}

#[async_trait]
impl InventoryPool for MemoryPool {
    async fn upsert_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
        now: DateTime<Utc>,
    ) -> Result<BatchOutcome, PoolError> {
        let mut sources = self.lock();
        let pool = sources.entry(source.to_owned()).or_default();
        let mut outcome = BatchOutcome::default();

        for item in items {
            let existing = pool.get(&item.sku);
            let change = ItemChange::classify(stored_state(existing), item.content_hash(), options);
            outcome.record(change);

            let status = match (change, existing) {
                (ItemChange::Unchanged, _) => continue,
                (ItemChange::Created | ItemChange::Reactivated, _) => ItemStatus::Active,
                (ItemChange::Updated, Some(stored)) => stored.status,
                (ItemChange::Updated, None) => ItemStatus::Active,
            };
            let stored = StoredItem {
                item,
                status,
                updated_at: now,
            };
            pool.insert(stored.item.sku.clone(), stored);
        }

        Ok(outcome)
    }

    async fn preview_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
    ) -> Result<BatchOutcome, PoolError> {
        let sources = self.lock();
        let pool = sources.get(source);
        let mut outcome = BatchOutcome::default();

        for item in &items {
            let existing = pool.and_then(|pool| pool.get(&item.sku));
            outcome.record(ItemChange::classify(
                stored_state(existing),
                item.content_hash(),
                options,
            ));
        }

        Ok(outcome)
    }

    async fn list_skus(
        &self,
        source: &str,
        status: ItemStatus,
        after: Option<Sku>,
        limit: usize,
    ) -> Result<Vec<Sku>, PoolError> {
        let sources = self.lock();
        let Some(pool) = sources.get(source) else {
            return Ok(Vec::new());
        };

        let range = match after {
            Some(after) => {
                pool.range((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded))
            }
            None => pool.range(..),
        };
        Ok(range
            .filter(|(_, stored)| stored.status == status)
            .take(limit)
            .map(|(sku, _)| sku.clone())
            .collect())
    }

    async fn find_skus(
        &self,
        source: &str,
        skus: &[Sku],
    ) -> Result<Option<HashSet<Sku>>, PoolError> {
        let sources = self.lock();
        let found = sources.get(source).map_or_else(HashSet::new, |pool| {
            skus.iter()
                .filter(|sku| pool.contains_key(*sku))
                .cloned()
                .collect()
        });
        Ok(Some(found))
    }

    async fn count(&self, source: &str, status: ItemStatus) -> Result<u64, PoolError> {
        let sources = self.lock();
        let count = sources.get(source).map_or(0, |pool| {
            pool.values()
                .filter(|stored| stored.status == status)
                .count()
        });
        Ok(count as u64)
    }

    async fn archive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        Ok(self.set_status(source, &skus, ItemStatus::Active, ItemStatus::Archived, now))
    }

    async fn unarchive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        Ok(self.set_status(source, &skus, ItemStatus::Archived, ItemStatus::Active, now))
    }
}

impl MemoryPool {
    fn set_status(
        &self,
        source: &str,
        skus: &[Sku],
        from: ItemStatus,
        to: ItemStatus,
        now: DateTime<Utc>,
    ) -> u64 {
        let mut sources = self.lock();
        let Some(pool) = sources.get_mut(source) else {
            return 0;
        };

        let mut changed = 0;
        for sku in skus {
            if let Some(stored) = pool.get_mut(sku) {
                if stored.status == from {
                    stored.status = to;
                    stored.updated_at = now;
                    changed += 1;
                }
            }
        }
        changed
    }
}

/// Run history and connection tests held in memory.
#[derive(Debug, Default)]
pub struct MemoryHistory {
    runs: Mutex<Vec<RunRecord>>,
    tests: Mutex<HashMap<String, ConnectionTest>>,
}

impl MemoryHistory {
    pub fn new() -> Self {
        Self::default()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[async_trait]
impl RunHistory for MemoryHistory {
    async fn start_run(&self, run: RunRecord) -> Result<(), PoolError> {
        lock(&self.runs).push(run);
        Ok(())
    }

    async fn finish_run(
        &self,
        run_id: Uuid,
        status: RunStatus,
        finished_at: DateTime<Utc>,
        report: serde_json::Value,
    ) -> Result<(), PoolError> {
        let mut runs = lock(&self.runs);
        let run = runs
            .iter_mut()
            .find(|run| run.run_id == run_id)
            .ok_or_else(|| format!("run {run_id} was never started"))?;
        run.status = status;
        run.finished_at = Some(finished_at);
        run.report = Some(report);
        Ok(())
    }

    async fn recent_runs(
        &self,
        operation: Operation,
        source: &str,
        limit: usize,
    ) -> Result<Vec<RunRecord>, PoolError> {
        let runs = lock(&self.runs);
        Ok(runs
            .iter()
            .rev()
            .filter(|run| run.operation == operation && run.source == source)
            .take(limit)
            .cloned()
            .collect())
    }

    async fn record_connection_test(&self, test: ConnectionTest) -> Result<(), PoolError> {
        lock(&self.tests).insert(test.connection.clone(), test);
        Ok(())
    }

    async fn last_connection_test(
        &self,
        connection: &str,
    ) -> Result<Option<ConnectionTest>, PoolError> {
        Ok(lock(&self.tests).get(connection).cloned())
    }
}
