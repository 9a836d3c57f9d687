//! Send Fulfillment Requests against the sandbox with faults on each step of a
//! submission: the create request and the PO lookup that follows a lost reply. After a
//! run with faults and a rerun without, Petra holds exactly one order per PO and the
//! outbox agrees with it.

mod sandbox_support;

use petra_ops::fulfillment::OutboxState;
use petra_sandbox::{AttemptOutcome, FaultConfig, ShippingConfig};
use sandbox_support::{requests, Setup};

const REQUESTS: usize = 6;

/// Runs `faults` for the first run, then a rerun without faults, and checks the
/// sandbox and the outbox. Returns the setup for case-specific checks.
async fn run_case(case: &str, faults: &str) -> Setup {
    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    setup.import(requests(case, REQUESTS)).await;

    let spec: FaultConfig = faults.parse().unwrap();
    setup.sandbox.set_faults(spec).unwrap();
    let first = setup.send(3).await;
    assert_eq!(
        first.submitted + first.unknown + first.pending,
        REQUESTS as u64,
        "{case}: first run left requests unaccounted for: {first:#?}"
    );

    setup.sandbox.clear_faults();
    setup.send(3).await;

    assert_one_order_each(&setup, case).await;
    setup
}

async fn assert_one_order_each(setup: &Setup, case: &str) {
    let admin = setup.sandbox.admin();
    let states = setup.states().await;
    assert_eq!(states.len(), REQUESTS, "{case}");

    for (po, state, order_id) in states {
        let record = admin
            .po(&po)
            .unwrap_or_else(|| panic!("{case}: Petra never received {po}"));
        assert_eq!(
            record.stored, 1,
            "{case}: {po} stored {} times",
            record.stored
        );
        assert_eq!(state, OutboxState::Submitted, "{case}: {po} is {state}");
        let held = record.order.as_ref().map(|order| order.order_id.clone());
        assert_eq!(order_id, held, "{case}: outbox order id differs for {po}");
    }
}

