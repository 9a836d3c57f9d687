//! The order outbox: each request's submission state, the rules for moving between
//! states, and the [`FulfillmentRequests`] seam that stores them durably.
//!
//! ```text
//! held ──release──▶ pending ──▶ submitting ──▶ submitted (Petra's order id)
//!                      ▲            │    └────▶ rejected (reasons)
//!                      │            ▼
//!                      └─ not found ─ outcome_unknown ──found──▶ submitted
//! ```
//!
//! A request is recorded as `submitting` before it is sent. When the reply is lost
//! (timeout, dropped connection, gateway error) it becomes `outcome_unknown`, and only a
//! PO lookup at Petra moves it on: found means submitted, not found means it may be sent
//! again with the same PO.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::wire::{CreateOrderRequest, OrderLine};
use petra_client::PoNumber;
use serde::{Deserialize, Serialize};

use super::request::FulfillmentRequest;
use super::validate::Problem;
use crate::pool::PoolError;

/// The submission state of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting for `petra orders release` because the review hold is on.
    Held,
    /// Ready to send.
    Pending,
    /// Recorded just before sending. An entry still here after a crash has an unknown outcome.
    Submitting,
    /// Petra has stored the order.
    Submitted,
    /// Never to be sent, because it is invalid or Petra rejected it.
    Rejected,
    /// Sent, but the reply was lost; a PO lookup decides what happened.
    OutcomeUnknown,
}

impl OutboxState {
    pub const ALL: [OutboxState; 6] = [
        OutboxState::Held,
        OutboxState::Pending,
        OutboxState::Submitting,
        OutboxState::Submitted,
        OutboxState::Rejected,
        OutboxState::OutcomeUnknown,
    ];

    /// Returns the stable identifier stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Pending => "pending",
            Self::Submitting => "submitting",
            Self::Submitted => "submitted",
            Self::Rejected => "rejected",
            Self::OutcomeUnknown => "outcome_unknown",
        }
    }

    /// Parses the identifier [`as_str`](Self::as_str) returns.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// States the send operation acts on.
    pub fn is_actionable(self) -> bool {
        matches!(
            self,
            Self::Pending | Self::Submitting | Self::OutcomeUnknown
        )
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request in the outbox with everything known about its submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub po_number: PoNumber,
    /// Intake order within the source, starting at 1: the outbox id in send reports and
    /// `petra orders list`.
    pub sequence: u64,
    pub request: FulfillmentRequest,
    pub state: OutboxState,
    /// The exact body last sent (or about to be sent), kept to compare with what Petra
    /// holds after a lost reply.
    pub sent: Option<CreateOrderRequest>,
    pub order_id: Option<String>,
    /// Why the request was rejected: validation problems or Petra's reply.
    pub reasons: Vec<Problem>,
    /// The lines Petra stored under this PO, when they differ from the request's.
    pub petra_lines: Option<Vec<OrderLine>>,
    /// Create requests sent so far.
    pub attempts: u32,
    /// The last error seen, for `petra orders show`.
    pub last_error: Option<String>,
    /// True once a PO lookup settled an unknown outcome.
    pub reconciled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl OutboxEntry {
    /// Builds a new entry for an imported request.
    pub fn new(request: FulfillmentRequest, sequence: u64, hold: bool, now: DateTime<Utc>) -> Self {
        Self {
            po_number: PoNumber::new(&request.fr_number),
            sequence,
            request,
            state: if hold {
                OutboxState::Held
            } else {
                OutboxState::Pending
            },
            sent: None,
            order_id: None,
            reasons: Vec::new(),
            petra_lines: None,
            attempts: 0,
            last_error: None,
            reconciled: false,
            created_at: now,
            updated_at: now,
            submitted_at: None,
        }
    }

    /// Reports whether the request may have reached Petra, so a new import must not
    /// replace it.
    pub fn may_have_been_sent(&self) -> bool {
        self.attempts > 0 || self.sent.is_some()
    }
}

/// A state change the send operation records.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `held` to `pending`.
    Release,
    /// `pending` to `submitting`, with the body about to be sent.
    Submitting { order: Box<CreateOrderRequest> },
    /// Petra has stored the order.
    Submitted {
        order_id: String,
        /// True when a PO lookup, not the create reply, showed it.
        reconciled: bool,
    },
    /// Never to be sent again.
    Rejected {
        reasons: Vec<Problem>,
        petra_lines: Option<Vec<OrderLine>>,
    },
    /// The reply was lost after sending.
    OutcomeUnknown { error: String },
    /// Back to `pending`: Petra did not take the order (429, not sent) or a lookup found
    /// no order under the PO.
    Requeue { error: String, reconciled: bool },
    /// A `submitting` entry found when a run starts: the run that wrote it ended without
    /// recording the outcome.
    Interrupted,
}

