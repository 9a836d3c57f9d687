//! Fault injection: which faults fire on which routes, and when.
//!
//! - this module: the fault settings (serde, used by the control endpoint and the handle).
//! - [`spec`]: the compact text form the command line takes.
//! - [`engine`]: the runtime state deciding, request by request, which rules fire.
//! - [`layer`]: the axum middleware that applies fired faults to requests and responses.

pub mod engine;
pub(crate) mod layer;
mod spec;

use serde::{Deserialize, Serialize};

use crate::Error;

/// The faults a sandbox injects. Empty by default. Random triggers draw from `seed`, so a
/// run with the same requests in the same order gets the same faults.
// Unknown fields are rejected, so a misplaced key such as a rule's `mode` is an error
// instead of a rule that silently fires on every request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

impl FaultConfig {
    /// No fault at all.
    pub fn none() -> Self {
        Self::default()
    }

    pub fn with_rule(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }

    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn validate(&self) -> Result<(), Error> {
        self.rules.iter().try_for_each(FaultRule::validate)
    }
}

/// One fault on one route (or all), fired by a trigger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    pub route: RouteSelector,
    pub fault: Fault,
    #[serde(default)]
    pub trigger: Trigger,
}

impl FaultRule {
    pub fn new(route: RouteSelector, fault: Fault, trigger: Trigger) -> Self {
        Self {
            route,
            fault,
            trigger,
        }
    }

    fn validate(&self) -> Result<(), Error> {
        let invalid = |reason: String| Error::InvalidFaultRule {
            rule: format!("{self:?}"),
            reason,
        };

        if let Fault::ServerError { status } = self.fault {
            if !(500..=599).contains(&status) {
                return Err(invalid(format!("status {status} is not a 5xx status")));
            }
        }
        if let Trigger::Rate { rate } = self.trigger {
            if !(0.0..=1.0).contains(&rate) {
                return Err(invalid(format!("rate {rate} is outside 0.0..=1.0")));
            }
        }
        Ok(())
    }
}

/// The routes a rule can target. `All` matches every API route but not the `/sandbox`
/// control routes, which never fail on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RouteSelector {
    #[serde(rename = "all")]
    All,
    /// `GET /v1/ping`
    #[serde(rename = "ping")]
    Ping,
    /// `GET /v1/catalog/products`
    #[serde(rename = "catalog")]
    Catalog,
    /// `GET /v1/feed/ProdList.csv`
    #[serde(rename = "feed")]
    Feed,
    /// `POST /v1/orders`
    #[serde(rename = "orders.create")]
    CreateOrder,
    /// `GET /v1/orders/{po}`
    #[serde(rename = "orders.get")]
    GetOrder,
    /// `GET /v1/orders/{po}/shipments`
    #[serde(rename = "orders.shipments")]
    OrderShipments,
    /// `GET /v1/shipments`
    #[serde(rename = "shipments")]
    Shipments,
}

impl RouteSelector {
    /// Every selector with the name the text form and JSON use.
    pub const NAMES: [(&'static str, RouteSelector); 8] = [
        ("all", RouteSelector::All),
        ("ping", RouteSelector::Ping),
        ("catalog", RouteSelector::Catalog),
        ("feed", RouteSelector::Feed),
        ("orders.create", RouteSelector::CreateOrder),
        ("orders.get", RouteSelector::GetOrder),
        ("orders.shipments", RouteSelector::OrderShipments),
        ("shipments", RouteSelector::Shipments),
    ];

    pub(crate) fn matches(self, route: RouteSelector) -> bool {
        self == RouteSelector::All || self == route
    }
}

/// Effect of a fired rule on its request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Respond with this 5xx status and a `server_error` body, without handling the request.
    ServerError { status: u16 },
    /// Respond 429 `rate_limited` with this `Retry-After`, without handling the request. A
    /// `Next { count }` trigger makes a burst of `count` such responses.
    RateLimited { retry_after: RetryAfter },
    /// Wait this long (tokio time, so paused test clocks skip it) before handling.
    Latency { millis: u64 },
    /// Handle the request, then close the connection without sending any response. On
    /// `orders.create` the order is stored and the client cannot know it.
    DropConnection,
    /// Close the connection without handling the request or sending any response. On
    /// `orders.create` no order is stored and no attempt is recorded for the PO, but the
    /// client cannot tell this from [`Fault::DropConnection`].
    DropBeforeHandling,
    /// Send the headers with the full `Content-Length`, then half the body, then close.
    TruncateBody,
    /// On `catalog` and `shipments` requests that carry a cursor, return that same cursor
    /// as `next_cursor`, so a client that follows cursors blindly loops forever.
    RepeatPage,
}

