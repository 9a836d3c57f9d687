//! `POST /orders` and `GET /orders/{po}`: creation, lookup, and the rule that an order is
//! never sent twice by the client.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use petra_client::wire::{CreateOrderRequest, FieldProblem};
use petra_client::{Credentials, Delivery, Error, NotFoundTarget, PetraClient, PoNumber, Timeouts};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use wiremock::matchers::{basic_auth, body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use common::{client, config, config_for, fixture, json, server, LOGIN, PASSWORD};

fn order_request() -> CreateOrderRequest {
    serde_json::from_value(fixture("order_request.json")).unwrap()
}

#[tokio::test]
async fn create_order_posts_contract_body() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .and(basic_auth(LOGIN, PASSWORD))
        .and(header("content-type", "application/json"))
        .and(body_json(fixture("order_request.json")))
        .respond_with(json(201, "order.json"))
        .expect(1)
        .mount(&server)
        .await;

    let order = client(&server)
        .create_order(&order_request())
        .await
        .unwrap();

    assert_eq!(order.order_id, "ORD-000042");
    assert_eq!(order.status, "accepted");
    assert_eq!(order.po_number, PoNumber::new("ebyus05-14589-57987"));
}

#[tokio::test]
async fn duplicate_po_names_the_po() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(json(409, "error_duplicate_po.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_order(&order_request())
        .await
        .unwrap_err();

    let Error::DuplicatePo { po, api } = &error else {
        panic!("expected a duplicate PO error, got {error:?}");
    };
    assert_eq!(po.as_str(), "EBYUS05-14589-57987");
    assert_eq!(api.code, "duplicate_po");
    assert!(!error.outcome_unknown());
}

#[tokio::test]
async fn validation_lists_fields() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(json(422, "error_validation.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_order(&order_request())
        .await
        .unwrap_err();
    let message = error.to_string();

    let Error::Validation { problems, api } = &error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(
        problems[0],
        FieldProblem {
            field: "ship_to.postal_code".to_owned(),
            reason: "missing".to_owned()
        }
    );
    assert_eq!(problems[1].field, "lines[0].quantity");
    assert_eq!(api.status, 422);
    assert!(
        message.contains("ship_to.postal_code: missing; lines[0].quantity"),
        "{message}"
    );
}

#[tokio::test]
async fn bad_request_is_validation() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": { "code": "bad_request", "message": "malformed JSON", "details": [] }
        })))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_order(&order_request())
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::Validation { problems, api } if problems.is_empty() && api.code == "bad_request"),
        "{error:?}"
    );
}

#[tokio::test]
async fn post_server_error_never_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(json(500, "error_server.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_order(&order_request())
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::Server { attempts: 1, .. }),
        "{error:?}"
    );
    assert!(
        !error.outcome_unknown(),
        "a 500 from Petra itself is a refusal"
    );
}

#[tokio::test]
async fn post_gateway_timeout_is_outcome_unknown() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(ResponseTemplate::new(504).set_body_string("gateway timeout"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_order(&order_request())
        .await
        .unwrap_err();

    assert!(error.outcome_unknown(), "{error:?}");
}

#[tokio::test]
async fn post_rate_limited_never_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(json(429, "error_rate_limited.json").insert_header("retry-after", "0"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_order(&order_request())
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::RateLimited { attempts: 1, retry_after: Some(wait), .. } if wait.is_zero()),
        "{error:?}"
    );
}

#[tokio::test]
async fn post_timeout_is_outcome_unknown() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(json(201, "order.json").set_delay(Duration::from_secs(5)))
        .expect(1)
        .mount(&server)
        .await;
    let config = config(&server).with_timeouts(Timeouts {
        connect: Some(Duration::from_secs(2)),
        request: Some(Duration::from_millis(150)),
        ..Timeouts::default()
    });
    let client = PetraClient::new(config).unwrap();

    let error = client.create_order(&order_request()).await.unwrap_err();

    let Error::Transport {
        delivery,
        attempts,
        request,
        ..
    } = &error
    else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(*delivery, Delivery::OutcomeUnknown);
    assert_eq!(*attempts, 1);
    assert_eq!(request.method, reqwest::Method::POST);
    assert!(error.outcome_unknown());
    assert!(error.to_string().contains("may have reached Petra"));
}

/// Starts a server on 127.0.0.1 that reads each request and closes the connection
/// without replying, like a server that took an order and crashed. Returns its base URL
/// and a counter of connections accepted.
async fn dropping_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));

    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = vec![0u8; 16 * 1024];
            let _ = socket.read(&mut buffer).await;
            drop(socket);
        }
    });
    (format!("http://{address}/v1"), accepted)
}

#[tokio::test]
async fn dropped_post_is_outcome_unknown() {
    let (base_url, accepted) = dropping_server().await;
    let credentials = Credentials::new(LOGIN, PASSWORD).unwrap();
    let client = PetraClient::new(config_for(&base_url, credentials)).unwrap();

    let error = client.create_order(&order_request()).await.unwrap_err();

    assert!(
        matches!(
            &error,
            Error::Transport {
                delivery: Delivery::OutcomeUnknown,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "POST sent exactly once");
}

#[tokio::test]
async fn dropped_get_is_retried() {
    let (base_url, accepted) = dropping_server().await;
    let credentials = Credentials::new(LOGIN, PASSWORD).unwrap();
    let client = PetraClient::new(config_for(&base_url, credentials)).unwrap();

    let error = client.get_order(&PoNumber::new("PO-1")).await.unwrap_err();

    assert!(
        matches!(&error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn get_order_by_po() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/ebyus05-14589-57987"))
        .respond_with(json(200, "order.json"))
        .expect(1)
        .mount(&server)
        .await;

    let order = client(&server)
        .get_order(&PoNumber::new("ebyus05-14589-57987"))
        .await
        .unwrap();

    assert_eq!(order.po_number, PoNumber::new("EBYUS05-14589-57987"));
    assert_eq!(order.lines[0].quantity, 2);
}

#[tokio::test]
async fn get_order_encodes_po_segment() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/PO%2F7%3F%20A"))
        .respond_with(json(200, "order.json"))
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server).get_order(&PoNumber::new("PO/7? A")).await;

    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn unknown_po_is_not_found() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/NOPE-1"))
        .respond_with(json(404, "error_not_found.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .get_order(&PoNumber::new("NOPE-1"))
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::NotFound { target: NotFoundTarget::Order(po), .. } if po.as_str() == "NOPE-1"),
        "{error:?}"
    );
    assert!(error.to_string().contains("order with PO NOPE-1 not found"));
}

#[tokio::test]
async fn empty_po_rejected_without_request() {
    let server = server().await;
    let client = client(&server);

    let lookup = client.get_order(&PoNumber::new("  ")).await.unwrap_err();
    let mut request = order_request();
    request.po_number = PoNumber::new("");
    let create = client.create_order(&request).await.unwrap_err();

    assert!(
        matches!(lookup, Error::InvalidArgument { .. }),
        "{lookup:?}"
    );
    assert!(
        matches!(create, Error::InvalidArgument { .. }),
        "{create:?}"
    );
}
