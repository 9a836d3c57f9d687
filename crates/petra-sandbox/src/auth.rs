//! HTTP Basic authentication against the configured accounts.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::ExposeSecret;

use crate::api_error::ApiError;
use crate::config::Account;
use crate::state::AppState;

/// The account a request authenticated as. Extracting it rejects the request with 401 on
/// missing or wrong credentials and 403 when the account has no API access.
#[derive(Debug, Clone)]
pub(crate) struct Authenticated {
    pub account_id: String,
}

impl FromRequestParts<Arc<AppState>> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let account = account_of(parts, state)?;

        if !account.api_access {
            return Err(ApiError::api_access_disabled(&account.account_id));
        }
        Ok(Self {
            account_id: account.account_id.clone(),
        })
    }
}

/// The account a feed download authenticated as. Extracting it checks the credentials
/// the way the API does (401 on missing or wrong ones), but not API access, because
/// downloading the feed is not an API call.
#[derive(Debug, Clone)]
pub(crate) struct FeedLogin {
    pub account_id: String,
}

impl FromRequestParts<Arc<AppState>> for FeedLogin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let account = account_of(parts, state)?;
        Ok(Self {
            account_id: account.account_id.clone(),
        })
    }
}

/// Finds the account whose username or API key and password the request's HTTP Basic
/// credentials name, or rejects the request with 401.
fn account_of<'a>(parts: &Parts, state: &'a AppState) -> Result<&'a Account, ApiError> {
    let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized("missing Authorization header; send HTTP Basic credentials")
    })?;
    let (user, password) = basic_credentials(header.as_bytes()).ok_or_else(|| {
        ApiError::unauthorized(
            "malformed Authorization header; expected `Basic base64(user:password)`",
        )
    })?;

    state
        .accounts
        .iter()
        .find(|account| identifies(account, &user) && account.password.expose_secret() == password)
        .ok_or_else(|| {
            tracing::debug!("rejected credentials");
            // The reply states only the fact, because the client adds the advice, as it
            // does for Petra's own replies.
            ApiError::unauthorized("invalid credentials")
        })
}

fn identifies(account: &Account, user: &str) -> bool {
    account.username == user
        || account
            .api_key
            .as_ref()
            .is_some_and(|key| key.expose_secret() == user)
}

/// Decodes the user and password of a `Basic` Authorization header value.
fn basic_credentials(value: &[u8]) -> Option<(String, String)> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }

    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_decodes() {
        let header = format!("Basic {}", STANDARD.encode("dealer:pa:ss"));

        let (user, password) = basic_credentials(header.as_bytes()).unwrap();

        assert_eq!(user, "dealer");
        assert_eq!(password, "pa:ss");
    }

    #[test]
    fn other_scheme_is_rejected() {
        assert!(basic_credentials(b"Bearer abc").is_none());
    }

    #[test]
    fn bad_base64_is_rejected() {
        assert!(basic_credentials(b"Basic %%%").is_none());
    }
}
