//! `GET /shipments` and `GET /orders/{po}/shipments`: what Petra has shipped.

use chrono::{DateTime, SecondsFormat, Utc};
use futures::stream::BoxStream;
use tracing::instrument;

use super::orders::require_po;
use super::PetraClient;
use crate::error::Error;
use crate::ids::PoNumber;
use crate::pagination::{paginate, Page};
use crate::transport::Call;
use crate::wire::{paths, Shipment, ShipmentPage, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};

impl PetraClient {
    /// Streams every shipment shipped at or after `since`, page by page.
    ///
    /// An empty stream means nothing shipped in the window. Like the catalog, the stream
    /// yields [`Error::RepeatedPage`] and ends if Petra repeats a cursor or a page.
    ///
    /// ```no_run
    /// use chrono::{Duration, Utc};
    /// use futures::TryStreamExt;
    ///
    /// # async fn run(client: petra_client::PetraClient) -> Result<(), petra_client::Error> {
    /// let since = Utc::now() - Duration::days(7);
    /// let shipments: Vec<_> = client.shipments_since(since).try_collect().await?;
    /// for shipment in &shipments {
    ///     println!("{} shipped {} as {}", shipment.po_number, shipment.items.len(), shipment.tracking_number);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn shipments_since(
        &self,
        since: DateTime<Utc>,
    ) -> BoxStream<'static, Result<Shipment, Error>> {
        self.shipments_since_with_page_size(since, DEFAULT_PAGE_LIMIT)
    }

    /// Streams shipments like [`PetraClient::shipments_since`], with `page_size` shipments per request,
    /// clamped to `1..=MAX_PAGE_LIMIT`.
    pub fn shipments_since_with_page_size(
        &self,
        since: DateTime<Utc>,
        page_size: u32,
    ) -> BoxStream<'static, Result<Shipment, Error>> {
        let limit = page_size.clamp(1, MAX_PAGE_LIMIT);
        let client = self.clone();
        let url = self.transport().url(&[paths::SHIPMENTS], &[]);
        let request_info = self.transport().request_info(reqwest::Method::GET, &url);

        let fetch = move |cursor: Option<String>| {
            let client = client.clone();
            async move {
                let page = client
                    .shipments_page(since, cursor.as_deref(), limit)
                    .await?;
                Ok(Page {
                    items: page.shipments,
                    next_cursor: page.next_cursor,
                })
            }
        };
        paginate(request_info, fetch, |shipment: &Shipment| {
            shipment.shipment_id.as_str()
        })
    }

    /// Fetches one page of shipments shipped at or after `since`.
    #[instrument(skip(self), fields(connection = %self.name()))]
    pub async fn shipments_page(
        &self,
        since: DateTime<Utc>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<ShipmentPage, Error> {
        let mut call = Call::get(vec![paths::SHIPMENTS]);
        call.query.push((
            "shipped_since",
            since.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        ));
        call.query.push(("limit", limit.to_string()));
        if let Some(cursor) = cursor {
            call.query.push(("cursor", cursor.to_owned()));
        }
        self.transport().send(call).await
    }

    /// Lists the shipments of one order (`GET /orders/{po}/shipments`). An empty list
    /// means the order exists and nothing has shipped yet.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] naming the PO when Petra has no such order,
    /// [`Error::InvalidArgument`] for an empty PO, and the errors every call can return.
    ///
    /// ```no_run
    /// use petra_client::PoNumber;
    ///
    /// # async fn run(client: petra_client::PetraClient) -> Result<(), petra_client::Error> {
    /// let shipments = client.shipments_for_po(&PoNumber::new("EBYUS05-14589-57987")).await?;
    /// if shipments.is_empty() {
    ///     println!("nothing shipped yet");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[instrument(skip(self), fields(connection = %self.name()))]
    pub async fn shipments_for_po(&self, po: &PoNumber) -> Result<Vec<Shipment>, Error> {
        require_po(po)?;

        let mut call = Call::get(vec![paths::ORDERS, po.as_str(), paths::SHIPMENTS]);
        call.po = Some(po);
        let page: ShipmentPage = self.transport().send(call).await?;
        Ok(page.shipments)
    }
}
