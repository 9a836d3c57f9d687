//! The Send Fulfillment Requests report, kept as run history.

use chrono::{DateTime, Utc};
use petra_client::wire::OrderLine;
use petra_client::PoNumber;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::outbox::OutboxState;
use super::validate::Problem;

/// What one run did with one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestResult {
    /// The request's outbox id, [`OutboxEntry::sequence`](super::OutboxEntry::sequence).
    /// Reports stored by earlier versions name it `request`.
    #[serde(alias = "request")]
    pub outbox_id: u64,
    pub po_number: PoNumber,
    /// The state the run left the request in.
    pub state: OutboxState,
    pub order_id: Option<String>,
    /// True when a PO lookup settled the outcome.
    pub reconciled: bool,
    pub reasons: Vec<Problem>,
    /// The lines sent, when Petra holds different ones under the same PO.
    pub sent_lines: Option<Vec<OrderLine>>,
    /// The lines Petra holds under the PO, when they differ from the request's.
    pub petra_lines: Option<Vec<OrderLine>>,
    pub warnings: Vec<String>,
    /// The last error, when the request is still pending or its outcome unknown.
    pub error: Option<String>,
    /// True when the request stays pending because its last attempt failed to connect,
    /// so the order was not sent.
    #[serde(default)]
    pub not_sent: bool,
    /// True when the run tried the request and left it pending for the next run: a `429`
    /// asked for a wait past 60 s, or `max_retries` ran out on `429`s or on lost replies
    /// whose lookup found no order.
    #[serde(default)]
    pub deferred: bool,
}

/// The outcome of one Send Fulfillment Requests run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendReport {
    pub run_id: Uuid,
    pub source: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: u64,
    /// Requests Petra holds after this run (created or found by a lookup).
    pub submitted: u64,
    /// Requests rejected in this run: invalid, or refused by Petra.
    pub rejected: u64,
    /// Requests in the outbox waiting for `petra orders release`.
    pub held: u64,
    /// Requests in the outbox whose outcome is still unknown when the run ends: the PO
    /// lookup failed too, or a stop signal came before the run reached them.
    pub unknown: u64,
    /// Unknown outcomes a PO lookup settled in this run.
    pub reconciled: u64,
    /// Requests pending in the outbox when the run ends: deferred, not sent because the
    /// connection failed first, or not reached because the run was stopped.
    pub pending: u64,
    /// True when a stop signal ended the run before the outbox was worked through.
    pub interrupted: bool,
    /// The outbox id of the last request the run started, so an interrupted run shows
    /// where it stopped. The next run starts again from the lowest pending request.
    pub stopped_after: Option<u64>,
    /// Set when the run ended early because Petra rejected the credentials.
    pub fatal_error: Option<String>,
    /// HTTP status of `fatal_error`: `401` when Petra rejected the credentials, `403`
    /// when the account has no API access.
    #[serde(default)]
    pub fatal_status: Option<u16>,
    /// Requests left pending because their last attempt failed to connect, so the order
    /// was not sent. Part of `pending`.
    #[serde(default)]
    pub not_sent: u64,
    /// Requests the run tried and left pending because Petra rate limited them past the
    /// wait cap or the retries ran out. Part of `pending`.
    #[serde(default)]
    pub deferred: u64,
    /// True when the run tried to send at least one request and every attempt failed to
    /// connect, so nothing reached Petra and those requests stay pending.
    #[serde(default)]
    pub petra_unreachable: bool,
    /// Attempts of this run that failed to connect to Petra, retries included.
    #[serde(default)]
    pub unreachable_attempts: u64,
    pub results: Vec<RequestResult>,
}

impl SendReport {
    /// Reports whether the run settled every request it touched and ran to its end. An
    /// unknown outcome, a request unsent because the connection failed, a deferred
    /// request, rejected credentials, an unreachable Petra or a stop signal makes it false.
    pub fn succeeded(&self) -> bool {
        self.fatal_error.is_none()
            && !self.petra_unreachable
            && self.not_sent == 0
            && self.deferred == 0
            && self.unknown == 0
            && !self.interrupted
    }
}
