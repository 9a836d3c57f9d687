//! Feed downloads: `file://`, `http(s)://` with retries, and `ftp(s)://`, streamed to a
//! temporary file so no download is ever held in memory.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use futures::StreamExt;
use secrecy::ExposeSecret;
use suppaftp::tokio::{AsyncRustlsConnector, ImplAsyncFtpStream, TokioTlsStream};
use suppaftp::types::FileType;
use suppaftp::FtpError;
use tempfile::{NamedTempFile, TempPath};
use tokio::io::AsyncWriteExt;
use tracing::{info, instrument, warn};
use url::Url;

use super::reader::{ProdListReader, ReaderOptions};
use crate::error::{FTP_CONNECTING, FTP_LOGGING_IN, FTP_STARTING_TLS};
use crate::error_context::{error_chain, without_secrets};
use crate::{Credentials, Error};

/// Timeouts and retries of a feed download.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DownloadOptions {
    /// Time limit of one attempt, from connecting to the last byte.
    pub attempt_timeout: Duration,
    /// Time limit of opening the connection.
    pub connect_timeout: Duration,
    /// Attempts after the first one, on 5xx, timeouts, dropped connections and short bodies.
    pub retries: usize,
    /// Delay before the first retry; it doubles each time up to `max_backoff`. Each
    /// delay is lengthened by a random part of up to the delay itself.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        DownloadOptions {
            attempt_timeout: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(20),
            retries: 3,
            min_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl DownloadOptions {
    /// Sets the number of retries and the first delay between attempts.
    pub fn retries(mut self, retries: usize, min_backoff: Duration) -> Self {
        self.retries = retries;
        self.min_backoff = min_backoff;
        self
    }

    /// Sets the time limit of one attempt.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }
}

/// A downloaded feed on local disk. A temporary file is deleted when this is dropped; a
/// `file://` feed is read in place.
#[derive(Debug)]
pub struct FeedDownload {
    location: Location,
    bytes: u64,
}

#[derive(Debug)]
enum Location {
    Local(PathBuf),
    Temporary(TempPath),
}

impl FeedDownload {
    /// Path of the downloaded file.
    pub fn path(&self) -> &Path {
        match &self.location {
            Location::Local(path) => path,
            Location::Temporary(path) => path,
        }
    }

    /// Size of the downloaded file in bytes.
    pub fn len(&self) -> u64 {
        self.bytes
    }

    /// Returns true when the download is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    /// Opens a reader over the downloaded file, expecting exactly the downloaded length.
    pub fn reader(&self) -> Result<ProdListReader<File>, Error> {
        let file = File::open(self.path()).map_err(|source| Error::FeedFile {
            path: self.path().to_owned(),
            source,
        })?;
        ProdListReader::with_options(file, ReaderOptions::default().expected_len(self.bytes))
    }
}

/// Downloads the feed at `url` to local disk.
///
/// `http` and `https` use HTTP Basic authentication with `credentials`, accept gzip, retry
/// on 5xx, timeouts, dropped connections and bodies shorter than their Content-Length, and
/// check the Content-Length. `ftp` and `ftps` (explicit TLS, `AUTH TLS`) log in with
/// `credentials`, else with the URL's user and password, else anonymously, and check the
/// size the server reports. `file` URLs are read in place. Errors name the URL without its
/// user, password or query.
///
/// ```no_run
/// use petra_client::feed::{download_feed, DownloadOptions};
/// use petra_client::Credentials;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let url = url::Url::parse("https://feeds.example.com/ProdList.csv")?;
/// let credentials = Credentials::new("DEALER-1042", std::env::var("PETRA_PASSWORD")?)?;
/// let download = download_feed(&url, Some(&credentials), &DownloadOptions::default()).await?;
/// let mut reader = download.reader()?;
/// for row in &mut reader {
///     let _ = row;
/// }
/// reader.finish()?;
/// # Ok(())
/// # }
/// ```
#[instrument(skip(credentials, options), fields(url = %redact(url)))]
pub async fn download_feed(
    url: &Url,
    credentials: Option<&Credentials>,
    options: &DownloadOptions,
) -> Result<FeedDownload, Error> {
    let download = match url.scheme() {
        "file" => open_local(url)?,
        "http" | "https" => {
            with_retries(url, options, || http_attempt(url, credentials, options)).await?
        }
        "ftp" | "ftps" => {
            with_retries(url, options, || ftp_attempt(url, credentials, options)).await?
        }
        other => {
            return Err(Error::FeedUrl {
                url: redact(url),
                reason: format!("scheme `{other}` is not one of file, http, https, ftp, ftps"),
            })
        }
    };

    info!(bytes = download.bytes, "feed downloaded");
    Ok(download)
}

