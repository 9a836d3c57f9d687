//! `PetraApi`: code written against the trait runs unchanged on a fake and on the real
//! client.

mod common;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use petra_client::wire::{CreateOrderRequest, Order, PingResponse, Product, Shipment};
use petra_client::{Error, PetraApi, PoNumber};
use url::Url;
use wiremock::matchers::path;
use wiremock::Mock;

use common::{client, fixture, json, server};

/// A fake that serves a fixed catalog page and nothing else.
struct FixedCatalog {
    products: Vec<Product>,
    feed_url: Url,
}

#[async_trait]
impl PetraApi for FixedCatalog {
    async fn ping(&self) -> Result<PingResponse, Error> {
        Err(not_served())
    }

    fn catalog(&self) -> BoxStream<'static, Result<Product, Error>> {
        stream::iter(self.products.clone().into_iter().map(Ok)).boxed()
    }

    async fn create_order(&self, _order: &CreateOrderRequest) -> Result<Order, Error> {
        Err(not_served())
    }

    async fn get_order(&self, _po: &PoNumber) -> Result<Order, Error> {
        Err(not_served())
    }

    fn shipments_since(
        &self,
        _since: DateTime<Utc>,
    ) -> BoxStream<'static, Result<Shipment, Error>> {
        stream::empty().boxed()
    }

    async fn shipments_for_po(&self, _po: &PoNumber) -> Result<Vec<Shipment>, Error> {
        Ok(Vec::new())
    }

    fn feed_url(&self) -> &Url {
        &self.feed_url
    }
}

fn not_served() -> Error {
    Error::InvalidArgument {
        argument: "operation".to_owned(),
        reason: "is not served by the fixed-catalog fake".to_owned(),
    }
}

/// Counts variants through the trait object, as an operation would.
async fn count_variants(api: &dyn PetraApi) -> Result<usize, Error> {
    api.catalog()
        .try_fold(0, |total, product| async move {
            Ok(total + product.variants.len())
        })
        .await
}

#[tokio::test]
async fn fake_and_client_agree() {
    let server = server().await;
    Mock::given(path("/v1/catalog/products"))
        .respond_with(json(200, "catalog_page2.json"))
        .expect(1)
        .mount(&server)
        .await;
    let page: petra_client::wire::CatalogPage =
        serde_json::from_value(fixture("catalog_page2.json")).unwrap();
    let fake = FixedCatalog {
        products: page.products,
        feed_url: Url::parse("http://127.0.0.1:9/feed/ProdList.csv").unwrap(),
    };
    let real = client(&server);

    let from_fake = count_variants(&fake).await.unwrap();
    let from_client = count_variants(&real).await.unwrap();

    assert_eq!(from_fake, 1);
    assert_eq!(from_client, from_fake);
}

#[tokio::test]
async fn feed_url_defaults_below_base() {
    let server = server().await;

    let client = client(&server);

    assert_eq!(
        PetraApi::feed_url(&client).as_str(),
        format!("{}/v1/feed/ProdList.csv", server.uri())
    );
}

#[tokio::test]
async fn configured_feed_url_wins() {
    let server = server().await;
    let config = common::config(&server)
        .with_feed_url("http://127.0.0.1:9/dealer/ProdList.csv?token=abc")
        .unwrap();

    let client = petra_client::PetraClient::new(config).unwrap();

    assert_eq!(
        client.feed_url().as_str(),
        "http://127.0.0.1:9/dealer/ProdList.csv?token=abc"
    );
    assert!(!format!("{client:?}").contains("token=abc"));
}