/// The `Retry-After` value of a 429, in one of the forms HTTP allows or clients meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum RetryAfter {
    /// Integer seconds: `Retry-After: 3`.
    Seconds { seconds: u64 },
    /// Decimal seconds: `Retry-After: 2.5` (not in RFC 9110, but some servers send it).
    DecimalSeconds { millis: u64 },
    /// An HTTP-date this many seconds after the system time (not the sandbox clock),
    /// because clients compare it with their own system clock.
    HttpDate { seconds: u64 },
}

impl RetryAfter {
    /// Renders the header value at `system_now` for the HTTP-date form.
    pub fn header_value(self, system_now: std::time::SystemTime) -> String {
        match self {
            RetryAfter::Seconds { seconds } => seconds.to_string(),
            RetryAfter::DecimalSeconds { millis } => {
                let fraction = format!("{:03}", millis % 1000);
                let fraction = fraction.trim_end_matches('0');
                let fraction = if fraction.is_empty() { "0" } else { fraction };
                format!("{}.{fraction}", millis / 1000)
            }
            RetryAfter::HttpDate { seconds } => {
                httpdate::fmt_http_date(system_now + std::time::Duration::from_secs(seconds))
            }
        }
    }
}

/// When a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Trigger {
    /// On every matching request.
    #[default]
    Always,
    /// On the next `count` matching requests, then never again.
    Next { count: u32 },
    /// On each matching request with this probability, drawn from the seeded generator.
    Rate { rate: f64 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn decimal_retry_after_keeps_one_digit() {
        let value = RetryAfter::DecimalSeconds { millis: 2000 };

        assert_eq!(value.header_value(UNIX_EPOCH), "2.0");
    }

    #[test]
    fn decimal_retry_after_keeps_fraction() {
        let value = RetryAfter::DecimalSeconds { millis: 1250 };

        assert_eq!(value.header_value(UNIX_EPOCH), "1.25");
    }

    #[test]
    fn http_date_retry_after() {
        let value = RetryAfter::HttpDate { seconds: 3 };
        let now = UNIX_EPOCH + Duration::from_secs(1_781_190_000);

        assert_eq!(value.header_value(now), "Thu, 11 Jun 2026 15:00:03 GMT");
    }

    #[test]
    fn server_error_needs_5xx() {
        let config = FaultConfig::none().with_rule(FaultRule::new(
            RouteSelector::All,
            Fault::ServerError { status: 404 },
            Trigger::Always,
        ));

        assert!(config.validate().is_err());
    }

    #[test]
    fn rate_above_one_is_invalid() {
        let config = FaultConfig::none().with_rule(FaultRule::new(
            RouteSelector::Catalog,
            Fault::DropConnection,
            Trigger::Rate { rate: 1.5 },
        ));

        assert!(config.validate().is_err());
    }

    #[test]
    fn rules_round_trip_through_json() {
        let config = FaultConfig::none().with_seed(3).with_rule(FaultRule::new(
            RouteSelector::CreateOrder,
            Fault::RateLimited {
                retry_after: RetryAfter::Seconds { seconds: 2 },
            },
            Trigger::Next { count: 2 },
        ));

        let json = serde_json::to_string(&config).unwrap();
        let back: FaultConfig = serde_json::from_str(&json).unwrap();

        assert_eq!(back, config);
        assert!(json.contains(r#""route":"orders.create""#), "{json}");
    }
}
