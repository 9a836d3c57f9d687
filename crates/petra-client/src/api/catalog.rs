//! `GET /catalog/products`: the catalog as a stream of products.

use futures::stream::BoxStream;
use tracing::instrument;

use super::PetraClient;
use crate::error::Error;
use crate::pagination::{paginate, Page};
use crate::transport::{static_segments, Call};
use crate::wire::{paths, CatalogPage, Product, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};

impl PetraClient {
    /// Streams every product of the catalog, page by page, in Petra's stable order.
    ///
    /// The stream ends after the last page. It yields [`Error::RepeatedPage`] and ends if
    /// Petra returns a cursor or a page it already returned, and the first API error
    /// otherwise. Each page request is retried as the policy allows.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn run(client: petra_client::PetraClient) -> Result<(), petra_client::Error> {
    /// let mut products = client.catalog();
    /// while let Some(product) = products.try_next().await? {
    ///     println!("{} has {} variant(s)", product.product_id, product.variants.len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn catalog(&self) -> BoxStream<'static, Result<Product, Error>> {
        self.catalog_with_page_size(DEFAULT_PAGE_LIMIT)
    }

    /// Streams the catalog like [`PetraClient::catalog`], with `page_size` products per request, clamped to
    /// `1..=MAX_PAGE_LIMIT`.
    pub fn catalog_with_page_size(
        &self,
        page_size: u32,
    ) -> BoxStream<'static, Result<Product, Error>> {
        let limit = page_size.clamp(1, MAX_PAGE_LIMIT);
        let client = self.clone();
        let url = self
            .transport()
            .url(&static_segments(paths::CATALOG_PRODUCTS), &[]);
        let request_info = self.transport().request_info(reqwest::Method::GET, &url);

        let fetch = move |cursor: Option<String>| {
            let client = client.clone();
            async move {
                let page = client.catalog_page(cursor.as_deref(), limit).await?;
                Ok(Page {
                    items: page.products,
                    next_cursor: page.next_cursor,
                })
            }
        };
        paginate(request_info, fetch, |product: &Product| {
            product.product_id.as_str()
        })
    }

    /// Fetches one catalog page: `cursor` from the previous page, `None` for the first.
    ///
    /// ```no_run
    /// # async fn run(client: petra_client::PetraClient) -> Result<(), petra_client::Error> {
    /// let first = client.catalog_page(None, 100).await?;
    /// println!("{} products, more: {}", first.products.len(), first.next_cursor.is_some());
    /// # Ok(())
    /// # }
    /// ```
    #[instrument(skip(self), fields(connection = %self.name()))]
    pub async fn catalog_page(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<CatalogPage, Error> {
        let mut call = Call::get(static_segments(paths::CATALOG_PRODUCTS));
        call.query.push(("limit", limit.to_string()));
        if let Some(cursor) = cursor {
            call.query.push(("cursor", cursor.to_owned()));
        }
        self.transport().send(call).await
    }
}
