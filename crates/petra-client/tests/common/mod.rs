//! Helpers shared by the tests: a mock server with a catch-all that fails the test on
//! any unexpected request, fixtures, a client configured for fast retries, a log capture,
//! and the path of Petra's real ProdList.csv.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use petra_client::{ConnectionConfig, Credentials, Jitter, PetraClient, RetryPolicy};
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const LOGIN: &str = "DEALER-1042";
/// A password distinctive enough that finding it anywhere in output means it leaked.
pub const PASSWORD: &str = "pw-Zq7distinctive8841";

/// Starts a mock server whose lowest-priority mock matches every request and expects
/// none, so the server panics on drop and lists any request no other mock matched.
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(418).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .named("catch-all for unexpected requests")
        .expect(0)
        .mount(&server)
        .await;
    server
}

pub fn fixture(name: &str) -> serde_json::Value {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("fixture {} unreadable: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("fixture {} is not JSON: {error}", path.display()))
}

pub fn json(status: u16, fixture_name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(fixture(fixture_name))
}

/// Retries at most `max_retries` times with 10 ms backoff and no jitter.
pub fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_wait: Duration::from_secs(30),
        jitter: Jitter::fixed(0.0),
    }
}

pub fn config_for(base_url: &str, credentials: Credentials) -> ConnectionConfig {
    ConnectionConfig::new("test-petra", base_url, credentials)
        .expect("test config is valid")
        .with_rate_limit(None)
        .with_retry(fast_retry(2))
}

pub fn config(server: &MockServer) -> ConnectionConfig {
    let credentials = Credentials::new(LOGIN, PASSWORD).expect("test credentials are valid");
    config_for(&format!("{}/v1", server.uri()), credentials)
}

pub fn client(server: &MockServer) -> PetraClient {
    PetraClient::new(config(server)).expect("client builds")
}

/// Returns the path of Petra's real ProdList.csv (2,387 items, mixed UTF-8 and
/// Windows-1252, two preamble lines): `PETRA_REAL_FEED`, or the copy beside the
/// repository. Panics with the path it tried when the file is missing.
pub fn real_feed() -> PathBuf {
    let path = std::env::var_os("PETRA_REAL_FEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/data/petra/prodlist-2026-06-11.csv"
            ))
        });
    assert!(
        path.is_file(),
        "real Petra feed not found at {}; set PETRA_REAL_FEED to its path",
        path.display()
    );
    path
}

/// A `MakeWriter` that appends every log line to one shared buffer.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
