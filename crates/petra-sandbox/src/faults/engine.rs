//! Decides, request by request, which fault rules fire, and counts how often each did.

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{Fault, FaultConfig, FaultRule, RetryAfter, RouteSelector, Trigger};

/// The faults that fired for one request, merged.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FiredFaults {
    pub latency: Duration,
    /// A response to send in place of handling the request.
    pub early: Option<EarlyResponse>,
    pub drop_connection: bool,
    pub drop_before_handling: bool,
    pub truncate_body: bool,
    pub repeat_page: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum EarlyResponse {
    ServerError { status: u16 },
    RateLimited { retry_after: RetryAfter },
}

/// The active rules, with the state their triggers need.
#[derive(Debug)]
pub(crate) struct FaultEngine {
    config: FaultConfig,
    rules: Vec<ActiveRule>,
}

#[derive(Debug)]
struct ActiveRule {
    rule: FaultRule,
    remaining: Option<u32>,
    rng: ChaCha8Rng,
    fired: u64,
}

/// The fault settings in force and how many requests each rule has fired on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultReport {
    pub config: FaultConfig,
    /// One count per rule, in the order of `config.rules`.
    pub fired: Vec<u64>,
}

impl FaultEngine {
    pub(crate) fn new(config: FaultConfig) -> Self {
        let rules = config
            .rules
            .iter()
            .enumerate()
            .map(|(index, rule)| ActiveRule {
                rule: rule.clone(),
                remaining: match rule.trigger {
                    Trigger::Next { count } => Some(count),
                    _ => None,
                },
                // Each rule draws from its own stream, so adding a rule does not change
                // when the others fire.
                rng: ChaCha8Rng::seed_from_u64(config.seed.wrapping_add(index as u64)),
                fired: 0,
            })
            .collect();
        Self { config, rules }
    }

    pub(crate) fn report(&self) -> FaultReport {
        FaultReport {
            config: self.config.clone(),
            fired: self.rules.iter().map(|r| r.fired).collect(),
        }
    }

    /// Decides which rules fire for one request to `route`. `has_cursor` is true when
    /// the request follows a page cursor, the only case a repeated page applies to.
    pub(crate) fn fire(&mut self, route: RouteSelector, has_cursor: bool) -> FiredFaults {
        let mut fired = FiredFaults::default();
        for active in &mut self.rules {
            if !active.rule.route.matches(route) || !applies(&active.rule.fault, route, has_cursor)
            {
                continue;
            }
            if !active.triggers() {
                continue;
            }

            active.fired += 1;
            match active.rule.fault {
                Fault::ServerError { status } => {
                    fired
                        .early
                        .get_or_insert(EarlyResponse::ServerError { status });
                }
                Fault::RateLimited { retry_after } => {
                    fired
                        .early
                        .get_or_insert(EarlyResponse::RateLimited { retry_after });
                }
                Fault::Latency { millis } => fired.latency += Duration::from_millis(millis),
                Fault::DropConnection => fired.drop_connection = true,
                Fault::DropBeforeHandling => fired.drop_before_handling = true,
                Fault::TruncateBody => fired.truncate_body = true,
                Fault::RepeatPage => fired.repeat_page = true,
            }
        }
        fired
    }
}

/// Tells whether a fault can act on this request. A repeated page needs a paged route and
/// a request that carries a cursor. Elsewhere the rule is skipped and keeps its `next=N`
/// budget.
fn applies(fault: &Fault, route: RouteSelector, has_cursor: bool) -> bool {
    match fault {
        Fault::RepeatPage => {
            has_cursor && matches!(route, RouteSelector::Catalog | RouteSelector::Shipments)
        }
        _ => true,
    }
}

impl ActiveRule {
    fn triggers(&mut self) -> bool {
        match self.rule.trigger {
            Trigger::Always => true,
            Trigger::Next { .. } => match &mut self.remaining {
                Some(remaining) if *remaining > 0 => {
                    *remaining -= 1;
                    true
                }
                _ => false,
            },
            Trigger::Rate { rate } => self.rng.random_bool(rate.clamp(0.0, 1.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(spec: &str) -> FaultEngine {
        FaultEngine::new(spec.parse().unwrap())
    }

    #[test]
    fn next_trigger_fires_count_times() {
        let mut engine = engine("catalog:503:next=2");

        let statuses: Vec<bool> = (0..4)
            .map(|_| engine.fire(RouteSelector::Catalog, false).early.is_some())
            .collect();

        assert_eq!(statuses, [true, true, false, false]);
    }

    #[test]
    fn rule_ignores_other_routes() {
        let mut engine = engine("catalog:503");

        assert_eq!(
            engine.fire(RouteSelector::Ping, false),
            FiredFaults::default()
        );
    }

    #[test]
    fn all_matches_every_route() {
        let mut engine = engine("all:drop");

        assert!(
            engine
                .fire(RouteSelector::CreateOrder, false)
                .drop_connection
        );
        assert!(engine.fire(RouteSelector::Feed, false).drop_connection);
    }

    #[test]
    fn repeat_page_needs_cursor() {
        let mut engine = engine("catalog:repeat-page:next=1");

        assert!(!engine.fire(RouteSelector::Catalog, false).repeat_page);
        assert!(engine.fire(RouteSelector::Catalog, true).repeat_page);
    }

    #[test]
    fn rate_trigger_is_seeded() {
        let mut first = engine("seed=5,catalog:500:rate=0.5");
        let mut second = engine("seed=5,catalog:500:rate=0.5");

        let a: Vec<bool> = (0..64)
            .map(|_| first.fire(RouteSelector::Catalog, false).early.is_some())
            .collect();
        let b: Vec<bool> = (0..64)
            .map(|_| second.fire(RouteSelector::Catalog, false).early.is_some())
            .collect();

        assert_eq!(a, b);
        assert!(a.iter().any(|fired| *fired));
        assert!(a.iter().any(|fired| !*fired));
    }

    #[test]
    fn report_counts_fired_requests() {
        let mut engine = engine("catalog:503:next=1,all:latency=10");

        engine.fire(RouteSelector::Catalog, false);
        engine.fire(RouteSelector::Catalog, false);

        assert_eq!(engine.report().fired, [1, 2]);
    }

    #[test]
    fn latencies_add_up() {
        let mut engine = engine("all:latency=10,catalog:latency=5");

        assert_eq!(
            engine.fire(RouteSelector::Catalog, false).latency,
            Duration::from_millis(15)
        );
    }
}
