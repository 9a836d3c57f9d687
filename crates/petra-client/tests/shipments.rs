//! `GET /shipments` and `GET /orders/{po}/shipments`: paged shipments since a time and
//! the shipments of one order, including "nothing shipped yet".

mod common;

use chrono::{TimeZone, Utc};
use futures::TryStreamExt;
use petra_client::wire::Shipment;
use petra_client::{Error, NotFoundTarget, PoNumber, TrackingNumber};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::Mock;

use common::{client, json, server};

fn june_first() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

#[tokio::test]
async fn shipments_since_streams_pages() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/shipments"))
        .and(query_param("shipped_since", "2026-06-01T00:00:00Z"))
        .and(query_param("limit", "200"))
        .and(query_param_is_missing("cursor"))
        .respond_with(json(200, "shipments_page1.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/shipments"))
        .and(query_param("shipped_since", "2026-06-01T00:00:00Z"))
        .and(query_param("cursor", "ship-cursor-2"))
        .respond_with(json(200, "shipments_page2.json"))
        .expect(1)
        .mount(&server)
        .await;

    let shipments: Vec<Shipment> = client(&server)
        .shipments_since(june_first())
        .try_collect()
        .await
        .unwrap();

    assert_eq!(shipments.len(), 2);
    assert_eq!(
        shipments[0].tracking_number,
        TrackingNumber::new("1Z999AA10123456784")
    );
    assert_eq!(shipments[0].items[0].quantity_shipped, 1);
    assert_eq!(shipments[1].shipped_at.as_deref(), Some("2026-06-13"));
}

#[tokio::test]
async fn no_shipments_is_empty_stream() {
    let server = server().await;
    Mock::given(path("/v1/shipments"))
        .respond_with(json(200, "shipments_empty.json"))
        .expect(1)
        .mount(&server)
        .await;

    let shipments: Vec<Shipment> = client(&server)
        .shipments_since(june_first())
        .try_collect()
        .await
        .unwrap();

    assert!(shipments.is_empty());
}

#[tokio::test]
async fn repeated_shipment_cursor_stops() {
    let server = server().await;
    Mock::given(path("/v1/shipments"))
        .and(query_param_is_missing("cursor"))
        .respond_with(json(200, "shipments_page1.json"))
        .expect(1)
        .mount(&server)
        .await;
    // The second page hands back the cursor that led to it.
    let mut page2 = common::fixture("shipments_page2.json");
    page2["next_cursor"] = "ship-cursor-2".into();
    Mock::given(path("/v1/shipments"))
        .and(query_param("cursor", "ship-cursor-2"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(page2))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .shipments_since(june_first())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::RepeatedPage { request, .. } if request.path == "/v1/shipments"),
        "{error:?}"
    );
}

#[tokio::test]
async fn shipments_for_po_lists_items() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/EBYUS05-14589-57987/shipments"))
        .respond_with(json(200, "shipments_page2.json"))
        .expect(1)
        .mount(&server)
        .await;

    let shipments = client(&server)
        .shipments_for_po(&PoNumber::new("EBYUS05-14589-57987"))
        .await
        .unwrap();

    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].carrier.as_deref(), Some("USPS"));
}

#[tokio::test]
async fn shipments_for_po_none_yet() {
    let server = server().await;
    Mock::given(path("/v1/orders/PO-NEW/shipments"))
        .respond_with(json(200, "shipments_empty.json"))
        .expect(1)
        .mount(&server)
        .await;

    let shipments = client(&server)
        .shipments_for_po(&PoNumber::new("PO-NEW"))
        .await
        .unwrap();

    assert!(shipments.is_empty());
}

#[tokio::test]
async fn shipments_for_unknown_po() {
    let server = server().await;
    Mock::given(path("/v1/orders/NOPE-1/shipments"))
        .respond_with(json(404, "error_not_found.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .shipments_for_po(&PoNumber::new("NOPE-1"))
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::NotFound { target: NotFoundTarget::Order(po), .. } if po.as_str() == "NOPE-1"),
        "{error:?}"
    );
}

#[tokio::test]
async fn shipment_missing_tracking_names_path() {
    let server = server().await;
    let mut body = common::fixture("shipments_page2.json");
    body["shipments"][0]
        .as_object_mut()
        .unwrap()
        .remove("tracking_number");
    Mock::given(path("/v1/shipments"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .shipments_since(june_first())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::Decode { json_path, .. } if json_path == "shipments[0]"),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("missing field `tracking_number`"),
        "{error}"
    );
}
