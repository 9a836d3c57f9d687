//! Send Fulfillment Requests against the sandbox for a source whose `fulfills_orders`
//! setting is false: the operation itself rejects the import and the run, and Petra
//! receives nothing.

mod sandbox_orders;

use petra_client::PetraClient;
use petra_ops::clock::{Clock, SystemClock};
use petra_ops::fulfillment::{
    FulfillmentRequest, FulfillmentRequests, FulfillmentSettings, MemoryRequests, OutboxState,
    SendContext, SendFulfillmentRequests, SendReport,
};
use petra_ops::memory::MemoryHistory;
use petra_ops::settings::SourceSettings;
use petra_ops::Error;
use petra_sandbox::{CatalogSource, RunningSandbox, Sandbox, SandboxConfig};

const PO: &str = "GUARD-1";

fn operation(source: SourceSettings) -> SendFulfillmentRequests {
    SendFulfillmentRequests::new(source.validate().unwrap(), FulfillmentSettings::default())
}

fn request() -> FulfillmentRequest {
    sandbox_orders::request(PO)
}

struct Harness {
    sandbox: RunningSandbox,
    client: PetraClient,
    outbox: MemoryRequests,
    history: MemoryHistory,
}

impl Harness {
    /// Starts a sandbox and puts one pending request in the outbox through the trait,
    /// as an embedder's own intake would.
    async fn start() -> Self {
        let config = SandboxConfig::default().with_catalog(CatalogSource::Sample);
        let sandbox = Sandbox::start(config).await.unwrap();
        let client = sandbox_orders::client(&sandbox);

        let outbox = MemoryRequests::new();
        let source_name = SourceSettings::default().name;
        outbox
            .import(&source_name, vec![request()], false, SystemClock.now())
            .await
            .unwrap();
        Self {
            sandbox,
            client,
            outbox,
            history: MemoryHistory::new(),
        }
    }

    async fn send(&self, operation: &SendFulfillmentRequests) -> Result<SendReport, Error> {
        operation
            .run(SendContext {
                api: &self.client,
                requests: &self.outbox,
                pool: None,
                history: &self.history,
                clock: &SystemClock,
                stop: Default::default(),
            })
            .await
    }

    async fn outbox_state(&self) -> OutboxState {
        let entries = self
            .outbox
            .list(&SourceSettings::default().name, None)
            .await
            .unwrap();
        entries[0].state
    }
}

#[tokio::test]
async fn non_fulfilling_source_sends_nothing() {
    let harness = Harness::start().await;

    let result = harness.send(&operation(SourceSettings::default())).await;

    let Err(Error::FulfillmentDisabled { problem, .. }) = &result else {
        panic!("expected the run to be rejected, got {result:?}");
    };
    assert_eq!(problem.field, "source.fulfills_orders");
    assert_eq!(harness.sandbox.admin().total_attempts(), 0);
    assert_eq!(harness.outbox_state().await, OutboxState::Pending);
}

#[tokio::test]
async fn non_fulfilling_source_rejects_import() {
    let outbox = MemoryRequests::new();

    let result = operation(SourceSettings::default())
        .import(&outbox, vec![request()], &SystemClock)
        .await;

    let Err(error @ Error::FulfillmentDisabled { .. }) = &result else {
        panic!("expected the import to be rejected, got {result:?}");
    };
    let message = error.to_string();
    assert!(message.contains("source.fulfills_orders"), "{message}");
    let stored = outbox
        .list(&SourceSettings::default().name, None)
        .await
        .unwrap();
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test]
async fn fulfilling_source_sends_order() {
    let harness = Harness::start().await;

    let report = harness
        .send(&operation(SourceSettings::sample_fulfilling()))
        .await
        .unwrap();

    assert_eq!(report.submitted, 1, "{report:#?}");
    let admin = harness.sandbox.admin();
    let record = admin.po(PO).expect("the sandbox received the order");
    assert_eq!(record.stored, 1);
    assert_eq!(harness.outbox_state().await, OutboxState::Submitted);
}
