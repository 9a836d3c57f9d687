//! Shipments over plain HTTP: the sandbox clock, partial shipments, tracking numbers and
//! the forms of `shipped_at`.

mod common;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime};
use common::{error_code, order, Harness};
use petra_client::wire::{Order, Shipment, ShipmentPage};
use petra_sandbox::tracking::{is_valid_fedex, is_valid_ups, is_valid_usps};
use petra_sandbox::{ShippedAtMix, ShippingConfig};

const SINCE: &str = "2026-06-01T00:00:00Z";

async fn order_shipments(harness: &Harness, po: &str) -> Vec<Shipment> {
    let response = harness
        .get(&format!("orders/{po}/shipments"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "shipments of {po}");
    let page: ShipmentPage = response.json().await.unwrap();
    assert!(page.next_cursor.is_none());
    page.shipments
}

async fn all_shipments(harness: &Harness, since: &str, limit: &str) -> Vec<Shipment> {
    let mut shipments = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut request = harness
            .get("shipments")
            .query(&[("shipped_since", since), ("limit", limit)]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        let page: ShipmentPage = response.json().await.unwrap();
        shipments.extend(page.shipments);
        cursor = page.next_cursor;
        if cursor.is_none() {
            return shipments;
        }
    }
}

fn units(shipments: &[Shipment], sku: &str) -> u32 {
    shipments
        .iter()
        .flat_map(|s| &s.items)
        .filter(|item| item.sku.as_str() == sku)
        .map(|item| item.quantity_shipped)
        .sum()
}

#[tokio::test]
async fn no_shipments_yet_is_empty() {
    let harness = Harness::start().await;
    harness.place(&order("PO-WAIT", &[("910-002225", 1)])).await;

    assert!(order_shipments(&harness, "PO-WAIT").await.is_empty());
    assert!(all_shipments(&harness, SINCE, "200").await.is_empty());
}

#[tokio::test]
async fn order_ships_after_clock_advance() {
    let harness = Harness::start().await;
    harness
        .place(&order(
            "po-ship-1",
            &[("1KSK02U22GE02", 2), ("910-002225", 1)],
        ))
        .await;

    harness.sandbox.advance_clock(Duration::hours(24));

    let shipments = order_shipments(&harness, "PO-SHIP-1").await;
    assert_eq!(shipments.len(), 1);
    let shipment = &shipments[0];
    assert_eq!(shipment.po_number.as_str(), "PO-SHIP-1");
    assert_eq!(shipment.carrier.as_deref(), Some("UPS"));
    assert_eq!(shipment.shipping_method.as_deref(), Some("UPS Ground"));
    assert!(
        is_valid_ups(shipment.tracking_number.as_str()),
        "{}",
        shipment.tracking_number
    );
    assert_eq!(units(&shipments, "1KSK02U22GE02"), 2);
    assert_eq!(units(&shipments, "910-002225"), 1);
    let shipped_at = shipment.shipped_at.as_deref().unwrap();
    assert!(
        DateTime::parse_from_rfc3339(shipped_at).is_ok(),
        "{shipped_at}"
    );
}

#[tokio::test]
async fn order_status_follows_shipments() {
    let harness = Harness::start().await;
    harness
        .place(&order("PO-STATUS", &[("910-002225", 1)]))
        .await;

    harness.sandbox.advance_clock(Duration::hours(24));

    let order: Order = harness
        .get("orders/po-status")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(order.status, "shipped");
}

#[tokio::test]
async fn partial_shipments_add_up() {
    let config = common::sample_config().with_shipping(ShippingConfig::always_partial());
    let harness = Harness::with_config(config).await;
    let lines = [
        ("1KSK02U22GE02", 3),
        ("JBLFLIP6BLKAM", 2),
        ("910-002225", 4),
    ];
    for po in ["PO-P1", "PO-P2", "PO-P3", "PO-P4"] {
        harness.place(&order(po, &lines)).await;
    }

    harness.sandbox.advance_clock(Duration::days(30));

    for po in ["PO-P1", "PO-P2", "PO-P3", "PO-P4"] {
        let shipments = order_shipments(&harness, po).await;
        assert!(
            shipments.len() >= 2,
            "{po} shipped in {} parts",
            shipments.len()
        );
        assert_eq!(units(&shipments, "1KSK02U22GE02"), 3, "{po}");
        assert_eq!(units(&shipments, "JBLFLIP6BLKAM"), 2, "{po}");
        assert_eq!(units(&shipments, "910-002225"), 4, "{po}");
        let mut tracking: Vec<&str> = shipments
            .iter()
            .map(|s| s.tracking_number.as_str())
            .collect();
        tracking.sort_unstable();
        tracking.dedup();
        assert_eq!(
            tracking.len(),
            shipments.len(),
            "{po} tracking numbers repeat"
        );
    }
}

#[tokio::test]
async fn single_line_splits_quantity() {
    let config = common::sample_config().with_shipping(ShippingConfig::always_partial());
    let harness = Harness::with_config(config).await;
    harness
        .place(&order("PO-QTY", &[("JBLFLIP6BLKAM", 5)]))
        .await;

    harness.sandbox.advance_clock(Duration::days(30));

    let shipments = order_shipments(&harness, "PO-QTY").await;
    assert_eq!(shipments.len(), 2);
    assert!(shipments
        .iter()
        .all(|s| s.items.len() == 1 && s.items[0].quantity_shipped < 5));
    assert_eq!(units(&shipments, "JBLFLIP6BLKAM"), 5);
}

#[tokio::test]
async fn partial_order_is_partially_shipped() {
    let config = common::sample_config().with_shipping(ShippingConfig::always_partial());
    let harness = Harness::with_config(config).await;
    harness
        .place(&order("PO-HALF", &[("JBLFLIP6BLKAM", 5)]))
        .await;
    harness.sandbox.advance_clock(Duration::days(30));
    let shipments = order_shipments(&harness, "PO-HALF").await;
    let first = DateTime::parse_from_rfc3339(shipments[0].shipped_at.as_deref().unwrap()).unwrap();
    let second = DateTime::parse_from_rfc3339(shipments[1].shipped_at.as_deref().unwrap()).unwrap();

    let restarted = Harness::with_config(
        common::sample_config().with_shipping(ShippingConfig::always_partial()),
    )
    .await;
    restarted
        .place(&order("PO-HALF", &[("JBLFLIP6BLKAM", 5)]))
        .await;
    let midway = first + (second - first) / 2;
    restarted
        .sandbox
        .advance_clock(midway.to_utc() - restarted.sandbox.now());

    let order: Order = restarted
        .get("orders/PO-HALF")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(order.status, "partially_shipped");
    assert_eq!(order_shipments(&restarted, "PO-HALF").await.len(), 1);
}

#[tokio::test]
async fn carriers_get_valid_tracking_numbers() {
    let harness = Harness::start().await;
    for (po, method) in [
        ("PO-UPS", "UPSG"),
        ("PO-FDX", "FEDXG"),
        ("PO-USPS", "USPSP"),
    ] {
        let mut body = order(po, &[("910-002225", 1)]);
        body["shipping_method"] = serde_json::json!(method);
        harness.place(&body).await;
    }

    harness.sandbox.advance_clock(Duration::days(2));

    let ups = &order_shipments(&harness, "PO-UPS").await[0];
    let fedex = &order_shipments(&harness, "PO-FDX").await[0];
    let usps = &order_shipments(&harness, "PO-USPS").await[0];
    assert!(
        is_valid_ups(ups.tracking_number.as_str()),
        "{}",
        ups.tracking_number
    );
    assert!(
        is_valid_fedex(fedex.tracking_number.as_str()),
        "{}",
        fedex.tracking_number
    );
    assert_eq!(fedex.carrier.as_deref(), Some("FedEx"));
    assert!(
        is_valid_usps(usps.tracking_number.as_str()),
        "{}",
        usps.tracking_number
    );
    assert_eq!(usps.shipping_method.as_deref(), Some("USPS Priority Mail"));
}

#[tokio::test]
async fn shipped_since_filters_older() {
    let harness = Harness::start().await;
    harness.place(&order("PO-OLD", &[("910-002225", 1)])).await;
    harness.sandbox.advance_clock(Duration::days(2));
    let cutoff = harness.sandbox.now();
    harness.place(&order("PO-NEW", &[("910-002225", 1)])).await;
    harness.sandbox.advance_clock(Duration::days(2));

    let since = cutoff.to_rfc3339();
    let recent = all_shipments(&harness, &since, "200").await;

    let pos: Vec<&str> = recent.iter().map(|s| s.po_number.as_str()).collect();
    assert_eq!(pos, ["PO-NEW"]);
    assert_eq!(all_shipments(&harness, SINCE, "200").await.len(), 2);
}

#[tokio::test]
async fn shipments_page_without_repeats() {
    let harness = Harness::start().await;
    for index in 0..7 {
        harness
            .place(&order(&format!("PO-PAGE-{index}"), &[("910-002225", 1)]))
            .await;
    }
    harness.sandbox.advance_clock(Duration::days(2));

    let shipments = all_shipments(&harness, SINCE, "2").await;

    let mut ids: Vec<&str> = shipments.iter().map(|s| s.shipment_id.as_str()).collect();
    assert_eq!(ids.len(), 7);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 7);
}

