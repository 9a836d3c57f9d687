//! The compact text form of fault settings, for the command line.
//!
//! A list of comma-separated items. `seed=N` sets the seed; every other item is a rule
//! `ROUTE:FAULT[:TRIGGER]`:
//!
//! - ROUTE: `all`, `ping`, `catalog`, `feed`, `orders.create`, `orders.get`,
//!   `orders.shipments`, `shipments`.
//! - FAULT: a 5xx status (`503`); `429`, `429=3` (seconds), `429=2.5` (decimal seconds)
//!   or `429=date+3` (an HTTP-date 3 seconds ahead); `latency=MILLIS`; `drop` (close
//!   the connection after handling the request); `drop-before` (close it before
//!   handling); `truncate`; `repeat-page`.
//! - TRIGGER: `always` (the default), `next=N` or `rate=R` with R from 0.0 to 1.0.
//!
//! Example: `seed=7,catalog:503:rate=0.3,orders.create:drop:next=1,feed:truncate`.

use std::str::FromStr;

use super::{Fault, FaultConfig, FaultRule, RetryAfter, RouteSelector, Trigger};
use crate::Error;

impl FromStr for FaultConfig {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut config = FaultConfig::none();
        for item in text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            if let Some(seed) = item.strip_prefix("seed=") {
                config.seed = seed
                    .parse()
                    .map_err(|_| invalid(item, "the seed must be an unsigned integer"))?;
                continue;
            }
            config.rules.push(item.parse()?);
        }

        config.validate()?;
        Ok(config)
    }
}

impl FromStr for FaultRule {
    type Err = Error;

    fn from_str(item: &str) -> Result<Self, Self::Err> {
        let mut parts = item.split(':');
        let route = parts.next().unwrap_or_default();
        let Some(fault) = parts.next() else {
            return Err(invalid(item, "expected ROUTE:FAULT[:TRIGGER]"));
        };
        let trigger = parts.next();
        if parts.next().is_some() {
            return Err(invalid(item, "expected ROUTE:FAULT[:TRIGGER]"));
        }

        let rule = FaultRule {
            route: parse_route(item, route)?,
            fault: parse_fault(item, fault)?,
            trigger: trigger.map_or(Ok(Trigger::Always), |t| parse_trigger(item, t))?,
        };
        rule.validate()?;
        Ok(rule)
    }
}

fn parse_route(item: &str, text: &str) -> Result<RouteSelector, Error> {
    RouteSelector::NAMES
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, route)| *route)
        .ok_or_else(|| {
            let names: Vec<&str> = RouteSelector::NAMES.iter().map(|(name, _)| *name).collect();
            invalid(
                item,
                &format!(
                    "unknown route `{text}`; expected one of {}",
                    names.join(", ")
                ),
            )
        })
}

fn parse_fault(item: &str, text: &str) -> Result<Fault, Error> {
    let (name, value) = match text.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (text, None),
    };

    let fault = match (name, value) {
        ("drop", None) => Fault::DropConnection,
        ("drop-before", None) => Fault::DropBeforeHandling,
        ("truncate", None) => Fault::TruncateBody,
        ("repeat-page", None) => Fault::RepeatPage,
        ("latency", Some(millis)) => Fault::Latency {
            millis: millis
                .parse()
                .map_err(|_| invalid(item, "latency takes whole milliseconds, e.g. latency=250"))?,
        },
        ("429", value) => Fault::RateLimited {
            retry_after: parse_retry_after(item, value.unwrap_or("1"))?,
        },
        (status, None) if status.len() == 3 && status.starts_with('5') => Fault::ServerError {
            status: status
                .parse()
                .map_err(|_| invalid(item, "a server error is a status from 500 to 599"))?,
        },
        _ => {
            return Err(invalid(
                item,
                &format!(
                    "unknown fault `{text}`; expected a 5xx status, 429[=SECONDS], \
                     latency=MILLIS, drop, drop-before, truncate or repeat-page"
                ),
            ))
        }
    };
    Ok(fault)
}

