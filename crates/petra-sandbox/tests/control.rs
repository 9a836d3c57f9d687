//! The `/sandbox` control endpoints: admin view and clock.

mod common;

use common::{order, Harness};
use petra_sandbox::{AdminView, AttemptOutcome, ClockReading};
use serde_json::json;

#[tokio::test]
async fn admin_view_counts_attempts() {
    let harness = Harness::start().await;
    harness
        .place(&order("PO-ADMIN", &[("910-002225", 1)]))
        .await;
    harness
        .post_order(&order("po-admin", &[("910-002225", 1)]))
        .send()
        .await
        .unwrap();
    let mut invalid = order("PO-INVALID", &[("910-002225", 1)]);
    invalid["lines"] = json!([]);
    harness.post_order(&invalid).send().await.unwrap();

    let view: AdminView = harness
        .http
        .get(harness.control("orders"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(view, harness.sandbox.admin());
    assert_eq!(view.total_attempts(), 3);
    let admin = view.po("PO-ADMIN").unwrap();
    assert_eq!(admin.create_attempts, 2);
    assert_eq!(admin.stored, 1);
    assert_eq!(admin.attempts[1].outcome, AttemptOutcome::DuplicatePo);
    assert_eq!(admin.order.as_ref().unwrap().status, "accepted");
    let rejected = view.po("PO-INVALID").unwrap();
    assert_eq!(
        rejected.attempts[0].outcome,
        AttemptOutcome::ValidationFailed
    );
    assert!(rejected.order.is_none());
}

#[tokio::test]
async fn clock_advances_by_endpoint() {
    let harness = Harness::start().await;
    let before = harness.sandbox.now();

    let response = harness
        .http
        .post(harness.control("clock/advance"))
        .json(&json!({ "hours": 30, "minutes": 15 }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let reading: ClockReading = response.json().await.unwrap();
    assert_eq!(
        reading.now - before,
        chrono::Duration::minutes(30 * 60 + 15)
    );
    assert_eq!(harness.sandbox.now(), reading.now);
}

#[tokio::test]
async fn clock_reading_matches_handle() {
    let harness = Harness::start().await;

    let reading: ClockReading = harness
        .http
        .get(harness.control("clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(reading.now, harness.sandbox.now());
}

#[tokio::test]
async fn clock_rejects_negative_hours() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .post(harness.control("clock/advance"))
        .json(&json!({ "hours": -3 }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn clock_rejects_unknown_unit() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .post(harness.control("clock/advance"))
        .json(&json!({ "weeks": 1 }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let harness = Harness::start().await;
    let url = harness.url("ping");

    harness.sandbox.shutdown().await;

    let result = harness.http.get(url).send().await;
    assert!(result.is_err());
}
