//! `POST /orders` and `GET /orders/{po}`: dropship orders.

use reqwest::Method;
use tracing::instrument;

use super::PetraClient;
use crate::error::Error;
use crate::ids::PoNumber;
use crate::transport::Call;
use crate::wire::{paths, CreateOrderRequest, Order};

impl PetraClient {
    /// Submits a dropship order (`POST /orders`).
    ///
    /// The request is sent once and never retried, because order creation is not
    /// idempotent. When [`Error::outcome_unknown`] is true for the error (a timeout or a
    /// dropped connection after sending, or a gateway `502`/`504`), Petra may hold the
    /// order: look the PO up with [`PetraClient::get_order`] before sending it again.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicatePo`] when Petra already has the PO, [`Error::Validation`] with
    /// the missing or invalid fields, [`Error::InvalidArgument`] for an empty PO, and the
    /// errors every call can return.
    ///
    /// ```no_run
    /// use petra_client::wire::{CreateOrderRequest, OrderLine, ShipTo};
    ///
    /// # async fn run(client: petra_client::PetraClient) -> Result<(), petra_client::Error> {
    /// let request = CreateOrderRequest {
    ///     po_number: "EBYUS05-14589-57987".into(),
    ///     ship_to: ShipTo {
    ///         name: "Dana Whitfield".into(),
    ///         address1: "1400 Harbor Blvd".into(),
    ///         address2: None,
    ///         city: "Tempe".into(),
    ///         state: "AZ".into(),
    ///         postal_code: "85281".into(),
    ///         country: "US".into(),
    ///         phone: None,
    ///         email: None,
    ///     },
    ///     shipping_method: Some("UPSG".into()),
    ///     lines: vec![OrderLine { sku: "1KSK02U22GE02".into(), quantity: 2 }],
    /// };
    ///
    /// match client.create_order(&request).await {
    ///     Ok(order) => println!("accepted as {}", order.order_id),
    ///     Err(error) if error.outcome_unknown() => {
    ///         let order = client.get_order(&request.po_number).await;
    ///         println!("after an unknown outcome, lookup returned {order:?}");
    ///     }
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[instrument(skip(self, order), fields(connection = %self.name(), po = %order.po_number))]
    pub async fn create_order(&self, order: &CreateOrderRequest) -> Result<Order, Error> {
        require_po(&order.po_number)?;

        let body = serde_json::to_vec(order).map_err(|error| Error::InvalidArgument {
            argument: "order".to_owned(),
            reason: format!("could not be serialized to JSON: {error}"),
        })?;
        let call = Call {
            method: Method::POST,
            segments: vec![paths::ORDERS],
            query: Vec::new(),
            body: Some(body),
            po: Some(&order.po_number),
        };
        self.transport().send(call).await
    }

    /// Looks an order up by PO number (`GET /orders/{po}`); Petra ignores letter case.
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
    /// let order = client.get_order(&PoNumber::new("ebyus05-14589-57987")).await?;
    /// println!("{} is {}", order.po_number, order.status);
    /// # Ok(())
    /// # }
    /// ```
    #[instrument(skip(self), fields(connection = %self.name()))]
    pub async fn get_order(&self, po: &PoNumber) -> Result<Order, Error> {
        require_po(po)?;

        let mut call = Call::get(vec![paths::ORDERS, po.as_str()]);
        call.po = Some(po);
        self.transport().send(call).await
    }
}

/// Rejects an empty PO before it turns into a request for a different path.
pub(super) fn require_po(po: &PoNumber) -> Result<(), Error> {
    if po.is_empty() {
        return Err(Error::InvalidArgument {
            argument: "po_number".to_owned(),
            reason: "is empty; every order needs a PO or reference number".to_owned(),
        });
    }
    Ok(())
}
