//! Sending one outbox entry: validate, record `submitting`, send, and settle the reply,
//! with a PO lookup whenever the reply was lost.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use fieldmap::Plan;
use petra_client::wire::CreateOrderRequest;
use petra_client::{Delivery, PetraApi, PoNumber};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use super::outbox::{Change, FulfillmentRequests, OutboxEntry, OutboxState};
use super::report::RequestResult;
use super::sku_check::SkuCheck;
use super::validate::{self, Problem};
use crate::clock::Clock;
use crate::error::{with_root_cause, Error};

/// The maximum wait a `429` may impose on one request before it goes back to the queue for the
/// next run.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Wait after a `429` without `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Everything one request's submission needs, shared by the concurrent tasks of a run.
pub(super) struct Submitter<'a> {
    pub source: &'a str,
    pub api: &'a dyn PetraApi,
    pub requests: &'a dyn FulfillmentRequests,
    pub clock: &'a dyn Clock,
    pub plan: &'a Plan,
    /// The inventory pool's SKUs, for the unknown-SKU warning.
    pub skus: &'a SkuCheck<'a>,
    pub max_retries: u32,
    pub stop: &'a CancellationToken,
    /// Create attempts that failed to connect, so the order was not sent.
    pub unreachable_attempts: AtomicU64,
    /// Create attempts that reached Petra or may have: any reply, or a failure after the
    /// request went out.
    pub reached_attempts: AtomicU64,
}

/// The end of a request's turn in a run, beyond the state it was left in.
pub(super) enum Ended {
    /// The request reached a state this run reports.
    Done(RequestResult),
    /// The stop signal came before the request was started.
    NotStarted,
    /// Petra rejected the credentials (`401`) or the account (`403`), with that HTTP
    /// status. Every other request would fail the same way.
    Fatal(RequestResult, String, u16),
}

/// The result of one create attempt.
enum Attempt {
    Settled(Change),
    /// Back to pending; retry after the wait when the budget allows.
    RetryAfter(Duration, String),
    /// Back to pending for the next run.
    Requeue(String),
    /// The connection failed before the order was sent, so the request goes back to
    /// pending for the next run.
    NotSent(String),
    /// The outcome is unknown: look the PO up.
    Lookup(String),
    /// `401` or `403`, with the HTTP status.
    Fatal(String, u16),
}

