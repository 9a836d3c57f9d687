//! Schedules in UTC: daily at a time, every N hours, or a cron expression, and the
//! catch-up rule after downtime.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde::Serialize;

/// When an operation runs. Every form is read in UTC.
#[derive(Clone)]
pub enum Schedule {
    /// Once a day at this UTC time: `daily 02:30`.
    Daily(NaiveTime),
    /// At every N-th hour counted from midnight UTC: `every 2 hours` runs at 00:00,
    /// 02:00, 04:00 and so on. N divides 24 evenly only if the slots should repeat at the
    /// same times each day.
    EveryHours(u32),
    /// A cron expression with five or six fields, in UTC: `0 */2 * * *`.
    Cron(Box<croner::Cron>, String),
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({self})")
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Daily(time) => write!(f, "daily {} UTC", time.format("%H:%M")),
            Self::EveryHours(1) => f.write_str("every hour (UTC)"),
            Self::EveryHours(hours) => write!(f, "every {hours} hours (UTC)"),
            Self::Cron(_, text) => write!(f, "cron {text} (UTC)"),
        }
    }
}

impl FromStr for Schedule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();

        match words.as_slice() {
            ["daily", time] | ["daily", "at", time] => NaiveTime::parse_from_str(time, "%H:%M")
                .map(Self::Daily)
                .map_err(|_| {
                    format!("{text:?}: the time must be HH:MM in UTC, for example daily 02:30")
                }),
            ["every", "hour"] => Ok(Self::EveryHours(1)),
            ["every", hours, "hour" | "hours"] => match hours.parse::<u32>() {
                Ok(hours) if (1..=168).contains(&hours) => Ok(Self::EveryHours(hours)),
                _ => Err(format!(
                    "{text:?}: the hours must be a whole number from 1 to 168"
                )),
            },
            _ => croner::Cron::from_str(trimmed)
                .map(|cron| Self::Cron(Box::new(cron), trimmed.to_owned()))
                .map_err(|error| {
                    format!(
                        "{text:?} is not a schedule ({error}); use `daily HH:MM`, `every N hours` \
                         or a cron expression such as `0 */2 * * *`, all in UTC"
                    )
                }),
        }
    }
}

/// Whether a run is due, and when the next one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    /// True when a slot passed since the last run started (or there was no run yet).
    pub now: bool,
    /// Slots that passed since the last run; more than one means downtime, and still only
    /// one catch-up run follows.
    pub missed: u32,
    /// The next slot after now, or after the catch-up run that is due.
    pub next: Option<DateTime<Utc>>,
}

impl Schedule {
    /// Returns the first slot strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Daily(time) => {
                let today = Utc.from_utc_datetime(&after.date_naive().and_time(*time));
                Some(if today > after {
                    today
                } else {
                    today + Duration::days(1)
                })
            }
            Self::EveryHours(hours) => {
                let step = i64::from(*hours) * 3_600;
                let slot = (after.timestamp().div_euclid(step) + 1) * step;
                DateTime::from_timestamp(slot, 0)
            }
            Self::Cron(cron, _) => cron.find_next_occurrence(&after, false).ok(),
        }
    }

    /// Decides whether a run is due at `now` given when the last run started. A run that
    /// never happened is due at once. After downtime the run is due once, however many
    /// slots passed.
    pub fn due(&self, last_run: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Due {
        let Some(last) = last_run else {
            return Due {
                now: true,
                missed: 0,
                next: self.next_after(now),
            };
        };

        let mut missed = 0;
        let mut slot = self.next_after(last);
        while let Some(time) = slot.filter(|time| *time <= now) {
            missed += 1;
            if missed >= 1_000 {
                break;
            }
            slot = self.next_after(time);
        }
        Due {
            now: missed > 0,
            missed,
            next: if missed > 0 {
                self.next_after(now)
            } else {
                slot
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 11, hour, minute, 0).unwrap()
    }

    #[test]
    fn daily_runs_today_or_tomorrow() {
        let schedule: Schedule = "daily 02:30".parse().unwrap();

        assert_eq!(schedule.next_after(at(1, 0)), Some(at(2, 30)));
        assert_eq!(
            schedule.next_after(at(2, 30)),
            Some(at(2, 30) + Duration::days(1))
        );
    }

    #[test]
    fn every_two_hours_aligns_to_midnight() {
        let schedule: Schedule = "every 2 hours".parse().unwrap();

        assert_eq!(schedule.next_after(at(3, 15)), Some(at(4, 0)));
        assert_eq!(schedule.next_after(at(4, 0)), Some(at(6, 0)));
    }

    #[test]
    fn cron_reads_utc() {
        let schedule: Schedule = "15 */6 * * *".parse().unwrap();

        assert_eq!(schedule.next_after(at(7, 0)), Some(at(12, 15)));
    }

    #[test]
    fn invalid_schedules_rejected() {
        for text in [
            "daily 25:00",
            "every 0 hours",
            "every two hours",
            "sometimes",
        ] {
            assert!(text.parse::<Schedule>().is_err(), "{text}");
        }
    }

    #[test]
    fn downtime_gives_one_catch_up() {
        let schedule: Schedule = "every hour".parse().unwrap();

        let due = schedule.due(Some(at(1, 0)), at(6, 30));

        assert!(due.now);
        assert_eq!(due.missed, 5);
        assert_eq!(due.next, Some(at(7, 0)));
    }

    #[test]
    fn not_due_before_next_slot() {
        let schedule: Schedule = "every 2 hours".parse().unwrap();

        let due = schedule.due(Some(at(2, 0)), at(3, 59));

        assert!(!due.now);
        assert_eq!(due.next, Some(at(4, 0)));
    }

    #[test]
    fn first_run_is_due() {
        let schedule: Schedule = "daily 02:00".parse().unwrap();

        assert!(schedule.due(None, at(12, 0)).now);
    }
}
