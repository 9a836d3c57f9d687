//! The middleware that applies fired faults to a request and its response.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::stream;

use super::engine::{EarlyResponse, FiredFaults};
use super::RouteSelector;
use crate::api_error::ApiError;
use crate::server::ConnectionKill;
use crate::state::AppState;

/// The route a fault layer guards, with the shared state.
#[derive(Clone)]
pub(crate) struct FaultScope {
    pub state: Arc<AppState>,
    pub route: RouteSelector,
}

/// Applies the faults that fire for this request. Handlers read the fired set from the
/// request extensions (a repeated page, a dropped order response).
pub(crate) async fn apply_faults(
    State(scope): State<FaultScope>,
    mut request: Request,
    next: Next,
) -> Response {
    let has_cursor = request
        .uri()
        .query()
        .is_some_and(|query| query.split('&').any(|pair| pair.starts_with("cursor=")));
    let fired = scope.state.faults().fire(scope.route, has_cursor);
    if fired != FiredFaults::default() {
        tracing::debug!(route = ?scope.route, faults = ?fired, "injecting faults");
    }

    if !fired.latency.is_zero() {
        tokio::time::sleep(fired.latency).await;
    }
    let kill = request.extensions().get::<ConnectionKill>().cloned();
    if fired.drop_before_handling {
        return drop_unhandled(kill).await;
    }
    match fired.early {
        Some(EarlyResponse::ServerError { status }) => {
            return ApiError::server_error(status).into_response()
        }
        Some(EarlyResponse::RateLimited { retry_after }) => {
            let value = retry_after.header_value(std::time::SystemTime::now());
            return ApiError::rate_limited(value).into_response();
        }
        None => {}
    }

    request.extensions_mut().insert(fired.clone());
    let response = next.run(request).await;

    if fired.drop_connection {
        match kill {
            Some(kill) => {
                kill.fire();
                // The connection task drops this future with the connection.
                return std::future::pending().await;
            }
            None => {
                tracing::warn!("cannot drop the connection outside the sandbox server; responding")
            }
        }
    }
    if fired.truncate_body {
        return truncate(response).await;
    }
    response
}

/// Closes the connection without handling the request. Outside the sandbox server there
/// is no connection to close, so it responds 503 instead, which still stores nothing.
async fn drop_unhandled(kill: Option<ConnectionKill>) -> Response {
    match kill {
        Some(kill) => {
            kill.fire();
            // The connection task drops this future with the connection.
            std::future::pending().await
        }
        None => {
            tracing::warn!(
                "cannot drop the connection outside the sandbox server; responding 503 unhandled"
            );
            ApiError::server_error(503).into_response()
        }
    }
}

/// Keeps the status and headers, announces the full length, sends half the body and then
/// fails the body stream, which makes the server close the connection mid-body.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(full) => full,
        Err(error) => {
            tracing::warn!(%error, "failed to buffer a response to truncate");
            return ApiError::server_error(500).into_response();
        }
    };

    let sent = full.slice(..full.len() / 2);
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(full.len()));
    let chunks = stream::unfold(Truncation::SendPart(sent), |step| async move {
        match step {
            Truncation::SendPart(sent) => Some((Ok(sent), Truncation::Fail)),
            Truncation::Fail => {
                // Yielding once lets hyper flush the headers and the partial body before
                // the error makes it close the connection.
                tokio::task::yield_now().await;
                let error = std::io::Error::other("body truncated on purpose (injected fault)");
                Some((Err(error), Truncation::Done))
            }
            Truncation::Done => None,
        }
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// The steps of a truncated body stream.
enum Truncation {
    SendPart(axum::body::Bytes),
    Fail,
    Done,
}
