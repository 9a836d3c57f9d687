//! Get Inventory with a cancelled stop token, as an embedder passes it in `RunOptions`.
//! A feed stops before its first row and the API after its first batch, nothing is
//! archived, and the run is recorded as finished and interrupted. The tests cover a feed
//! file, a feed URL and the API.

use std::sync::Arc;

use petra_client::feed::{generate, DownloadOptions, GeneratorOptions};
use petra_client::{ConnectionConfig, Credentials, PetraClient};
use petra_ops::clock::SystemClock;
use petra_ops::history::{Operation, RunHistory, RunStatus};
use petra_ops::inventory::{ArchiveOutcome, CatalogSource, GetInventory, RunOptions};
use petra_ops::memory::{MemoryHistory, MemoryPool};
use petra_ops::pool::{InventoryPool, ItemStatus};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_sandbox::{Sandbox, SandboxConfig, DEFAULT_PASSWORD, DEFAULT_USERNAME};
use tokio_util::sync::CancellationToken;
use url::Url;

const BATCH: usize = 100;

fn operation() -> GetInventory {
    let source = SourceSettings::default().validate().unwrap();
    let settings = InventorySettings {
        batch_size: BATCH,
        ..InventorySettings::default()
    };
    GetInventory::new(source, settings)
}

fn stopped_options() -> RunOptions {
    let stop = CancellationToken::new();
    stop.cancel();
    RunOptions {
        allow_mass_archive: true,
        stop,
        ..RunOptions::default()
    }
}

#[tokio::test]
async fn stop_token_ends_feed_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("ProdList.csv");
    let file = std::fs::File::create(&feed).unwrap();
    generate(
        file,
        GeneratorOptions {
            rows: 2_000,
            seed: 3,
        },
    )
    .unwrap();
    let operation = operation();
    let (pool, history) = (MemoryPool::new(), MemoryHistory::new());
    let source = operation.source().name().to_owned();

    let report = operation
        .run(
            CatalogSource::FeedFile(feed),
            &pool,
            &history,
            &SystemClock,
            stopped_options(),
        )
        .await
        .unwrap();
    let runs = history
        .recent_runs(Operation::GetInventory, &source, 1)
        .await
        .unwrap();
    let error = report.retrieval_error.clone().unwrap_or_default();

    assert!(report.interrupted, "{report:?}");
    assert_eq!(report.records, 0, "{report:?}");
    assert!(!report.from_api(), "{}", report.retrieved_from);
    assert_eq!(report.created, 0, "{report:?}");
    assert_eq!(report.stopped_after, None, "{report:?}");
    assert!(error.contains("interrupted by a stop signal;"), "{error}");
    assert!(
        matches!(
            report.archive,
            ArchiveOutcome::Refused {
                mass_archive: false,
                ..
            }
        ),
        "{:?}",
        report.archive
    );
    assert_eq!(pool.count(&source, ItemStatus::Active).await.unwrap(), 0);
    assert_eq!(runs[0].status, RunStatus::Failed);
    assert!(runs[0].finished_at.is_some());
}

#[tokio::test]
async fn stop_token_abandons_download() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let operation = operation();
    let (pool, history) = (MemoryPool::new(), MemoryHistory::new());
    let catalog = CatalogSource::FeedUrl {
        url: Url::parse(&sandbox.feed_url()).unwrap(),
        credentials: None,
        download: DownloadOptions::default(),
    };

    let report = operation
        .run(catalog, &pool, &history, &SystemClock, stopped_options())
        .await
        .unwrap();
    let error = report.retrieval_error.clone().unwrap_or_default();

    assert!(report.interrupted, "{report:?}");
    assert_eq!(report.records, 0, "{report:?}");
    assert_eq!(report.stopped_after, None, "{report:?}");
    assert!(!report.petra_unreachable, "{report:?}");
    assert!(
        error.contains("before the feed download finished"),
        "{error}"
    );
}

#[tokio::test]
async fn stop_token_ends_api_after_batch() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let credentials = Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD).unwrap();
    let config = ConnectionConfig::new("sandbox", &sandbox.base_url(), credentials)
        .unwrap()
        .with_rate_limit(None);
    let client = PetraClient::new(config).unwrap();
    let operation = operation();
    let (pool, history) = (MemoryPool::new(), MemoryHistory::new());

    let report = operation
        .run(
            CatalogSource::Api(Arc::new(client)),
            &pool,
            &history,
            &SystemClock,
            stopped_options(),
        )
        .await
        .unwrap();
    let error = report.retrieval_error.clone().unwrap_or_default();

    assert!(report.interrupted, "{report:?}");
    assert_eq!(report.records, BATCH as u64, "{report:?}");
    assert_eq!(report.stopped_after, Some(BATCH as u64), "{report:?}");
    assert!(error.contains("after catalog position 100"), "{error}");
    assert!(!report.succeeded(), "{report:?}");
    assert!(report.from_api(), "{}", report.retrieved_from);
}
