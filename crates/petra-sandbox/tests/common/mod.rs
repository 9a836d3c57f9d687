//! Helpers shared by the sandbox's integration tests: a started sandbox and a reqwest
//! client that speaks to it.

#![allow(dead_code)]

use std::path::PathBuf;

use petra_sandbox::{
    CatalogSource, RunningSandbox, Sandbox, SandboxConfig, ShippingConfig, DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::{json, Value};

/// A started sandbox with a plain HTTP client. Every order ships whole unless the config
/// sets another shipping behaviour.
pub struct Harness {
    pub sandbox: RunningSandbox,
    pub http: Client,
}

impl Harness {
    pub async fn start() -> Self {
        Self::with_config(sample_config()).await
    }

    pub async fn with_config(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config)
            .await
            .expect("sandbox starts on 127.0.0.1:0");
        let http = Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client builds");
        Self { sandbox, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.sandbox.base_url(),
            path.trim_start_matches('/')
        )
    }

    pub fn control(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.sandbox.control_url(),
            path.trim_start_matches('/')
        )
    }

    /// Builds a GET with the default account's credentials.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.http
            .get(self.url(path))
            .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
    }

    /// Builds a GET of the feed, sent with `http`, with the default account's credentials.
    pub fn get_feed(&self, http: &Client) -> RequestBuilder {
        get_feed(http, &self.sandbox)
    }

    /// Builds a POST of an order body with the default account's credentials.
    pub fn post_order(&self, body: &Value) -> RequestBuilder {
        self.http
            .post(self.url("orders"))
            .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
            .json(body)
    }

    /// Places a valid order and asserts it was created.
    pub async fn place(&self, body: &Value) -> Value {
        let response = self
            .post_order(body)
            .send()
            .await
            .expect("order request completes");
        assert_eq!(response.status(), 201, "creating {body}");
        response.json().await.expect("order body is JSON")
    }
}

/// Builds the usual test setup: the sample catalog, every order shipping whole.
pub fn sample_config() -> SandboxConfig {
    SandboxConfig::default()
        .with_catalog(CatalogSource::Sample)
        .with_shipping(ShippingConfig::whole_orders())
}

/// Builds a valid order for `po` with the given (SKU, quantity) lines.
pub fn order(po: &str, lines: &[(&str, u32)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(sku, quantity)| json!({ "sku": sku, "quantity": quantity }))
        .collect();
    json!({
        "po_number": po,
        "ship_to": {
            "name": "Dana Whitfield",
            "address1": "1400 Harbor Blvd",
            "city": "Tempe",
            "state": "AZ",
            "postal_code": "85281",
            "phone": "480-555-0142"
        },
        "shipping_method": "UPSG",
        "lines": lines
    })
}

/// Reads the error code of a Petra error body.
pub async fn error_code(response: Response) -> String {
    let body: Value = response.json().await.expect("error body is JSON");
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Returns the path of Petra's real ProdList.csv: `PETRA_REAL_FEED`, or the copy beside
/// the repository. Panics with the path it tried when the file is missing.
pub fn real_feed_path() -> PathBuf {
    let path = std::env::var_os("PETRA_REAL_FEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/data/petra/prodlist-2026-06-11.csv"
            ))
        });
    assert!(
        path.is_file(),
        "real ProdList feed not found at {}; set PETRA_REAL_FEED to its path",
        path.display()
    );
    path
}

/// Builds a GET of the sandbox's feed with the default account's credentials, which the
/// feed requires like the API.
pub fn get_feed(http: &Client, sandbox: &RunningSandbox) -> RequestBuilder {
    http.get(sandbox.feed_url())
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
}
