//! Get Shipments: fetch the shipments of the last days from Petra, map them, and attach
//! each to its order in the shipment ledger.
//!
//! - [`shipped_at`]: reading shipped-at values in the source's time zone.
//! - [`ledger`]: shipment keys, merging, and order shipping states.
//! - [`sink`]: the [`ShipmentSink`](sink::ShipmentSink) seam and the in-memory ledger.
//! - [`settings`]: the `[shipments]` settings.
//! - [`report`]: the run report.
//! - `mapping`: shipments through the mapping template.

pub mod ledger;
mod mapping;
pub mod report;
pub mod settings;
pub mod shipped_at;
pub mod sink;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::Duration;
use futures::StreamExt;
use petra_client::wire::{OrderLine, Shipment};
use petra_client::{PetraApi, Sku};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

pub use ledger::{
    LineShipping, MergeOutcome, OrderShipping, OverShipment, ShipmentRecord, ShippedItem,
    ShippingState, StoredShipment,
};
pub use report::{OrderUpdate, OverShipped, ShipmentKey, ShipmentRejection, ShipmentsReport};
pub use settings::ShipmentSettings;
pub use shipped_at::{ShippedAt, ShippedAtFallback};
pub use sink::{AttachBatch, MemoryShipments, ShipmentSink};

use crate::clock::Clock;
use crate::error::{with_root_cause, Error};
use crate::fulfillment::{FulfillmentRequests, OutboxEntry};
use crate::history::{record_run_end, record_run_start, Operation, RunHistory};
use crate::inventory::TemplateChoice;
use crate::settings::Source;

/// Name of the built-in template.
pub const DEFAULT_TEMPLATE: &str = "shipments";

/// What a run works with besides its settings.
pub struct ShipmentsContext<'a> {
    pub api: &'a dyn PetraApi,
    /// The outbox, whose requests the shipments match by PO.
    pub requests: &'a dyn FulfillmentRequests,
    pub sink: &'a dyn ShipmentSink,
    pub history: &'a dyn RunHistory,
    pub clock: &'a dyn Clock,
    /// Cancelled by SIGINT or SIGTERM: the run ends after the current batch.
    pub stop: CancellationToken,
}

/// The Get Shipments operation for one source.
///
/// ```no_run
/// # async fn run(client: petra_client::PetraClient) -> Result<(), Box<dyn std::error::Error>> {
/// use petra_ops::clock::SystemClock;
/// use petra_ops::fulfillment::MemoryRequests;
/// use petra_ops::memory::MemoryHistory;
/// use petra_ops::settings::SourceSettings;
/// use petra_ops::shipments::{GetShipments, MemoryShipments, ShipmentSettings, ShipmentsContext};
///
/// let operation = GetShipments::new(SourceSettings::default().validate()?, ShipmentSettings::default())?;
/// let (outbox, ledger, history) = (MemoryRequests::new(), MemoryShipments::new(), MemoryHistory::new());
/// let report = operation
///     .run(ShipmentsContext {
///         api: &client,
///         requests: &outbox,
///         sink: &ledger,
///         history: &history,
///         clock: &SystemClock,
///         stop: Default::default(),
///     })
///     .await?;
/// println!("{} new shipments, {} unmatched", report.new, report.unmatched.len());
/// # Ok(()) }
/// ```
pub struct GetShipments {
    source: Source,
    settings: ShipmentSettings,
    template: TemplateChoice,
    zone: chrono_tz::Tz,
}

impl GetShipments {
    /// Builds the operation with the template named in `settings`, or the default.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSettings`] when the source time zone is not an IANA name.
    pub fn new(source: Source, settings: ShipmentSettings) -> Result<Self, Error> {
        let zone = settings
            .source_time_zone
            .parse::<chrono_tz::Tz>()
            .map_err(|_| Error::InvalidSettings {
                problems: settings.problems(),
            })?;
        let template = match &settings.template {
            Some(path) => TemplateChoice::File(path.clone()),
            None => TemplateChoice::Default,
        };
        Ok(Self {
            source,
            settings,
            template,
            zone,
        })
    }

    /// Uses another mapping template.
    pub fn with_template(mut self, template: TemplateChoice) -> Self {
        self.template = template;
        self
    }

    /// Fetches another window than the settings' for the next runs.
    pub fn with_window_days(mut self, days: u32) -> Self {
        self.settings.window_days = days.max(1);
        self
    }

    /// Compiles the template against Petra's shipment schema and the shipment target.
    pub fn compile(&self) -> Result<fieldmap::Plan, Error> {
        compile_template(&self.template)
    }

