//! Every injected fault over plain HTTP, switched by configuration, by the handle and by
//! the control endpoint.

mod common;

use std::time::Duration;

use common::{error_code, order, Harness};
use petra_client::wire::CatalogPage;
use petra_sandbox::{
    Fault, FaultConfig, FaultRule, RetryAfter, RouteSelector, ShippingConfig, Trigger,
};

async fn with_faults(spec: &str) -> Harness {
    let faults: FaultConfig = spec.parse().unwrap();
    let config = common::sample_config()
        .with_shipping(ShippingConfig::whole_orders())
        .with_faults(faults);
    Harness::with_config(config).await
}

#[tokio::test]
async fn server_error_rate_is_seeded() {
    let harness = with_faults("seed=3,catalog:503:rate=0.5").await;
    let mut statuses = Vec::new();

    for _ in 0..40 {
        statuses.push(
            harness
                .get("catalog/products")
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }

    let failed = statuses.iter().filter(|s| **s == 503).count();
    assert!(failed > 0, "{statuses:?}");
    assert!(failed < 40, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 503 || *s == 200),
        "{statuses:?}"
    );
    assert_eq!(harness.sandbox.fault_report().fired, [failed as u64]);
}

#[tokio::test]
async fn server_error_body_is_petra_error() {
    let harness = with_faults("ping:500").await;

    let response = harness.get("ping").send().await.unwrap();

    assert_eq!(response.status(), 500);
    assert_eq!(error_code(response).await, "server_error");
}

#[tokio::test]
async fn fault_spares_other_routes() {
    let harness = with_faults("catalog:503").await;

    let response = harness.get("ping").send().await.unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn rate_limit_burst_then_recovers() {
    let harness = with_faults("shipments:429=3:next=2").await;
    let request = || {
        harness
            .get("shipments")
            .query(&[("shipped_since", "2026-06-01T00:00:00Z")])
    };

    let first = request().send().await.unwrap();
    let second = request().send().await.unwrap();
    let third = request().send().await.unwrap();

    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "3");
    assert_eq!(error_code(first).await, "rate_limited");
    assert_eq!(second.status(), 429);
    assert_eq!(third.status(), 200);
}

#[tokio::test]
async fn retry_after_decimal_and_date() {
    let harness = with_faults("ping:429=2.0:next=1,catalog:429=date+5:next=1").await;

    let decimal = harness.get("ping").send().await.unwrap();
    let dated = harness.get("catalog/products").send().await.unwrap();

    assert_eq!(decimal.headers()["retry-after"], "2.0");
    let date = dated.headers()["retry-after"].to_str().unwrap();
    let when = httpdate::parse_http_date(date).unwrap();
    let ahead = when
        .duration_since(std::time::SystemTime::now())
        .unwrap_or_default();
    assert!(ahead <= Duration::from_secs(5), "{date}");
    assert!(ahead >= Duration::from_secs(3), "{date}");
}

