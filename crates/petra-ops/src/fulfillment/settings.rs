//! The `[fulfillment]` table of `petra.toml`: settings of Send Fulfillment Requests.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::SettingsProblem;
use crate::schedule::Schedule;
use crate::settings::accepts;

/// Settings of Send Fulfillment Requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FulfillmentSettings {
    /// A mapping template file (TOML or JSON); the built-in `fulfillment-requests` when
    /// unset. Relative to `petra.toml`.
    pub template: Option<PathBuf>,
    /// Import requests as held, so each waits for `petra orders release PO`.
    pub review_hold: bool,
    /// Orders sent at the same time. The connection's rate limit still applies to all.
    pub concurrency: usize,
    /// Requests read from the outbox per batch; a stop signal ends the run after the
    /// current batch's requests in flight.
    pub batch_size: usize,
    /// Times one request may go back to the queue in a run after a `429` or after a
    /// lookup showed Petra never received it.
    pub max_retries: u32,
    /// When a scheduler should run Send Fulfillment Requests: `daily HH:MM`,
    /// `every N hours` (UTC) or a cron expression.
    pub schedule: Option<String>,
}

impl Default for FulfillmentSettings {
    fn default() -> Self {
        Self {
            template: None,
            review_hold: false,
            concurrency: 4,
            batch_size: 100,
            max_retries: 5,
            schedule: None,
        }
    }
}

impl FulfillmentSettings {
    /// Lists every rule the settings break.
    pub fn problems(&self) -> Vec<SettingsProblem> {
        let mut problems = Vec::new();
        if !(1..=64).contains(&self.concurrency) {
            problems.push(SettingsProblem::invalid(
                "fulfillment.concurrency",
                self.concurrency,
                accepts::CONCURRENCY,
            ));
        }
        if !(1..=10_000).contains(&self.batch_size) {
            problems.push(SettingsProblem::invalid(
                "fulfillment.batch_size",
                self.batch_size,
                accepts::BATCH_SIZE,
            ));
        }
        if let Some(schedule) = &self.schedule {
            if let Err(reason) = schedule.parse::<Schedule>() {
                problems.push(SettingsProblem {
                    field: "fulfillment.schedule".into(),
                    reason,
                });
            }
        }
        problems
    }
}
