use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use petra_client::wire::Order;
use petra_client::PoNumber;
use serde_json::{Map, Value};

use crate::admin::{AttemptOutcome, CreateAttempt};
use crate::api_error::ApiError;
use crate::auth::Authenticated;
use crate::faults::engine::FiredFaults;
use crate::order_book::DuplicatePo;
use crate::state::AppState;
use crate::validation::{po_number_of, validate_order};

/// `POST /v1/orders`: validates, rejects a known PO with 409 and stores the order with its
/// shipping plan. Every request that gets this far is recorded for the admin view.
#[tracing::instrument(skip_all, fields(account = %account.account_id))]
pub(super) async fn create_order(
    account: Authenticated,
    State(state): State<Arc<AppState>>,
    fired: Option<Extension<FiredFaults>>,
    body: Bytes,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let now = state.clock.now();
    let response_dropped = fired.is_some_and(|Extension(fired)| fired.drop_connection);
    let record = |po: Option<&PoNumber>, outcome| {
        let attempt = CreateAttempt {
            received_at: now,
            outcome,
            response_dropped,
        };
        state.book().record_attempt(po, attempt);
    };

    let body: Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => {
            record(None, AttemptOutcome::BadRequest);
            return Err(ApiError::bad_request(format!(
                "the request body must be a JSON object: {error}"
            )));
        }
    };
    let po = po_number_of(&body);

    let request = match validate_order(&body, &state.catalog) {
        Ok(request) => request,
        Err(problems) => {
            tracing::debug!(po = ?po, problems = problems.len(), "order failed validation");
            record(po.as_ref(), AttemptOutcome::ValidationFailed);
            return Err(ApiError::validation_failed(problems));
        }
    };

    let created = state.book().create(request, now, &state.shipping);
    match created {
        Ok(order) => {
            tracing::debug!(po = %order.po_number, order_id = %order.order_id, "order stored");
            record(Some(&order.po_number), AttemptOutcome::Stored);
            Ok((StatusCode::CREATED, Json(order)))
        }
        Err(DuplicatePo) => {
            let key = po
                .as_ref()
                .map(PoNumber::key)
                .unwrap_or_default()
                .to_owned();
            record(po.as_ref(), AttemptOutcome::DuplicatePo);
            Err(ApiError::duplicate_po(&key))
        }
    }
}

/// `GET /v1/orders/{po}`, matching the PO ignoring letter case.
pub(super) async fn get_order(
    _account: Authenticated,
    State(state): State<Arc<AppState>>,
    Path(po): Path<String>,
) -> Result<Json<Order>, ApiError> {
    let po = PoNumber::new(po);
    let order = state.book().order(&po, state.clock.now());
    order
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no order with PO number {}", po.key())))
}
