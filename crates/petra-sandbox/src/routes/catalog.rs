use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::{Extension, Json};
use petra_client::wire::CatalogPage;

use super::PageQuery;
use crate::api_error::ApiError;
use crate::auth::Authenticated;
use crate::faults::engine::FiredFaults;
use crate::state::AppState;

/// `GET /v1/catalog/products?limit=&cursor=`: products in `product_id` order.
pub(super) async fn list_products(
    _account: Authenticated,
    State(state): State<Arc<AppState>>,
    fired: Option<Extension<FiredFaults>>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<CatalogPage>, ApiError> {
    let query = PageQuery::from_extractor(query)?;
    let limit = query.limit()?;

    let (products, mut next_cursor) = state
        .catalog
        .page(query.cursor(), limit)
        .map_err(|_| ApiError::bad_field("cursor", "not a cursor this server returned"))?;

    if fired.is_some_and(|Extension(fired)| fired.repeat_page) {
        next_cursor = query.cursor().map(str::to_owned);
    }
    Ok(Json(CatalogPage {
        products,
        next_cursor,
    }))
}
