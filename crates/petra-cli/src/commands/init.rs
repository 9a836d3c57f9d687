//! `petra init`: write a commented `petra.toml`.

use std::path::Path;

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
# This dealer's ProdList.csv: the https://, ftp:// or file:// URL where Petra
# publishes it, or a path, relative to this file unless absolute.
# feed_url = "https://feeds.petra.example/DEALER-1042/ProdList.csv"
# A TOML file with `username` (or `api_key`) and `password`, used when the
# environment variables are not set. Relative to this file; keep it out of git.
# secrets_file = "petra.secrets.toml"
# Seconds one HTTP request may take.
timeout_secs = 30
# Requests per second the connection may send, shared by all operations.
# Unset uses the client's default of 5.
# requests_per_second = 5

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
# "api" pages through the catalog API; "feed" reads connection.feed_url.
retrieval = "api"
# A mapping template file (TOML or JSON). Unset uses the built-in default of
# the retrieval. To start from it, `petra templates export petra-api-inventory`
# prints the one for "api", and `petra templates export petra-prodlist-inventory`
# the one for "feed".
# template = "inventory-template.toml"
# Archive items absent from a complete retrieval and re-activate returning ones.
archive = true
# Largest share of active items one run may archive without --allow-mass-archive.
archive_guard = 0.2
# Mapped items written per store transaction.
batch_size = 5000
# When `petra schedule run` runs Get Inventory: "daily HH:MM", "every N hours"
# or a cron expression, all in UTC.
# schedule = "every 4 hours"

[fulfillment]
# Send Fulfillment Requests; it needs source.fulfills_orders = true.
# A mapping template file. Unset uses the built-in fulfillment-requests.
# template = "fulfillment-template.toml"
# Import requests as held until `petra orders release PO`.
review_hold = false
# Orders in flight at once (1 to 64).
concurrency = 4
# Requests read from the outbox at a time.
batch_size = 100
# Times one request is retried in a run after a 429 or a lookup that found nothing.
max_retries = 5
# schedule = "every 2 hours"

[shipments]
# Days back from now to fetch (1 to 365).
window_days = 10
# A mapping template file. Unset uses the built-in shipments template.
# template = "shipments-template.toml"
# IANA time zone a shipped-at time without offset is read in.
source_time_zone = "America/Chicago"
# Shipped-at when none is left after mapping: "first_seen" or "unknown".
shipped_at_fallback = "first_seen"
# Shipments attached per ledger transaction.
batch_size = 200
# schedule = "every 2 hours"

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
    std::fs::write(path, TEMPLATE).map_err(|err| write_failure(path, &err))?;

    if cli.json {
        output::print_json(&serde_json::json!({ "written": path }));
    } else {
        outln!("wrote {}", path.display());
        outln!("next: set base_url, export PETRA_USERNAME and PETRA_PASSWORD, then run `petra connection test`");
    }
    Ok(Exit::Success)
}

/// Builds the failure for a write of the new configuration file, with a fix for a missing
/// folder.
fn write_failure(path: &Path, err: &std::io::Error) -> Failure {
    let failure = Failure::new(
        Exit::Failure,
        format!("cannot write {}: {err}", path.display()),
    );
    let folder = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty());
    match folder {
        Some(folder) if !folder.exists() => failure.with_fix(format!(
            "create the folder {} first, or pass --config with a path in an existing folder",
            folder.display()
        )),
        _ => failure
            .with_fix("check that the folder is writable, or pass --config with another path"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration reference, whose tables list every key by table.
    const REFERENCE: &str = include_str!("../../../../docs/configuration.md");

    /// Returns the keys of `table` in the reference: the first column of the table under
    /// the heading "## `[table]`".
    fn documented_keys(table: &str) -> Vec<String> {
        let heading = format!("## `[{table}]`");
        let section = REFERENCE
            .split("\n## ")
            .find(|section| format!("## {section}").starts_with(&heading))
            .unwrap_or_default();
        section
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|line| line.split('`').next())
            .map(str::to_owned)
            .collect()
    }

    /// Returns every `table.key` of the template, commented-out keys included.
    fn template_keys() -> Vec<(String, String)> {
        let mut table = String::new();
        let mut keys = Vec::new();
        for line in TEMPLATE.lines() {
            let line = line.trim_start_matches('#').trim();
            if let Some(name) = line.strip_prefix("[[").or(line.strip_prefix('[')) {
                table = name.trim_end_matches(']').to_owned();
                continue;
            }
            let Some((key, _)) = line.split_once(" = ") else {
                continue;
            };
            if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                keys.push((table.clone(), key.to_owned()));
            }
        }
        keys
    }

    #[test]
    fn init_template_is_valid_config() {
        let config = petra_ops::settings::Config::parse(TEMPLATE).unwrap();
        assert_eq!(config.problems(), []);
    }

    #[test]
    fn init_template_names_api_template() {
        let config = petra_ops::settings::Config::parse(TEMPLATE).unwrap();
        let retrieval = serde_json::to_value(config.inventory.retrieval).unwrap();
        let comment: String = TEMPLATE
            .split("[inventory]")
            .nth(1)
            .and_then(|rest| rest.split("# template = ").next())
            .unwrap_or_default()
            .to_owned();

        assert_eq!(retrieval, "api");
        assert!(
            comment.contains("export petra-api-inventory`\n# prints the one for \"api\""),
            "{comment}"
        );
        assert!(
            comment.contains("export petra-prodlist-inventory`\n# the one for \"feed\""),
            "{comment}"
        );
    }

    #[test]
    fn init_template_keys_documented() {
        let keys = template_keys();
        assert!(keys.len() > 30, "{keys:?}");

        for (table, key) in keys {
            // Nested tables are documented as one row of their parent table.
            let (table, key) = match table.split_once('.') {
                Some((parent, nested)) => (parent.to_owned(), nested.to_owned()),
                None => (table, key),
            };
            assert!(
                documented_keys(&table).contains(&key),
                "{table}.{key} is not in docs/configuration.md"
            );
        }
    }

    #[test]
    fn every_settings_key_documented() {
        let defaults = serde_json::to_value(petra_ops::settings::Config::default()).unwrap();

        for (table, value) in defaults.as_object().unwrap() {
            let documented = documented_keys(table);
            let keys = value.as_object().unwrap();
            assert!(!keys.is_empty(), "{table}");
            for key in keys.keys() {
                assert!(
                    documented.contains(key),
                    "{table}.{key} is not in docs/configuration.md"
                );
            }
        }
    }
}