/// Removes the user, password, query and fragment, which may carry secrets.
pub(crate) fn redact(url: &Url) -> String {
    without_secrets(url).to_string()
}

/// Runs `attempt` until it succeeds, fails for good, or `options.retries` retries are
/// used up, and logs each retry as a warning so a long wait is never silent.
async fn with_retries<F, Fut>(
    url: &Url,
    options: &DownloadOptions,
    mut attempt: F,
) -> Result<FeedDownload, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<FeedDownload, Error>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(options.min_backoff)
        .with_max_delay(options.max_backoff)
        .with_max_times(options.retries)
        .with_jitter();
    let max_attempts = options.retries + 1;
    let redacted_url = redact(url);
    let attempts_made = AtomicUsize::new(0);

    // Each error carries the attempts made so far, so the final one states the total.
    let counted = || {
        let attempts = attempts_made.fetch_add(1, Ordering::Relaxed) + 1;
        let running = attempt();
        async move {
            running.await.map_err(|mut error| {
                error.set_attempts(attempts);
                error
            })
        }
    };
    let result = counted
        .retry(backoff)
        .when(is_transient)
        .notify(|error, delay| {
            // The field is `cause`, not `error`: the CLI hides warnings with an `error`
            // field by default because it prints those failures itself.
            warn!(
                attempt = attempts_made.load(Ordering::Relaxed),
                max_attempts,
                url = %redacted_url,
                cause = %error_chain(error),
                delay = ?delay,
                "feed download attempt failed; retrying"
            );
        })
        .await;

    if let Err(error) = &result {
        warn!(%error, "feed download failed");
    }
    result
}

fn is_transient(error: &Error) -> bool {
    match error {
        Error::FeedHttpStatus { status, .. } => *status >= 500 || *status == 408 || *status == 429,
        // A gzip body cut short fails in the decoder, so a decode error is as transient
        // as a body error.
        Error::FeedHttp { source, .. } => {
            source.is_timeout()
                || source.is_connect()
                || source.is_body()
                || source.is_decode()
                || source.is_request()
        }
        Error::FeedDownloadIncomplete { .. } => true,
        Error::FeedFtp { source, .. } => matches!(source, FtpError::ConnectionError(_)),
        _ => false,
    }
}

fn open_local(url: &Url) -> Result<FeedDownload, Error> {
    let path = url.to_file_path().map_err(|()| Error::FeedUrl {
        url: redact(url),
        reason: "is not a local file path".to_owned(),
    })?;
    let metadata = std::fs::metadata(&path).map_err(|source| Error::FeedFile {
        path: path.clone(),
        source,
    })?;

    Ok(FeedDownload {
        bytes: metadata.len(),
        location: Location::Local(path),
    })
}

fn temporary_file() -> Result<(tokio::fs::File, TempPath), Error> {
    let temporary = NamedTempFile::new().map_err(|source| Error::FeedFile {
        path: std::env::temp_dir(),
        source,
    })?;
    let (file, path) = temporary.into_parts();
    Ok((tokio::fs::File::from_std(file), path))
}

async fn write_chunk(
    file: &mut tokio::io::BufWriter<tokio::fs::File>,
    path: &Path,
    chunk: &[u8],
) -> Result<(), Error> {
    file.write_all(chunk)
        .await
        .map_err(|source| Error::FeedFile {
            path: path.to_owned(),
            source,
        })
}

