use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{
    ACCEPT_ENCODING, CONTENT_DISPOSITION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, VARY,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::auth::FeedLogin;
use crate::state::AppState;

/// `GET /v1/feed/ProdList.csv`: the catalog file, gzip-compressed when the request accepts
/// gzip. Like Petra's feed server, it requires the account's HTTP Basic credentials and
/// returns 401 without them or with wrong ones. An account without API access may still
/// download it.
pub(super) async fn download(
    login: FeedLogin,
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Response {
    tracing::debug!(account = %login.account_id, "feed download");
    let gzip = accepts_gzip(&headers);
    let body = if gzip {
        state.feed.gzip.clone()
    } else {
        state.feed.plain.clone()
    };

    let mut response_headers = HeaderMap::new();
    response_headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/csv"));
    response_headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"ProdList.csv\""),
    );
    response_headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    response_headers.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzip {
        response_headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    (response_headers, body).into_response()
}

/// True when an `Accept-Encoding` header lists `gzip` (or `*`) with a non-zero quality.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|param| {
                param
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn gzip_among_codings_is_accepted() {
        assert!(accepts_gzip(&headers("br, gzip;q=0.8")));
    }

    #[test]
    fn zero_quality_refuses_gzip() {
        assert!(!accepts_gzip(&headers("gzip;q=0")));
    }

    #[test]
    fn no_header_means_plain() {
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
