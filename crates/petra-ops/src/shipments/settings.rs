//! The `[shipments]` table of `petra.toml`: settings of Get Shipments.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::shipped_at::ShippedAtFallback;
use crate::error::SettingsProblem;
use crate::schedule::Schedule;
use crate::settings::accepts;

/// Settings of Get Shipments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShipmentSettings {
    /// Days back from now whose shipments each run fetches.
    pub window_days: u32,
    /// A mapping template file (TOML or JSON); the built-in `shipments` when unset.
    /// Relative to `petra.toml`.
    pub template: Option<PathBuf>,
    /// The IANA time zone a shipped-at time without offset is read in.
    pub source_time_zone: String,
    /// The value recorded when a shipment has no shipped-at value after mapping.
    pub shipped_at_fallback: ShippedAtFallback,
    /// Shipments attached per ledger transaction; a stop signal ends the run after the
    /// current batch.
    pub batch_size: usize,
    /// When a scheduler should run Get Shipments: `daily HH:MM`, `every N hours` (UTC)
    /// or a cron expression.
    pub schedule: Option<String>,
}

impl Default for ShipmentSettings {
    fn default() -> Self {
        Self {
            window_days: 10,
            template: None,
            source_time_zone: "America/Chicago".to_owned(),
            shipped_at_fallback: ShippedAtFallback::FirstSeen,
            batch_size: 200,
            schedule: None,
        }
    }
}

impl ShipmentSettings {
    /// Lists every rule the settings break.
    pub fn problems(&self) -> Vec<SettingsProblem> {
        let mut problems = Vec::new();
        if !(1..=365).contains(&self.window_days) {
            problems.push(SettingsProblem::invalid(
                "shipments.window_days",
                self.window_days,
                accepts::WINDOW_DAYS,
            ));
        }
        if self.source_time_zone.parse::<chrono_tz::Tz>().is_err() {
            problems.push(SettingsProblem {
                field: "shipments.source_time_zone".into(),
                reason: format!(
                    "{:?} is not an IANA time zone such as America/Chicago",
                    self.source_time_zone
                ),
            });
        }
        if !(1..=10_000).contains(&self.batch_size) {
            problems.push(SettingsProblem::invalid(
                "shipments.batch_size",
                self.batch_size,
                accepts::BATCH_SIZE,
            ));
        }
        if let Some(schedule) = &self.schedule {
            if let Err(reason) = schedule.parse::<Schedule>() {
                problems.push(SettingsProblem {
                    field: "shipments.schedule".into(),
                    reason,
                });
            }
        }
        problems
    }
}
