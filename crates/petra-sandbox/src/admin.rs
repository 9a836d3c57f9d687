//! The admin view tests read: every order creation the sandbox received, per PO.

use chrono::{DateTime, Duration, Utc};
use petra_client::wire::Order;
use petra_client::PoNumber;
use serde::{Deserialize, Serialize};

/// Body of `GET /sandbox/orders` and the value of `RunningSandbox::admin`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    /// One entry per PO (upper-case), sorted by PO.
    pub orders: Vec<PoRecord>,
    /// Create requests whose PO number was missing or not a string.
    pub attempts_without_po: u32,
}

impl AdminView {
    /// Finds the record of `po`, ignoring letter case.
    pub fn po(&self, po: &str) -> Option<&PoRecord> {
        let key = PoNumber::new(po);
        self.orders.iter().find(|record| record.po_number == key)
    }

    /// Counts the create requests received over all POs.
    pub fn total_attempts(&self) -> u32 {
        self.orders
            .iter()
            .map(|record| record.create_attempts)
            .sum::<u32>()
            + self.attempts_without_po
    }
}

/// Everything received for one PO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoRecord {
    pub po_number: PoNumber,
    /// `POST /orders` requests carrying this PO, whatever their outcome.
    pub create_attempts: u32,
    /// Orders stored under this PO: 0 or 1, since a second one is a 409.
    pub stored: u32,
    /// Requests for this PO whose response the drop-connection fault swallowed.
    pub responses_dropped: u32,
    /// The stored order, status as of the sandbox clock.
    pub order: Option<Order>,
    pub attempts: Vec<CreateAttempt>,
}

/// One `POST /orders` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAttempt {
    pub received_at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    /// True when the client never got the response because the connection was dropped.
    pub response_dropped: bool,
}

/// Outcome of a create request, whether or not its response reached the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    Stored,
    DuplicatePo,
    ValidationFailed,
    /// The body was not a JSON object.
    BadRequest,
}

/// Body of `GET /sandbox/clock` and `POST /sandbox/clock/advance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockReading {
    pub now: DateTime<Utc>,
}

/// Body of `POST /sandbox/clock/advance`; the parts add up and each defaults to 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockAdvance {
    #[serde(default)]
    pub days: u32,
    #[serde(default)]
    pub hours: u32,
    #[serde(default)]
    pub minutes: u32,
    #[serde(default)]
    pub seconds: u32,
}

impl ClockAdvance {
    pub fn duration(&self) -> Duration {
        Duration::days(i64::from(self.days))
            + Duration::hours(i64::from(self.hours))
            + Duration::minutes(i64::from(self.minutes))
            + Duration::seconds(i64::from(self.seconds))
    }
}
