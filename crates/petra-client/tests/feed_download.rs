//! Feed downloads against servers started in-process on 127.0.0.1: wiremock and a raw TCP
//! server for HTTP, libunftp for FTP.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use petra_client::feed::{download_feed, DownloadOptions};
use petra_client::{Credentials, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "s3cret-feed-pass";

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feed")
        .join(name);
    std::fs::read(path).unwrap()
}

fn credentials() -> Credentials {
    Credentials::new("dealer", PASSWORD).unwrap()
}

fn fast_retries(retries: usize) -> DownloadOptions {
    DownloadOptions::default()
        .retries(retries, Duration::from_millis(10))
        .attempt_timeout(Duration::from_secs(5))
}

fn row_count(download: &petra_client::feed::FeedDownload) -> u64 {
    download.reader().unwrap().finish().unwrap().rows
}

#[tokio::test]
async fn file_url_read_in_place() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed/basic.csv");
    let url = Url::from_file_path(&path).unwrap();
    let download = download_feed(&url, None, &DownloadOptions::default())
        .await
        .unwrap();

    assert_eq!(download.path(), path);
    assert_eq!(row_count(&download), 3);
}

#[tokio::test]
async fn missing_file_is_error() {
    let url = Url::parse("file:///nonexistent/ProdList.csv").unwrap();
    let error = download_feed(&url, None, &DownloadOptions::default())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::FeedFile { .. }));
}

#[tokio::test]
async fn unsupported_scheme_rejected() {
    let url = Url::parse("sftp://127.0.0.1/ProdList.csv").unwrap();
    let error = download_feed(&url, None, &DownloadOptions::default())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::FeedUrl { .. }));
}

#[tokio::test]
async fn http_download_with_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ProdList.csv"))
        .and(header(
            "authorization",
            "Basic ZGVhbGVyOnMzY3JldC1mZWVkLXBhc3M=",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture_bytes("basic.csv")))
        .expect(1)
        .mount(&server)
        .await;
    let url = Url::parse(&format!("{}/ProdList.csv", server.uri())).unwrap();

    let download = download_feed(&url, Some(&credentials()), &fast_retries(0))
        .await
        .unwrap();

    assert_eq!(download.len(), fixture_bytes("basic.csv").len() as u64);
    assert_eq!(row_count(&download), 3);
}

#[tokio::test]
async fn http_retries_server_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture_bytes("basic.csv")))
        .expect(1)
        .mount(&server)
        .await;
    let url = Url::parse(&format!("{}/ProdList.csv", server.uri())).unwrap();

    let download = download_feed(&url, None, &fast_retries(3)).await.unwrap();

    assert_eq!(row_count(&download), 3);
}

#[tokio::test]
async fn http_gives_up_after_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let url = Url::parse(&format!("{}/ProdList.csv", server.uri())).unwrap();

    let error = download_feed(&url, None, &fast_retries(2))
        .await
        .unwrap_err();

    assert!(matches!(
        error,
        Error::FeedHttpStatus {
            status: 500,
            attempts: 3,
            ..
        }
    ));
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
}

#[tokio::test]
async fn http_connection_login_replaces_url_login() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ProdList.csv"))
        .and(wiremock::matchers::basic_auth("dealer", PASSWORD))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture_bytes("basic.csv")))
        .expect(1)
        .mount(&server)
        .await;
    let mut url = Url::parse(&format!("{}/ProdList.csv", server.uri())).unwrap();
    url.set_username("old-user").unwrap();
    url.set_password(Some("old-pass")).unwrap();

    let download = download_feed(&url, Some(&credentials()), &fast_retries(0)).await;

    assert!(download.is_ok(), "{download:?}");
    let requests = server.received_requests().await.unwrap();
    let logins = requests[0].headers.get_all("authorization").iter().count();
    assert_eq!(logins, 1, "{:?}", requests[0].headers);
}

/// Starts a feed server that rejects every login with 401 and expects exactly one
/// request, because a rejected login is never retried.
async fn unauthorized_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn http_unauthorized_not_retried() {
    let server = unauthorized_server().await;
    let url = Url::parse(&format!("{}/ProdList.csv?token=feedtoken-77", server.uri())).unwrap();

    let error = download_feed(&url, Some(&credentials()), &fast_retries(3))
        .await
        .unwrap_err();
    let message = error.to_string();

    assert!(matches!(error, Error::FeedHttpStatus { status: 401, .. }));
    assert!(
        message.contains("rejected the connection's username (or API key) and password"),
        "{message}"
    );
    assert!(!message.contains("spaces"), "{message}");
    assert!(!message.contains("whitespace"), "{message}");
    assert!(!message.contains(PASSWORD), "{message}");
    assert!(!message.contains("feedtoken-77"), "{message}");
    assert!(!format!("{error:?}").contains(PASSWORD));
}

