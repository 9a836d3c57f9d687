//! Send Fulfillment Requests: import the merchant's dropship orders into a durable
//! outbox, validate them, and submit each to Petra exactly once.
//!
//! - [`request`]: requests as the merchant writes them, read from JSON or CSV.
//! - [`validate`]: mapping through the template, and the checks before sending.
//! - [`outbox`]: outbox states, the state machine, and the
//!   [`FulfillmentRequests`](outbox::FulfillmentRequests) seam.
//! - [`memory`]: the in-memory outbox.
//! - [`settings`]: the `[fulfillment]` settings.
//! - [`report`]: the run report.
//! - `send`: one request's submission and reconciliation.

pub mod memory;
pub mod outbox;
pub mod report;
pub mod request;
mod send;
pub mod settings;
mod sku_check;
pub mod validate;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use futures::StreamExt;
use petra_client::{PetraApi, PoNumber};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

pub use memory::MemoryRequests;
pub use outbox::{
    Change, FulfillmentRequests, ImportOutcome, OutboxEntry, OutboxState, ReleaseOutcome,
};
pub use report::{RequestResult, SendReport};
pub use request::{
    parse_requests, read_requests_file, FulfillmentRequest, RequestFormat, RequestLine,
};
pub use settings::FulfillmentSettings;
pub use validate::Problem;

use crate::clock::Clock;
use crate::error::Error;
use crate::history::{record_run_end, record_run_start, Operation, RunHistory};
use crate::inventory::TemplateChoice;
use crate::pool::InventoryPool;
use crate::settings::Source;
use send::{Ended, Submitter};
use sku_check::SkuCheck;

/// Name of the built-in template.
pub const DEFAULT_TEMPLATE: &str = "fulfillment-requests";

/// The problems of one imported request, by its position in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestProblems {
    /// Position of the request in the file, starting at 1. In CSV, the rows of one FR
    /// number are one request. This is not the outbox id that send reports use.
    pub position: usize,
    pub fr_number: String,
    pub problems: Vec<Problem>,
}

/// What `import` did: the outbox outcome and the problems the next send will reject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub outcome: ImportOutcome,
    /// True when the requests wait for `petra orders release`.
    pub held: bool,
    pub problems: Vec<RequestProblems>,
}

/// What a run works with besides its settings.
pub struct SendContext<'a> {
    pub api: &'a dyn PetraApi,
    pub requests: &'a dyn FulfillmentRequests,
    /// The inventory pool whose SKUs make the unknown-SKU warning; `None` skips it.
    pub pool: Option<&'a dyn InventoryPool>,
    pub history: &'a dyn RunHistory,
    pub clock: &'a dyn Clock,
    /// Cancelled by SIGINT or SIGTERM: no new request starts, the ones in flight finish.
    pub stop: CancellationToken,
}

/// The Send Fulfillment Requests operation for one source.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use petra_client::{ConnectionConfig, Credentials, PetraClient};
/// use petra_ops::clock::SystemClock;
/// use petra_ops::fulfillment::{
///     read_requests_file, FulfillmentSettings, MemoryRequests, SendContext,
///     SendFulfillmentRequests,
/// };
/// use petra_ops::memory::MemoryHistory;
/// use petra_ops::settings::{ShipFrom, ShippingMethod, SourceSettings};
///
/// let credentials = Credentials::new("DEALER-1042", "password-from-your-vault")?;
/// let config = ConnectionConfig::new("petra", "https://api.petra.example/v1", credentials)?;
/// let client = PetraClient::new(config)?;
///
/// // Sending needs a source that fulfills orders, with a shipping method and a ship-from
/// // location.
/// let source = SourceSettings {
///     fulfills_orders: true,
///     shipping_methods: vec![ShippingMethod { name: "UPS Ground".into(), code: "UPSG".into() }],
///     ship_from: Some(ShipFrom {
///         address: "2101 S Hohokam Dr".into(),
///         city: "Tempe".into(),
///         state_code: "AZ".into(),
///         postal_code: "85282".into(),
///         country_code: "US".into(),
///         ..ShipFrom::default()
///     }),
///     ..SourceSettings::default()
/// };
/// let operation = SendFulfillmentRequests::new(source.validate()?, FulfillmentSettings::default());
/// let outbox = MemoryRequests::new();
/// let history = MemoryHistory::new();
/// operation
///     .import(&outbox, read_requests_file("orders.csv".as_ref())?, &SystemClock)
///     .await?;
///
/// let report = operation
///     .run(SendContext {
///         api: &client,
///         requests: &outbox,
///         pool: None,
///         history: &history,
///         clock: &SystemClock,
///         stop: Default::default(),
///     })
///     .await?;
/// println!("{} submitted, {} rejected", report.submitted, report.rejected);
/// # Ok(()) }
/// ```
pub struct SendFulfillmentRequests {
    source: Source,
    settings: FulfillmentSettings,
    template: TemplateChoice,
}

