//! Get Shipments against the sandbox into a SQLite ledger: refetching gives identical
//! state, partial shipments accumulate, unknown POs are kept as unmatched.

mod sandbox_support;

use std::collections::BTreeMap;

use chrono::Duration;
use petra_client::PoNumber;
use petra_ops::fulfillment::FulfillmentRequests;
use petra_ops::shipments::{OrderShipping, ShipmentSink, ShippingState, StoredShipment};
use petra_sandbox::ShippingConfig;
use sandbox_support::{requests, Setup, SOURCE};

const ORDERS: usize = 8;

/// Everything the ledger holds for the imported orders.
async fn ledger_state(setup: &Setup) -> Vec<(Option<OrderShipping>, Vec<StoredShipment>)> {
    let mut state = Vec::new();
    for entry in setup.store.list(SOURCE, None).await.unwrap() {
        let po = &entry.po_number;
        let order = setup.store.order_shipping(SOURCE, po).await.unwrap();
        let shipments = setup.store.shipments(SOURCE, po).await.unwrap();
        state.push((order, shipments));
    }
    state
}

/// Checks each order's shipped quantities against what the sandbox says it shipped.
async fn assert_matches_sandbox(setup: &Setup) {
    for entry in setup.store.list(SOURCE, None).await.unwrap() {
        let po = &entry.po_number;
        let shipped_at_petra = setup.client.shipments_for_po(po).await.unwrap();
        let mut petra_totals: BTreeMap<String, u64> = BTreeMap::new();
        for shipment in &shipped_at_petra {
            for item in &shipment.items {
                *petra_totals.entry(item.sku.to_string()).or_default() +=
                    u64::from(item.quantity_shipped);
            }
        }

        let order = setup.store.order_shipping(SOURCE, po).await.unwrap();
        let Some(order) = order else {
            assert!(
                shipped_at_petra.is_empty(),
                "{po}: Petra shipped but the ledger has no state"
            );
            continue;
        };
        let mut ledger_totals: BTreeMap<String, u64> = BTreeMap::new();
        for line in &order.lines {
            if line.shipped > 0 {
                *ledger_totals.entry(line.sku.to_string()).or_default() += u64::from(line.shipped);
            }
            assert!(line.shipped <= line.ordered, "{po}: {line:?}");
        }
        assert_eq!(
            ledger_totals, petra_totals,
            "{po}: shipped quantities differ"
        );
        assert_eq!(
            order.shipments,
            shipped_at_petra.len(),
            "{po}: shipment count"
        );
        let expected = if order.lines.iter().all(|line| line.shipped == line.ordered) {
            ShippingState::Shipped
        } else if order.lines.iter().any(|line| line.shipped > 0) {
            ShippingState::PartiallyShipped
        } else {
            ShippingState::NotShipped
        };
        assert_eq!(order.state, expected, "{po}");
    }
}

fn shipped_total(state: &[(Option<OrderShipping>, Vec<StoredShipment>)]) -> u64 {
    state
        .iter()
        .filter_map(|(order, _)| order.as_ref())
        .flat_map(|order| &order.lines)
        .map(|line| u64::from(line.shipped))
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refetch_three_times_identical() {
    let setup = Setup::start(ShippingConfig::always_partial()).await;
    setup.import(requests("SHIP", ORDERS)).await;
    let sent = setup.send(4).await;
    assert_eq!(sent.submitted, ORDERS as u64);

    let none_yet = setup.fetch_shipments().await;
    assert_eq!(
        none_yet.fetched, 0,
        "no shipments yet is an empty, successful run"
    );
    assert!(none_yet.complete);

    let mut previous_total = 0;
    let mut saw_partial = false;
    for hours in [30, 40, 200] {
        setup.sandbox.advance_clock(Duration::hours(hours));

        let first = setup.fetch_shipments().await;
        let state = ledger_state(&setup).await;
        for _ in 0..2 {
            let again = setup.fetch_shipments().await;
            assert_eq!(again.new, 0, "a refetch found new shipments: {again:#?}");
            assert_eq!(
                ledger_state(&setup).await,
                state,
                "refetch changed the ledger"
            );
        }

        assert_matches_sandbox(&setup).await;
        let total = shipped_total(&state);
        assert!(total >= previous_total, "shipped quantity went backwards");
        previous_total = total;
        saw_partial |= first
            .orders
            .iter()
            .any(|order| order.state == ShippingState::PartiallyShipped);
        assert!(first.unmatched.is_empty());
    }

    assert!(saw_partial, "the sandbox shipped no order in parts");
    let finished = ledger_state(&setup).await;
    for (order, _) in &finished {
        assert_eq!(order.as_ref().unwrap().state, ShippingState::Shipped);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_po_kept_unmatched() {
    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    let stranger = requests("ELSEWHERE", 1);
    let skus = sandbox_support::sample_skus();
    let order = petra_client::wire::CreateOrderRequest {
        po_number: PoNumber::new(&stranger[0].fr_number),
        ship_to: serde_json::from_str(
            r#"{"name":"A","address1":"1 Main","city":"Tempe","state":"AZ","postal_code":"85281"}"#,
        )
        .unwrap(),
        shipping_method: None,
        lines: vec![petra_client::wire::OrderLine {
            sku: skus[0].as_str().into(),
            quantity: 1,
        }],
    };
    setup.client.create_order(&order).await.unwrap();
    setup.sandbox.advance_clock(Duration::hours(48));

    let report = setup.fetch_shipments().await;
    let again = setup.fetch_shipments().await;

    assert_eq!(report.unmatched.len(), 1);
    assert_eq!(again.new, 0);
    let unmatched = setup.store.unmatched(SOURCE).await.unwrap();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].record.po_number, order.po_number);

    // Importing the order later matches its shipment at the next fetch.
    setup.import(stranger).await;
    let later = setup.fetch_shipments().await;
    assert!(later.unmatched.is_empty());
    assert!(setup.store.unmatched(SOURCE).await.unwrap().is_empty());
    assert!(setup
        .store
        .get(SOURCE, &order.po_number)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn po_match_ignores_case() {
    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    let mut lower = requests("ebyus05-14589-57987", 1);
    lower[0].fr_number = lower[0].fr_number.to_lowercase();
    setup.import(lower).await;
    setup.send(1).await;
    setup.sandbox.advance_clock(Duration::hours(48));

    let report = setup.fetch_shipments().await;

    assert!(report.unmatched.is_empty(), "{report:#?}");
    let po = PoNumber::new("EBYUS05-14589-57987-1");
    let order = setup
        .store
        .order_shipping(SOURCE, &po)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.state, ShippingState::Shipped);
}