#[tokio::test]
async fn http_unauthorized_without_login_says_none_sent() {
    let server = unauthorized_server().await;
    let url = Url::parse(&format!("{}/ProdList.csv", server.uri())).unwrap();

    let message = download_feed(&url, None, &fast_retries(3))
        .await
        .unwrap_err()
        .to_string();

    assert!(
        message.contains("requires a login and none was sent"),
        "{message}"
    );
}

#[tokio::test]
async fn http_unauthorized_names_url_login() {
    let server = unauthorized_server().await;
    let mut url = Url::parse(&format!("{}/ProdList.csv", server.uri())).unwrap();
    url.set_username("dealer").unwrap();
    url.set_password(Some(PASSWORD)).unwrap();

    let message = download_feed(&url, None, &fast_retries(3))
        .await
        .unwrap_err()
        .to_string();

    assert!(
        message.contains("user and password written in the feed URL"),
        "{message}"
    );
    assert!(!message.contains(PASSWORD), "{message}");
}

/// Formats an error with every source in its chain, as a CLI or a log line would.
fn error_chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[tokio::test]
async fn refused_connection_hides_url_secrets() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = Url::parse(&format!(
        "http://dealer:{PASSWORD}@127.0.0.1:{port}/ProdList.csv?token=feedtoken-88#frag-99"
    ))
    .unwrap();

    let error = download_feed(&url, None, &fast_retries(1))
        .await
        .unwrap_err();
    let rendered = format!("{}\n{error:?}", error_chain(&error));

    assert!(matches!(error, Error::FeedHttp { .. }), "{rendered}");
    assert!(
        rendered.contains(&format!("http://127.0.0.1:{port}/ProdList.csv")),
        "{rendered}"
    );
    for secret in [PASSWORD, "feedtoken-88", "frag-99"] {
        assert!(
            !rendered.contains(secret),
            "{secret} rendered in: {rendered}"
        );
    }
}

#[tokio::test]
async fn http_gzip_body_decoded() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&fixture_bytes("basic.csv")).unwrap();
    let gzipped = encoder.finish().unwrap();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_bytes(gzipped),
        )
        .mount(&server)
        .await;
    let url = Url::parse(&format!("{}/ProdList.csv", server.uri())).unwrap();

    let download = download_feed(&url, None, &fast_retries(0)).await.unwrap();

    assert_eq!(download.len(), fixture_bytes("basic.csv").len() as u64);
    assert_eq!(row_count(&download), 3);
}

/// Serves one HTTP response per connection that announces `announced` bytes, sends `body`
/// and closes the connection; returns the URL and a counter of connections.
async fn short_body_server(
    body: Vec<u8>,
    announced: usize,
) -> (Url, Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {announced}\r\n\r\n");
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (
        Url::parse(&format!("http://{address}/ProdList.csv")).unwrap(),
        connections,
    )
}

#[tokio::test]
async fn http_short_body_detected() {
    let bytes = fixture_bytes("basic.csv");
    let half = bytes[..bytes.len() / 2].to_vec();
    let (url, connections) = short_body_server(half, bytes.len()).await;

    let error = download_feed(&url, None, &fast_retries(1))
        .await
        .unwrap_err();

    assert!(
        matches!(
            error,
            Error::FeedDownloadIncomplete { expected_bytes, .. } if expected_bytes == bytes.len() as u64
        ),
        "{error:?}"
    );
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn http_timeout_is_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let url = Url::parse(&format!("http://{address}/ProdList.csv")).unwrap();
    let options = fast_retries(1).attempt_timeout(Duration::from_millis(200));

    let error = download_feed(&url, None, &options).await.unwrap_err();

    assert!(
        matches!(&error, Error::FeedHttp { source, .. } if source.is_timeout()),
        "{error:?}"
    );
}

mod ftp {
    use super::*;
    use unftp_core::auth::{
        AuthenticationError, Authenticator, Credentials as FtpCredentials, Principal,
    };

