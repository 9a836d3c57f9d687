//! Reading Petra's `shipped_at`: a date stays a date, a time with an offset keeps its
//! instant, and a time without an offset is read in the source's time zone (Petra:
//! America/Chicago), never in the host's.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use fieldmap::DateValue;
use serde::{Deserialize, Serialize};

/// When a shipment left, with the precision Petra gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShippedAt {
    /// An instant. `zone` names the time zone a time without offset was read in.
    Instant {
        at: DateTime<Utc>,
        zone: Option<String>,
    },
    /// A calendar date without a time.
    Date { date: NaiveDate },
    /// Petra sent none; this is when the SDK first saw the shipment.
    FirstSeen { at: DateTime<Utc> },
    /// Petra sent none and the fallback is to leave it unknown.
    Unknown,
}

impl ShippedAt {
    /// Reports whether Petra gave this value, as opposed to a fallback.
    pub fn is_from_petra(&self) -> bool {
        matches!(self, Self::Instant { .. } | Self::Date { .. })
    }
}

impl std::fmt::Display for ShippedAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Instant { at, .. } => write!(
                f,
                "{}",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Self::Date { date } => write!(f, "{date}"),
            Self::FirstSeen { at } => write!(
                f,
                "not given (first seen {})",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Self::Unknown => f.write_str("not given"),
        }
    }
}

/// The value recorded when neither Petra nor the template gives a shipped-at value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShippedAtFallback {
    /// The time the shipment was first fetched; a later fetch keeps the first value.
    #[default]
    FirstSeen,
    /// Leave it unknown.
    Unknown,
}

/// Interprets a mapped date value. `zone` is the source's time zone for local times.
pub fn interpret(
    value: Option<DateValue>,
    zone: Tz,
    fallback: ShippedAtFallback,
    now: DateTime<Utc>,
) -> ShippedAt {
    match value {
        Some(DateValue::Date(date)) => ShippedAt::Date { date },
        Some(DateValue::Offset(time)) => ShippedAt::Instant {
            at: time.with_timezone(&Utc),
            zone: None,
        },
        Some(DateValue::Local(local)) => ShippedAt::Instant {
            at: local_to_utc(local, zone),
            zone: Some(zone.name().to_owned()),
        },
        None => match fallback {
            ShippedAtFallback::FirstSeen => ShippedAt::FirstSeen { at: now },
            ShippedAtFallback::Unknown => ShippedAt::Unknown,
        },
    }
}

/// Reads a local time in `zone`. In the repeated hour when clocks go back, the earlier
/// instant is taken. A time in the skipped hour when clocks go forward is read one hour
/// later, because a clock that was not yet moved showed it then.
fn local_to_utc(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(time) => time.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => zone
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map_or_else(
                || Utc.from_utc_datetime(&local),
                |time| time.with_timezone(&Utc),
            ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 20, 0, 0, 0).unwrap()
    }

    fn chicago() -> Tz {
        chrono_tz::America::Chicago
    }

    fn local(text: &str) -> Option<DateValue> {
        Some(DateValue::Local(
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap(),
        ))
    }

    #[test]
    fn date_only_stays_date() {
        let date = NaiveDate::from_ymd_opt(2026, 6, 12).unwrap();

        let shipped = interpret(
            Some(DateValue::Date(date)),
            chicago(),
            ShippedAtFallback::FirstSeen,
            now(),
        );

        assert_eq!(shipped, ShippedAt::Date { date });
    }

    #[test]
    fn offset_keeps_instant() {
        let time = FixedOffset::west_opt(5 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 6, 12, 9, 30, 0)
            .unwrap();

        let shipped = interpret(
            Some(DateValue::Offset(time)),
            chicago(),
            ShippedAtFallback::FirstSeen,
            now(),
        );

        let expected = Utc.with_ymd_and_hms(2026, 6, 12, 14, 30, 0).unwrap();
        assert_eq!(
            shipped,
            ShippedAt::Instant {
                at: expected,
                zone: None
            }
        );
    }

    #[test]
    fn local_time_read_in_chicago_summer() {
        let shipped = interpret(
            local("2026-06-12T09:30:00"),
            chicago(),
            ShippedAtFallback::FirstSeen,
            now(),
        );

        let expected = Utc.with_ymd_and_hms(2026, 6, 12, 14, 30, 0).unwrap();
        assert_eq!(
            shipped,
            ShippedAt::Instant {
                at: expected,
                zone: Some("America/Chicago".into())
            }
        );
    }

    #[test]
    fn local_time_read_in_chicago_winter() {
        let shipped = interpret(
            local("2026-01-12T09:30:00"),
            chicago(),
            ShippedAtFallback::FirstSeen,
            now(),
        );

        let ShippedAt::Instant { at, .. } = shipped else {
            panic!("{shipped:?}")
        };
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 1, 12, 15, 30, 0).unwrap());
    }

    #[test]
    fn repeated_hour_takes_earlier() {
        // Clocks go back at 02:00 CDT on 2026-11-01, so 01:30 happens twice.
        let shipped = interpret(
            local("2026-11-01T01:30:00"),
            chicago(),
            ShippedAtFallback::FirstSeen,
            now(),
        );

        let ShippedAt::Instant { at, .. } = shipped else {
            panic!("{shipped:?}")
        };
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 11, 1, 6, 30, 0).unwrap());
    }

    #[test]
    fn skipped_hour_moves_forward() {
        // Clocks go forward at 02:00 CST on 2026-03-08, so 02:30 does not exist.
        let shipped = interpret(
            local("2026-03-08T02:30:00"),
            chicago(),
            ShippedAtFallback::FirstSeen,
            now(),
        );

        let ShippedAt::Instant { at, .. } = shipped else {
            panic!("{shipped:?}")
        };
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 3, 8, 8, 30, 0).unwrap());
    }

    #[test]
    fn absent_follows_fallback() {
        assert_eq!(
            interpret(None, chicago(), ShippedAtFallback::FirstSeen, now()),
            ShippedAt::FirstSeen { at: now() }
        );
        assert_eq!(
            interpret(None, chicago(), ShippedAtFallback::Unknown, now()),
            ShippedAt::Unknown
        );
    }
}