fn duplicate_attempts(setup: &Setup) -> usize {
    setup
        .sandbox
        .admin()
        .orders
        .iter()
        .flat_map(|record| &record.attempts)
        .filter(|attempt| attempt.outcome == AttemptOutcome::DuplicatePo)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_timeout_then_rerun() {
    run_case("TIMEOUT", "orders.create:latency=1200").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_reset_mid_reply() {
    let setup = run_case("RESET", "orders.create:truncate").await;

    assert_eq!(duplicate_attempts(&setup), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_reset_before_storing() {
    // One request at a time, so the first request alone meets the reset: its lookup
    // finds no order and it goes out again under the same PO in the same run.
    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    setup.import(requests("RESETBEFORE", REQUESTS)).await;
    setup
        .sandbox
        .set_faults("orders.create:drop-before:next=1".parse().unwrap())
        .unwrap();

    let report = setup.send(1).await;

    assert_eq!(report.submitted, REQUESTS as u64, "{report:#?}");
    assert_eq!(report.reconciled, 1, "{report:#?}");
    assert!(report.results[0].reconciled, "{:#?}", report.results[0]);
    assert_eq!(setup.sandbox.fault_report().fired, [1]);
    let admin = setup.sandbox.admin();
    let first = admin.po(report.results[0].po_number.as_str()).unwrap();
    assert_eq!(
        first.create_attempts, 1,
        "only the resend reached the handler"
    );
    assert_eq!(
        first.responses_dropped, 0,
        "the reply to the stored order was sent"
    );
    assert_eq!(duplicate_attempts(&setup), 0);
    assert_one_order_each(&setup, "RESETBEFORE").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_reset_after_storing() {
    // The same reset one step later, after the order is stored: the lookup finds the
    // order, so nothing is sent again.
    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    setup.import(requests("RESETAFTER", REQUESTS)).await;
    setup
        .sandbox
        .set_faults("orders.create:drop:next=1".parse().unwrap())
        .unwrap();

    let report = setup.send(1).await;

    assert_eq!(report.submitted, REQUESTS as u64, "{report:#?}");
    assert_eq!(report.reconciled, 1, "{report:#?}");
    assert!(report.results[0].reconciled, "{:#?}", report.results[0]);
    let admin = setup.sandbox.admin();
    let first = admin.po(report.results[0].po_number.as_str()).unwrap();
    assert_eq!(
        first.create_attempts, 1,
        "the stored order was not sent again"
    );
    assert_eq!(first.responses_dropped, 1);
    assert_eq!(duplicate_attempts(&setup), 0);
    assert_one_order_each(&setup, "RESETAFTER").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_server_error_500() {
    let setup = run_case("E500", "orders.create:500").await;

    assert_eq!(duplicate_attempts(&setup), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_gateway_error_502() {
    run_case("E502", "orders.create:502").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_unavailable_503() {
    run_case("E503", "orders.create:503").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_rate_limited_requeues() {
    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    setup.import(requests("R429", REQUESTS)).await;
    setup
        .sandbox
        .set_faults("orders.create:429=1:next=4".parse().unwrap())
        .unwrap();

    let report = setup.send(3).await;

    assert_eq!(report.submitted, REQUESTS as u64, "{report:#?}");
    assert_one_order_each(&setup, "R429").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_then_dropped_reconciles() {
    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    setup.import(requests("DROP", REQUESTS)).await;
    setup
        .sandbox
        .set_faults("orders.create:drop".parse().unwrap())
        .unwrap();

    let report = setup.send(3).await;

    assert_eq!(report.submitted, REQUESTS as u64, "{report:#?}");
    assert_eq!(report.reconciled, REQUESTS as u64);
    assert_eq!(duplicate_attempts(&setup), 0);
    setup.sandbox.clear_faults();
    setup.send(3).await;
    assert_one_order_each(&setup, "DROP").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_server_error_leaves_unknown() {
    let setup = run_case("LOOKUP503", "orders.create:drop,orders.get:503").await;

    assert_eq!(duplicate_attempts(&setup), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_timeout_leaves_unknown() {
    let setup = run_case("LOOKUPSLOW", "orders.create:drop,orders.get:latency=1200").await;

    assert_eq!(duplicate_attempts(&setup), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_reset_leaves_unknown() {
    let setup = run_case("LOOKUPDROP", "orders.create:drop,orders.get:drop").await;

    assert_eq!(duplicate_attempts(&setup), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_rate_limited_leaves_unknown() {
    let setup = run_case("LOOKUP429", "orders.create:drop,orders.get:429=1").await;

    assert_eq!(duplicate_attempts(&setup), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_not_found_resends_same_po() {
    // 503 never stores the order, so the lookup finds nothing and the request goes out
    // again under the same PO in the same run.
    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    setup.import(requests("RESEND", REQUESTS)).await;
    setup
        .sandbox
        .set_faults("orders.create:503:next=3".parse().unwrap())
        .unwrap();

    let report = setup.send(1).await;

    assert_eq!(report.submitted, REQUESTS as u64, "{report:#?}");
    // One at a time, the first request meets all three 503s: each is followed by a
    // lookup that finds nothing and a resend.
    assert_eq!(report.reconciled, 1);
    assert!(report.results[0].reconciled, "{:#?}", report.results[0]);
    assert_one_order_each(&setup, "RESEND").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_faults_every_step() {
    run_case(
        "MIXED",
        "seed=11,orders.create:drop:rate=0.3,orders.create:503:rate=0.2,orders.create:429=1:rate=0.2,\
         orders.create:truncate:rate=0.2,orders.get:503:rate=0.3,orders.get:drop:rate=0.2",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_while_submitting_reconciles() {
    use petra_ops::clock::Clock;
    use petra_ops::fulfillment::{Change, FulfillmentRequests};

    let setup = Setup::start(ShippingConfig::whole_orders()).await;
    let batch = requests("CRASH", REQUESTS);
    setup.import(batch).await;

    // Simulate a process that recorded `submitting`, sent the order, and died before
    // recording the reply: the order reaches Petra, the outbox still says submitting.
    let validated = setup
        .store
        .list(sandbox_support::SOURCE, None)
        .await
        .unwrap();
    let first = &validated[0];
    let plan = fieldmap::compile(
        &fieldmap::defaults::template("fulfillment-requests").unwrap(),
        &fieldmap::schemas::merchant_fulfillment_request(),
        &fieldmap::schemas::fulfillment_request(),
    )
    .unwrap();
    let order = petra_ops::fulfillment::validate::prepare(&plan, &first.request).unwrap();
    setup
        .store
        .record(
            sandbox_support::SOURCE,
            &first.po_number,
            Change::Submitting {
                order: Box::new(order.clone()),
            },
            setup.clock.now(),
        )
        .await
        .unwrap();
    petra_client::PetraApi::create_order(&setup.client, &order)
        .await
        .unwrap();

    let report = setup.send(2).await;

    assert_eq!(report.submitted, REQUESTS as u64, "{report:#?}");
    assert_eq!(duplicate_attempts(&setup), 0);
    assert_one_order_each(&setup, "CRASH").await;
}
