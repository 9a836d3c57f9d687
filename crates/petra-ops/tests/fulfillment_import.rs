//! `SendFulfillmentRequests::import` into a real in-memory outbox: what it stores and
//! what it rejects before storing anything.

use petra_ops::clock::SystemClock;
use petra_ops::fulfillment::{
    parse_requests, FulfillmentRequest, FulfillmentRequests, FulfillmentSettings, MemoryRequests,
    RequestFormat, SendFulfillmentRequests,
};
use petra_ops::settings::SourceSettings;
use petra_ops::Error;

fn operation() -> SendFulfillmentRequests {
    let source = SourceSettings::sample_fulfilling().validate().unwrap();
    SendFulfillmentRequests::new(source, FulfillmentSettings::default())
}

fn request(fr_number: &str) -> FulfillmentRequest {
    FulfillmentRequest {
        fr_number: fr_number.into(),
        ..FulfillmentRequest::default()
    }
}

async fn stored(outbox: &MemoryRequests) -> usize {
    let source = SourceSettings::default().name;
    outbox.list(&source, None).await.unwrap().len()
}

#[tokio::test]
async fn empty_po_stores_nothing() {
    let outbox = MemoryRequests::new();
    let incoming = vec![request("PO-1"), request(""), request("  ")];

    let error = operation()
        .import(&outbox, incoming, &SystemClock)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::MissingPo { positions } if positions == &[2, 3]),
        "{error:?}"
    );
    assert!(error.to_string().contains("requests 2, 3"), "{error}");
    assert_eq!(stored(&outbox).await, 0);
}

#[tokio::test]
async fn blank_csv_po_stores_nothing() {
    let outbox = MemoryRequests::new();
    let csv = "fr_number,item_sku,item_quantity\nPO-1,A,1\n,B,1\n";
    let incoming = parse_requests(csv.as_bytes(), RequestFormat::Csv).unwrap();

    let error = operation()
        .import(&outbox, incoming, &SystemClock)
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        "request 2 in the file has no fr_number (the PO), so nothing was imported; \
         give every request its FR number"
    );
    assert_eq!(stored(&outbox).await, 0);
}

#[tokio::test]
async fn repeated_po_stores_nothing() {
    let outbox = MemoryRequests::new();
    let incoming = vec![request("PO-1"), request("PO-2"), request(" po-1 ")];

    let error = operation()
        .import(&outbox, incoming, &SystemClock)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::RepeatedPo { po, positions } if po == "PO-1" && positions == &[1, 3]),
        "{error:?}"
    );
    assert!(error.to_string().contains("requests 1, 3"), "{error}");
    assert_eq!(stored(&outbox).await, 0);
}

#[tokio::test]
async fn requests_with_po_stored() {
    let outbox = MemoryRequests::new();

    let report = operation()
        .import(
            &outbox,
            vec![request("PO-1"), request("PO-2")],
            &SystemClock,
        )
        .await
        .unwrap();

    assert_eq!(report.outcome.added.len(), 2);
    assert_eq!(stored(&outbox).await, 2);
}
