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
    #[error("API access is not enabled for this Petra account: {api}; ask Petra to enable API access for the account")]
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
    #[error("{request} failed after {attempts} attempt(s) and {delivery}")]
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
