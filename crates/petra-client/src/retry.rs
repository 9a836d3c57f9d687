//! The retry decision: a pure function of the request method, what the last attempt
//! returned, the attempt count, the policy and the current time.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::Method;

/// A source of jitter fractions in `[0.0, 1.0]`. The default draws from `rand`; tests
/// inject a fixed value so backoff delays are exact.
#[derive(Clone)]
pub struct Jitter(Arc<dyn Fn() -> f64 + Send + Sync>);

impl Jitter {
    /// Draws a uniform fraction from the thread-local random generator.
    pub fn random() -> Self {
        Self(Arc::new(rand::random::<f64>))
    }

    /// Always returns `fraction`, clamped to `[0.0, 1.0]`.
    pub fn fixed(fraction: f64) -> Self {
        let fraction = fraction.clamp(0.0, 1.0);
        Self(Arc::new(move || fraction))
    }

    fn sample(&self) -> f64 {
        (self.0)().clamp(0.0, 1.0)
    }
}

impl Default for Jitter {
    fn default() -> Self {
        Self::random()
    }
}

impl fmt::Debug for Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Jitter")
    }
}

/// How often and how long GET requests are retried.
///
/// The backoff before retry `n` (1-based) is `initial_backoff * 2^(n-1)`, capped at
/// `max_backoff`, of which the upper half is scaled by the jitter fraction ("equal
/// jitter"), so parallel clients spread out but never retry immediately.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt; `0` disables retries.
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Maximum single wait the client accepts. A `Retry-After` longer than this ends the
    /// retries at once with [`Error::RateLimited`](crate::Error::RateLimited), so a
    /// scheduled job is not parked for an hour.
    pub max_wait: Duration,
    pub jitter: Jitter,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_wait: Duration::from_secs(60),
            jitter: Jitter::random(),
        }
    }
}

impl RetryPolicy {
    /// Builds a policy that never retries.
    pub fn never() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
}

/// The result of the last attempt, reduced to what the retry decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// A complete response with this status and its raw `Retry-After` header, if any.
    Response {
        status: u16,
        retry_after: Option<&'a str>,
    },
    /// The connection could not be opened, so the request was not sent.
    ConnectFailed,
    /// The request or the connect step took longer than its timeout.
    TimedOut,
    /// The connection dropped before a complete response arrived.
    ConnectionLost,
}

/// The retry decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the request again after this wait.
    RetryAfter(Duration),
    /// Return the last outcome to the caller.
    Stop(StopReason),
}

/// The reason the client stops retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// A response that retrying cannot change: a success or a 4xx other than 429.
    Final,
    /// The method is not safe to repeat (POST), so a lost response stays unknown.
    NotRetryable,
    /// `max_retries` retries were spent.
    RetriesExhausted,
    /// Petra asked for a wait longer than `max_wait`.
    WaitTooLong(Duration),
}

/// Decides whether to retry after `attempt` attempts (1-based) ended in `outcome`.
///
/// Only GET and HEAD are retried, on timeouts, connection errors, `5xx` and `429`. A
/// `Retry-After` header (integer or decimal seconds, or an HTTP-date measured from `now`)
/// replaces the computed backoff.
pub fn decide(
    method: &Method,
    outcome: &Outcome<'_>,
    attempt: u32,
    policy: &RetryPolicy,
    now: SystemTime,
) -> Decision {
    let retry_after = match outcome {
        Outcome::Response { status, .. } if !is_retryable_status(*status) => {
            return Decision::Stop(StopReason::Final)
        }
        Outcome::Response { retry_after, .. } => {
            retry_after.and_then(|raw| parse_retry_after(raw, now))
        }
        Outcome::ConnectFailed | Outcome::TimedOut | Outcome::ConnectionLost => None,
    };

    if !matches!(*method, Method::GET | Method::HEAD) {
        return Decision::Stop(StopReason::NotRetryable);
    }
    if attempt > policy.max_retries {
        return Decision::Stop(StopReason::RetriesExhausted);
    }

    let wait = match retry_after {
        Some(requested) if requested > policy.max_wait => {
            return Decision::Stop(StopReason::WaitTooLong(requested))
        }
        Some(requested) => requested,
        None => backoff(attempt, policy).min(policy.max_wait),
    };
    Decision::RetryAfter(wait)
}

fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

fn backoff(attempt: u32, policy: &RetryPolicy) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    let uncapped = policy.initial_backoff.saturating_mul(1 << doublings);
    let capped = uncapped.min(policy.max_backoff);

    let half = capped / 2;
    half + half.mul_f64(policy.jitter.sample())
}

/// Parses a `Retry-After` value: integer seconds (`3`), decimal seconds (`2.0`) or an
/// HTTP-date, which is measured from `now` and counts as zero once past. Returns `None`
/// for anything else, including negative and non-finite numbers.
pub fn parse_retry_after(raw: &str, now: SystemTime) -> Option<Duration> {
    let raw = raw.trim();

    if let Ok(seconds) = raw.parse::<f64>() {
        if seconds.is_finite() && seconds >= 0.0 {
            return Duration::try_from_secs_f64(seconds).ok();
        }
        return None;
    }

    let date = httpdate::parse_http_date(raw).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(5),
            max_wait: Duration::from_secs(30),
            jitter: Jitter::fixed(1.0),
        }
    }

    fn now() -> SystemTime {
        httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap()
    }

    fn status(code: u16) -> Outcome<'static> {
        Outcome::Response {
            status: code,
            retry_after: None,
        }
    }

    fn limited(retry_after: &'static str) -> Outcome<'static> {
        Outcome::Response {
            status: 429,
            retry_after: Some(retry_after),
        }
    }

    fn retry(seconds: f64) -> Decision {
        Decision::RetryAfter(Duration::from_secs_f64(seconds))
    }

    #[test]
    fn decide_table() {
        use StopReason::*;
        let get = Method::GET;
        let post = Method::POST;
        let cases: Vec<(&str, &Method, Outcome<'_>, u32, Decision)> = vec![
            (
                "success is final",
                &get,
                status(200),
                1,
                Decision::Stop(Final),
            ),
            ("404 is final", &get, status(404), 1, Decision::Stop(Final)),
            ("401 is final", &get, status(401), 1, Decision::Stop(Final)),
            ("409 is final", &get, status(409), 1, Decision::Stop(Final)),
            ("500 retried", &get, status(500), 1, retry(1.0)),
            ("503 backs off twice", &get, status(503), 2, retry(2.0)),
            ("502 backs off four times", &get, status(502), 3, retry(4.0)),
            (
                "500 after max retries",
                &get,
                status(500),
                4,
                Decision::Stop(RetriesExhausted),
            ),
            ("timeout retried", &get, Outcome::TimedOut, 1, retry(1.0)),
            (
                "connect failure retried",
                &get,
                Outcome::ConnectFailed,
                1,
                retry(1.0),
            ),
            (
                "dropped connection retried",
                &get,
                Outcome::ConnectionLost,
                2,
                retry(2.0),
            ),
            ("head retried", &Method::HEAD, status(500), 1, retry(1.0)),
            (
                "post 500 not retried",
                &post,
                status(500),
                1,
                Decision::Stop(NotRetryable),
            ),
            (
                "post timeout not retried",
                &post,
                Outcome::TimedOut,
                1,
                Decision::Stop(NotRetryable),
            ),
            (
                "post lost not retried",
                &post,
                Outcome::ConnectionLost,
                1,
                Decision::Stop(NotRetryable),
            ),
            (
                "post 429 not retried",
                &post,
                limited("1"),
                1,
                Decision::Stop(NotRetryable),
            ),
            (
                "post 201 is final",
                &post,
                status(201),
                1,
                Decision::Stop(Final),
            ),
            (
                "put 500 not retried",
                &Method::PUT,
                status(500),
                1,
                Decision::Stop(NotRetryable),
            ),
            ("429 integer seconds", &get, limited("7"), 1, retry(7.0)),
            ("429 decimal seconds", &get, limited("2.0"), 1, retry(2.0)),
            (
                "429 fractional seconds",
                &get,
                limited("0.25"),
                1,
                retry(0.25),
            ),
            (
                "429 http date",
                &get,
                limited("Wed, 21 Oct 2026 07:28:12 GMT"),
                1,
                retry(12.0),
            ),
            (
                "429 past http date",
                &get,
                limited("Wed, 21 Oct 2026 07:00:00 GMT"),
                1,
                retry(0.0),
            ),
            (
                "429 garbage uses backoff",
                &get,
                limited("soon"),
                2,
                retry(2.0),
            ),
            (
                "429 negative uses backoff",
                &get,
                limited("-3"),
                1,
                retry(1.0),
            ),
            (
                "429 without header backs off",
                &get,
                status(429),
                1,
                retry(1.0),
            ),
            (
                "429 over max wait",
                &get,
                limited("120"),
                1,
                Decision::Stop(WaitTooLong(Duration::from_secs(120))),
            ),
            (
                "429 after max retries",
                &get,
                limited("1"),
                4,
                Decision::Stop(RetriesExhausted),
            ),
        ];

        for (name, method, outcome, attempt, expected) in cases {
            let decision = decide(method, &outcome, attempt, &policy(), now());
            assert_eq!(decision, expected, "case: {name}");
        }
    }

    #[test]
    fn backoff_is_capped() {
        let decision = decide(
            &Method::GET,
            &status(500),
            3,
            &RetryPolicy {
                max_retries: 10,
                ..policy()
            },
            now(),
        );
        assert_eq!(decision, retry(4.0));

        let decision = decide(
            &Method::GET,
            &status(500),
            9,
            &RetryPolicy {
                max_retries: 10,
                ..policy()
            },
            now(),
        );
        assert_eq!(decision, retry(5.0));
    }

    #[test]
    fn backoff_survives_huge_attempt() {
        let policy = RetryPolicy {
            max_retries: u32::MAX,
            ..policy()
        };

        let decision = decide(&Method::GET, &status(500), u32::MAX, &policy, now());
        assert_eq!(decision, retry(5.0));
    }

    #[test]
    fn zero_jitter_halves_backoff() {
        let policy = RetryPolicy {
            jitter: Jitter::fixed(0.0),
            ..policy()
        };

        let decision = decide(&Method::GET, &status(500), 2, &policy, now());
        assert_eq!(decision, retry(1.0));
    }

    #[test]
    fn random_jitter_stays_in_range() {
        let policy = RetryPolicy {
            jitter: Jitter::random(),
            ..policy()
        };

        for _ in 0..100 {
            let Decision::RetryAfter(wait) = decide(&Method::GET, &status(500), 2, &policy, now())
            else {
                panic!("500 on GET must be retried");
            };
            assert!(wait >= Duration::from_secs(1), "{wait:?}");
            assert!(wait <= Duration::from_secs(2), "{wait:?}");
        }
    }

    #[test]
    fn never_policy_stops_at_once() {
        let decision = decide(&Method::GET, &status(503), 1, &RetryPolicy::never(), now());
        assert_eq!(decision, Decision::Stop(StopReason::RetriesExhausted));
    }

    #[test]
    fn retry_after_parse_table() {
        let cases: Vec<(&str, Option<f64>)> = vec![
            ("3", Some(3.0)),
            (" 3 ", Some(3.0)),
            ("2.0", Some(2.0)),
            ("0", Some(0.0)),
            ("1.5", Some(1.5)),
            ("-1", None),
            ("NaN", None),
            ("inf", None),
            ("", None),
            ("tomorrow", None),
            ("Wed, 21 Oct 2026 07:28:05 GMT", Some(5.0)),
            ("Wed, 21 Oct 2026 07:27:00 GMT", Some(0.0)),
        ];

        for (raw, expected) in cases {
            let parsed = parse_retry_after(raw, now());
            assert_eq!(
                parsed,
                expected.map(Duration::from_secs_f64),
                "value: {raw:?}"
            );
        }
    }
}