    /// Runs Get Shipments once and records it in the history. "No shipments yet" is a
    /// successful run with nothing new.
    pub async fn run(&self, context: ShipmentsContext<'_>) -> Result<ShipmentsReport, Error> {
        let run_id = Uuid::new_v4();
        let span = tracing::info_span!(
            "get_shipments",
            operation = Operation::GetShipments.as_str(),
            source = self.source.name(),
            run_id = %run_id,
        );
        self.run_recorded(run_id, context).instrument(span).await
    }

    async fn run_recorded(
        &self,
        run_id: Uuid,
        context: ShipmentsContext<'_>,
    ) -> Result<ShipmentsReport, Error> {
        record_run_start(
            context.history,
            run_id,
            Operation::GetShipments,
            self.source.name(),
            false,
            context.clock.now(),
        )
        .await?;
        tracing::info!(
            window_days = self.settings.window_days,
            "Get Shipments started"
        );

        let result = self.execute(run_id, &context).await;

        record_run_end(
            context.history,
            run_id,
            &result,
            ShipmentsReport::succeeded,
            context.clock.now(),
        )
        .await?;

        match &result {
            Ok(report) => tracing::info!(
                fetched = report.fetched,
                new = report.new,
                unmatched = report.unmatched.len(),
                rejected = report.rejected.len(),
                complete = report.complete,
                "Get Shipments finished"
            ),
            Err(err) => tracing::warn!(error = %err, "Get Shipments failed"),
        }
        result
    }

