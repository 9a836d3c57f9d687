//! The client for Petra's HTTP API: [`PetraClient`], its operations (one file per
//! resource), and the [`PetraApi`] trait that lets callers swap in a fake.

mod catalog;
mod orders;
mod shipments;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use tracing::instrument;
use url::Url;

use crate::config::ConnectionConfig;
use crate::error::Error;
use crate::ids::PoNumber;
use crate::transport::{Call, Transport};
use crate::wire::{paths, CreateOrderRequest, Order, PingResponse, Product, Shipment};

/// The operations of one Petra connection. [`PetraClient`] implements it over HTTP;
/// tests of code that calls Petra can implement it with a fake.
#[async_trait]
pub trait PetraApi: Send + Sync {
    /// Checks that Petra is reachable and accepts the credentials.
    async fn ping(&self) -> Result<PingResponse, Error>;

    /// Streams every product of the catalog in Petra's stable order.
    fn catalog(&self) -> BoxStream<'static, Result<Product, Error>>;

    /// Submits a dropship order, once and never retried (see [`PetraClient::create_order`]).
    async fn create_order(&self, order: &CreateOrderRequest) -> Result<Order, Error>;

    /// Looks an order up by PO number, ignoring letter case.
    async fn get_order(&self, po: &PoNumber) -> Result<Order, Error>;

    /// Streams every shipment shipped at or after `since`.
    fn shipments_since(&self, since: DateTime<Utc>) -> BoxStream<'static, Result<Shipment, Error>>;

    /// Lists the shipments of one order; empty when nothing has shipped yet.
    async fn shipments_for_po(&self, po: &PoNumber) -> Result<Vec<Shipment>, Error>;

    /// Returns the URL the ProdList.csv feed is downloaded from.
    fn feed_url(&self) -> &Url;
}

/// A client for one Petra connection. Cloning is cheap, and clones share the connection
/// pool and the rate limit.
///
/// ```no_run
/// use petra_client::{ConnectionConfig, Credentials, PetraClient};
///
/// # async fn run() -> Result<(), petra_client::Error> {
/// let credentials = Credentials::new("DEALER-1042", "password-from-your-vault")?;
/// let config = ConnectionConfig::new("petra-main", "https://api.petra.example/v1", credentials)?;
/// let client = PetraClient::new(config)?;
///
/// let ping = client.ping().await?;
/// println!("connected to account {}", ping.account);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct PetraClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    feed_url: Url,
}

impl PetraClient {
    /// Builds a client for `config`. No request is sent until an operation is called.
    ///
    /// # Errors
    ///
    /// [`Error::Configuration`] when the HTTP client cannot be built (for example when
    /// the TLS backend fails to load).
    pub fn new(config: ConnectionConfig) -> Result<Self, Error> {
        let feed_url = match &config.feed_url {
            Some(url) => url.clone(),
            None => {
                let mut url = config.base_url.clone();
                url.set_path(&format!("{}{}", config.base_url.path(), paths::FEED));
                url
            }
        };

        if config.base_url.scheme() == "http" && !is_loopback(&config.base_url) {
            tracing::warn!(
                connection = %config.name,
                base_url = %config.base_url,
                "base URL uses plain http, so credentials cross the network unencrypted"
            );
        }

        let transport = Transport::new(config)?;
        Ok(Self {
            inner: Arc::new(Inner {
                transport,
                feed_url,
            }),
        })
    }

    /// Returns the configuration the client was built from.
    pub fn config(&self) -> &ConnectionConfig {
        self.inner.transport.config()
    }

    /// Returns the connection name.
    pub fn name(&self) -> &str {
        &self.config().name
    }

    /// Checks that Petra is reachable and accepts the credentials (`GET /ping`).
    ///
    /// # Errors
    ///
    /// [`Error::Authentication`] with a hint naming the credential to check,
    /// [`Error::AccessNotEnabled`], or a transport error.
    ///
    /// ```no_run
    /// # async fn run(client: petra_client::PetraClient) {
    /// match client.ping().await {
    ///     Ok(ping) => println!("account {} reachable", ping.account),
    ///     Err(error) => eprintln!("test connection failed: {error}"),
    /// }
    /// # }
    /// ```
    #[instrument(skip(self), fields(connection = %self.name()))]
    pub async fn ping(&self) -> Result<PingResponse, Error> {
        self.transport().send(Call::get(vec![paths::PING])).await
    }

    /// Returns the URL the ProdList.csv feed is downloaded from: the configured feed URL,
    /// or the API's feed path below the base URL.
    pub fn feed_url(&self) -> &Url {
        &self.inner.feed_url
    }

    fn transport(&self) -> &Transport {
        &self.inner.transport
    }
}

impl fmt::Debug for PetraClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = self.config();
        f.debug_struct("PetraClient")
            .field("name", &config.name)
            .field("base_url", &config.base_url.as_str())
            .field(
                "feed_url",
                &crate::feed::download::redact(&self.inner.feed_url),
            )
            .field("credentials", &config.credentials)
            .field("timeouts", &config.timeouts)
            .field("rate_limit", &config.rate_limit)
            .finish_non_exhaustive()
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[async_trait]
impl PetraApi for PetraClient {
    async fn ping(&self) -> Result<PingResponse, Error> {
        PetraClient::ping(self).await
    }

    fn catalog(&self) -> BoxStream<'static, Result<Product, Error>> {
        PetraClient::catalog(self)
    }

    async fn create_order(&self, order: &CreateOrderRequest) -> Result<Order, Error> {
        PetraClient::create_order(self, order).await
    }

    async fn get_order(&self, po: &PoNumber) -> Result<Order, Error> {
        PetraClient::get_order(self, po).await
    }

    fn shipments_since(&self, since: DateTime<Utc>) -> BoxStream<'static, Result<Shipment, Error>> {
        PetraClient::shipments_since(self, since)
    }

    async fn shipments_for_po(&self, po: &PoNumber) -> Result<Vec<Shipment>, Error> {
        PetraClient::shipments_for_po(self, po).await
    }

    fn feed_url(&self) -> &Url {
        PetraClient::feed_url(self)
    }
}
