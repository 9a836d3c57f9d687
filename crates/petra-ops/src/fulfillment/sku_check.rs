//! The unknown-SKU warning of a send: which SKUs of an order the inventory pool lacks.
//!
//! Each order's SKUs are looked up in the pool, so a catalog of a million items costs a
//! send a few lookups per order. A pool that cannot look SKUs up
//! ([`InventoryPool::find_skus`] returns `None`) has all of its SKUs listed once, on the
//! first order that needs them.

use std::collections::HashSet;

use petra_client::wire::CreateOrderRequest;
use petra_client::Sku;
use tokio::sync::OnceCell;

use crate::error::Error;
use crate::pool::{InventoryPool, ItemStatus, PoolError};

/// SKUs read from the pool per call when listing every SKU.
const SKU_PAGE: usize = 5_000;

/// Checks the SKUs of the orders of one run against the source's inventory pool.
pub(super) struct SkuCheck<'a> {
    /// `None` when the run has no pool or the pool contains no item of the source, because
    /// an order sent before the first import would warn about every SKU.
    pool: Option<&'a dyn InventoryPool>,
    source: &'a str,
    /// Every SKU of the source, for a pool that does not look SKUs up.
    listed: OnceCell<HashSet<Sku>>,
}

impl<'a> SkuCheck<'a> {
    pub(super) async fn new(
        pool: Option<&'a dyn InventoryPool>,
        source: &'a str,
    ) -> Result<Self, Error> {
        let pool = match pool {
            Some(pool) => {
                let contains =
                    contains_items(pool, source)
                        .await
                        .map_err(|source_error| Error::Pool {
                            action: "count items",
                            source_name: source.to_owned(),
                            source: source_error,
                        })?;
                contains.then_some(pool)
            }
            None => None,
        };
        Ok(Self {
            pool,
            source,
            listed: OnceCell::new(),
        })
    }

    /// Returns the SKUs of `order` that the pool contains neither active nor archived,
    /// each once, in the order of the lines.
    pub(super) async fn unknown(&self, order: &CreateOrderRequest) -> Result<Vec<Sku>, PoolError> {
        let Some(pool) = self.pool else {
            return Ok(Vec::new());
        };
        let mut skus: Vec<Sku> = Vec::with_capacity(order.lines.len());
        for line in &order.lines {
            if !skus.contains(&line.sku) {
                skus.push(line.sku.clone());
            }
        }

        if let Some(found) = pool.find_skus(self.source, &skus).await? {
            skus.retain(|sku| !found.contains(sku));
            return Ok(skus);
        }

        let listed = self
            .listed
            .get_or_try_init(|| list_every_sku(pool, self.source))
            .await?;
        skus.retain(|sku| !listed.contains(sku));
        Ok(skus)
    }
}

/// Returns true when the pool contains any item of the source, active or archived.
async fn contains_items(pool: &dyn InventoryPool, source: &str) -> Result<bool, PoolError> {
    for status in [ItemStatus::Active, ItemStatus::Archived] {
        if pool.count(source, status).await? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Collects every SKU of the source's pool, active or archived.
async fn list_every_sku(pool: &dyn InventoryPool, source: &str) -> Result<HashSet<Sku>, PoolError> {
    let mut known = HashSet::new();
    for status in [ItemStatus::Active, ItemStatus::Archived] {
        let mut after = None;
        loop {
            let page = pool
                .list_skus(source, status, after.clone(), SKU_PAGE)
                .await?;
            let full = page.len() == SKU_PAGE;
            after = page.last().cloned();
            known.extend(page);
            if !full {
                break;
            }
        }
    }
    Ok(known)
}
