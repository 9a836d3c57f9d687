//! Send Fulfillment Requests stopped by its stop token, against the sandbox: the report's
//! counts match the outbox, including the requests the run never reached.

mod sandbox_orders;

use std::time::{Duration, Instant};

use petra_client::PetraClient;
use petra_ops::clock::SystemClock;
use petra_ops::fulfillment::{
    FulfillmentRequests, FulfillmentSettings, MemoryRequests, OutboxState, SendContext,
    SendFulfillmentRequests, SendReport,
};
use petra_ops::memory::MemoryHistory;
use petra_ops::settings::SourceSettings;
use petra_sandbox::{CatalogSource, FaultConfig, RunningSandbox, Sandbox, SandboxConfig};
use tokio_util::sync::CancellationToken;

const REQUESTS: usize = 6;

struct Harness {
    sandbox: RunningSandbox,
    client: PetraClient,
    outbox: MemoryRequests,
    history: MemoryHistory,
    operation: SendFulfillmentRequests,
}

impl Harness {
    /// Starts a sandbox with `faults` and imports the requests into a new outbox. The run
    /// reads batches of 2 and sends one request at a time, so a stop leaves batches unread.
    async fn start(faults: &str) -> Self {
        let faults: FaultConfig = faults.parse().unwrap();
        let config = SandboxConfig::default()
            .with_catalog(CatalogSource::Sample)
            .with_faults(faults);
        let sandbox = Sandbox::start(config).await.unwrap();
        let client = sandbox_orders::client(&sandbox);

        let settings = FulfillmentSettings {
            concurrency: 1,
            batch_size: 2,
            ..FulfillmentSettings::default()
        };
        let source = SourceSettings::sample_fulfilling().validate().unwrap();
        let operation = SendFulfillmentRequests::new(source, settings);
        let outbox = MemoryRequests::new();
        let requests = (1..=REQUESTS)
            .map(|index| sandbox_orders::request(&format!("STOP-{index}")))
            .collect();
        operation
            .import(&outbox, requests, &SystemClock)
            .await
            .unwrap();
        Self {
            sandbox,
            client,
            outbox,
            history: MemoryHistory::new(),
            operation,
        }
    }

    async fn send(&self, stop: CancellationToken) -> SendReport {
        self.operation
            .run(SendContext {
                api: &self.client,
                requests: &self.outbox,
                pool: None,
                history: &self.history,
                clock: &SystemClock,
                stop,
            })
            .await
            .unwrap()
    }

    async fn count(&self, state: OutboxState) -> u64 {
        let source = SourceSettings::default().name;
        self.outbox.list(&source, Some(state)).await.unwrap().len() as u64
    }

    fn stored(&self) -> usize {
        let admin = self.sandbox.admin();
        admin
            .orders
            .iter()
            .filter(|record| record.stored > 0)
            .count()
    }
}

#[tokio::test]
async fn stop_before_run_counts_pending() {
    let harness = Harness::start("").await;
    let stop = CancellationToken::new();
    stop.cancel();

    let report = harness.send(stop).await;

    assert!(report.interrupted);
    assert_eq!(report.pending, REQUESTS as u64, "{report:#?}");
    assert_eq!(harness.count(OutboxState::Pending).await, REQUESTS as u64);
    assert_eq!(harness.sandbox.admin().total_attempts(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_mid_run_counts_outbox() {
    let harness = Harness::start("orders.create:latency=150").await;
    let stop = CancellationToken::new();

    let (report, ()) = tokio::join!(harness.send(stop.clone()), async {
        let started = Instant::now();
        while harness.stored() == 0 {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the run stored no order"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.cancel();
    });

    let pending = harness.count(OutboxState::Pending).await;
    assert!(report.interrupted);
    assert!(pending > 0, "the run finished before the stop: {report:#?}");
    assert_eq!(report.pending, pending, "{report:#?}");
    assert_eq!(
        report.submitted,
        harness.count(OutboxState::Submitted).await
    );
    assert_eq!(report.submitted + report.pending, REQUESTS as u64);
}