    #[derive(Debug)]
    struct OneUser;

    #[async_trait::async_trait]
    impl Authenticator for OneUser {
        async fn authenticate(
            &self,
            username: &str,
            creds: &FtpCredentials,
        ) -> Result<Principal, AuthenticationError> {
            if username == "dealer" && creds.password.as_deref() == Some(PASSWORD) {
                Ok(Principal {
                    username: username.to_owned(),
                })
            } else {
                Err(AuthenticationError::BadPassword)
            }
        }
    }

    /// Starts an FTP server on 127.0.0.1 serving a folder with `ProdList.csv`.
    async fn start_server(feed: &[u8]) -> (u16, tempfile::TempDir) {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("ProdList.csv"), feed).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let home = root.path().to_path_buf();
        let server = libunftp::ServerBuilder::with_authenticator(
            Box::new(move || unftp_sbe_fs::Filesystem::new(home.clone()).unwrap()),
            Arc::new(OneUser),
        )
        .passive_host(std::net::Ipv4Addr::LOCALHOST)
        .passive_ports(41000..=41999)
        .build()
        .unwrap();
        tokio::spawn(server.listen(format!("127.0.0.1:{port}")));

        for _ in 0..50 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (port, root)
    }

    #[tokio::test]
    async fn ftp_download_reads_rows() {
        let feed = fixture_bytes("basic.csv");
        let (port, _root) = start_server(&feed).await;
        let url = Url::parse(&format!("ftp://127.0.0.1:{port}/ProdList.csv")).unwrap();

        let download = download_feed(&url, Some(&credentials()), &fast_retries(0))
            .await
            .unwrap();

        assert_eq!(download.len(), feed.len() as u64);
        assert_eq!(row_count(&download), 3);
    }

    #[tokio::test]
    async fn ftp_url_credentials_used() {
        let feed = fixture_bytes("basic.csv");
        let (port, _root) = start_server(&feed).await;
        let url = Url::parse(&format!(
            "ftp://dealer:{PASSWORD}@127.0.0.1:{port}/ProdList.csv"
        ))
        .unwrap();

        let download = download_feed(&url, None, &fast_retries(0)).await.unwrap();

        assert_eq!(row_count(&download), 3);
    }

    #[tokio::test]
    async fn ftp_bad_password_rejected() {
        let (port, _root) = start_server(&fixture_bytes("basic.csv")).await;
        let url = Url::parse(&format!("ftp://127.0.0.1:{port}/ProdList.csv")).unwrap();
        let wrong = Credentials::new("dealer", "wrong-password-9").unwrap();

        let error = download_feed(&url, Some(&wrong), &fast_retries(2))
            .await
            .unwrap_err();
        let message = error.to_string();

        assert!(matches!(error, Error::FeedFtp { .. }), "{error:?}");
        assert!(error.feed_login_rejected(), "{error:?}");
        assert!(!error.feed_not_connected(), "{error:?}");
        assert!(message.contains("logging in"), "{message}");
        assert!(message.contains("after 1 attempt"), "{message}");
        assert!(!message.contains("wrong-password-9"), "{message}");
    }

    #[tokio::test]
    async fn ftp_refused_connection_not_connected() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = Url::parse(&format!("ftp://127.0.0.1:{port}/ProdList.csv")).unwrap();

        let error = download_feed(&url, Some(&credentials()), &fast_retries(1))
            .await
            .unwrap_err();

        assert!(error.feed_not_connected(), "{error:?}");
        assert!(!error.feed_login_rejected(), "{error:?}");
        assert!(error.to_string().contains("after 2 attempts"), "{error}");
    }

    #[tokio::test]
    async fn ftp_missing_file_is_error() {
        let (port, _root) = start_server(&fixture_bytes("basic.csv")).await;
        let url = Url::parse(&format!("ftp://127.0.0.1:{port}/Missing.csv")).unwrap();

        let error = download_feed(&url, Some(&credentials()), &fast_retries(0))
            .await
            .unwrap_err();

        // libunftp accepts RETR and reports 550 when the transfer completes.
        assert!(
            matches!(
                &error,
                Error::FeedFtp { source: suppaftp::FtpError::UnexpectedResponse(response), .. }
                    if response.status == suppaftp::Status::FileUnavailable
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("Missing.csv"));
    }
}
