use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use petra_client::wire::ShipmentPage;
use petra_client::PoNumber;

use super::PageQuery;
use crate::api_error::ApiError;
use crate::auth::Authenticated;
use crate::faults::engine::FiredFaults;
use crate::state::AppState;

/// `GET /v1/shipments?shipped_since=&limit=&cursor=`: shipments sent from `shipped_since`
/// up to the sandbox's now, oldest first. None yet is an empty list, never an error.
pub(super) async fn list_shipments(
    _account: Authenticated,
    State(state): State<Arc<AppState>>,
    fired: Option<Extension<FiredFaults>>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<ShipmentPage>, ApiError> {
    let query = PageQuery::from_extractor(query)?;
    let limit = query.limit()?;
    let since = parse_shipped_since(query.shipped_since.as_deref())?;

    let page = state
        .book()
        .shipments_since(since, state.clock.now(), query.cursor(), limit);
    let (shipments, mut next_cursor) =
        page.map_err(|_| ApiError::bad_field("cursor", "not a cursor this server returned"))?;

    if fired.is_some_and(|Extension(fired)| fired.repeat_page) {
        next_cursor = query.cursor().map(str::to_owned);
    }
    Ok(Json(ShipmentPage {
        shipments,
        next_cursor,
    }))
}

/// `GET /v1/orders/{po}/shipments`: 404 only when the PO is unknown.
pub(super) async fn order_shipments(
    _account: Authenticated,
    State(state): State<Arc<AppState>>,
    Path(po): Path<String>,
) -> Result<Json<ShipmentPage>, ApiError> {
    let po = PoNumber::new(po);
    let shipments = state.book().shipments_for(&po, state.clock.now());
    let shipments = shipments
        .ok_or_else(|| ApiError::not_found(format!("no order with PO number {}", po.key())))?;
    Ok(Json(ShipmentPage {
        shipments,
        next_cursor: None,
    }))
}

fn parse_shipped_since(value: Option<&str>) -> Result<DateTime<Utc>, ApiError> {
    let text = value.ok_or_else(|| ApiError::bad_field("shipped_since", "missing"))?;
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::bad_field(
                "shipped_since",
                format!("must be an RFC 3339 time such as 2026-06-01T00:00:00Z, got `{text}`"),
            )
        })
}
