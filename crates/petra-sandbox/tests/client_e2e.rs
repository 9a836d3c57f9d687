//! `petra_client::PetraClient` against the in-process sandbox: every endpoint, and the
//! client's behaviour under every fault. Timing tests run on Tokio's paused clock, so
//! retry waits and latency pass instantly and are measured exactly.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use petra_client::feed::{download_feed, DownloadOptions, ProdListReader, ReaderOptions};
use petra_client::wire::{CreateOrderRequest, OrderLine, ShipTo};
use petra_client::{
    ConnectionConfig, Credentials, Delivery, Error, Jitter, PetraClient, PoNumber, RetryPolicy,
    Sku, Timeouts,
};
use petra_sandbox::{
    FaultConfig, RunningSandbox, Sandbox, SandboxConfig, DEFAULT_API_KEY, DEFAULT_PASSWORD,
    DEFAULT_USERNAME, DISABLED_USERNAME,
};

const SINCE: &str = "2026-06-01T00:00:00Z";

async fn sandbox(spec: &str) -> RunningSandbox {
    let faults: FaultConfig = spec.parse().unwrap();
    Sandbox::start(common::sample_config().with_faults(faults))
        .await
        .unwrap()
}

/// Three retries after 100 ms, 200 ms and 400 ms (no jitter), no timeouts and no
/// client-side rate limit, so paused-clock tests measure only the retry waits.
fn client_as(sandbox: &RunningSandbox, login: &str, password: &str) -> PetraClient {
    let credentials = Credentials::new(login, password).unwrap();
    let retry = RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(1),
        max_wait: Duration::from_secs(60),
        jitter: Jitter::fixed(0.0),
    };
    let config = ConnectionConfig::new("sandbox", &sandbox.base_url(), credentials)
        .unwrap()
        .with_feed_url(&sandbox.feed_url())
        .unwrap()
        .with_timeouts(Timeouts::none())
        .with_rate_limit(None)
        .with_retry(retry);
    PetraClient::new(config).unwrap()
}

fn client(sandbox: &RunningSandbox) -> PetraClient {
    client_as(sandbox, DEFAULT_USERNAME, DEFAULT_PASSWORD)
}

fn order(po: &str, lines: &[(&str, u32)]) -> CreateOrderRequest {
    CreateOrderRequest {
        po_number: PoNumber::new(po),
        ship_to: ShipTo {
            name: "Dana Whitfield".to_owned(),
            address1: "1400 Harbor Blvd".to_owned(),
            address2: None,
            city: "Tempe".to_owned(),
            state: "AZ".to_owned(),
            postal_code: "85281".to_owned(),
            country: "US".to_owned(),
            phone: None,
            email: None,
        },
        shipping_method: Some("UPSG".to_owned()),
        lines: lines
            .iter()
            .map(|(sku, quantity)| OrderLine {
                sku: Sku::new(sku),
                quantity: *quantity,
            })
            .collect(),
    }
}

fn since() -> DateTime<Utc> {
    SINCE.parse().unwrap()
}

#[tokio::test]
async fn ping_with_username_and_key() {
    let sandbox = sandbox("").await;

    let by_username = client(&sandbox).ping().await.unwrap();
    let by_key = client_as(&sandbox, DEFAULT_API_KEY, DEFAULT_PASSWORD)
        .ping()
        .await
        .unwrap();

    assert_eq!(by_username.account, "DEALER-1042");
    assert_eq!(by_key.account, "DEALER-1042");
}

#[tokio::test]
async fn wrong_password_is_authentication_error() {
    let sandbox = sandbox("").await;

    let error = client_as(&sandbox, DEFAULT_USERNAME, "wrong")
        .ping()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Authentication { .. }), "{error:?}");
}

#[tokio::test]
async fn disabled_account_is_access_error() {
    let sandbox = sandbox("").await;

    let error = client_as(&sandbox, DISABLED_USERNAME, DEFAULT_PASSWORD)
        .ping()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::AccessNotEnabled { .. }), "{error:?}");
}

#[tokio::test]
async fn catalog_streams_every_product() {
    let sandbox = sandbox("").await;

    let products: Vec<_> = client(&sandbox).catalog_with_page_size(2).collect().await;

    let ids: Vec<String> = products
        .into_iter()
        .map(|p| p.unwrap().product_id)
        .collect();
    assert_eq!(
        ids,
        [
            "JBL-FLIP6",
            "K02-U22GE-02",
            "LOG-M185",
            "PAN-KXTG",
            "SMS-EVO128"
        ]
    );
}

