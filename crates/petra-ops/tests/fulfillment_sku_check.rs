//! The unknown-SKU warning of Send Fulfillment Requests against the sandbox: each order's
//! SKUs are looked up in the inventory pool, and a pool that cannot look SKUs up is listed
//! once per run.

mod sandbox_orders;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::{PetraClient, Sku};
use petra_ops::clock::{Clock, SystemClock};
use petra_ops::fulfillment::{
    FulfillmentRequest, FulfillmentRequests, FulfillmentSettings, MemoryRequests, OutboxState,
    RequestLine, SendContext, SendFulfillmentRequests, SendReport,
};
use petra_ops::memory::{MemoryHistory, MemoryPool};
use petra_ops::pool::{
    BatchOutcome, InventoryPool, ItemStatus, PoolError, PoolItem, UpsertOptions,
};
use petra_ops::settings::SourceSettings;
use petra_sandbox::{sample_products, CatalogSource, RunningSandbox, Sandbox, SandboxConfig};

/// What a [`Probe`] returns from [`InventoryPool::find_skus`].
#[derive(Clone, Copy, PartialEq)]
enum Lookup {
    /// Like the pool it wraps.
    Found,
    /// The default of the trait: `None`, so the send lists every SKU.
    Unsupported,
    /// An error, as from a store that went away.
    Fails,
}

/// A [`MemoryPool`] that counts how the send reads it.
struct Probe {
    pool: MemoryPool,
    lookup: Lookup,
    lookups: AtomicUsize,
    listings: AtomicUsize,
}

impl Probe {
    fn new(lookup: Lookup) -> Self {
        Self {
            pool: MemoryPool::default(),
            lookup,
            lookups: AtomicUsize::new(0),
            listings: AtomicUsize::new(0),
        }
    }
}

#[async_trait]
impl InventoryPool for Probe {
    async fn upsert_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
        now: DateTime<Utc>,
    ) -> Result<BatchOutcome, PoolError> {
        self.pool.upsert_batch(source, items, options, now).await
    }

    async fn preview_batch(
        &self,
        source: &str,
        items: Vec<PoolItem>,
        options: UpsertOptions,
    ) -> Result<BatchOutcome, PoolError> {
        self.pool.preview_batch(source, items, options).await
    }

    async fn find_skus(
        &self,
        source: &str,
        skus: &[Sku],
    ) -> Result<Option<HashSet<Sku>>, PoolError> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        match self.lookup {
            Lookup::Found => self.pool.find_skus(source, skus).await,
            Lookup::Unsupported => Ok(None),
            Lookup::Fails => Err("the pool's database is closed".into()),
        }
    }

    async fn list_skus(
        &self,
        source: &str,
        status: ItemStatus,
        after: Option<Sku>,
        limit: usize,
    ) -> Result<Vec<Sku>, PoolError> {
        self.listings.fetch_add(1, Ordering::SeqCst);
        self.pool.list_skus(source, status, after, limit).await
    }

    async fn count(&self, source: &str, status: ItemStatus) -> Result<u64, PoolError> {
        self.pool.count(source, status).await
    }

    async fn archive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        self.pool.archive(source, skus, now).await
    }

    async fn unarchive(
        &self,
        source: &str,
        skus: Vec<Sku>,
        now: DateTime<Utc>,
    ) -> Result<u64, PoolError> {
        self.pool.unarchive(source, skus, now).await
    }
}

fn source_name() -> String {
    SourceSettings::sample_fulfilling().name
}

/// Returns the SKU of the sandbox's sample product at `index`.
fn sample_sku(index: usize) -> String {
    sample_products()[index].variants[0].sku.to_string()
}

/// Builds a request for one unit of each SKU.
fn request(fr_number: &str, skus: &[String]) -> FulfillmentRequest {
    FulfillmentRequest {
        lines: skus
            .iter()
            .map(|sku| RequestLine {
                sku: sku.clone(),
                quantity: "1".into(),
            })
            .collect(),
        ..sandbox_orders::request(fr_number)
    }
}

struct Harness {
    _sandbox: RunningSandbox,
    client: PetraClient,
    outbox: MemoryRequests,
    history: MemoryHistory,
}

impl Harness {
    async fn start(requests: Vec<FulfillmentRequest>) -> Self {
        let config = SandboxConfig::default().with_catalog(CatalogSource::Sample);
        let sandbox = Sandbox::start(config).await.unwrap();
        let client = sandbox_orders::client(&sandbox);
        let outbox = MemoryRequests::new();
        outbox
            .import(&source_name(), requests, false, SystemClock.now())
            .await
            .unwrap();
        Self {
            _sandbox: sandbox,
            client,
            outbox,
            history: MemoryHistory::new(),
        }
    }

