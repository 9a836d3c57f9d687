//! Embeds all three operations with the SQLite store against a local sandbox: Get
//! Inventory, then fulfillment requests for SKUs of the imported catalog, Send
//! Fulfillment Requests, and Get Shipments while the sandbox clock moves two days on.
//!
//! `cargo run --example full_sync` (writes `full-sync.sqlite` in the working directory)

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use petra_sdk::client::{ConnectionConfig, Credentials, PetraClient};
use petra_sdk::ops::clock::Clock;
use petra_sdk::ops::fulfillment::{
    FulfillmentRequest, FulfillmentSettings, RequestLine, SendContext, SendFulfillmentRequests,
};
use petra_sdk::ops::inventory::{CatalogSource, GetInventory, RunOptions};
use petra_sdk::ops::pool::{InventoryPool, ItemStatus};
use petra_sdk::ops::settings::{InventorySettings, ShipFrom, ShippingMethod, SourceSettings};
use petra_sdk::ops::shipments::{GetShipments, ShipmentSettings, ShipmentSink, ShipmentsContext};
use petra_sdk::sandbox::{
    Sandbox, SandboxClock, SandboxConfig, DEFAULT_PASSWORD, DEFAULT_USERNAME,
};
use petra_sdk::store::SqliteStore;

/// The sandbox's clock, which ships orders as a test or demo moves it.
struct SandboxTime(SandboxClock);

impl Clock for SandboxTime {
    fn now(&self) -> DateTime<Utc> {
        self.0.now()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let credentials = Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD)?;
    let client = PetraClient::new(ConnectionConfig::new(
        "sandbox",
        &sandbox.base_url(),
        credentials,
    )?)?;
    let store = SqliteStore::open("full-sync.sqlite")?;
    let clock = SandboxTime(sandbox.clock());
    // Send Fulfillment Requests rejects a source that does not fulfill orders, and one
    // that does needs a shipping method and a ship-from location.
    let source = SourceSettings {
        fulfills_orders: true,
        shipping_methods: vec![ShippingMethod {
            name: "UPS Ground".into(),
            code: "UPSG".into(),
        }],
        ship_from: Some(ShipFrom {
            address: "2101 S Hohokam Dr".into(),
            city: "Tempe".into(),
            state_code: "AZ".into(),
            postal_code: "85282".into(),
            country_code: "US".into(),
            ..ShipFrom::default()
        }),
        ..SourceSettings::default()
    }
    .validate()?;

    let inventory = GetInventory::new(source.clone(), InventorySettings::default())
        .run(
            CatalogSource::Api(Arc::new(client.clone())),
            &store,
            &store,
            &clock,
            RunOptions::default(),
        )
        .await?;
    println!(
        "inventory: {} created, {} updated",
        inventory.created, inventory.updated
    );

    let skus = store
        .list_skus(source.name(), ItemStatus::Active, None, 3)
        .await
        .map_err(anyhow::Error::msg)?;
    let prefix = format!("FULL-SYNC-{}", Utc::now().timestamp());
    let requests = skus
        .iter()
        .enumerate()
        .map(|(index, sku)| FulfillmentRequest {
            fr_number: format!("{prefix}-{}", index + 1),
            ship_to_name: "Dana Whitfield".into(),
            address_line_1: "1400 Harbor Blvd".into(),
            city: "Tempe".into(),
            state: "AZ".into(),
            postal_code: "85281".into(),
            lines: vec![RequestLine {
                sku: sku.to_string(),
                quantity: "2".into(),
            }],
            ..FulfillmentRequest::default()
        })
        .collect();

    let send = SendFulfillmentRequests::new(source.clone(), FulfillmentSettings::default());
    send.import(&store, requests, &clock).await?;
    let sent = send
        .run(SendContext {
            api: &client,
            requests: &store,
            pool: Some(&store),
            history: &store,
            clock: &clock,
            stop: Default::default(),
        })
        .await?;
    println!(
        "orders: {} submitted, {} rejected",
        sent.submitted, sent.rejected
    );

    sandbox.advance_clock(Duration::hours(48));
    let shipments = GetShipments::new(source.clone(), ShipmentSettings::default())?
        .run(ShipmentsContext {
            api: &client,
            requests: &store,
            sink: &store,
            history: &store,
            clock: &clock,
            stop: Default::default(),
        })
        .await?;
    println!(
        "shipments: {} fetched, {} new",
        shipments.fetched, shipments.new
    );

    for result in &sent.results {
        let shipping = store
            .order_shipping(source.name(), &result.po_number)
            .await
            .map_err(anyhow::Error::msg)?;
        let state = shipping.map_or("not shipped yet", |shipping| shipping.state.as_str());
        println!("  {} {} {}", result.po_number, result.state, state);
    }
    Ok(())
}