#[tokio::test]
async fn order_create_and_lookup() {
    let sandbox = sandbox("").await;
    let client = client(&sandbox);

    let created = client
        .create_order(&order("ebyus05-14589-57987", &[("1KSK02U22GE02", 2)]))
        .await
        .unwrap();
    let found = client
        .get_order(&PoNumber::new("EBYUS05-14589-57987"))
        .await
        .unwrap();

    assert_eq!(created.po_number.as_str(), "EBYUS05-14589-57987");
    assert_eq!(found, created);
}

#[tokio::test]
async fn duplicate_po_is_typed_error() {
    let sandbox = sandbox("").await;
    let client = client(&sandbox);
    client
        .create_order(&order("PO-DUP", &[("910-002225", 1)]))
        .await
        .unwrap();

    let error = client
        .create_order(&order("po-dup", &[("910-002225", 1)]))
        .await
        .unwrap_err();

    assert!(matches!(error, Error::DuplicatePo { .. }), "{error:?}");
}

#[tokio::test]
async fn unknown_sku_is_validation_error() {
    let sandbox = sandbox("").await;

    let error = client(&sandbox)
        .create_order(&order("PO-VAL", &[("NOT-A-SKU", 1)]))
        .await
        .unwrap_err();

    let Error::Validation { problems, .. } = error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(problems[0].field, "lines[0].sku");
}

#[tokio::test]
async fn unknown_po_is_not_found() {
    let sandbox = sandbox("").await;

    let error = client(&sandbox)
        .get_order(&PoNumber::new("NOPE"))
        .await
        .unwrap_err();

    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}

#[tokio::test]
async fn shipments_appear_after_clock_advance() {
    let sandbox = sandbox("").await;
    let client = client(&sandbox);
    client
        .create_order(&order("PO-SHIP", &[("910-002225", 2)]))
        .await
        .unwrap();
    let po = PoNumber::new("po-ship");

    let before = client.shipments_for_po(&po).await.unwrap();
    sandbox.advance_clock(chrono::Duration::days(2));
    let after = client.shipments_for_po(&po).await.unwrap();
    let listed: Vec<_> = client.shipments_since(since()).collect().await;

    assert!(before.is_empty());
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].items[0].quantity_shipped, 2);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].as_ref().unwrap(), &after[0]);
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried() {
    let sandbox = sandbox("catalog:503:next=2").await;

    let products: Vec<_> = client(&sandbox).catalog().collect().await;

    assert_eq!(products.len(), 5);
    assert!(products.iter().all(Result::is_ok));
    assert_eq!(sandbox.fault_report().fired, [2]);
}

#[tokio::test(start_paused = true)]
async fn lasting_server_error_gives_up() {
    let sandbox = sandbox("ping:500").await;

    let error = client(&sandbox).ping().await.unwrap_err();

    assert!(
        matches!(error, Error::Server { attempts: 4, .. }),
        "{error:?}"
    );
    assert_eq!(sandbox.fault_report().fired, [4]);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_burst_waits_retry_after() {
    let sandbox = sandbox("ping:429=2:next=2").await;
    let started = tokio::time::Instant::now();

    client(&sandbox).ping().await.unwrap();

    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.fault_report().fired, [2]);
}