impl Submitter<'_> {
    /// Works one entry to a settled state or as far as this run can take it.
    pub(super) async fn submit(&self, entry: OutboxEntry) -> Result<Ended, Error> {
        if self.stop.is_cancelled() {
            return Ok(Ended::NotStarted);
        }
        let mut result = RequestResult {
            outbox_id: entry.sequence,
            po_number: entry.po_number.clone(),
            state: entry.state,
            order_id: None,
            reconciled: false,
            reasons: Vec::new(),
            sent_lines: None,
            petra_lines: None,
            warnings: Vec::new(),
            error: None,
            not_sent: false,
            deferred: false,
        };

        let mut entry = entry;
        if entry.state == OutboxState::Submitting {
            entry = self.record(&entry.po_number, Change::Interrupted).await?;
        }
        if entry.state == OutboxState::OutcomeUnknown {
            entry = self.reconcile(entry, &mut result).await?;
            if entry.state != OutboxState::Pending {
                return Ok(Ended::Done(finish(result, &entry)));
            }
        }

        let order = match validate::prepare(self.plan, &entry.request) {
            Ok(order) => order,
            Err(reasons) => {
                let entry = self
                    .record(
                        &entry.po_number,
                        Change::Rejected {
                            reasons,
                            petra_lines: None,
                        },
                    )
                    .await?;
                return Ok(Ended::Done(finish(result, &entry)));
            }
        };
        match self.skus.unknown(&order).await {
            Ok(unknown) => result.warnings.extend(
                unknown
                    .into_iter()
                    .map(|sku| format!("SKU {sku} is not in the inventory pool")),
            ),
            // The check only adds warnings, so the order is still sent.
            Err(error) => {
                warn!(po = %entry.po_number, %error, "could not look up the order's SKUs");
                result.warnings.push(format!(
                    "could not check the SKUs against the inventory pool: {error}"
                ));
            }
        }

        self.send_with_retries(entry, order, result).await
    }

    async fn send_with_retries(
        &self,
        mut entry: OutboxEntry,
        order: CreateOrderRequest,
        mut result: RequestResult,
    ) -> Result<Ended, Error> {
        let po = entry.po_number.clone();
        let mut retries = 0;
        loop {
            entry = self
                .record(
                    &po,
                    Change::Submitting {
                        order: Box::new(order.clone()),
                    },
                )
                .await?;
            debug!(po = %po, attempt = entry.attempts, "sending order");

            let attempt = self.attempt(&order).await;
            let (wait, error) = match attempt {
                Attempt::Settled(change) => {
                    entry = self.record(&po, change).await?;
                    if entry.petra_lines.is_some() {
                        result.sent_lines = Some(order.lines.clone());
                    }
                    return Ok(Ended::Done(finish(result, &entry)));
                }
                Attempt::Fatal(error, status) => {
                    entry = self.requeue(&po, &error, false).await?;
                    return Ok(Ended::Fatal(finish(result, &entry), error, status));
                }
                Attempt::Requeue(error) => {
                    entry = self.requeue(&po, &error, false).await?;
                    result.deferred = true;
                    return Ok(Ended::Done(finish(result, &entry)));
                }
                Attempt::NotSent(error) => {
                    entry = self.requeue(&po, &error, false).await?;
                    result.not_sent = true;
                    return Ok(Ended::Done(finish(result, &entry)));
                }
                Attempt::RetryAfter(wait, error) => {
                    entry = self.requeue(&po, &error, false).await?;
                    (wait, error)
                }
                Attempt::Lookup(error) => {
                    entry = self
                        .record(
                            &po,
                            Change::OutcomeUnknown {
                                error: error.clone(),
                            },
                        )
                        .await?;
                    entry = self.reconcile(entry, &mut result).await?;
                    if entry.state != OutboxState::Pending {
                        return Ok(Ended::Done(finish(result, &entry)));
                    }
                    (Duration::ZERO, error)
                }
            };

            retries += 1;
            if retries > self.max_retries {
                warn!(po = %po, attempts = retries, %error, "left pending for the next run");
                result.deferred = true;
                return Ok(Ended::Done(finish(result, &entry)));
            }
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.stop.cancelled() => return Ok(Ended::Done(finish(result, &entry))),
            }
        }
    }

    /// Sends the order once and sorts the reply into what to record next.
    async fn attempt(&self, order: &CreateOrderRequest) -> Attempt {
        use petra_client::Error as E;

        let error = match self.api.create_order(order).await {
            Ok(created) => {
                self.reached_attempts.fetch_add(1, Ordering::Relaxed);
                return Attempt::Settled(Change::Submitted {
                    order_id: created.order_id,
                    reconciled: false,
                });
            }
            Err(error) => error,
        };
        let not_sent = matches!(
            error,
            E::Transport {
                delivery: Delivery::NotSent,
                ..
            }
        );
        let counter = if not_sent {
            &self.unreachable_attempts
        } else {
            &self.reached_attempts
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let message = with_root_cause(&error);

        match &error {
            E::DuplicatePo { .. } => match self.api.get_order(&order.po_number).await {
                Ok(held) => Attempt::Settled(compare(order, held)),
                Err(lookup) => Attempt::Lookup(format!(
                    "{message}; the lookup that followed failed: {}",
                    with_root_cause(&lookup)
                )),
            },
            E::Validation { problems, .. } => Attempt::Settled(Change::Rejected {
                reasons: problems
                    .iter()
                    .map(|problem| Problem {
                        field: problem.field.clone(),
                        reason: format!("Petra: {}", problem.reason),
                    })
                    .collect(),
                petra_lines: None,
            }),
            E::InvalidArgument { argument, reason } => Attempt::Settled(Change::Rejected {
                reasons: vec![Problem {
                    field: argument.clone(),
                    reason: reason.clone(),
                }],
                petra_lines: None,
            }),
            // A 429 means Petra did not take the order, so sending it again is safe.
            E::RateLimited { retry_after, .. } => {
                let wait = retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
                if wait > MAX_RETRY_AFTER {
                    Attempt::Requeue(message)
                } else {
                    Attempt::RetryAfter(wait, message)
                }
            }
            E::Transport {
                delivery: Delivery::NotSent,
                ..
            } => Attempt::NotSent(message),
            E::Authentication { api, .. } | E::AccessNotEnabled { api } => {
                Attempt::Fatal(message, api.status)
            }
            // Everything else may have reached Petra: timeouts and dropped connections
            // after sending, gateway errors, and any 5xx or unreadable reply, because a
            // server can fail after storing the order. A lookup costs one GET.
            _ => Attempt::Lookup(message),
        }
    }

    /// Looks the PO up at Petra to settle an unknown outcome. Leaves the entry
    /// `outcome_unknown` when the lookup fails too.
    async fn reconcile(
        &self,
        entry: OutboxEntry,
        result: &mut RequestResult,
    ) -> Result<OutboxEntry, Error> {
        let po = entry.po_number.clone();
        match self.api.get_order(&po).await {
            Ok(held) => {
                result.reconciled = true;
                let change = match &entry.sent {
                    Some(sent) => {
                        if !validate::same_lines(&sent.lines, &held.lines) {
                            result.sent_lines = Some(sent.lines.clone());
                        }
                        compare(sent, held)
                    }
                    None => Change::Submitted {
                        order_id: held.order_id,
                        reconciled: true,
                    },
                };
                debug!(po = %po, "lookup found the order");
                self.record(&po, change).await
            }
            Err(petra_client::Error::NotFound { .. }) => {
                result.reconciled = true;
                debug!(po = %po, "lookup found no order; sending again");
                // The error that made the outcome unknown stays in front, so a request
                // left pending still shows why its sending failed.
                let error = match &entry.last_error {
                    Some(cause) => format!("{cause}; a later PO lookup found no order"),
                    None => "Petra has no order under this PO".to_owned(),
                };
                self.requeue(&po, &error, true).await
            }
            Err(error) => {
                let error = with_root_cause(&error);
                warn!(po = %po, %error, "PO lookup failed; outcome stays unknown");
                self.record(
                    &po,
                    Change::OutcomeUnknown {
                        error: format!("PO lookup failed: {error}"),
                    },
                )
                .await
            }
        }
    }

    async fn requeue(
        &self,
        po: &PoNumber,
        error: &str,
        reconciled: bool,
    ) -> Result<OutboxEntry, Error> {
        self.record(
            po,
            Change::Requeue {
                error: error.to_owned(),
                reconciled,
            },
        )
        .await
    }

    async fn record(&self, po: &PoNumber, change: Change) -> Result<OutboxEntry, Error> {
        self.requests
            .record(self.source, po, change, self.clock.now())
            .await
            .map_err(|source| Error::Requests {
                action: "record a request's state",
                po: Some(po.to_string()),
                source,
            })
    }
}

/// Decides what Petra holding `held` under the PO means for the order we sent.
fn compare(sent: &CreateOrderRequest, held: petra_client::wire::Order) -> Change {
    if validate::same_lines(&sent.lines, &held.lines) {
        Change::Submitted {
            order_id: held.order_id,
            reconciled: true,
        }
    } else {
        Change::Rejected {
            reasons: vec![Problem {
                field: "fr_number".to_owned(),
                reason: format!(
                    "Petra already holds order {} under this PO with different lines; \
                     check both versions and use a new PO if this is another order",
                    held.order_id
                ),
            }],
            petra_lines: Some(held.lines),
        }
    }
}

fn finish(mut result: RequestResult, entry: &OutboxEntry) -> RequestResult {
    result.state = entry.state;
    result.order_id = entry.order_id.clone();
    result.reasons = entry.reasons.clone();
    result.petra_lines = entry.petra_lines.clone();
    if !matches!(entry.state, OutboxState::Submitted | OutboxState::Rejected) {
        result.error = entry.last_error.clone();
    }
    result
}