    async fn execute(
        &self,
        run_id: Uuid,
        context: &ShipmentsContext<'_>,
    ) -> Result<ShipmentsReport, Error> {
        let started = Instant::now();
        let started_at = context.clock.now();
        let shipped_since = started_at - Duration::days(i64::from(self.settings.window_days));
        let plan = self.compile()?;

        let mut report = ShipmentsReport {
            run_id,
            source: self.source.name().to_owned(),
            window_days: self.settings.window_days,
            shipped_since,
            started_at,
            finished_at: started_at,
            duration_ms: 0,
            fetched: 0,
            new: 0,
            unchanged: 0,
            completed: 0,
            conflicts: Vec::new(),
            rejected: Vec::new(),
            unmatched: Vec::new(),
            orders: Vec::new(),
            over_shipped: Vec::new(),
            complete: true,
            retrieval_error: None,
            fatal_error: None,
            fatal_status: None,
            petra_unreachable: false,
            interrupted: false,
        };

        let mut listing = context.api.shipments_since(shipped_since);
        let batch_size = self.settings.batch_size.max(1);
        let mut batch: Vec<Shipment> = Vec::with_capacity(batch_size);
        let mut received = false;
        loop {
            let next = listing.next().await;
            let ended = match next {
                Some(Ok(shipment)) => {
                    received = true;
                    batch.push(shipment);
                    false
                }
                Some(Err(error)) => {
                    let message = with_root_cause(&error);
                    tracing::warn!(error = %message, "shipment listing failed; keeping what was read");
                    report.complete = false;
                    report.retrieval_error = Some(message);
                    // NOTE: an empty page with a next cursor before the failed page would
                    // also leave `received` false, although that page reached Petra.
                    report.petra_unreachable = !received
                        && matches!(
                            error,
                            petra_client::Error::Transport {
                                delivery: petra_client::Delivery::NotSent,
                                ..
                            }
                        );
                    if let petra_client::Error::Authentication { api, .. }
                    | petra_client::Error::AccessNotEnabled { api } = &error
                    {
                        report.fatal_error = Some(error.to_string());
                        report.fatal_status = Some(api.status);
                    }
                    true
                }
                None => true,
            };

            if batch.len() >= batch_size || (ended && !batch.is_empty()) {
                let shipments = std::mem::take(&mut batch);
                self.attach_batch(&plan, shipments, context, &mut report)
                    .await?;
                if !ended && context.stop.is_cancelled() {
                    report.interrupted = true;
                    report.complete = false;
                    tracing::info!(fetched = report.fetched, "stopped after a batch");
                    break;
                }
            }
            if ended {
                break;
            }
        }

        report.finished_at = context.clock.now();
        report.duration_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    /// Maps a batch, merges it into the ledger per PO, derives the orders' states and
    /// stores it all in one call to the sink.
    async fn attach_batch(
        &self,
        plan: &fieldmap::Plan,
        shipments: Vec<Shipment>,
        context: &ShipmentsContext<'_>,
        report: &mut ShipmentsReport,
    ) -> Result<(), Error> {
        let source = self.source.name();
        let now = context.clock.now();
        let sink_error = |action| move |source| Error::Shipments { action, source };

        let mut by_po: BTreeMap<String, Vec<ShipmentRecord>> = BTreeMap::new();
        for shipment in shipments {
            report.fetched += 1;
            let mapped = mapping::map_shipment(
                plan,
                &shipment,
                report.fetched,
                self.zone,
                self.settings.shipped_at_fallback,
                now,
            );
            match mapped {
                Ok(record) => by_po
                    .entry(record.po_number.key().to_owned())
                    .or_default()
                    .push(record),
                Err(rejections) => report.rejected.extend(rejections),
            }
        }

        let mut attach = AttachBatch::default();
        for records in by_po.into_values() {
            let listed_po = records[0].po_number.clone();
            let entry = context
                .requests
                .get(source, &listed_po)
                .await
                .map_err(|source| Error::Requests {
                    action: "look up a shipment's order",
                    po: Some(listed_po.to_string()),
                    source,
                })?;
            let matched = entry.is_some();
            // Petra lists POs upper-case. The report names an order by the PO as the
            // merchant wrote it in the request, which is equal as a key.
            let po = entry
                .as_ref()
                .map_or(listed_po, |entry| entry.po_number.clone());
            let stored = context
                .sink
                .shipments(source, &po)
                .await
                .map_err(sink_error("read stored shipments"))?;

            let mut ledger: BTreeMap<String, StoredShipment> = stored
                .into_iter()
                .map(|shipment| (shipment.record.tracking_number.to_string(), shipment))
                .collect();
            for record in records {
                let key = ShipmentKey {
                    po_number: po.clone(),
                    tracking_number: record.tracking_number.clone(),
                };
                let tracking = record.tracking_number.to_string();
                let (update, outcome) = ledger::merge(ledger.get(&tracking), record, matched, now);
                match outcome {
                    MergeOutcome::New => report.new += 1,
                    MergeOutcome::Unchanged => report.unchanged += 1,
                    MergeOutcome::Completed => report.completed += 1,
                    MergeOutcome::Conflict => {
                        tracing::warn!(po = %key.po_number, tracking = %key.tracking_number, "shipment sent again with other items; kept the first version");
                        report.conflicts.push(key.clone());
                    }
                }
                if !matched {
                    report.unmatched.push(key);
                }
                if let Some(update) = update {
                    attach.shipments.push(update.clone());
                    ledger.insert(tracking, update);
                }
            }

            if let Some(entry) = entry {
                let records: Vec<ShipmentRecord> = ledger
                    .into_values()
                    .map(|shipment| shipment.record)
                    .collect();
                let order = ledger::derive(&po, &ordered_lines(&entry), &records);
                let previous = context
                    .sink
                    .order_shipping(source, &po)
                    .await
                    .map_err(sink_error("read an order's shipping state"))?
                    .map(|previous| previous.state);
                report
                    .over_shipped
                    .extend(order.over_shipped.iter().map(|item| OverShipped {
                        po_number: po.clone(),
                        item: item.clone(),
                    }));
                report.orders.push(OrderUpdate {
                    po_number: po.clone(),
                    previous,
                    state: order.state,
                });
                attach.orders.push(order);
            }
        }

        context
            .sink
            .attach(source, attach, now)
            .await
            .map_err(sink_error("attach shipments"))
    }
}

/// The lines an order asked for: the body sent to Petra, or the request's own lines
/// when it was never sent (their quantities read as whole numbers, others left out).
pub fn ordered_lines(entry: &OutboxEntry) -> Vec<OrderLine> {
    if let Some(sent) = &entry.sent {
        return sent.lines.clone();
    }
    entry
        .request
        .lines
        .iter()
        .filter_map(|line| {
            Some(OrderLine {
                sku: Sku::new(&line.sku),
                quantity: line.quantity.trim().parse().ok()?,
            })
        })
        .collect()
}

/// Compiles `template` (the built-in one for [`TemplateChoice::Default`]) against
/// Petra's shipment schema and the shipment target, without building the operation.
pub fn compile_template(template: &TemplateChoice) -> Result<fieldmap::Plan, Error> {
    let loaded = template.load(DEFAULT_TEMPLATE)?;
    fieldmap::compile(
        &loaded.template,
        &fieldmap::schemas::petra_shipment(),
        &fieldmap::schemas::shipment(),
    )
    .map_err(|diagnostics| Error::Template {
        template: loaded.name.clone(),
        details: diagnostics.to_string(),
    })
}
