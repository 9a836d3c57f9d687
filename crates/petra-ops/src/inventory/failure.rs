//! Classification of a failed retrieval beyond its message: whether Petra rejected the
//! credentials, and whether any request reached Petra at all.

use petra_client::{Delivery, Error};

/// The kind of a retrieval failure, so the report can tell a credentials or connection
/// failure from a catalog that was cut short.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FailureKind {
    /// True when Petra or the feed server rejected the credentials, or the account has
    /// no API access. Running again fails the same way.
    pub fatal: bool,
    /// HTTP status of a fatal failure: `401` or `403`. `None` for an FTP login rejection,
    /// which has no HTTP status.
    pub fatal_status: Option<u16>,
    /// True when the first request failed to connect (refused, DNS or TLS failure, or
    /// connect timeout), so nothing reached Petra or the feed server.
    pub unreachable: bool,
}

impl FailureKind {
    /// Classifies `error`, where `received` is true when a record arrived before it.
    pub fn of(error: &Error, received: bool) -> Self {
        let fatal_status = match error {
            Error::Authentication { api, .. } | Error::AccessNotEnabled { api } => Some(api.status),
            Error::FeedHttpStatus { status, .. } if matches!(status, 401 | 403) => Some(*status),
            _ => None,
        };
        let not_connected = match error {
            Error::Transport {
                delivery: Delivery::NotSent,
                ..
            } => true,
            other => other.feed_not_connected(),
        };

        Self {
            fatal: fatal_status.is_some() || error.feed_login_rejected(),
            fatal_status,
            unreachable: !received && not_connected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_status(status: u16) -> Error {
        Error::FeedHttpStatus {
            url: "http://127.0.0.1:9/ProdList.csv".to_owned(),
            status,
            attempts: 1,
            hint: "check the credentials",
        }
    }

    #[test]
    fn feed_login_rejection_is_fatal() {
        assert_eq!(
            FailureKind::of(&feed_status(401), false).fatal_status,
            Some(401)
        );
        assert_eq!(
            FailureKind::of(&feed_status(403), false).fatal_status,
            Some(403)
        );
    }

    #[test]
    fn feed_server_error_is_not_fatal() {
        assert_eq!(
            FailureKind::of(&feed_status(503), false),
            FailureKind::default()
        );
    }
}