#[tokio::test]
async fn shipped_since_is_required() {
    let harness = Harness::start().await;

    let response = harness.get("shipments").send().await.unwrap();

    assert_eq!(response.status(), 400);
    assert_eq!(error_code(response).await, "bad_request");
}

#[tokio::test]
async fn shipped_since_must_be_rfc3339() {
    let harness = Harness::start().await;

    let response = harness
        .get("shipments")
        .query(&[("shipped_since", "last tuesday")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn unknown_po_shipments_is_404() {
    let harness = Harness::start().await;

    let response = harness.get("orders/NOPE/shipments").send().await.unwrap();

    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn shipped_at_takes_every_form() {
    let shipping = ShippingConfig {
        shipped_at: ShippedAtMix {
            with_offset: 1,
            local_without_offset: 1,
            date_only: 1,
            missing: 1,
        },
        ..ShippingConfig::whole_orders()
    };
    let harness = Harness::with_config(common::sample_config().with_shipping(shipping)).await;
    for index in 0..40 {
        harness
            .place(&order(&format!("PO-FORM-{index}"), &[("910-002225", 1)]))
            .await;
    }
    harness.sandbox.advance_clock(Duration::days(2));

    let shipments = all_shipments(&harness, SINCE, "1000").await;

    let values: Vec<Option<&str>> = shipments.iter().map(|s| s.shipped_at.as_deref()).collect();
    let with_offset = values
        .iter()
        .flatten()
        .filter(|v| DateTime::parse_from_rfc3339(v).is_ok())
        .count();
    let local = values
        .iter()
        .flatten()
        .filter(|v| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S").is_ok())
        .count();
    let dates = values
        .iter()
        .flatten()
        .filter(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok())
        .count();
    let missing = values.iter().filter(|v| v.is_none()).count();
    assert!(with_offset > 0, "no RFC 3339 time among {values:?}");
    assert!(local > 0, "no local time among {values:?}");
    assert!(dates > 0, "no date among {values:?}");
    assert!(missing > 0, "no null among {values:?}");
    assert_eq!(with_offset + local + dates + missing, 40);
}

#[tokio::test]
async fn same_seed_same_tracking_numbers() {
    let first = Harness::start().await;
    let second = Harness::start().await;
    for harness in [&first, &second] {
        harness.place(&order("PO-SEED", &[("910-002225", 1)])).await;
        harness.sandbox.advance_clock(Duration::days(2));
    }

    let a = order_shipments(&first, "PO-SEED").await;
    let b = order_shipments(&second, "PO-SEED").await;

    assert_eq!(a, b);
}
