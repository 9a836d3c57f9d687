//! A sandbox, a client tuned for fault tests, a SQLite store in a temporary folder, and
//! the Send Fulfillment Requests and Get Shipments operations wired to them.

#![allow(dead_code)]

use std::time::Duration;

use petra_client::{ConnectionConfig, Credentials, Jitter, PetraClient, RetryPolicy, Timeouts};
use petra_ops::clock::{Clock, ManualClock};
use petra_ops::fulfillment::{
    FulfillmentRequest, FulfillmentRequests, FulfillmentSettings, OutboxState, RequestLine,
    SendContext, SendFulfillmentRequests, SendReport,
};
use petra_ops::settings::SourceSettings;
use petra_ops::shipments::{GetShipments, ShipmentSettings, ShipmentsContext, ShipmentsReport};
use petra_sandbox::{
    CatalogSource, RunningSandbox, Sandbox, SandboxConfig, ShippingConfig, DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
};
use petra_store::SqliteStore;

pub const SOURCE: &str = "Petra Industries";

/// Client request timeout; the latency faults last longer.
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(400);

pub struct Setup {
    pub sandbox: RunningSandbox,
    pub client: PetraClient,
    pub store: SqliteStore,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
}

impl Setup {
    pub async fn start(shipping: ShippingConfig) -> Self {
        let config = SandboxConfig::default()
            .with_catalog(CatalogSource::Sample)
            .with_shipping(shipping);
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let client = client(&sandbox);
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("petra.sqlite")).unwrap();
        let clock = ManualClock::new(sandbox.now());
        Self {
            sandbox,
            client,
            store,
            clock,
            dir,
        }
    }

    pub async fn import(&self, requests: Vec<FulfillmentRequest>) {
        self.store
            .import(SOURCE, requests, false, self.clock.now())
            .await
            .unwrap();
    }

    pub async fn send(&self, concurrency: usize) -> SendReport {
        let settings = FulfillmentSettings {
            concurrency,
            ..FulfillmentSettings::default()
        };
        let operation = SendFulfillmentRequests::new(
            SourceSettings::sample_fulfilling().validate().unwrap(),
            settings,
        );
        operation
            .run(SendContext {
                api: &self.client,
                requests: &self.store,
                pool: None,
                history: &self.store,
                clock: &self.clock,
                stop: Default::default(),
            })
            .await
            .unwrap()
    }

    pub async fn fetch_shipments(&self) -> ShipmentsReport {
        self.clock.set(self.sandbox.now());
        let operation = GetShipments::new(
            SourceSettings::default().validate().unwrap(),
            ShipmentSettings::default(),
        )
        .unwrap();
        operation
            .run(ShipmentsContext {
                api: &self.client,
                requests: &self.store,
                sink: &self.store,
                history: &self.store,
                clock: &self.clock,
                stop: Default::default(),
            })
            .await
            .unwrap()
    }

    pub async fn states(&self) -> Vec<(String, OutboxState, Option<String>)> {
        self.store
            .list(SOURCE, None)
            .await
            .unwrap()
            .into_iter()
            .map(|entry| {
                (
                    entry.po_number.key().to_owned(),
                    entry.state,
                    entry.order_id,
                )
            })
            .collect()
    }
}

/// One retry of GETs after 20 ms, a short request timeout, no client-side rate limit.
pub fn client(sandbox: &RunningSandbox) -> PetraClient {
    let credentials = Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD).unwrap();
    let retry = RetryPolicy {
        max_retries: 1,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(50),
        max_wait: Duration::from_secs(5),
        jitter: Jitter::fixed(0.0),
    };
    let timeouts = Timeouts {
        request: Some(CLIENT_TIMEOUT),
        ..Timeouts::default()
    };
    let config = ConnectionConfig::new("sandbox", &sandbox.base_url(), credentials)
        .unwrap()
        .with_timeouts(timeouts)
        .with_retry(retry)
        .with_rate_limit(None);
    PetraClient::new(config).unwrap()
}

/// SKUs of the sandbox's sample catalog.
pub fn sample_skus() -> Vec<String> {
    petra_sandbox::sample_products()
        .into_iter()
        .flat_map(|product| product.variants)
        .map(|variant| variant.sku.to_string())
        .collect()
}

/// `count` valid requests with POs `{prefix}-1` and so on, each with one or two lines.
pub fn requests(prefix: &str, count: usize) -> Vec<FulfillmentRequest> {
    let skus = sample_skus();
    (1..=count)
        .map(|index| {
            let mut lines = vec![RequestLine {
                sku: skus[index % skus.len()].clone(),
                quantity: (index % 3 + 1).to_string(),
            }];
            if index % 2 == 0 {
                lines.push(RequestLine {
                    sku: skus[(index + 1) % skus.len()].clone(),
                    quantity: "2".to_owned(),
                });
            }
            FulfillmentRequest {
                fr_number: format!("{prefix}-{index}"),
                ship_to_name: "Dana Whitfield".into(),
                address_line_1: "1400 Harbor Blvd".into(),
                city: "Tempe".into(),
                state: "AZ".into(),
                postal_code: "85281".into(),
                lines,
                ..FulfillmentRequest::default()
            }
        })
        .collect()
}
