//! The crate's one error type.

use std::time::Duration;

use crate::error_context::{
    format_problems, format_retry_after, ApiError, AuthHint, Delivery, NotFoundTarget, RequestInfo,
};
use crate::ids::PoNumber;
use crate::wire::FieldProblem;

/// Everything that can fail in `petra-client`: API calls, feed downloads and feed reads.
///
/// Per-row problems of a feed are not errors of this type: the reader reports them as
/// data and goes on with the next row.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // API errors.
    /// `401`: Petra rejected the username or API key, or the password.
    #[error("authentication failed: {api}; {hint}")]
    Authentication { hint: AuthHint, api: Box<ApiError> },

    /// `403`: the credentials are valid but API access is not enabled for the account.
    /// The message leaves that fact to Petra's reply, which states it with the account id.
    #[error("access denied: {api}; ask Petra to enable API access for the account")]
    AccessNotEnabled { api: Box<ApiError> },

    /// `404`: the order or the URL path does not exist.
    #[error("{target} not found: {api}")]
    NotFound {
        target: NotFoundTarget,
        api: Box<ApiError>,
    },

    /// `409`: Petra already has an order with this PO number.
    #[error("Petra already holds an order with PO {po}: {api}; look the order up instead of sending it again")]
    DuplicatePo { po: PoNumber, api: Box<ApiError> },

    /// `422` (and `400`): fields of the request are missing or invalid.
    #[error("request rejected as invalid ({}): {api}", format_problems(problems))]
    Validation {
        problems: Vec<FieldProblem>,
        api: Box<ApiError>,
    },

    /// `429` that outlasted the retry policy, or any `429` on a request that is never
    /// retried.
    #[error(
        "rate limited after {attempts} attempt(s), {}: {api}",
        format_retry_after(retry_after)
    )]
    RateLimited {
        retry_after: Option<Duration>,
        attempts: u32,
        api: Box<ApiError>,
    },

    /// `5xx` that outlasted the retry policy, or any `5xx` on a request that is never
    /// retried.
    #[error("Petra server error after {attempts} attempt(s): {api}")]
    Server { attempts: u32, api: Box<ApiError> },

    /// Any other non-2xx status.
    #[error("unexpected response: {api}")]
    UnexpectedStatus { api: Box<ApiError> },

    /// The request failed before a complete response arrived.
    #[error(
        "{request} failed after {attempts} attempt(s) and {}",
        delivery_text(request, *delivery)
    )]
    Transport {
        request: Box<RequestInfo>,
        delivery: Delivery,
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },

    /// A 2xx body did not match the wire contract; `json_path` names the first bad value
    /// (for example `products[3].variants[0].pricing.dealer_price`).
    #[error(
        "{request} returned {status} with a body that does not match the contract at `{json_path}`: {source}"
    )]
    Decode {
        request: Box<RequestInfo>,
        status: u16,
        json_path: String,
        #[source]
        source: serde_json::Error,
    },

    /// A paginated listing returned a cursor it had already returned, or a page of items
    /// already read, so following it would loop forever.
    #[error(
        "{request} repeated {repeated} after {pages_read} page(s); stopped instead of looping"
    )]
    RepeatedPage {
        request: Box<RequestInfo>,
        repeated: String,
        pages_read: u32,
    },

    /// An argument was rejected before any request was sent.
    #[error("invalid {argument}: {reason}")]
    InvalidArgument { argument: String, reason: String },

    /// A connection setting is missing or invalid. The message names the setting and never
    /// includes a credential's value.
    #[error("invalid configuration: {setting} {reason}")]
    Configuration { setting: String, reason: String },
    // Feed download and feed read errors.
    /// No row within the search window carries the required column names. With
    /// `rows_searched` 0 the feed has no rows at all.
    #[error("{}", header_not_found(*rows_searched, required))]
    FeedHeaderNotFound {
        rows_searched: usize,
        /// The required column names, comma-separated.
        required: String,
    },

    /// The file ended inside a quoted field, so its last record is cut short.
    #[error(
        "ProdList feed ends inside a quoted field opened in the record at line {line}; \
         the file is truncated or malformed, download it again"
    )]
    FeedUnterminatedQuote { line: u64 },

    /// The file's last row has no line end, so it may be cut short: a cut inside the
    /// last column leaves every column in place. The row is not read.
    #[error(
        "ProdList feed ends without a line end after the row at line {line} ({fields} of \
         {columns} columns), so the file looks truncated and that row may be cut short; \
         download it again (a whole ProdList.csv ends with a line end)"
    )]
    FeedLastRowCut {
        line: u64,
        fields: usize,
        columns: usize,
    },

    /// The body is shorter than the length its source announced.
    #[error(
        "ProdList feed is truncated: expected {expected_bytes} bytes, received \
         {received_bytes}; download it again"
    )]
    FeedTruncated {
        expected_bytes: u64,
        received_bytes: u64,
    },

    /// The file ends inside its header row, which may then miss columns, or inside a line
    /// before it. No data row follows.
    #[error(
        "ProdList feed ends inside line {line}, before its header row is complete, so the \
         file is truncated; download it again (a whole ProdList.csv ends every row with a \
         line end)"
    )]
    FeedHeaderCut { line: u64 },

    /// The header was found but no data row follows it.
    #[error(
        "ProdList feed has a header at line {header_line} but no data rows; refusing to \
         treat it as an empty catalog"
    )]
    FeedEmpty { header_line: u64 },

    /// Reading the feed bytes failed.
    #[error("reading the ProdList feed failed near line {line}")]
    FeedRead {
        line: u64,
        #[source]
        source: std::io::Error,
    },

    /// Opening, creating or writing a local feed file failed.
    #[error("feed file {path} could not be opened or written")]
    FeedFile {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The feed URL is malformed or uses a scheme the downloader does not support.
    #[error("feed URL {url} is not supported: {reason}")]
    FeedUrl { url: String, reason: String },

    /// An HTTP feed download failed after all retries. `url` has its credentials removed.
    #[error("downloading the feed from {url} failed {}", after_attempts(*attempts))]
    FeedHttp {
        url: String,
        /// Attempts made, the first one included.
        attempts: usize,
        #[source]
        source: reqwest::Error,
    },

    /// The feed server returned a non-success HTTP status.
    #[error("feed server at {url} returned HTTP {status} {}; {hint}", after_attempts(*attempts))]
    FeedHttpStatus {
        url: String,
        status: u16,
        /// Attempts made, the first one included.
        attempts: usize,
        hint: &'static str,
    },

    /// The download ended before the announced length (Content-Length or FTP SIZE).
    #[error(
        "feed download from {url} is incomplete {}: expected {expected_bytes} bytes, \
         received {received_bytes}; try again later",
        after_attempts(*attempts)
    )]
    FeedDownloadIncomplete {
        url: String,
        expected_bytes: u64,
        received_bytes: u64,
        /// Attempts made, the first one included.
        attempts: usize,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// An FTP or FTPS feed download failed. `url` has its credentials removed.
    #[error("FTP feed download from {url} failed while {step} {}", after_attempts(*attempts))]
    FeedFtp {
        url: String,
        step: &'static str,
        /// Attempts made, the first one included.
        attempts: usize,
        #[source]
        source: suppaftp::FtpError,
    },
}