    async fn send(&self, pool: &dyn InventoryPool) -> SendReport {
        let source = SourceSettings::sample_fulfilling().validate().unwrap();
        SendFulfillmentRequests::new(source, FulfillmentSettings::default())
            .run(SendContext {
                api: &self.client,
                requests: &self.outbox,
                pool: Some(pool),
                history: &self.history,
                clock: &SystemClock,
                stop: Default::default(),
            })
            .await
            .unwrap()
    }
}

/// Stores `skus` in the pool, all active, then archives `archived`.
async fn stock(pool: &dyn InventoryPool, skus: &[String], archived: &[String]) {
    let items = skus
        .iter()
        .map(|sku| PoolItem::from_json(Sku::new(sku), 3, format!(r#"{{"sku":"{sku}"}}"#)))
        .collect();
    let now = SystemClock.now();
    pool.upsert_batch(
        &source_name(),
        items,
        UpsertOptions { reactivate: true },
        now,
    )
    .await
    .unwrap();
    let archived = archived.iter().map(Sku::new).collect();
    pool.archive(&source_name(), archived, now).await.unwrap();
}

/// Returns the warnings of each request by PO, in PO order.
fn warnings(report: &SendReport) -> Vec<(String, Vec<String>)> {
    let mut warnings: Vec<_> = report
        .results
        .iter()
        .map(|result| (result.po_number.to_string(), result.warnings.clone()))
        .collect();
    warnings.sort();
    warnings
}

/// Two requests: one for stocked SKUs, one with a SKU the pool does not hold.
fn two_requests() -> Vec<FulfillmentRequest> {
    vec![
        request("STOCKED-1", &[sample_sku(0), sample_sku(1)]),
        request("MISSING-1", &[sample_sku(0), sample_sku(2), sample_sku(2)]),
    ]
}

fn expected_warnings() -> Vec<(String, Vec<String>)> {
    vec![
        (
            "MISSING-1".into(),
            vec![format!(
                "SKU {} is not in the inventory pool",
                sample_sku(2)
            )],
        ),
        ("STOCKED-1".into(), vec![]),
    ]
}

#[tokio::test]
async fn lookup_skips_listing_the_pool() {
    let harness = Harness::start(two_requests()).await;
    let pool = Probe::new(Lookup::Found);
    // An archived item is still a SKU the merchant sells through this source.
    stock(&pool, &[sample_sku(0), sample_sku(1)], &[sample_sku(1)]).await;

    let report = harness.send(&pool).await;

    assert_eq!(report.submitted, 2, "{report:?}");
    assert_eq!(warnings(&report), expected_warnings());
    assert_eq!(pool.lookups.load(Ordering::SeqCst), 2);
    assert_eq!(pool.listings.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn pool_without_lookup_listed_once() {
    let harness = Harness::start(two_requests()).await;
    let pool = Probe::new(Lookup::Unsupported);
    stock(&pool, &[sample_sku(0), sample_sku(1)], &[sample_sku(1)]).await;

    let report = harness.send(&pool).await;

    assert_eq!(report.submitted, 2, "{report:?}");
    assert_eq!(warnings(&report), expected_warnings());
    // One page of active SKUs and one of archived SKUs, for both orders together.
    assert_eq!(pool.listings.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn empty_pool_gives_no_warning() {
    let harness = Harness::start(two_requests()).await;
    let pool = Probe::new(Lookup::Found);

    let report = harness.send(&pool).await;

    assert_eq!(report.submitted, 2, "{report:?}");
    for (po, warnings) in warnings(&report) {
        assert!(warnings.is_empty(), "{po}: {warnings:?}");
    }
    assert_eq!(pool.lookups.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn failed_lookup_still_sends_order() {
    let harness = Harness::start(vec![request("LOOKUP-1", &[sample_sku(0)])]).await;
    let pool = Probe::new(Lookup::Fails);
    stock(&pool, &[sample_sku(0)], &[]).await;

    let report = harness.send(&pool).await;

    assert_eq!(report.submitted, 1, "{report:?}");
    let entries = harness.outbox.list(&source_name(), None).await.unwrap();
    assert_eq!(entries[0].state, OutboxState::Submitted);
    assert_eq!(
        warnings(&report),
        vec![(
            "LOOKUP-1".into(),
            vec!["could not check the SKUs against the inventory pool: \
                 the pool's database is closed"
                .to_owned()],
        )]
    );
}