fn parse_retry_after(item: &str, text: &str) -> Result<RetryAfter, Error> {
    let bad = || {
        invalid(
            item,
            "Retry-After is SECONDS, DECIMAL.SECONDS or date+SECONDS",
        )
    };

    if let Some(seconds) = text.strip_prefix("date+") {
        let seconds = seconds.parse().map_err(|_| bad())?;
        return Ok(RetryAfter::HttpDate { seconds });
    }
    if let Some((whole, fraction)) = text.split_once('.') {
        let whole: u64 = whole.parse().map_err(|_| bad())?;
        if fraction.is_empty()
            || fraction.len() > 3
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let fraction: u64 = format!("{fraction:0<3}").parse().map_err(|_| bad())?;
        return Ok(RetryAfter::DecimalSeconds {
            millis: whole.saturating_mul(1000).saturating_add(fraction),
        });
    }
    let seconds = text.parse().map_err(|_| bad())?;
    Ok(RetryAfter::Seconds { seconds })
}

fn parse_trigger(item: &str, text: &str) -> Result<Trigger, Error> {
    if text == "always" {
        return Ok(Trigger::Always);
    }
    if let Some(count) = text.strip_prefix("next=") {
        let count = count
            .parse()
            .map_err(|_| invalid(item, "next= takes a whole number of requests"))?;
        return Ok(Trigger::Next { count });
    }
    if let Some(rate) = text.strip_prefix("rate=") {
        let rate = rate
            .parse()
            .map_err(|_| invalid(item, "rate= takes a number from 0.0 to 1.0"))?;
        return Ok(Trigger::Rate { rate });
    }
    Err(invalid(
        item,
        &format!("unknown trigger `{text}`; expected always, next=N or rate=R"),
    ))
}

fn invalid(item: &str, reason: &str) -> Error {
    Error::InvalidFaultRule {
        rule: item.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parses_every_fault() {
        let config: FaultConfig = "seed=7,catalog:503:rate=0.3,orders.create:drop:next=1,\
             feed:truncate,shipments:repeat-page,all:latency=250,ping:429=2.5"
            .parse()
            .unwrap();

        assert_eq!(config.seed, 7);
        assert_eq!(config.rules.len(), 6);
        assert_eq!(config.rules[0].fault, Fault::ServerError { status: 503 });
        assert_eq!(config.rules[0].trigger, Trigger::Rate { rate: 0.3 });
        assert_eq!(config.rules[1].route, RouteSelector::CreateOrder);
        assert_eq!(config.rules[1].trigger, Trigger::Next { count: 1 });
        assert_eq!(config.rules[2].fault, Fault::TruncateBody);
        assert_eq!(config.rules[3].fault, Fault::RepeatPage);
        assert_eq!(config.rules[4].fault, Fault::Latency { millis: 250 });
        assert_eq!(
            config.rules[5].fault,
            Fault::RateLimited {
                retry_after: RetryAfter::DecimalSeconds { millis: 2500 }
            }
        );
    }

    #[test]
    fn drop_before_parses() {
        let rule: FaultRule = "orders.create:drop-before:next=2".parse().unwrap();

        assert_eq!(rule.fault, Fault::DropBeforeHandling);
        assert_eq!(rule.trigger, Trigger::Next { count: 2 });
    }

    #[test]
    fn retry_after_forms_parse() {
        assert_eq!(
            parse_retry_after("x", "3").unwrap(),
            RetryAfter::Seconds { seconds: 3 }
        );
        assert_eq!(
            parse_retry_after("x", "2.0").unwrap(),
            RetryAfter::DecimalSeconds { millis: 2000 }
        );
        assert_eq!(
            parse_retry_after("x", "date+4").unwrap(),
            RetryAfter::HttpDate { seconds: 4 }
        );
    }

    #[test]
    fn unknown_route_is_rejected() {
        let error = "orders.delete:503".parse::<FaultConfig>().unwrap_err();

        assert!(
            error.to_string().contains("unknown route `orders.delete`"),
            "{error}"
        );
    }

    #[test]
    fn unknown_fault_is_rejected() {
        assert!("catalog:explode".parse::<FaultConfig>().is_err());
    }

    #[test]
    fn non_5xx_status_is_rejected() {
        assert!("catalog:404".parse::<FaultConfig>().is_err());
    }

    #[test]
    fn missing_fault_is_rejected() {
        assert!("catalog".parse::<FaultConfig>().is_err());
    }

    #[test]
    fn bad_trigger_is_rejected() {
        assert!("catalog:503:sometimes".parse::<FaultConfig>().is_err());
        assert!("catalog:503:rate=2".parse::<FaultConfig>().is_err());
    }

    #[test]
    fn empty_spec_means_no_faults() {
        let config: FaultConfig = "".parse().unwrap();

        assert!(config.rules.is_empty());
    }
}