async fn http_attempt(
    url: &Url,
    credentials: Option<&Credentials>,
    options: &DownloadOptions,
) -> Result<FeedDownload, Error> {
    let shown = redact(url);
    // reqwest's errors repeat the full request URL, query included.
    let http_error = |source: reqwest::Error| Error::FeedHttp {
        url: shown.clone(),
        attempts: 1,
        source: source.without_url(),
    };
    let client = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.attempt_timeout)
        .build()
        .map_err(http_error)?;

    // reqwest 0.12 turns a user and password in the URL into an Authorization header, and
    // `basic_auth` appends a second one. A server that reads one header, as the sandbox and
    // wiremock read the first, then checks the URL's. The connection's credentials win, as
    // they do for FTP, so the URL's are dropped when both are set.
    let mut request_url = url.clone();
    if credentials.is_some() {
        let _ = request_url.set_username("");
        let _ = request_url.set_password(None);
    }
    let mut request = client.get(request_url);
    if let Some(credentials) = credentials {
        request = request.basic_auth(
            credentials.login().expose_secret(),
            Some(credentials.password().expose_secret()),
        );
    }
    let response = request.send().await.map_err(http_error)?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::FeedHttpStatus {
            url: shown,
            status: status.as_u16(),
            attempts: 1,
            hint: status_hint(status.as_u16(), login_sent(url, credentials)),
        });
    }

    // reqwest reports no length for a gzip body it decompresses, so only plain bodies are
    // checked against Content-Length.
    let expected = response.content_length();
    let (file, path) = temporary_file()?;
    let mut file = tokio::io::BufWriter::with_capacity(64 * 1024, file);
    let mut received = 0u64;
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => {
                write_chunk(&mut file, &path, &chunk).await?;
                received += chunk.len() as u64;
            }
            Err(source) => {
                return Err(match expected {
                    Some(expected_bytes) if received < expected_bytes => {
                        Error::FeedDownloadIncomplete {
                            url: shown,
                            expected_bytes,
                            received_bytes: received,
                            attempts: 1,
                            source: Some(Box::new(source.without_url())),
                        }
                    }
                    _ => http_error(source),
                })
            }
        }
    }
    file.flush().await.map_err(|source| Error::FeedFile {
        path: path.to_path_buf(),
        source,
    })?;

    complete_download(path, received, expected, &shown)
}

/// The login an HTTP feed request carried, which decides what to check after a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoginSent {
    /// The connection's credentials.
    Connection,
    /// The user and password written in the feed URL, which reqwest sends when the
    /// connection has no credentials.
    FeedUrl,
    /// No login at all.
    Nothing,
}

fn login_sent(url: &Url, credentials: Option<&Credentials>) -> LoginSent {
    if credentials.is_some() {
        LoginSent::Connection
    } else if !url.username().is_empty() || url.password().is_some() {
        LoginSent::FeedUrl
    } else {
        LoginSent::Nothing
    }
}

fn status_hint(status: u16, login: LoginSent) -> &'static str {
    match (status, login) {
        (401, LoginSent::Connection) => {
            "the server rejected the connection's username (or API key) and password; check \
             that they are the ones Petra issued for this account and that the feed URL is \
             this account's"
        }
        (401, LoginSent::FeedUrl) => {
            "the server rejected the user and password written in the feed URL; correct \
             them, or remove them and set the connection's credentials"
        }
        (401, LoginSent::Nothing) => {
            "the server requires a login and none was sent; set the connection's username \
             (or API key) and password"
        }
        (403, _) => {
            "the server refused this login access to the file; check the feed URL, and ask \
             Petra whether the account may download the feed"
        }
        (404, _) => "check the connection's feed URL",
        (408 | 429 | 500..=599, _) => "the server failed or is busy; try again later",
        _ => "check the connection's feed URL and credentials",
    }
}

async fn ftp_attempt(
    url: &Url,
    credentials: Option<&Credentials>,
    options: &DownloadOptions,
) -> Result<FeedDownload, Error> {
    let shown = redact(url);
    let Some(host) = url.host_str() else {
        return Err(Error::FeedUrl {
            url: shown,
            reason: "has no host".to_owned(),
        });
    };
    let port = url.port().unwrap_or(21);
    let ftp_error = |step: &'static str| {
        let shown = shown.clone();
        move |source: FtpError| Error::FeedFtp {
            url: shown,
            step,
            attempts: 1,
            source,
        }
    };
    let timed_out = |step: &'static str| {
        ftp_error(step)(FtpError::ConnectionError(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("timed out while {step}"),
        )))
    };

    let connect = ImplAsyncFtpStream::connect((host, port));
    let ftp = tokio::time::timeout(options.connect_timeout, connect)
        .await
        .map_err(|_| timed_out(FTP_CONNECTING))?
        .map_err(ftp_error(FTP_CONNECTING))?;
    let ftp = if url.scheme() == "ftps" {
        ftp.into_secure(tls_connector(), host)
            .await
            .map_err(ftp_error(FTP_STARTING_TLS))?
    } else {
        ftp
    };

    let transfer = ftp_transfer(ftp, url, credentials, &shown);
    tokio::time::timeout(options.attempt_timeout, transfer)
        .await
        .map_err(|_| timed_out("transferring the file"))?
}

