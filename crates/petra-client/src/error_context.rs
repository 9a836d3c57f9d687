//! Structured context carried by the API variants of [`Error`](crate::Error): which
//! request failed, what Petra replied, and what the caller should check next.

use std::fmt;

use reqwest::Method;
use url::Url;

use crate::credentials::CredentialField;
use crate::ids::PoNumber;
use crate::wire::FieldProblem;

/// The request an error belongs to. It drops the user info, query string and fragment of
/// the URL, so nothing passed in them reaches a log or an error through this type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    /// Name of the connection that sent the request.
    pub connection: String,
    pub method: Method,
    /// Scheme, host, port and path of the request URL.
    pub url: Url,
    /// The path of `url`.
    pub path: String,
}

impl RequestInfo {
    /// Describes a request to `url`, dropping its user info, query and fragment.
    pub(crate) fn new(connection: &str, method: Method, url: &Url) -> Self {
        let redacted = without_secrets(url);
        Self {
            connection: connection.to_owned(),
            method,
            path: redacted.path().to_owned(),
            url: redacted,
        }
    }
}

impl fmt::Display for RequestInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} (connection `{}`)",
            self.method, self.url, self.connection
        )
    }
}

/// A non-2xx reply from Petra: the request, the HTTP status and Petra's error body.
///
/// When the body is not the documented error JSON, `code` is `unknown` and `message` is
/// the start of the body text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub request: RequestInfo,
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} returned {} `{}`: {}",
            self.request, self.status, self.code, self.message
        )
    }
}

/// The credentials to check after Petra rejected them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthHint {
    /// Credentials Petra named as wrong, or both when Petra did not say which.
    pub check: Vec<CredentialField>,
    /// Credentials that had leading or trailing whitespace trimmed when they were loaded.
    pub whitespace_trimmed: Vec<CredentialField>,
}

impl fmt::Display for AuthHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "check the {} of this connection",
            join_fields(&self.check)
        )?;

        if !self.whitespace_trimmed.is_empty() {
            write!(
                f,
                "; leading or trailing whitespace was trimmed from the {} when loaded, so \
                 compare the stored value with the one Petra issued",
                join_fields(&self.whitespace_trimmed)
            )?;
        }
        Ok(())
    }
}

fn join_fields(fields: &[CredentialField]) -> String {
    let names: Vec<String> = fields.iter().map(ToString::to_string).collect();
    names.join(" and ")
}

/// The thing a `404 Not Found` was about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotFoundTarget {
    /// No order with this PO number exists at Petra.
    Order(PoNumber),
    /// The URL path itself is unknown, which usually means a wrong base URL.
    Path(String),
}

impl fmt::Display for NotFoundTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Order(po) => write!(f, "order with PO {po}"),
            Self::Path(path) => write!(f, "URL path {path} (check the connection's base URL)"),
        }
    }
}

/// Whether a request that failed in transport may have reached Petra.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The request never left the client (connection refused, DNS failure, TLS failure,
    /// connect timeout), so resending it cannot create a duplicate.
    NotSent,
    /// The request may have reached Petra but no complete response came back (timeout,
    /// connection dropped). For an order, look the PO up before sending it again.
    OutcomeUnknown,
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSent => f.write_str("the request was not sent"),
            Self::OutcomeUnknown => f.write_str("the request may have reached Petra"),
        }
    }
}

/// Formats field problems as `field: reason; field: reason`.
pub(crate) fn format_problems(problems: &[FieldProblem]) -> String {
    if problems.is_empty() {
        return "no field details given".to_owned();
    }

    let parts: Vec<String> = problems
        .iter()
        .map(|problem| format!("{}: {}", problem.field, problem.reason))
        .collect();
    parts.join("; ")
}

/// Formats an optional wait for messages.
pub(crate) fn format_retry_after(retry_after: &Option<std::time::Duration>) -> String {
    match retry_after {
        Some(wait) => format!("Petra asked to retry after {:.1} s", wait.as_secs_f64()),
        None => "Petra gave no Retry-After".to_owned(),
    }
}

/// Returns `url` without its user info, query and fragment, the parts that may carry
/// credentials or tokens.
pub(crate) fn without_secrets(url: &Url) -> Url {
    let mut redacted = url.clone();
    // Both setters fail only for URLs that cannot have user info, which then have none.
    let _ = redacted.set_username("");
    let _ = redacted.set_password(None);
    redacted.set_query(None);
    redacted.set_fragment(None);
    redacted
}

/// Formats an error with its sources, such as "error sending request: ... Connection
/// refused", because reqwest and the FTP client keep the cause in `source`.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
