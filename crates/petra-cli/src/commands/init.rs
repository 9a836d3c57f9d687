//! `petra init`: write a commented `petra.toml`.

use crate::cli::{Cli, InitArgs};
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::outln;

/// The file `petra init` writes. Every key is documented in `docs/configuration.md`.
pub const TEMPLATE: &str = r#"# Petra dropship connection. Secrets are not kept here: set PETRA_USERNAME (or
# PETRA_API_KEY) and PETRA_PASSWORD, or name a secrets file below.

[connection]
# A name for this connection in status and run history.
name = "petra"
# Base URL of Petra's HTTP API. `petra sandbox` prints a local one to try.
base_url = "https://api.petra.example/v1"
# Where Petra publishes this dealer's ProdList.csv (https://, ftp:// or file://).
# feed_url = "https://feeds.petra.example/DEALER-1042/ProdList.csv"
# A TOML file with `username` (or `api_key`) and `password`, used when the
# environment variables are not set. Relative to this file; keep it out of git.
# secrets_file = "petra.secrets.toml"
# Seconds one HTTP request may take.
timeout_secs = 30

[source]
name = "Petra Industries"
# vendor-warehouse (default), internal-warehouse, external-warehouse or
# product-data-source. A product-data-source never fulfills orders.
type = "vendor-warehouse"
# A source that fulfills orders needs at least one shipping method and a
# ship-from location.
fulfills_orders = false
# [[source.shipping_methods]]
# name = "UPS Ground"
# code = "UPSG"
# [source.ship_from]
# address = "2101 S Hohokam Dr"
# city = "Tempe"
# state_code = "AZ"
# postal_code = "85282"
# country_code = "US"
# contact_name = "Receiving"      # optional
# contact_phone = "480-555-0100"  # optional
# contact_email = "dock@example.com"  # optional

[inventory]
# "api" pages through the catalog API; "feed" downloads connection.feed_url.
retrieval = "api"
# A mapping template file (TOML or JSON). Unset uses the built-in default;
# `petra templates export petra-prodlist-inventory` prints it to start from.
# template = "inventory-template.toml"
# Archive items absent from a complete retrieval and re-activate returning ones.
archive = true
# Largest share of active items one run may archive without --allow-mass-archive.
archive_guard = 0.2
# Mapped items written per store transaction.
batch_size = 2000
# When a scheduler should run Get Inventory (cron, UTC).
# schedule = "0 */4 * * *"

[store]
# SQLite database file, relative to this file.
path = "petra.sqlite"
"#;

pub fn run(cli: &Cli, args: &InitArgs) -> Result<Exit, Failure> {
    let path = &cli.config;
    if path.exists() && !args.force {
        return Err(
            Failure::new(Exit::Config, format!("{} already exists", path.display()))
                .with_fix("pass --force to overwrite it, or --config to write another file"),
        );
    }
    std::fs::write(path, TEMPLATE).map_err(|err| {
        Failure::new(
            Exit::Failure,
            format!("cannot write {}: {err}", path.display()),
        )
    })?;

    if cli.json {
        output::print_json(&serde_json::json!({ "written": path }));
    } else {
        outln!("wrote {}", path.display());
        outln!("next: set base_url, export PETRA_USERNAME and PETRA_PASSWORD, then run `petra connection test`");
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_template_is_valid_config() {
        let config = petra_ops::settings::Config::parse(TEMPLATE).unwrap();
        assert_eq!(config.problems(), []);
    }
}
