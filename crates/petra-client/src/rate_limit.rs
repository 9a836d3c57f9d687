//! The client-side rate limiter shared by every request of one connection.

use std::num::NonZeroU32;

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