#[tokio::test(start_paused = true)]
async fn latency_delays_response() {
    let harness = with_faults("ping:latency=5000").await;
    let started = tokio::time::Instant::now();

    let response = harness.get("ping").send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn dropped_connection_still_stores_order() {
    let harness = with_faults("orders.create:drop:next=1").await;

    let outcome = harness
        .post_order(&order("PO-LOST", &[("910-002225", 1)]))
        .send()
        .await;

    let error = outcome.expect_err("the connection closes before any response");
    assert!(!error.is_status(), "{error:?}");
    let admin = harness.sandbox.admin();
    let record = admin.po("po-lost").unwrap();
    assert_eq!(record.create_attempts, 1);
    assert_eq!(record.stored, 1);
    assert_eq!(record.responses_dropped, 1);
    let lookup = harness.get("orders/PO-LOST").send().await.unwrap();
    assert_eq!(lookup.status(), 200);
}

#[tokio::test]
async fn drop_before_handling_stores_nothing() {
    let harness = with_faults("orders.create:drop-before:next=1").await;
    let body = order("PO-RESET", &[("910-002225", 1)]);

    let outcome = harness.post_order(&body).send().await;

    let error = outcome.expect_err("the connection closes before any response");
    assert!(!error.is_status(), "{error:?}");
    assert_eq!(harness.sandbox.admin().po("PO-RESET"), None);
    assert_eq!(harness.sandbox.fault_report().fired, [1]);
    let lookup = harness.get("orders/PO-RESET").send().await.unwrap();
    assert_eq!(lookup.status(), 404);
    let resend = harness.post_order(&body).send().await.unwrap();
    assert_eq!(resend.status(), 201);
    let admin = harness.sandbox.admin();
    let record = admin.po("PO-RESET").unwrap();
    assert_eq!(record.create_attempts, 1);
    assert_eq!(record.stored, 1);
}

#[tokio::test]
async fn resend_after_drop_is_409() {
    let harness = with_faults("orders.create:drop:next=1").await;
    let body = order("PO-RESEND", &[("910-002225", 1)]);
    let _ = harness.post_order(&body).send().await;

    let resend = harness.post_order(&body).send().await.unwrap();

    assert_eq!(resend.status(), 409);
    let admin = harness.sandbox.admin();
    let record = admin.po("PO-RESEND").unwrap();
    assert_eq!(record.create_attempts, 2);
    assert_eq!(record.stored, 1);
}

#[tokio::test]
async fn truncated_feed_fails_body_read() {
    let harness = with_faults("feed:truncate").await;
    let http = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .unwrap();

    let response = harness.get_feed(&http).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let announced = response.content_length().unwrap();
    assert!(announced > 100, "Content-Length {announced}");
    let body = response.bytes().await;
    assert!(
        body.is_err(),
        "read {} bytes of {announced}",
        body.unwrap().len()
    );
}

#[tokio::test]
async fn truncated_gzip_feed_fails() {
    let harness = with_faults("feed:truncate").await;

    let response = harness.get_feed(&harness.http).send().await.unwrap();

    assert!(response.bytes().await.is_err());
}

#[tokio::test]
async fn repeated_page_returns_same_cursor() {
    let harness = with_faults("catalog:repeat-page:next=1").await;
    let first: CatalogPage = harness
        .get("catalog/products")
        .query(&[("limit", "2")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cursor = first.next_cursor.clone().unwrap();

    let second: CatalogPage = harness
        .get("catalog/products")
        .query(&[("limit", "2"), ("cursor", &cursor)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(second.next_cursor.as_deref(), Some(cursor.as_str()));
    assert_ne!(second.products, first.products);
}

#[tokio::test]
async fn handle_switches_faults_at_runtime() {
    let harness = Harness::start().await;
    assert_eq!(harness.get("ping").send().await.unwrap().status(), 200);

    harness
        .sandbox
        .set_faults(FaultConfig::none().with_rule(FaultRule::new(
            RouteSelector::All,
            Fault::ServerError { status: 502 },
            Trigger::Always,
        )))
        .unwrap();
    let failing = harness.get("ping").send().await.unwrap();
    harness.sandbox.clear_faults();
    let recovered = harness.get("ping").send().await.unwrap();

    assert_eq!(failing.status(), 502);
    assert_eq!(recovered.status(), 200);
}

#[tokio::test]
async fn handle_rejects_invalid_rule() {
    let harness = Harness::start().await;

    let result = harness
        .sandbox
        .set_faults(FaultConfig::none().with_rule(FaultRule::new(
            RouteSelector::Ping,
            Fault::ServerError { status: 200 },
            Trigger::Always,
        )));

    assert!(result.is_err());
}

#[tokio::test]
async fn control_endpoint_switches_faults() {
    let harness = Harness::start().await;
    let faults = FaultConfig::none().with_rule(FaultRule::new(
        RouteSelector::Ping,
        Fault::RateLimited {
            retry_after: RetryAfter::Seconds { seconds: 9 },
        },
        Trigger::Next { count: 1 },
    ));

    let put = harness
        .http
        .put(harness.control("faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    let limited = harness.get("ping").send().await.unwrap();
    let report: serde_json::Value = harness
        .http
        .get(harness.control("faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let delete = harness
        .http
        .delete(harness.control("faults"))
        .send()
        .await
        .unwrap();

    assert_eq!(put.status(), 200);
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "9");
    assert_eq!(report["fired"], serde_json::json!([1]));
    assert_eq!(delete.status(), 200);
    assert!(harness.sandbox.fault_report().config.rules.is_empty());
}

#[tokio::test]
async fn control_endpoint_rejects_bad_faults() {
    let harness = Harness::start().await;

    let unknown_route = harness
        .http
        .put(harness.control("faults"))
        .body(r#"{"rules":[{"route":"invoices","fault":{"kind":"drop_connection"}}]}"#)
        .send()
        .await
        .unwrap();
    let bad_status = harness
        .http
        .put(harness.control("faults"))
        .body(r#"{"rules":[{"route":"ping","fault":{"kind":"server_error","status":302}}]}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(unknown_route.status(), 400);
    assert_eq!(bad_status.status(), 400);
    assert!(harness.sandbox.fault_report().config.rules.is_empty());
}

#[tokio::test]
async fn control_endpoint_rejects_misplaced_trigger() {
    let harness = Harness::start().await;

    let misplaced = harness
        .http
        .put(harness.control("faults"))
        .body(
            r#"{"rules":[{"route":"ping","mode":"next","count":3,"fault":{"kind":"drop_connection"}}]}"#,
        )
        .send()
        .await
        .unwrap();

    assert_eq!(misplaced.status(), 400);
    assert!(harness.sandbox.fault_report().config.rules.is_empty());
}

#[tokio::test]
async fn control_routes_never_fault() {
    let harness = with_faults("all:503").await;

    let response = harness
        .http
        .get(harness.control("orders"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}
