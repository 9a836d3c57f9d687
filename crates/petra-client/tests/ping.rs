//! `GET /ping`: the test-connection call and the authentication errors it reports.

mod common;

use common::{client, config, config_for, json, server, LOGIN, PASSWORD};
use petra_client::{CredentialField, Credentials, Delivery, Error, PetraClient};
use wiremock::matchers::{basic_auth, header, method, path};
use wiremock::Mock;

#[tokio::test]
async fn ping_returns_account() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .and(basic_auth(LOGIN, PASSWORD))
        .and(header("accept", "application/json"))
        .respond_with(json(200, "ping.json"))
        .expect(1)
        .mount(&server)
        .await;

    let ping = client(&server).ping().await.unwrap();

    assert_eq!(ping.account, "DEALER-1042");
    assert!(ping.api_access);
}

#[tokio::test]
async fn ping_sends_trimmed_credentials() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .and(basic_auth(LOGIN, PASSWORD))
        .respond_with(json(200, "ping.json"))
        .expect(1)
        .mount(&server)
        .await;
    let credentials = Credentials::new(format!("  {LOGIN}"), format!("{PASSWORD}\n")).unwrap();
    let client =
        PetraClient::new(config_for(&format!("{}/v1", server.uri()), credentials)).unwrap();

    let ping = client.ping().await;

    assert!(ping.is_ok(), "{ping:?}");
}

#[tokio::test]
async fn unauthorized_names_both_credentials() {
    let server = server().await;
    Mock::given(path("/v1/ping"))
        .respond_with(json(401, "error_unauthorized.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).ping().await.unwrap_err();

    let Error::Authentication { hint, api } = &error else {
        panic!("expected an authentication error, got {error:?}");
    };
    assert_eq!(
        hint.check,
        [CredentialField::Login, CredentialField::Password]
    );
    assert!(hint.whitespace_trimmed.is_empty());
    assert_eq!(api.status, 401);
    assert_eq!(api.code, "unauthorized");
    assert_eq!(api.request.path, "/v1/ping");
    assert_eq!(api.request.connection, "test-petra");
}

#[tokio::test]
async fn unauthorized_warns_about_trimmed_password() {
    let server = server().await;
    Mock::given(path("/v1/ping"))
        .respond_with(json(401, "error_unauthorized_password.json"))
        .expect(1)
        .mount(&server)
        .await;
    let credentials = Credentials::new(LOGIN, format!(" {PASSWORD} ")).unwrap();
    let client =
        PetraClient::new(config_for(&format!("{}/v1", server.uri()), credentials)).unwrap();

    let error = client.ping().await.unwrap_err();
    let message = error.to_string();

    let Error::Authentication { hint, .. } = &error else {
        panic!("expected an authentication error, got {error:?}");
    };
    assert_eq!(hint.check, [CredentialField::Password]);
    assert_eq!(hint.whitespace_trimmed, [CredentialField::Password]);
    assert!(message.contains("check the password"), "{message}");
    assert!(message.contains("whitespace was trimmed"), "{message}");
    assert!(!message.contains(PASSWORD), "{message}");
}

#[tokio::test]
async fn forbidden_is_access_not_enabled() {
    let server = server().await;
    Mock::given(path("/v1/ping"))
        .respond_with(json(403, "error_access_disabled.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).ping().await.unwrap_err();

    assert!(
        matches!(&error, Error::AccessNotEnabled { api } if api.code == "api_access_disabled"),
        "{error:?}"
    );
    assert!(error.to_string().contains("enable API access"));
}

#[tokio::test]
async fn forbidden_states_fact_once() {
    let server = server().await;
    Mock::given(path("/v1/ping"))
        .respond_with(json(403, "error_access_disabled.json"))
        .mount(&server)
        .await;

    let message = client(&server).ping().await.unwrap_err().to_string();

    assert_eq!(message.matches("not enabled").count(), 1, "{message}");
    assert_eq!(message.matches("ask Petra").count(), 1, "{message}");
    assert!(message.contains("DEALER-1042"), "{message}");
}

#[tokio::test]
async fn unknown_path_is_not_found() {
    let server = server().await;
    Mock::given(path("/v1/ping"))
        .respond_with(wiremock::ResponseTemplate::new(404).set_body_string("no such route"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).ping().await.unwrap_err();

    let Error::NotFound { target, api } = &error else {
        panic!("expected not found, got {error:?}");
    };
    assert_eq!(
        *target,
        petra_client::NotFoundTarget::Path("/v1/ping".to_owned())
    );
    assert_eq!(api.code, "unknown");
    assert_eq!(api.message, "no such route");
    assert!(error.to_string().contains("base URL"));
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let server = server().await;
    Mock::given(path("/v1/ping"))
        .respond_with(
            wiremock::ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:1/"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).ping().await.unwrap_err();

    assert!(
        matches!(&error, Error::UnexpectedStatus { api } if api.status == 302),
        "{error:?}"
    );
}

/// Builds a client for a port on 127.0.0.1 that is known to be closed, because a
/// listener was bound there and dropped.
fn closed_port_client() -> (PetraClient, std::net::SocketAddr) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);

    let credentials = Credentials::new(LOGIN, PASSWORD).unwrap();
    let client =
        PetraClient::new(config_for(&format!("http://{address}/v1"), credentials)).unwrap();
    (client, address)
}

#[tokio::test]
async fn refused_connection_is_not_sent() {
    let (client, _) = closed_port_client();

    let error = client.ping().await.unwrap_err();

    let Error::Transport {
        delivery, attempts, ..
    } = &error
    else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(*delivery, Delivery::NotSent);
    assert_eq!(*attempts, 3, "a GET is retried after connection errors");
    assert!(!error.outcome_unknown());
}

#[tokio::test]
async fn refused_connection_names_url() {
    let (client, address) = closed_port_client();

    let message = client.ping().await.unwrap_err().to_string();

    let expected = format!("GET http://{address}/v1/ping (connection `test-petra`)");
    assert!(message.contains(&expected), "{message}");
}

#[tokio::test]
async fn config_keeps_name() {
    let server = server().await;

    let client = PetraClient::new(config(&server)).unwrap();

    assert_eq!(client.name(), "test-petra");
}

#[tokio::test]
#[should_panic(expected = "catch-all for unexpected requests")]
async fn catch_all_fails_unexpected_request() {
    let server = server().await;

    let _ = client(&server).ping().await;
}
