//! Each retried API attempt logs one warning: attempt n of m, the URL without user info or
//! query, the cause and the delay. The final error counts the attempts.

mod common;

use std::time::Duration;

use base64::Engine;
use common::{config_for, fast_retry, json, server, Captured, LOGIN, PASSWORD};
use petra_client::{ConnectionConfig, Credentials, Error, PetraClient};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn retrying_config(base_url: &str, retries: u32) -> ConnectionConfig {
    let credentials = Credentials::new(LOGIN, PASSWORD).unwrap();
    config_for(base_url, credentials).with_retry(fast_retry(retries))
}

/// Runs `future` with WARN-level logs captured, and returns its output and the logs.
async fn with_warnings<T>(future: impl std::future::Future<Output = T>) -> (T, String) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let output = future.await;
    (output, captured.text())
}

fn retry_lines(logs: &str) -> Vec<&str> {
    logs.lines()
        .filter(|line| line.contains("Petra API attempt failed; retrying"))
        .collect()
}

fn assert_no_credential(logs: &str) {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{LOGIN}:{PASSWORD}"));
    for secret in [LOGIN, PASSWORD, token.as_str()] {
        assert!(!logs.contains(secret), "logs leak {secret:?}: {logs}");
    }
}

#[tokio::test]
async fn server_errors_log_each_retry() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .respond_with(json(200, "ping.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = PetraClient::new(retrying_config(&format!("{}/v1", server.uri()), 3)).unwrap();

    let (ping, logs) = with_warnings(client.ping()).await;

    assert!(ping.is_ok(), "{ping:?}");
    let lines = retry_lines(&logs);
    assert_eq!(lines.len(), 2, "{logs}");
    assert!(lines[0].contains("attempt=1 max_attempts=4"), "{logs}");
    assert!(lines[1].contains("attempt=2 max_attempts=4"), "{logs}");
    let url = format!("url={}/v1/ping ", server.uri());
    assert!(lines[0].contains(&url), "{logs}");
    assert!(lines[0].contains("cause=HTTP 500"), "{logs}");
    // With no jitter the wait is half the doubling backoff: 5 ms, then 10 ms.
    assert!(lines[0].contains("delay=5ms"), "{logs}");
    assert!(lines[1].contains("delay=10ms"), "{logs}");
    assert_no_credential(&logs);
}

#[tokio::test]
async fn closed_port_logs_each_retry() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let config =
        retrying_config(&format!("http://{closed}/v1"), 2).with_timeouts(petra_client::Timeouts {
            connect: Some(Duration::from_secs(2)),
            request: Some(Duration::from_secs(2)),
            ..petra_client::Timeouts::default()
        });
    let client = PetraClient::new(config).unwrap();

    let (result, logs) = with_warnings(client.ping()).await;

    let error = result.unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("after 3 attempt(s)"), "{error}");
    let lines = retry_lines(&logs);
    assert_eq!(lines.len(), 2, "{logs}");
    assert!(lines[0].contains("attempt=1 max_attempts=3"), "{logs}");
    assert!(lines[1].contains("attempt=2 max_attempts=3"), "{logs}");
    assert!(
        lines[0].contains(&format!("url=http://{closed}/v1/ping ")),
        "{logs}"
    );
    assert!(lines[0].contains("Connection refused"), "{logs}");
    assert!(logs.contains("giving up"), "{logs}");
    assert_no_credential(&logs);
}

#[tokio::test]
async fn post_is_not_retried_or_logged() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let client = PetraClient::new(retrying_config(&format!("{}/v1", server.uri()), 3)).unwrap();
    let request: petra_client::wire::CreateOrderRequest =
        serde_json::from_value(common::fixture("order_request.json")).unwrap();

    let (result, logs) = with_warnings(client.create_order(&request)).await;

    assert!(
        matches!(result, Err(Error::Server { attempts: 1, .. })),
        "{result:?}"
    );
    assert_eq!(retry_lines(&logs), Vec::<&str>::new(), "{logs}");
}
