//! The order half of `petra demo`: sample fulfillment requests for SKUs of the imported
//! catalog, sent to the sandbox, then shipments fetched while the sandbox clock moves.

use chrono::{Duration, Utc};
use petra_client::{PetraClient, PoNumber};
use petra_ops::clock::SystemClock;
use petra_ops::fulfillment::{FulfillmentRequest, FulfillmentRequests, RequestLine};
use petra_ops::pool::{InventoryPool, ItemStatus};
use petra_ops::settings::Config;
use petra_ops::shipments::ShipmentSink;
use petra_sandbox::RunningSandbox;
use petra_store::SqliteStore;
use tokio_util::sync::CancellationToken;

use crate::cli::Cli;
use crate::commands::{orders, shipments};
use crate::failure::{Exit, Failure};
use crate::output::outln;

/// Sample requests the demo sends.
const REQUESTS: usize = 6;

/// Hours the sandbox clock moves before each shipment fetch.
const CLOCK_STEPS: [i64; 3] = [6, 30, 120];

pub async fn run(
    cli: &Cli,
    config: &Config,
    client: &PetraClient,
    store: &SqliteStore,
    sandbox: &RunningSandbox,
    stop: CancellationToken,
) -> Result<serde_json::Value, Failure> {
    // The runs are recorded by this machine's clock. The sandbox clock started at the same
    // time and only moves forward, so the shipments it lists stay within the window that
    // Get Shipments counts back from this machine's clock.
    let clock = SystemClock;
    let source = config.source.name.as_str();
    let skus = store
        .list_skus(source, ItemStatus::Active, None, 12)
        .await
        .map_err(|err| {
            Failure::new(Exit::Failure, format!("cannot read the pool's SKUs: {err}"))
        })?;
    if skus.is_empty() {
        return Err(Failure::new(
            Exit::Failure,
            "the inventory pool has no active SKU to order",
        ));
    }

    // A run-specific prefix keeps the POs new when the demo reuses its store.
    let prefix = format!("DEMO-{}", Utc::now().format("%Y%m%d%H%M%S"));
    let requests: Vec<FulfillmentRequest> = (0..REQUESTS)
        .map(|index| sample_request(&prefix, index, &skus))
        .collect();
    let imported = orders::operation(config)?
        .import(store, requests, &clock)
        .await?;
    let pos = imported.outcome.added.clone();

    let sent = orders::send(config, client, store, &clock, stop.clone()).await?;
    // The caller ends the Get Inventory report with a blank line.
    if !cli.json {
        orders::print_send_report(&sent, false);
    }

    let mut fetches = Vec::new();
    for hours in CLOCK_STEPS {
        if stop.is_cancelled() {
            break;
        }
        let now = sandbox.advance_clock(Duration::hours(hours));
        let report = shipments::fetch(config, client, store, &clock, None, stop.clone()).await?;
        if !cli.json {
            outln!();
            outln!(
                "sandbox clock moved {hours} h to {}",
                now.format("%Y-%m-%d %H:%M UTC")
            );
            shipments::print_report(&report, false);
            print_states(store, source, &pos).await?;
        }
        fetches.push(report);
    }

    Ok(serde_json::json!({
        "imported": imported,
        "send": sent,
        "shipments": fetches,
    }))
}

fn sample_request(prefix: &str, index: usize, skus: &[petra_client::Sku]) -> FulfillmentRequest {
    let line = |offset: usize, quantity: usize| RequestLine {
        sku: skus[(index * 2 + offset) % skus.len()].to_string(),
        quantity: quantity.to_string(),
    };
    let mut lines = vec![line(0, index % 3 + 2)];
    if index % 2 == 1 {
        lines.push(line(1, 1));
    }
    FulfillmentRequest {
        fr_number: format!("{prefix}-{}", index + 1),
        ship_to_name: "Dana Whitfield".into(),
        address_line_1: "1400 Harbor Blvd".into(),
        city: "Tempe".into(),
        state: "AZ".into(),
        postal_code: "85281".into(),
        lines,
        ..FulfillmentRequest::default()
    }
}

async fn print_states(store: &SqliteStore, source: &str, pos: &[PoNumber]) -> Result<(), Failure> {
    let read_error = |err| Failure::new(Exit::Failure, format!("cannot read the outbox: {err}"));
    outln!(
        "  {:<28} {:<10} {:<12} {:<18} shipped",
        "PO",
        "state",
        "order",
        "shipping"
    );
    for po in pos {
        let entry = store.get(source, po).await.map_err(read_error)?;
        let shipping = store.order_shipping(source, po).await.map_err(read_error)?;
        let Some(entry) = entry else { continue };
        let (state, shipped) = match &shipping {
            Some(shipping) => {
                let shipped: u32 = shipping.lines.iter().map(|line| line.shipped).sum();
                let ordered: u32 = shipping.lines.iter().map(|line| line.ordered).sum();
                (shipping.state.as_str(), format!("{shipped}/{ordered}"))
            }
            None => ("not_shipped", "-".to_owned()),
        };
        outln!(
            "  {:<28} {:<10} {:<12} {:<18} {shipped}",
            entry.po_number.as_str(),
            entry.state.as_str(),
            entry.order_id.as_deref().unwrap_or("-"),
            state
        );
    }
    Ok(())
}
