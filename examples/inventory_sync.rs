//! Embeds Get Inventory with the SQLite store: imports a ProdList.csv into `petra.sqlite`
//! in the working directory and prints the report.
//!
//! `cargo run --example inventory_sync -- PATH/TO/ProdList.csv`

use petra_sdk::ops::clock::SystemClock;
use petra_sdk::ops::inventory::{CatalogSource, GetInventory, RunOptions};
use petra_sdk::ops::settings::{InventorySettings, SourceSettings};
use petra_sdk::store::SqliteStore;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let feed = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: inventory_sync PATH/TO/ProdList.csv"))?;

    let store = SqliteStore::open("petra.sqlite")?;
    let source = SourceSettings::default().validate()?;
    let operation = GetInventory::new(source, InventorySettings::default());

    let report = operation
        .run(
            CatalogSource::FeedFile(feed.into()),
            &store,
            &store,
            &SystemClock,
            RunOptions::default(),
        )
        .await?;

    println!("{}", serde_json::to_string_pretty(&report)?);

    // A missing or broken feed is not an `Err`: the run keeps the upserts it made and
    // reports the retrieval as incomplete.
    if let Some(reason) = report.retrieval_error {
        anyhow::bail!("the catalog was not read to its end: {reason}");
    }
    Ok(())
}
