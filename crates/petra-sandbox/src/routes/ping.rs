use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use petra_client::wire::PingResponse;

use crate::auth::Authenticated;
use crate::state::AppState;

/// `GET /v1/ping`: proves the credentials work and API access is enabled.
pub(super) async fn ping(
    account: Authenticated,
    State(state): State<Arc<AppState>>,
) -> Json<PingResponse> {
    Json(PingResponse {
        account: account.account_id,
        api_access: true,
        server_time: state.clock.now(),
    })
}