impl SendFulfillmentRequests {
    /// Builds the operation with the template named in `settings`, or the default.
    pub fn new(source: Source, settings: FulfillmentSettings) -> Self {
        let template = match &settings.template {
            Some(path) => TemplateChoice::File(path.clone()),
            None => TemplateChoice::Default,
        };
        Self {
            source,
            settings,
            template,
        }
    }

    /// Uses another mapping template.
    pub fn with_template(mut self, template: TemplateChoice) -> Self {
        self.template = template;
        self
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Rejects a source whose `fulfills_orders` setting is false, so nothing is stored or
    /// sent for it.
    fn check_fulfills_orders(&self) -> Result<(), Error> {
        let Some(problem) = self.source.settings().fulfillment_problem() else {
            return Ok(());
        };

        tracing::warn!(
            source = self.source.name(),
            setting = %problem.field,
            "source does not fulfill orders; nothing imported or sent"
        );
        Err(Error::FulfillmentDisabled {
            source_name: self.source.name().to_owned(),
            problem,
        })
    }

    /// Compiles the template against the merchant request and Petra order schemas.
    pub fn compile(&self) -> Result<fieldmap::Plan, Error> {
        compile_template(&self.template)
    }

    /// Adds requests to the outbox, held when the review hold is on, and lists the
    /// problems each has now. Invalid requests are stored too: the next send rejects
    /// them with the same reasons, and a corrected import replaces them.
    ///
    /// # Errors
    ///
    /// [`Error::FulfillmentDisabled`] when the source does not fulfill orders,
    /// [`Error::MissingPo`] when a request has an empty FR number, and
    /// [`Error::RepeatedPo`] when two requests share one. None of them stores anything.
    pub async fn import(
        &self,
        requests: &dyn FulfillmentRequests,
        incoming: Vec<crate::fulfillment::FulfillmentRequest>,
        clock: &dyn Clock,
    ) -> Result<ImportReport, Error> {
        self.check_fulfills_orders()?;
        check_po_numbers(&incoming)?;
        let plan = self.compile()?;
        let problems = incoming
            .iter()
            .enumerate()
            .filter_map(|(index, request)| {
                let problems = validate::prepare(&plan, request).err()?;
                Some(RequestProblems {
                    position: index + 1,
                    fr_number: request.fr_number.clone(),
                    problems,
                })
            })
            .collect();

        let hold = self.settings.review_hold;
        let outcome = requests
            .import(self.source.name(), incoming, hold, clock.now())
            .await
            .map_err(|source| Error::Requests {
                action: "import requests",
                po: None,
                source,
            })?;
        tracing::info!(
            added = outcome.added.len(),
            replaced = outcome.replaced.len(),
            skipped = outcome.skipped.len(),
            "fulfillment requests imported"
        );
        Ok(ImportReport {
            outcome,
            held: hold,
            problems,
        })
    }

    /// Runs Send Fulfillment Requests once and records it in the history.
    ///
    /// Call it under the operation's lock (see [`crate::schedule`]): an entry found in
    /// `submitting` is taken to belong to a run that ended without recording Petra's
    /// reply, so it is reconciled by a PO lookup before anything is sent again.
    ///
    /// # Errors
    ///
    /// [`Error::FulfillmentDisabled`] when the source does not fulfill orders, before
    /// anything is sent or recorded in the history.
    pub async fn run(&self, context: SendContext<'_>) -> Result<SendReport, Error> {
        self.check_fulfills_orders()?;
        let run_id = Uuid::new_v4();
        let span = tracing::info_span!(
            "send_fulfillment_requests",
            operation = Operation::SendFulfillmentRequests.as_str(),
            source = self.source.name(),
            run_id = %run_id,
        );
        self.run_recorded(run_id, context).instrument(span).await
    }

    async fn run_recorded(
        &self,
        run_id: Uuid,
        context: SendContext<'_>,
    ) -> Result<SendReport, Error> {
        record_run_start(
            context.history,
            run_id,
            Operation::SendFulfillmentRequests,
            self.source.name(),
            false,
            context.clock.now(),
        )
        .await?;
        tracing::info!("Send Fulfillment Requests started");

        let result = self.execute(run_id, &context).await;

        record_run_end(
            context.history,
            run_id,
            &result,
            SendReport::succeeded,
            context.clock.now(),
        )
        .await?;

        match &result {
            Ok(report) => tracing::info!(
                submitted = report.submitted,
                rejected = report.rejected,
                held = report.held,
                unknown = report.unknown,
                reconciled = report.reconciled,
                pending = report.pending,
                not_sent = report.not_sent,
                deferred = report.deferred,
                interrupted = report.interrupted,
                "Send Fulfillment Requests finished"
            ),
            Err(err) => tracing::warn!(error = %err, "Send Fulfillment Requests failed"),
        }
        result
    }

    async fn execute(&self, run_id: Uuid, context: &SendContext<'_>) -> Result<SendReport, Error> {
        let started = Instant::now();
        let started_at = context.clock.now();
        let source = self.source.name();
        let requests_error = |action| {
            move |source| Error::Requests {
                action,
                po: None,
                source,
            }
        };

        let plan = self.compile()?;
        let skus = SkuCheck::new(context.pool, source).await?;
        let run_stop = context.stop.child_token();
        let submitter = Submitter {
            source,
            api: context.api,
            requests: context.requests,
            clock: context.clock,
            plan: &plan,
            skus: &skus,
            max_retries: self.settings.max_retries,
            stop: &run_stop,
            unreachable_attempts: AtomicU64::new(0),
            reached_attempts: AtomicU64::new(0),
        };

        let mut results = Vec::new();
        let mut fatal_error = None;
        let mut fatal_status = None;
        let mut stopped_after = None;
        let mut after = 0;
        while !run_stop.is_cancelled() {
            let batch = context
                .requests
                .actionable(source, after, self.settings.batch_size.max(1))
                .await
                .map_err(requests_error("read pending requests"))?;
            let Some(last) = batch.last() else { break };
            after = last.sequence;

            let mut ended = futures::stream::iter(batch)
                .map(|entry| submitter.submit(entry))
                .buffer_unordered(self.settings.concurrency.max(1));
            while let Some(outcome) = ended.next().await {
                match outcome? {
                    Ended::Done(result) => {
                        stopped_after = stopped_after.max(Some(result.outbox_id));
                        results.push(result);
                    }
                    Ended::NotStarted => {}
                    Ended::Fatal(result, error, status) => {
                        tracing::warn!(%error, "stopping the run: Petra rejected the credentials");
                        run_stop.cancel();
                        if fatal_error.is_none() {
                            fatal_error = Some(error);
                            fatal_status = Some(status);
                        }
                        results.push(result);
                    }
                }
            }
        }
        results.sort_by_key(|result| result.outbox_id);
        let unreachable_attempts = submitter.unreachable_attempts.load(Ordering::Relaxed);
        let petra_unreachable =
            unreachable_attempts > 0 && submitter.reached_attempts.load(Ordering::Relaxed) == 0;
        if petra_unreachable {
            // The `error` field marks a failure the report carries, so the CLI shows the
            // event only with `-v`.
            let first_error = results.iter().find_map(|result| result.error.as_deref());
            tracing::warn!(
                attempts = unreachable_attempts,
                error = first_error.unwrap_or("unknown"),
                "no request reached Petra because every attempt failed to connect"
            );
        }

        // Held, pending and unknown count the outbox, not this run's results, because a
        // stop signal leaves batches unread whose requests still wait. An entry still
        // `submitting` belongs to an earlier run that ended before Petra's reply.
        let in_outbox = |state| async move {
            let entries = context
                .requests
                .list(source, Some(state))
                .await
                .map_err(requests_error("count requests by state"))?;
            Ok::<u64, Error>(entries.len() as u64)
        };
        let held = in_outbox(OutboxState::Held).await?;
        let pending = in_outbox(OutboxState::Pending).await?;
        let unknown = in_outbox(OutboxState::OutcomeUnknown).await?
            + in_outbox(OutboxState::Submitting).await?;
        let count = |state| {
            results
                .iter()
                .filter(|result| result.state == state)
                .count() as u64
        };
        Ok(SendReport {
            run_id,
            source: source.to_owned(),
            started_at,
            finished_at: context.clock.now(),
            duration_ms: started.elapsed().as_millis() as u64,
            submitted: count(OutboxState::Submitted),
            rejected: count(OutboxState::Rejected),
            held,
            unknown,
            reconciled: results.iter().filter(|result| result.reconciled).count() as u64,
            pending,
            not_sent: results.iter().filter(|result| result.not_sent).count() as u64,
            deferred: results.iter().filter(|result| result.deferred).count() as u64,
            interrupted: context.stop.is_cancelled(),
            // Only a stopped run has a place where it stopped.
            stopped_after: stopped_after.filter(|_| context.stop.is_cancelled()),
            fatal_error,
            fatal_status,
            petra_unreachable,
            unreachable_attempts,
            results,
        })
    }
}

/// Rejects requests with an empty FR number, and requests that share one. The outbox
/// keys entries by PO, so the later of two such requests would replace the earlier.
fn check_po_numbers(requests: &[FulfillmentRequest]) -> Result<(), Error> {
    let positions: Vec<usize> = requests
        .iter()
        .enumerate()
        .filter(|(_, request)| request.fr_number.trim().is_empty())
        .map(|(index, _)| index + 1)
        .collect();
    if !positions.is_empty() {
        tracing::warn!(
            ?positions,
            "requests without an FR number; nothing imported"
        );
        return Err(Error::MissingPo { positions });
    }

    let mut positions_by_po: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, request) in requests.iter().enumerate() {
        let po = PoNumber::new(&request.fr_number);
        positions_by_po
            .entry(po.key().to_owned())
            .or_default()
            .push(index + 1);
    }
    let repeated = positions_by_po
        .into_values()
        .filter(|positions| positions.len() > 1)
        .min_by_key(|positions| positions[0]);
    let Some(positions) = repeated else {
        return Ok(());
    };

    let po = PoNumber::new(&requests[positions[0] - 1].fr_number).to_string();
    tracing::warn!(%po, ?positions, "requests share a PO; nothing imported");
    Err(Error::RepeatedPo { po, positions })
}

/// Compiles `template` (the built-in one for [`TemplateChoice::Default`]) against the
/// merchant request and Petra order schemas, without building the operation.
pub fn compile_template(template: &TemplateChoice) -> Result<fieldmap::Plan, Error> {
    let loaded = template.load(DEFAULT_TEMPLATE)?;
    fieldmap::compile(
        &loaded.template,
        &fieldmap::schemas::merchant_fulfillment_request(),
        &fieldmap::schemas::fulfillment_request(),
    )
    .map_err(|diagnostics| Error::Template {
        template: loaded.name.clone(),
        details: diagnostics.to_string(),
    })
}
