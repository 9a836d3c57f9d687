//! Pieces the Send Fulfillment Requests tests against the sandbox share: a client for
//! the sandbox's default account and a valid request for one of its sample SKUs.

use petra_client::{ConnectionConfig, Credentials, PetraClient};
use petra_ops::fulfillment::{FulfillmentRequest, RequestLine};
use petra_sandbox::{sample_products, RunningSandbox, DEFAULT_PASSWORD, DEFAULT_USERNAME};

/// Builds a client for `sandbox` without the client's rate limit.
pub fn client(sandbox: &RunningSandbox) -> PetraClient {
    let credentials = Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD).unwrap();
    let config = ConnectionConfig::new("sandbox", &sandbox.base_url(), credentials)
        .unwrap()
        .with_rate_limit(None);
    PetraClient::new(config).unwrap()
}

/// Builds a valid request under `fr_number` for one unit of the first sample SKU.
pub fn request(fr_number: &str) -> FulfillmentRequest {
    let sku = sample_products()[0].variants[0].sku.to_string();
    FulfillmentRequest {
        fr_number: fr_number.into(),
        ship_to_name: "Dana Whitfield".into(),
        address_line_1: "1400 Harbor Blvd".into(),
        city: "Tempe".into(),
        state: "AZ".into(),
        postal_code: "85281".into(),
        lines: vec![RequestLine {
            sku,
            quantity: "1".into(),
        }],
        ..FulfillmentRequest::default()
    }
}
