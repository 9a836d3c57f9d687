//! The HTTP routes: Petra's API under `/v1`, the sandbox controls under `/sandbox`.
//!
//! - [`ping`]: `GET /v1/ping`.
//! - [`catalog`]: `GET /v1/catalog/products`.
//! - [`feed`]: `GET /v1/feed/ProdList.csv`.
//! - [`orders`]: `POST /v1/orders`, `GET /v1/orders/{po}`.
//! - [`shipments`]: `GET /v1/shipments`, `GET /v1/orders/{po}/shipments`.
//! - [`admin`]: the `/sandbox` control endpoints (admin view, clock, faults).

mod admin;
mod catalog;
mod feed;
mod orders;
mod ping;
mod shipments;

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::{Method, Uri};
use axum::middleware;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use petra_client::wire::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::api_error::ApiError;
use crate::faults::layer::{apply_faults, FaultScope};
use crate::faults::RouteSelector;
use crate::state::AppState;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let faulty = |route: RouteSelector, method_router: MethodRouter<Arc<AppState>>| {
        let scope = FaultScope {
            state: Arc::clone(&state),
            route,
        };
        method_router.layer(middleware::from_fn_with_state(scope, apply_faults))
    };

    let api = Router::new()
        .route("/ping", faulty(RouteSelector::Ping, get(ping::ping)))
        .route(
            "/catalog/products",
            faulty(RouteSelector::Catalog, get(catalog::list_products)),
        )
        .route(
            "/feed/ProdList.csv",
            faulty(RouteSelector::Feed, get(feed::download)),
        )
        .route(
            "/orders",
            faulty(RouteSelector::CreateOrder, post(orders::create_order)),
        )
        .route(
            "/orders/{po}",
            faulty(RouteSelector::GetOrder, get(orders::get_order)),
        )
        .route(
            "/orders/{po}/shipments",
            faulty(
                RouteSelector::OrderShipments,
                get(shipments::order_shipments),
            ),
        )
        .route(
            "/shipments",
            faulty(RouteSelector::Shipments, get(shipments::list_shipments)),
        );

    Router::new()
        .nest("/v1", api)
        .nest("/sandbox", admin::router())
        .fallback(unknown_route)
        .with_state(state)
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {method} {}", uri.path()))
}

/// Query parameters of the paged listings.
#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
    shipped_since: Option<String>,
}

impl PageQuery {
    pub(crate) fn from_extractor(
        query: Result<Query<Self>, QueryRejection>,
    ) -> Result<Self, ApiError> {
        query.map(|Query(query)| query).map_err(|rejection| {
            ApiError::bad_request(format!("invalid query string: {rejection}"))
        })
    }

    /// `limit`, 1 to `MAX_PAGE_LIMIT`, `DEFAULT_PAGE_LIMIT` when absent.
    pub(crate) fn limit(&self) -> Result<usize, ApiError> {
        let Some(text) = self.limit.as_deref() else {
            return Ok(DEFAULT_PAGE_LIMIT as usize);
        };
        match text.parse::<u32>() {
            Ok(limit) if (1..=MAX_PAGE_LIMIT).contains(&limit) => Ok(limit as usize),
            _ => Err(ApiError::bad_field(
                "limit",
                format!("must be an integer from 1 to {MAX_PAGE_LIMIT}, got `{text}`"),
            )),
        }
    }

    pub(crate) fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref().filter(|cursor| !cursor.is_empty())
    }
}

/// Parses a JSON body into `T`, returning a 400 error with serde's reason when it does not fit.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request(format!("invalid JSON body: {error}")))
}