/// A change that the entry's current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PO {po} cannot move from {from} by {change}")]
pub struct InvalidChange {
    pub po: String,
    pub from: OutboxState,
    pub change: &'static str,
}

impl Change {
    fn name(&self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Submitting { .. } => "submitting",
            Self::Submitted { .. } => "submitted",
            Self::Rejected { .. } => "rejected",
            Self::OutcomeUnknown { .. } => "outcome_unknown",
            Self::Requeue { .. } => "requeue",
            Self::Interrupted => "interrupted",
        }
    }

    /// Applies the change to `entry`. Both backends call this inside their write
    /// transaction, so the state machine has one definition.
    pub fn apply(self, entry: &mut OutboxEntry, now: DateTime<Utc>) -> Result<(), InvalidChange> {
        use OutboxState as S;
        let invalid = |entry: &OutboxEntry, change: &Change| InvalidChange {
            po: entry.po_number.to_string(),
            from: entry.state,
            change: change.name(),
        };

        match (&self, entry.state) {
            (Change::Release, S::Held) => entry.state = S::Pending,
            (Change::Submitting { .. }, S::Pending) => {}
            (Change::Submitted { .. }, S::Submitting | S::OutcomeUnknown) => {}
            (Change::Rejected { .. }, S::Pending | S::Submitting | S::OutcomeUnknown) => {}
            (Change::OutcomeUnknown { .. }, S::Submitting | S::OutcomeUnknown) => {}
            (Change::Requeue { .. }, S::Submitting | S::OutcomeUnknown) => {}
            (Change::Interrupted, S::Submitting) => {}
            _ => return Err(invalid(entry, &self)),
        }

        match self {
            Change::Release => {}
            Change::Submitting { order } => {
                entry.state = S::Submitting;
                entry.sent = Some(*order);
                entry.attempts += 1;
            }
            Change::Submitted {
                order_id,
                reconciled,
            } => {
                entry.state = S::Submitted;
                entry.order_id = Some(order_id);
                entry.reconciled |= reconciled;
                entry.submitted_at = Some(now);
                entry.last_error = None;
            }
            Change::Rejected {
                reasons,
                petra_lines,
            } => {
                entry.state = S::Rejected;
                entry.reasons = reasons;
                entry.petra_lines = petra_lines;
            }
            Change::OutcomeUnknown { error } => {
                entry.state = S::OutcomeUnknown;
                entry.last_error = Some(error);
            }
            Change::Requeue { error, reconciled } => {
                entry.state = S::Pending;
                entry.last_error = Some(error);
                entry.reconciled |= reconciled;
            }
            Change::Interrupted => {
                entry.state = S::OutcomeUnknown;
                entry.last_error =
                    Some("the run sending it stopped before recording Petra's reply".to_owned());
            }
        }
        entry.updated_at = now;
        Ok(())
    }
}

/// The result of an import, per request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    /// New POs.
    pub added: Vec<PoNumber>,
    /// POs that were known but never sent, replaced by the new version.
    pub replaced: Vec<PoNumber>,
    /// POs already known and possibly sent: left as they were.
    pub skipped: Vec<PoNumber>,
}

/// The result of a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseOutcome {
    Released,
    /// The request is not held; nothing changed.
    NotHeld(OutboxState),
    NotFound,
}

