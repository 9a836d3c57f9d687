//! Petra's JSON error responses.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use petra_client::wire::{error_codes, ErrorBody, ErrorDetail, FieldProblem};

/// An error response: status, Petra's error body and any header the status needs.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    body: ErrorDetail,
    retry_after: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                details: Vec::new(),
            },
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error_codes::BAD_REQUEST, message)
    }

    pub(crate) fn bad_field(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        let mut error = Self::bad_request(format!("invalid query parameter `{field}`: {reason}"));
        error.body.details.push(FieldProblem {
            field: field.to_owned(),
            reason,
        });
        error
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, error_codes::UNAUTHORIZED, message)
    }

    pub(crate) fn api_access_disabled(account_id: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            error_codes::API_ACCESS_DISABLED,
            format!("API access is not enabled for account {account_id}"),
        )
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, error_codes::NOT_FOUND, message)
    }

    pub(crate) fn duplicate_po(po: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            error_codes::DUPLICATE_PO,
            format!("an order with PO number {po} already exists"),
        )
    }

    pub(crate) fn validation_failed(details: Vec<FieldProblem>) -> Self {
        let message = match details.len() {
            1 => "1 field is missing or invalid".to_owned(),
            n => format!("{n} fields are missing or invalid"),
        };
        let mut error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            error_codes::VALIDATION_FAILED,
            message,
        );
        error.body.details = details;
        error
    }

    pub(crate) fn rate_limited(retry_after: String) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            error_codes::RATE_LIMITED,
            format!("too many requests; retry after {retry_after}"),
        );
        error.retry_after = Some(retry_after);
        error
    }

    /// Builds a 5xx error. A `status` outside 500..=599 becomes 500.
    pub(crate) fn server_error(status: u16) -> Self {
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(StatusCode::is_server_error)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::new(
            status,
            error_codes::SERVER_ERROR,
            "the sandbox failed this request on purpose (injected fault)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut response = (status, Json(ErrorBody { error: self.body })).into_response();

        let headers = response.headers_mut();
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Petra sandbox\""),
            );
        }
        if let Some(value) = self
            .retry_after
            .and_then(|v| HeaderValue::from_str(&v).ok())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        response
    }
}
