//! The sandbox's clock: orders ship by its time, and tests move it forward.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Start time of the sandbox clock and whether it moves on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockConfig {
    /// The sandbox time at start.
    pub start: DateTime<Utc>,
    /// When true the clock also follows the system clock from `start` on. When false it
    /// stays still until advanced, which is what tests want.
    #[serde(default)]
    pub follow_system_time: bool,
}

impl ClockConfig {
    /// Creates a clock that stays at `start` until advanced.
    pub fn paused_at(start: DateTime<Utc>) -> Self {
        Self {
            start,
            follow_system_time: false,
        }
    }

    /// Creates a clock that starts at the system time and runs with it.
    pub fn system() -> Self {
        Self {
            start: Utc::now(),
            follow_system_time: true,
        }
    }
}

impl Default for ClockConfig {
    /// Paused at 2026-06-11T15:00:00Z, so test expectations can name exact times.
    fn default() -> Self {
        // 2026-06-11T15:00:00Z as Unix seconds.
        let start = DateTime::from_timestamp(1_781_190_000, 0).unwrap_or_default();
        Self::paused_at(start)
    }
}

/// A shared handle to the sandbox clock. Clones see and move the same clock.
#[derive(Debug, Clone)]
pub struct SandboxClock {
    inner: Arc<ClockInner>,
}

#[derive(Debug)]
struct ClockInner {
    start: DateTime<Utc>,
    follow_system_time: bool,
    system_start: DateTime<Utc>,
    advanced: Mutex<Duration>,
}

impl SandboxClock {
    pub fn new(config: &ClockConfig) -> Self {
        Self {
            inner: Arc::new(ClockInner {
                start: config.start,
                follow_system_time: config.follow_system_time,
                system_start: Utc::now(),
                advanced: Mutex::new(Duration::zero()),
            }),
        }
    }

    /// Returns the current sandbox time.
    pub fn now(&self) -> DateTime<Utc> {
        let advanced = *self.advanced();
        let elapsed = if self.inner.follow_system_time {
            Utc::now() - self.inner.system_start
        } else {
            Duration::zero()
        };
        self.inner.start + elapsed + advanced
    }

    /// Moves the clock forward and returns the new time. A negative duration is ignored,
    /// because shipments already visible must not disappear again.
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        if by > Duration::zero() {
            let mut advanced = self.advanced();
            *advanced += by;
        }
        self.now()
    }

    fn advanced(&self) -> std::sync::MutexGuard<'_, Duration> {
        // The guarded value is a plain number, so a panic elsewhere cannot leave it torn.
        self.inner
            .advanced
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_clock_stands_still() {
        let clock = SandboxClock::new(&ClockConfig::default());

        assert_eq!(clock.now(), ClockConfig::default().start);
    }

    #[test]
    fn advance_moves_clock_forward() {
        let clock = SandboxClock::new(&ClockConfig::default());

        let later = clock.advance(Duration::hours(5));

        assert_eq!(later - ClockConfig::default().start, Duration::hours(5));
    }

    #[test]
    fn negative_advance_is_ignored() {
        let clock = SandboxClock::new(&ClockConfig::default());

        clock.advance(Duration::hours(-5));

        assert_eq!(clock.now(), ClockConfig::default().start);
    }
}