/// Builds the TLS client of `ftps` downloads, trusting the Mozilla roots of `webpki-roots`.
// NOTE: no test runs `ftps` against a TLS server; only plain `ftp` is exercised.
fn tls_connector() -> AsyncRustlsConnector {
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|builder| builder.with_root_certificates(roots).with_no_client_auth())
        .unwrap_or_else(|_| unreachable!("ring supports the default TLS versions"));
    AsyncRustlsConnector::from(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

async fn ftp_transfer<T: TokioTlsStream + Send>(
    mut ftp: ImplAsyncFtpStream<T>,
    url: &Url,
    credentials: Option<&Credentials>,
    shown: &str,
) -> Result<FeedDownload, Error> {
    let ftp_error = |step: &'static str| {
        move |source: FtpError| Error::FeedFtp {
            url: shown.to_owned(),
            step,
            attempts: 1,
            source,
        }
    };

    let url_password = url.password().map(percent_decode);
    match credentials {
        Some(credentials) => {
            ftp.login(
                credentials.login().expose_secret(),
                credentials.password().expose_secret(),
            )
            .await
        }
        None if !url.username().is_empty() => {
            let user = percent_decode(url.username());
            ftp.login(user.as_str(), url_password.as_deref().unwrap_or(""))
                .await
        }
        None => ftp.login("anonymous", "anonymous@").await,
    }
    .map_err(ftp_error(FTP_LOGGING_IN))?;
    ftp.transfer_type(FileType::Binary)
        .await
        .map_err(ftp_error("switching to binary mode"))?;

    let remote = percent_decode(url.path().trim_start_matches('/'));
    // SIZE is an extension (RFC 3659) that some servers lack; without it the length is
    // not checked.
    let expected = ftp.size(&remote).await.ok().map(|size| size as u64);
    let mut stream = ftp
        .retr_as_stream(&remote)
        .await
        .map_err(ftp_error("requesting the file"))?;

    let (file, path) = temporary_file()?;
    let mut file = tokio::io::BufWriter::with_capacity(64 * 1024, file);
    let copied = tokio::io::copy(&mut stream, &mut file).await;
    let received = match copied {
        Ok(received) => received,
        Err(source) => {
            return Err(Error::FeedDownloadIncomplete {
                url: shown.to_owned(),
                expected_bytes: expected.unwrap_or(0),
                received_bytes: 0,
                attempts: 1,
                source: Some(Box::new(source)),
            })
        }
    };
    file.flush().await.map_err(|source| Error::FeedFile {
        path: path.to_path_buf(),
        source,
    })?;
    stream
        .finish()
        .await
        .map_err(ftp_error("completing the transfer"))?;
    let _ = ftp.quit().await;

    complete_download(path, received, expected, shown)
}

/// Accepts a finished transfer unless it is shorter than the length the server announced.
fn complete_download(
    path: TempPath,
    received: u64,
    expected: Option<u64>,
    shown: &str,
) -> Result<FeedDownload, Error> {
    if let Some(expected_bytes) = expected.filter(|&expected| received < expected) {
        return Err(Error::FeedDownloadIncomplete {
            url: shown.to_owned(),
            expected_bytes,
            received_bytes: received,
            attempts: 1,
            source: None,
        });
    }
    Ok(FeedDownload {
        location: Location::Temporary(path),
        bytes: received,
    })
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_drops_secrets() {
        let url = Url::parse("ftp://dealer:s3cret@127.0.0.1:2121/ProdList.csv?token=abc").unwrap();

        assert_eq!(redact(&url), "ftp://127.0.0.1:2121/ProdList.csv");
    }
}
