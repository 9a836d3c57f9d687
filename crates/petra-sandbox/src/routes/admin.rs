//! `/sandbox` control endpoints. They need no credentials and never fail on purpose.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::parse_json;
use crate::admin::{AdminView, ClockAdvance, ClockReading};
use crate::api_error::ApiError;
use crate::faults::engine::{FaultEngine, FaultReport};
use crate::faults::FaultConfig;
use crate::state::AppState;

pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/orders", get(admin_orders))
        .route("/clock", get(clock_now))
        .route("/clock/advance", post(advance_clock))
        .route(
            "/faults",
            get(fault_report).put(replace_faults).delete(clear_faults),
        )
}

async fn admin_orders(State(state): State<Arc<AppState>>) -> Json<AdminView> {
    Json(state.book().admin_view(state.clock.now()))
}

async fn clock_now(State(state): State<Arc<AppState>>) -> Json<ClockReading> {
    Json(ClockReading {
        now: state.clock.now(),
    })
}

async fn advance_clock(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<ClockReading>, ApiError> {
    let advance: ClockAdvance = parse_json(&body)?;

    let now = state.clock.advance(advance.duration());
    tracing::info!(%now, "sandbox clock advanced");
    Ok(Json(ClockReading { now }))
}

async fn fault_report(State(state): State<Arc<AppState>>) -> Json<FaultReport> {
    Json(state.faults().report())
}

async fn replace_faults(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<FaultReport>, ApiError> {
    let config: FaultConfig = parse_json(&body)?;
    config
        .validate()
        .map_err(|error| ApiError::bad_request(error.to_string()))?;

    tracing::info!(rules = config.rules.len(), "sandbox faults replaced");
    let mut faults = state.faults();
    *faults = FaultEngine::new(config);
    Ok(Json(faults.report()))
}

async fn clear_faults(State(state): State<Arc<AppState>>) -> Json<FaultReport> {
    tracing::info!("sandbox faults cleared");
    let mut faults = state.faults();
    *faults = FaultEngine::new(FaultConfig::none());
    Json(faults.report())
}
