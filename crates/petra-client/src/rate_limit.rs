//! The client-side rate limiter shared by every request of one connection.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultDirectRateLimiter, Quota};

/// How many requests per second a connection may send, with a burst allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests_per_second: NonZeroU32,
    /// Requests that may go out back to back before the per-second rate applies.
    pub burst: NonZeroU32,
}

impl RateLimit {
    /// `requests_per_second` with a burst of the same size.
    pub fn per_second(requests_per_second: NonZeroU32) -> Self {
        Self {
            requests_per_second,
            burst: requests_per_second,
        }
    }
}

impl Default for RateLimit {
    /// Five requests per second, burst of five.
    // NOTE: Petra publishes no rate limit. Five per second is a guess, low enough to be
    // polite and high enough that a catalog crawl of a few thousand products is quick.
    fn default() -> Self {
        Self::per_second(NonZeroU32::new(5).expect("5 is non-zero"))
    }
}

/// A rate limiter cheap to clone: clones share one quota.
#[derive(Clone)]
pub(crate) struct SharedLimiter(Arc<DefaultDirectRateLimiter>);

impl SharedLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        let quota = Quota::per_second(limit.requests_per_second).allow_burst(limit.burst);
        Self(Arc::new(DefaultDirectRateLimiter::direct(quota)))
    }

    /// Waits until the quota allows one more request.
    pub(crate) async fn until_ready(&self) {
        self.0.until_ready().await;
    }
}

impl std::fmt::Debug for SharedLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedLimiter")
    }
}