/// The step of [`Error::FeedFtp`] that opens the connection and reads the greeting.
pub(crate) const FTP_CONNECTING: &str = "connecting";
/// The step of [`Error::FeedFtp`] that switches an `ftps` connection to TLS.
pub(crate) const FTP_STARTING_TLS: &str = "starting TLS";
/// The step of [`Error::FeedFtp`] that sends the user and password.
pub(crate) const FTP_LOGGING_IN: &str = "logging in (check the connection's username and password)";

/// Describes whether a request that failed in transport may have changed anything at
/// Petra. A request whose method is safe (GET, HEAD, OPTIONS, TRACE) changes nothing,
/// even when it reached Petra, so its message states that it can be sent again.
fn delivery_text(request: &RequestInfo, delivery: Delivery) -> String {
    match delivery {
        Delivery::OutcomeUnknown if request.method.is_safe() => format!(
            "no complete response came back, but a {} changes nothing at Petra, so sending \
             it again is safe",
            request.method
        ),
        Delivery::NotSent | Delivery::OutcomeUnknown => delivery.to_string(),
    }
}

/// Formats the attempt count of a failed download, such as "after 4 attempts".
fn after_attempts(attempts: usize) -> String {
    if attempts == 1 {
        "after 1 attempt".to_owned()
    } else {
        format!("after {attempts} attempts")
    }
}

