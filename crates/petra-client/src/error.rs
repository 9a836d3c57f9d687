//! The crate's one error type.

/// Everything that can fail in `petra-client`: API calls, feed downloads and feed reads.
///
/// Per-row problems of a feed are not errors of this type: the reader reports them as
/// data and goes on with the next row.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // API errors.

    // Feed download and feed read errors.
    /// No row within the search window carries the required column names.
    #[error(
        "ProdList header row not found in the first {rows_searched} rows: expected a row \
         with the columns {required}; check that the file is a Petra ProdList.csv"
    )]
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

    /// The body is shorter than the length its source announced.
    #[error(
        "ProdList feed is truncated: expected {expected_bytes} bytes, received \
         {received_bytes}; download it again"
    )]
    FeedTruncated {
        expected_bytes: u64,
        received_bytes: u64,
    },

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
    #[error("downloading the feed from {url} failed")]
    FeedHttp {
        url: String,
        #[source]
        source: reqwest::Error,
    },

    /// The feed server returned a non-success HTTP status.
    #[error("feed server at {url} returned HTTP {status}; {hint}")]
    FeedHttpStatus {
        url: String,
        status: u16,
        hint: &'static str,
    },

    /// The download ended before the announced length (Content-Length or FTP SIZE).
    #[error(
        "feed download from {url} is incomplete: expected {expected_bytes} bytes, received \
         {received_bytes}; try again later"
    )]
    FeedDownloadIncomplete {
        url: String,
        expected_bytes: u64,
        received_bytes: u64,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// An FTP or FTPS feed download failed. `url` has its credentials removed.
    #[error("FTP feed download from {url} failed while {step}")]
    FeedFtp {
        url: String,
        step: &'static str,
        #[source]
        source: suppaftp::FtpError,
    },
}
