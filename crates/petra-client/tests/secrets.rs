//! No credential in any log line, error message or Debug output. One test drives every
//! error variant with TRACE logging captured (reqwest's `log` records included) and
//! searches all of it for the API key, the password and the Basic authorization token.

mod common;

use std::time::Duration;

use base64::Engine;
use futures::TryStreamExt;
use petra_client::wire::CreateOrderRequest;
use petra_client::{Credentials, Error, PetraClient, PoNumber};
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{config_for, fixture, json as fixture_response, server, Captured};

const API_KEY: &str = "apikey-Xv93distinctive";
const PASSWORD: &str = "pw-Qk58distinctive";

/// Lists every form in which a credential could leak.
fn secret_forms() -> Vec<String> {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{API_KEY}:{PASSWORD}"));
    vec![API_KEY.to_owned(), PASSWORD.to_owned(), token]
}

fn assert_no_secret(label: &str, text: &str) {
    for secret in secret_forms() {
        assert!(
            !text.contains(&secret),
            "{label} leaks a credential form: {text}"
        );
    }
}

fn order(po: &str) -> CreateOrderRequest {
    let mut order: CreateOrderRequest =
        serde_json::from_value(fixture("order_request.json")).unwrap();
    order.po_number = PoNumber::new(po);
    order
}

async fn mount_get(server: &MockServer, route: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn mount_post(server: &MockServer, po: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .and(body_partial_json(json!({ "po_number": po })))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn mount_error_routes(server: &MockServer) {
    mount_get(
        server,
        "/v1/ping",
        fixture_response(401, "error_unauthorized.json"),
    )
    .await;
    mount_get(
        server,
        "/v1/orders/P403",
        fixture_response(403, "error_access_disabled.json"),
    )
    .await;
    mount_get(
        server,
        "/v1/orders/P404",
        fixture_response(404, "error_not_found.json"),
    )
    .await;
    mount_get(server, "/v1/orders/P418", ResponseTemplate::new(418)).await;
    mount_get(
        server,
        "/v1/orders/P429",
        fixture_response(429, "error_rate_limited.json").insert_header("retry-after", "3600"),
    )
    .await;
    mount_get(
        server,
        "/v1/orders/P500",
        fixture_response(500, "error_server.json"),
    )
    .await;
    mount_get(
        server,
        "/v1/orders/PBAD",
        ResponseTemplate::new(200).set_body_json(json!({ "order_id": 7 })),
    )
    .await;
    mount_post(
        server,
        "P409",
        fixture_response(409, "error_duplicate_po.json"),
    )
    .await;
    mount_post(
        server,
        "P422",
        fixture_response(422, "error_validation.json"),
    )
    .await;

    let looping_page = json!({ "products": [], "next_cursor": "again" });
    Mock::given(path("/v1/catalog/products"))
        .and(query_param("cursor", "again"))
        .respond_with(ResponseTemplate::new(200).set_body_json(looping_page.clone()))
        .with_priority(1)
        .mount(server)
        .await;
    mount_get(
        server,
        "/v1/catalog/products",
        ResponseTemplate::new(200).set_body_json(looping_page),
    )
    .await;
}

/// Runs one call per error variant and returns the errors.
async fn every_error(
    client: &PetraClient,
    closed_port_client: &PetraClient,
    url_secrets_client: &PetraClient,
) -> Vec<Error> {
    let mut errors = vec![client.ping().await.unwrap_err()];
    for po in ["P403", "P404", "P418", "P429", "P500", "PBAD"] {
        errors.push(client.get_order(&PoNumber::new(po)).await.unwrap_err());
    }
    for po in ["P409", "P422"] {
        errors.push(client.create_order(&order(po)).await.unwrap_err());
    }
    errors.push(client.catalog().try_collect::<Vec<_>>().await.unwrap_err());
    errors.push(client.get_order(&PoNumber::new("")).await.unwrap_err());
    errors.push(closed_port_client.ping().await.unwrap_err());
    errors.push(url_secrets_client.ping().await.unwrap_err());
    errors.push(Credentials::new(API_KEY, format!("{PASSWORD}\u{7}")).unwrap_err());
    errors
}

#[tokio::test]
async fn no_secret_in_logs_errors_or_debug() {
    let _ = tracing_log::LogTracer::init();
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = server().await;
    mount_error_routes(&server).await;
    // Surrounding whitespace exercises the trim path and its log line.
    let credentials = Credentials::new(format!(" {API_KEY}"), format!("{PASSWORD}\t")).unwrap();
    let client = PetraClient::new(config_for(
        &format!("{}/v1", server.uri()),
        credentials.clone(),
    ))
    .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let closed_port_config = config_for(&format!("http://{closed}/v1"), credentials.clone())
        .with_retry(common::fast_retry(0))
        .with_timeouts(petra_client::Timeouts {
            connect: Some(Duration::from_secs(2)),
            request: Some(Duration::from_secs(2)),
            ..petra_client::Timeouts::default()
        });
    let closed_port_client = PetraClient::new(closed_port_config.clone()).unwrap();
    // `ConnectionConfig::new` rejects these parts, but `base_url` is a public field.
    let mut url_secrets_config = closed_port_config;
    url_secrets_config.base_url.set_username(API_KEY).unwrap();
    url_secrets_config
        .base_url
        .set_password(Some(PASSWORD))
        .unwrap();
    url_secrets_config
        .base_url
        .set_query(Some(&format!("token={PASSWORD}")));
    url_secrets_config.base_url.set_fragment(Some(PASSWORD));
    let url_secrets_client = PetraClient::new(url_secrets_config).unwrap();

    let errors = every_error(&client, &closed_port_client, &url_secrets_client).await;
    let logs = captured.text();

    let variants: Vec<String> = errors
        .iter()
        .map(|error| {
            format!("{error:?}")
                .split([' ', '{', '('])
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        variants,
        [
            "Authentication",
            "AccessNotEnabled",
            "NotFound",
            "UnexpectedStatus",
            "RateLimited",
            "Server",
            "Decode",
            "DuplicatePo",
            "Validation",
            "RepeatedPage",
            "InvalidArgument",
            "Transport",
            "Transport",
            "Configuration",
        ]
    );
    let url_secrets_message = errors[12].to_string();
    assert!(
        url_secrets_message.contains(&format!("GET http://{closed}/v1/ping ")),
        "the URL is missing or keeps user info, query or fragment: {url_secrets_message}"
    );
    for error in &errors {
        assert_no_secret("Display", &error.to_string());
        assert_no_secret("Debug", &format!("{error:?}"));
        assert_no_secret("alternate Debug", &format!("{error:#?}"));
    }
    assert_no_secret("client Debug", &format!("{client:?}"));
    assert_no_secret("config Debug", &format!("{:?}", client.config()));
    assert_no_secret("credentials Debug", &format!("{credentials:?}"));

    assert!(
        logs.contains("petra_http"),
        "span missing from logs: {logs}"
    );
    assert!(
        logs.contains("status=401"),
        "status missing from logs: {logs}"
    );
    assert!(
        logs.contains("attempt=3"),
        "retry attempts missing from logs: {logs}"
    );
    assert!(
        logs.contains("giving up"),
        "warning missing from logs: {logs}"
    );
    assert!(logs.contains("trimmed"), "trim not logged: {logs}");
    assert!(
        logs.contains("reqwest"),
        "reqwest log records not captured: {logs}"
    );
    assert_no_secret("logs", &logs);
}