#[tokio::test(start_paused = true)]
async fn decimal_retry_after_is_honoured() {
    let sandbox = sandbox("shipments:429=2.5:next=1").await;
    let started = tokio::time::Instant::now();

    let listed: Vec<_> = client(&sandbox).shipments_since(since()).collect().await;

    assert!(listed.is_empty());
    assert!(
        started.elapsed() >= Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn http_date_retry_after_is_honoured() {
    let sandbox = sandbox("ping:429=date+2:next=1").await;

    let result = client(&sandbox).ping().await;

    assert!(result.is_ok(), "{result:?}");
    assert_eq!(sandbox.fault_report().fired, [1]);
}

#[tokio::test(start_paused = true)]
async fn order_post_is_never_retried() {
    let sandbox = sandbox("orders.create:503:next=1").await;

    let error = client(&sandbox)
        .create_order(&order("PO-503", &[("910-002225", 1)]))
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::Server { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(sandbox.admin().total_attempts(), 0);
}

#[tokio::test(start_paused = true)]
async fn rate_limited_post_is_not_retried() {
    let sandbox = sandbox("orders.create:429=1:next=1").await;

    let error = client(&sandbox)
        .create_order(&order("PO-429", &[("910-002225", 1)]))
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::RateLimited { attempts: 1, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn dropped_order_is_outcome_unknown() {
    let sandbox = sandbox("orders.create:drop:next=1").await;
    let client = client(&sandbox);

    let error = client
        .create_order(&order("PO-DROP", &[("910-002225", 1)]))
        .await
        .unwrap_err();

    assert!(error.outcome_unknown(), "{error:?}");
    assert!(
        matches!(
            error,
            Error::Transport {
                delivery: Delivery::OutcomeUnknown,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    let admin = sandbox.admin();
    let record = admin.po("PO-DROP").unwrap();
    assert_eq!(record.create_attempts, 1);
    assert_eq!(record.stored, 1);
    let found = client.get_order(&PoNumber::new("PO-DROP")).await.unwrap();
    assert_eq!(found.status, "accepted");
}

#[tokio::test(start_paused = true)]
async fn dropped_lookup_is_retried() {
    let sandbox = sandbox("orders.get:drop:next=1").await;
    let client = client(&sandbox);
    client
        .create_order(&order("PO-LOOK", &[("910-002225", 1)]))
        .await
        .unwrap();

    let found = client.get_order(&PoNumber::new("PO-LOOK")).await;

    assert!(found.is_ok(), "{found:?}");
    assert_eq!(sandbox.fault_report().fired, [1]);
}

#[tokio::test(start_paused = true)]
async fn latency_delays_the_call() {
    let sandbox = sandbox("ping:latency=3000").await;
    let started = tokio::time::Instant::now();

    client(&sandbox).ping().await.unwrap();

    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn repeated_catalog_page_is_detected() {
    let sandbox = sandbox("catalog:repeat-page:next=1").await;

    let items: Vec<_> = client(&sandbox).catalog_with_page_size(2).collect().await;

    let error = items
        .into_iter()
        .find_map(Result::err)
        .expect("the stream ends with an error");
    assert!(matches!(error, Error::RepeatedPage { .. }), "{error:?}");
}

#[tokio::test]
async fn repeated_shipment_page_is_detected() {
    let sandbox = sandbox("").await;
    let client = client(&sandbox);
    for index in 0..3 {
        client
            .create_order(&order(&format!("PO-REP-{index}"), &[("910-002225", 1)]))
            .await
            .unwrap();
    }
    sandbox.advance_clock(chrono::Duration::days(2));
    sandbox
        .set_faults("shipments:repeat-page".parse().unwrap())
        .unwrap();

    let items: Vec<_> = client
        .shipments_since_with_page_size(since(), 1)
        .collect()
        .await;

    let error = items
        .into_iter()
        .find_map(Result::err)
        .expect("the stream ends with an error");
    assert!(matches!(error, Error::RepeatedPage { .. }), "{error:?}");
}

#[tokio::test]
async fn truncated_feed_is_detected() {
    let sandbox =
        Sandbox::start(SandboxConfig::default().with_faults("feed:truncate".parse().unwrap()))
            .await
            .unwrap();
    let http = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .unwrap();
    let response = common::get_feed(&http, &sandbox).send().await.unwrap();
    let announced = response.content_length().unwrap();

    let mut received = Vec::new();
    let mut body = response.bytes_stream();
    let mut transfer_failed = false;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => received.extend_from_slice(&chunk),
            Err(_) => transfer_failed = true,
        }
    }
    let options = ReaderOptions::default().expected_len(announced);
    let mut reader = ProdListReader::with_options(received.as_slice(), options).unwrap();
    reader.by_ref().for_each(drop);
    let error = reader.finish().unwrap_err();

    assert!(transfer_failed);
    assert!((received.len() as u64) < announced);
    assert!(
        matches!(error, Error::FeedTruncated { expected_bytes, .. } if expected_bytes == announced),
        "{error:?}"
    );
}

#[tokio::test]
async fn truncated_feed_download_fails() {
    let sandbox =
        Sandbox::start(SandboxConfig::default().with_faults("feed:truncate".parse().unwrap()))
            .await
            .unwrap();
    let client = client(&sandbox);
    let options = DownloadOptions::default().retries(2, Duration::from_millis(10));

    let error = download_feed(
        client.feed_url(),
        Some(&client.config().credentials),
        &options,
    )
    .await
    .unwrap_err();

    // The sandbox gzips the feed for reqwest, and a gzip body carries no length to check,
    // so a cut gzip stream surfaces as a body error rather than a byte count.
    let cut_short = match &error {
        Error::FeedDownloadIncomplete {
            expected_bytes,
            received_bytes,
            ..
        } => received_bytes < expected_bytes,
        Error::FeedHttp { source, .. } => source.is_body() || source.is_decode(),
        _ => false,
    };
    assert!(cut_short, "expected a cut-short download, got {error:?}");
    assert_eq!(sandbox.fault_report().fired, vec![3]);
}
