//! Get Inventory from a feed URL on 127.0.0.1: a full download, a cut-short download and
//! a missing file from the sandbox.
//!
//! The sandbox serves its feed without a login, so the credential tests use wiremock.

mod common;

use std::time::Duration;

use petra_client::feed::{generate, DownloadOptions, GeneratorOptions};
use petra_client::Credentials;
use petra_ops::inventory::{ArchiveOutcome, CatalogSource, InventoryReport, RunOptions};
use petra_sandbox::{
    RunningSandbox, Sandbox, SandboxConfig, DEFAULT_GENERATED_ROWS, DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
};
use url::Url;
use wiremock::matchers::{basic_auth, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::Harness;

fn feed_source(url: &str, password: &str) -> CatalogSource {
    CatalogSource::FeedUrl {
        url: Url::parse(url).unwrap(),
        credentials: Some(Credentials::new(DEFAULT_USERNAME, password).unwrap()),
        download: DownloadOptions::default().retries(1, Duration::from_millis(10)),
    }
}

impl Harness {
    async fn run(&self, catalog: CatalogSource) -> InventoryReport {
        self.run_catalog(catalog, RunOptions::default()).await
    }
}

async fn sandbox() -> RunningSandbox {
    Sandbox::start(SandboxConfig::default()).await.unwrap()
}

#[tokio::test]
async fn http_feed_imports_catalog() {
    let sandbox = sandbox().await;
    let harness = Harness::new();

    let report = harness
        .run(feed_source(&sandbox.feed_url(), DEFAULT_PASSWORD))
        .await;

    assert!(report.retrieval_complete, "{:?}", report.retrieval_error);
    assert_eq!(report.created, DEFAULT_GENERATED_ROWS);
    assert_eq!(report.rejected, 0);
    assert_eq!(report.retrieved_from, sandbox.feed_url());
}

#[tokio::test]
async fn truncated_download_archives_nothing() {
    let sandbox = sandbox().await;
    let harness = Harness::new();
    harness
        .run(feed_source(&sandbox.feed_url(), DEFAULT_PASSWORD))
        .await;
    sandbox
        .set_faults("feed:truncate".parse().unwrap())
        .unwrap();

    let report = harness
        .run(feed_source(&sandbox.feed_url(), DEFAULT_PASSWORD))
        .await;

    assert!(!report.retrieval_complete);
    let reason = report.retrieval_error.clone().unwrap_or_default();
    assert!(reason.contains("/v1/feed/ProdList.csv"), "{reason}");
    assert!(
        matches!(report.archive, ArchiveOutcome::Refused { .. }),
        "{:?}",
        report.archive
    );
    assert_eq!(report.archived, 0);
    assert_eq!(harness.active().await, DEFAULT_GENERATED_ROWS);
    assert!(!sandbox.fault_report().fired.is_empty());
}

/// A wiremock server that serves a generated feed of `rows` rows only to the default
/// sandbox login, and answers 401 to any other request.
async fn feed_server(rows: u64) -> MockServer {
    let mut body = Vec::new();
    generate(&mut body, GeneratorOptions { rows, seed: 7 }).unwrap();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ProdList.csv"))
        .and(basic_auth(DEFAULT_USERNAME, DEFAULT_PASSWORD))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(body))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn feed_download_sends_credentials() {
    let server = feed_server(12).await;
    let harness = Harness::new();

    let url = format!("{}/ProdList.csv", server.uri());
    let report = harness.run(feed_source(&url, DEFAULT_PASSWORD)).await;

    assert!(report.retrieval_complete, "{:?}", report.retrieval_error);
    assert_eq!(report.created, 12);
}

#[tokio::test]
async fn rejected_password_is_incomplete() {
    let server = feed_server(12).await;
    let harness = Harness::new();

    let url = format!("{}/ProdList.csv", server.uri());
    let report = harness.run(feed_source(&url, "wrong-password")).await;

    assert!(!report.retrieval_complete);
    let reason = report.retrieval_error.clone().unwrap_or_default();
    assert!(reason.contains("401"), "{reason}");
    assert!(!reason.contains("wrong-password"), "{reason}");
    assert_eq!(report.records, 0);
}

#[tokio::test]
async fn missing_feed_path_is_incomplete() {
    let sandbox = sandbox().await;
    let harness = Harness::new();
    let url = format!(
        "{}/v1/feed/Missing.csv",
        sandbox.base_url().trim_end_matches('/')
    );

    let report = harness.run(feed_source(&url, DEFAULT_PASSWORD)).await;

    assert!(!report.retrieval_complete);
    let reason = report.retrieval_error.clone().unwrap_or_default();
    assert!(reason.contains("404"), "{reason}");
}