/// Pending fulfillment requests routed to a source and the durable record of each one's
/// submission state.
///
/// Every method that changes state must be durable when it returns: the send operation
/// records `submitting` and only then calls Petra.
#[async_trait]
pub trait FulfillmentRequests: Send + Sync {
    /// Adds requests to the outbox, `held` when `hold` is true and `pending` otherwise.
    /// A PO already in the outbox (ignoring letter case) is replaced only when it was
    /// never sent; otherwise it is skipped.
    ///
    /// NOTE: this stores an empty PO, and lets a later request replace an earlier one
    /// with the same PO, as given. Import through
    /// [`SendFulfillmentRequests::import`](super::SendFulfillmentRequests::import), which
    /// rejects both first.
    async fn import(
        &self,
        source: &str,
        requests: Vec<FulfillmentRequest>,
        hold: bool,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, PoolError>;

    /// Returns up to `limit` entries in `pending`, `submitting` or `outcome_unknown`,
    /// lowest sequence first, skipping sequences up to `after`.
    async fn actionable(
        &self,
        source: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, PoolError>;

    /// Applies `change` to the PO's entry with [`Change::apply`] and stores it before
    /// returning. Returns the updated entry.
    async fn record(
        &self,
        source: &str,
        po: &PoNumber,
        change: Change,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry, PoolError>;

    /// Returns the entry of a PO, ignoring letter case.
    async fn get(&self, source: &str, po: &PoNumber) -> Result<Option<OutboxEntry>, PoolError>;

    /// Lists entries, in one state or all, lowest sequence first.
    async fn list(
        &self,
        source: &str,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxEntry>, PoolError>;

    /// Moves a held request to `pending`.
    async fn release(
        &self,
        source: &str,
        po: &PoNumber,
        now: DateTime<Utc>,
    ) -> Result<ReleaseOutcome, PoolError> {
        match self.get(source, po).await? {
            None => Ok(ReleaseOutcome::NotFound),
            Some(entry) if entry.state != OutboxState::Held => {
                Ok(ReleaseOutcome::NotHeld(entry.state))
            }
            Some(_) => {
                self.record(source, po, Change::Release, now).await?;
                Ok(ReleaseOutcome::Released)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 11, 15, 0, 0).unwrap()
    }

    fn entry(state: OutboxState) -> OutboxEntry {
        let mut entry = OutboxEntry::new(
            FulfillmentRequest {
                fr_number: "fr-1".into(),
                ..FulfillmentRequest::default()
            },
            1,
            false,
            now(),
        );
        entry.state = state;
        entry
    }

    fn unknown() -> Change {
        Change::OutcomeUnknown {
            error: "timed out".into(),
        }
    }

    #[test]
    fn pending_cannot_be_submitted_directly() {
        let mut pending = entry(OutboxState::Pending);

        let change = Change::Submitted {
            order_id: "ORD-1".into(),
            reconciled: false,
        };

        assert!(change.apply(&mut pending, now()).is_err());
    }

    #[test]
    fn submitted_is_final() {
        for change in [unknown(), Change::Interrupted, Change::Release] {
            let mut submitted = entry(OutboxState::Submitted);

            assert!(change.apply(&mut submitted, now()).is_err());
        }
    }

    #[test]
    fn submitting_counts_attempts() {
        let mut pending = entry(OutboxState::Pending);
        let order = CreateOrderRequest {
            po_number: "FR-1".into(),
            ship_to: serde_json::from_str(
                r#"{"name":"A","address1":"1","city":"C","state":"AZ","postal_code":"85281"}"#,
            )
            .unwrap(),
            shipping_method: None,
            lines: Vec::new(),
        };

        Change::Submitting {
            order: Box::new(order),
        }
        .apply(&mut pending, now())
        .unwrap();

        assert_eq!(pending.state, OutboxState::Submitting);
        assert_eq!(pending.attempts, 1);
        assert!(pending.may_have_been_sent());
    }

    #[test]
    fn interrupted_becomes_unknown() {
        let mut submitting = entry(OutboxState::Submitting);

        Change::Interrupted.apply(&mut submitting, now()).unwrap();

        assert_eq!(submitting.state, OutboxState::OutcomeUnknown);
    }

    #[test]
    fn lookup_not_found_requeues() {
        let mut unknown_entry = entry(OutboxState::OutcomeUnknown);

        Change::Requeue {
            error: "not found at Petra".into(),
            reconciled: true,
        }
        .apply(&mut unknown_entry, now())
        .unwrap();

        assert_eq!(unknown_entry.state, OutboxState::Pending);
        assert!(unknown_entry.reconciled);
    }

    #[test]
    fn held_releases_to_pending() {
        let mut held = entry(OutboxState::Held);

        Change::Release.apply(&mut held, now()).unwrap();

        assert_eq!(held.state, OutboxState::Pending);
    }

    #[test]
    fn held_cannot_start_submitting() {
        let mut held = entry(OutboxState::Held);
        let order = serde_json::from_str(
            r#"{"po_number":"FR-1","ship_to":{"name":"A","address1":"1","city":"C","state":"AZ","postal_code":"85281"},"lines":[]}"#,
        )
        .unwrap();

        assert!(Change::Submitting {
            order: Box::new(order),
        }
        .apply(&mut held, now())
        .is_err());
    }

    #[test]
    fn state_names_round_trip() {
        for state in OutboxState::ALL {
            assert_eq!(OutboxState::parse(state.as_str()), Some(state));
        }
    }
}
