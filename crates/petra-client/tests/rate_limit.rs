//! The client-side rate limit: clones of a client share one quota, separate clients do
//! not.

mod common;

use std::num::NonZeroU32;
use std::time::Duration;

use petra_client::{PetraClient, RateLimit};
use wiremock::matchers::path;
use wiremock::Mock;

use common::{config, json, server};

fn one_per_second(server: &wiremock::MockServer) -> PetraClient {
    let limit = RateLimit::per_second(NonZeroU32::new(1).unwrap());
    PetraClient::new(config(server).with_rate_limit(Some(limit))).unwrap()
}

#[tokio::test]
async fn clones_share_one_quota() {
    let server = server().await;
    Mock::given(path("/v1/ping"))
        .respond_with(json(200, "ping.json"))
        .expect(2)
        .mount(&server)
        .await;
    let client = one_per_second(&server);
    let clone = client.clone();
    let separate = one_per_second(&server);

    client.ping().await.unwrap();
    // The clone must wait about a second for the quota the first call used.
    let blocked = tokio::time::timeout(Duration::from_millis(300), clone.ping()).await;
    let unblocked = tokio::time::timeout(Duration::from_millis(300), separate.ping()).await;

    assert!(
        blocked.is_err(),
        "the clone was not held by the shared quota"
    );
    assert!(
        unblocked.is_ok(),
        "a separate client must have its own quota"
    );
}