impl Error {
    /// Builds a configuration error for `setting`.
    pub(crate) fn configuration(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Configuration {
            setting: setting.into(),
            reason: reason.into(),
        }
    }

    /// Returns the reply Petra sent, for errors that come from a non-2xx response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Authentication { api, .. }
            | Self::AccessNotEnabled { api }
            | Self::NotFound { api, .. }
            | Self::DuplicatePo { api, .. }
            | Self::Validation { api, .. }
            | Self::RateLimited { api, .. }
            | Self::Server { api, .. }
            | Self::UnexpectedStatus { api } => Some(api),
            _ => None,
        }
    }

    /// Records that a failed download made `count` attempts, the first one included.
    pub(crate) fn set_attempts(&mut self, count: usize) {
        match self {
            Self::FeedHttp { attempts, .. }
            | Self::FeedHttpStatus { attempts, .. }
            | Self::FeedDownloadIncomplete { attempts, .. }
            | Self::FeedFtp { attempts, .. } => *attempts = count,
            _ => {}
        }
    }

    /// Reports whether a feed download failed to connect to the feed server: connection
    /// refused, DNS or TLS failure, or connect timeout. No request reached the server.
    pub fn feed_not_connected(&self) -> bool {
        match self {
            Self::FeedHttp { source, .. } => source.is_connect(),
            Self::FeedFtp { step, source, .. } => {
                let connect_step = matches!(*step, FTP_CONNECTING | FTP_STARTING_TLS);
                connect_step
                    && matches!(
                        source,
                        suppaftp::FtpError::ConnectionError(_) | suppaftp::FtpError::SecureError(_)
                    )
            }
            _ => false,
        }
    }

    /// Reports whether the FTP feed server rejected the login (reply `530`), which
    /// fails the same way on every attempt until the credentials change.
    pub fn feed_login_rejected(&self) -> bool {
        matches!(
            self,
            Self::FeedFtp {
                step: FTP_LOGGING_IN,
                source: suppaftp::FtpError::UnexpectedResponse(response),
                ..
            } if response.status == suppaftp::Status::NotLoggedIn
        )
    }

    /// Reports whether a failed request may still have taken effect at Petra. That is a
    /// transport failure after the request may have been sent, or a `502` or `504` to a
    /// POST, because a gateway sends those after forwarding the request. An order
    /// creation in that state needs a PO lookup before it is sent again.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Transport { delivery, .. } => *delivery == Delivery::OutcomeUnknown,
            Self::Server { api, .. } => {
                api.request.method == reqwest::Method::POST && matches!(api.status, 502 | 504)
            }
            _ => false,
        }
    }
}

/// Builds the message for a missing ProdList header, or for an empty feed when no row
/// was read at all.
fn header_not_found(rows_searched: usize, required: &str) -> String {
    if rows_searched == 0 {
        return "ProdList feed is empty: it has no rows; check that the file was written \
                completely, or download it again"
            .to_owned();
    }
    let rows = match rows_searched {
        1 => "its first row".to_owned(),
        rows => format!("the first {rows} rows"),
    };
    format!(
        "ProdList header row not found in {rows}: expected a row with the columns \
         {required}; check that the file is a Petra ProdList.csv"
    )
}
