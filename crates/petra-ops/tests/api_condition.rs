//! The catalog API and the ProdList feed of one sandbox give every item the same
//! condition under the default templates, refurbished items included.

mod common;

use std::sync::Arc;

use petra_client::feed::DownloadOptions;
use petra_client::{ConnectionConfig, Credentials, PetraClient};
use petra_ops::inventory::{CatalogSource, RunOptions};
use petra_ops::pool::{InventoryPool, ItemStatus};
use petra_sandbox::{Sandbox, SandboxConfig, DEFAULT_PASSWORD, DEFAULT_USERNAME};
use url::Url;

use common::Harness;

const SOURCE: &str = "Petra Industries";

/// Returns the `condition` of every active item, by SKU.
fn conditions(harness: &Harness, pool_skus: Vec<petra_ops::Sku>) -> Vec<(String, String)> {
    pool_skus
        .into_iter()
        .map(|sku| {
            let item = harness.item(sku.as_str()).expect("item stored").item;
            let fields = item.fields();
            let condition = fields["condition"].as_str().unwrap_or_default().to_owned();
            (sku.as_str().to_owned(), condition)
        })
        .collect()
}

#[tokio::test]
async fn api_and_feed_agree_on_condition() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let credentials = || Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD).unwrap();
    let config = ConnectionConfig::new("sandbox", &sandbox.base_url(), credentials())
        .unwrap()
        .with_rate_limit(None);
    let client = PetraClient::new(config).unwrap();
    let (from_api, from_feed) = (Harness::new(), Harness::new());

    from_api
        .run_catalog(CatalogSource::Api(Arc::new(client)), RunOptions::default())
        .await;
    let feed = CatalogSource::FeedUrl {
        url: Url::parse(&sandbox.feed_url()).unwrap(),
        credentials: Some(credentials()),
        download: DownloadOptions::default(),
    };
    from_feed.run_catalog(feed, RunOptions::default()).await;

    let skus = from_api
        .pool()
        .list_skus(SOURCE, ItemStatus::Active, None, 10_000)
        .await
        .unwrap();
    let api = conditions(&from_api, skus.clone());
    let feed = conditions(&from_feed, skus);
    let refurbished = api.iter().filter(|(_, c)| c == "refurbished").count();

    assert!(refurbished > 0, "the sandbox catalog has refurbished items");
    assert_eq!(api, feed);
}
