//! Catalog sources: the real ProdList.csv file, the synthetic generator and bad paths.

mod common;

use common::{real_feed_path, Harness};
use petra_client::wire::CatalogPage;
use petra_sandbox::{CatalogSource, Error, Sandbox, SandboxConfig, DEFAULT_GENERATED_ROWS};

async fn all_products(harness: &Harness) -> Vec<petra_client::wire::Product> {
    let mut products = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut request = harness.get("catalog/products").query(&[("limit", "1000")]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let page: CatalogPage = request.send().await.unwrap().json().await.unwrap();
        products.extend(page.products);
        cursor = page.next_cursor;
        if cursor.is_none() {
            return products;
        }
    }
}

#[tokio::test]
async fn real_feed_serves_its_items() {
    let path = real_feed_path();
    let config = SandboxConfig::default().with_catalog(CatalogSource::FeedFile(path.clone()));
    let harness = Harness::with_config(config).await;

    let products = all_products(&harness).await;

    let variants: usize = products.iter().map(|p| p.variants.len()).sum();
    assert!(variants > 2000, "{variants} variants from the real feed");
    assert!(variants <= 2387, "{variants} variants from the real feed");
    let mut ids: Vec<&str> = products.iter().map(|p| p.product_id.as_str()).collect();
    let sorted = {
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted
    };
    assert_eq!(ids, sorted, "catalog order is not by product_id");
    ids.dedup();
    assert_eq!(ids.len(), products.len());
}

#[tokio::test]
async fn real_feed_downloads_byte_for_byte() {
    let path = real_feed_path();
    let config = SandboxConfig::default().with_catalog(CatalogSource::FeedFile(path.clone()));
    let harness = Harness::with_config(config).await;
    let http = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .unwrap();

    let body = harness
        .get_feed(&http)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();

    assert_eq!(body.as_ref(), std::fs::read(&path).unwrap().as_slice());
}

#[tokio::test]
async fn real_feed_orders_by_petra_sku() {
    let config = SandboxConfig::default().with_catalog(CatalogSource::FeedFile(real_feed_path()));
    let harness = Harness::with_config(config).await;
    let products = all_products(&harness).await;
    let sku = products[0].variants[0].sku.to_string();

    let created = harness
        .place(&common::order("PO-REAL-1", &[(sku.as_str(), 1)]))
        .await;

    assert_eq!(created["lines"][0]["sku"], sku.as_str());
}

#[tokio::test]
async fn default_catalog_is_generated() {
    let harness = Harness::with_config(SandboxConfig::default()).await;
    let mut expected = Vec::new();
    petra_client::feed::generate(
        &mut expected,
        petra_client::feed::GeneratorOptions {
            rows: DEFAULT_GENERATED_ROWS,
            seed: 42,
        },
    )
    .unwrap();
    let http = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .unwrap();

    let body = harness
        .get_feed(&http)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let products = all_products(&harness).await;

    assert_eq!(body.as_ref(), expected.as_slice());
    let variants: usize = products.iter().map(|p| p.variants.len()).sum();
    assert_eq!(variants as u64, DEFAULT_GENERATED_ROWS);
}

#[tokio::test]
async fn missing_feed_file_fails_start() {
    let config = SandboxConfig::default()
        .with_catalog(CatalogSource::FeedFile("/nonexistent/ProdList.csv".into()));

    let result = Sandbox::start(config).await;

    assert!(matches!(result, Err(Error::ReadFeed { .. })), "{result:?}");
}

#[tokio::test]
async fn feed_without_header_fails_start() {
    let dir = std::env::temp_dir().join(format!("petra-sandbox-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("not-a-feed.csv");
    std::fs::write(&path, "name,price\r\nwidget,3\r\n").unwrap();

    let result = Sandbox::start(
        SandboxConfig::default().with_catalog(CatalogSource::FeedFile(path.clone())),
    )
    .await;

    std::fs::remove_file(&path).unwrap();
    assert!(
        matches!(result, Err(Error::InvalidFeed { .. })),
        "{result:?}"
    );
}
