//! Settings read from `petra.toml`: the connection, the source, the operations and the
//! store, validated together so one error lists every problem.

mod connection;
mod invalid_values;
mod operation_scope;
mod source;
mod unknown_keys;

use std::path::{Path, PathBuf};

use petra_client::{ConnectionConfig, Credentials};
use serde::{Deserialize, Serialize};

pub use connection::{
    load_credentials, url_without_login, ConnectionSettings, EnvLookup, API_KEY_VAR, PASSWORD_VAR,
    USERNAME_VAR,
};
pub use operation_scope::stops_operation;
pub use source::{ShipFrom, ShippingMethod, Source, SourceSettings, SourceType};

use crate::error::{Error, SettingsProblem};
pub use crate::fulfillment::FulfillmentSettings;
use crate::history::Operation;
use crate::schedule::Schedule;
pub use crate::shipments::ShipmentSettings;
pub(crate) use invalid_values::accepts;

/// The catalog source of Get Inventory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Retrieval {
    /// The paged catalog of the HTTP API.
    #[default]
    Api,
    /// The ProdList.csv file at the connection's feed URL.
    Feed,
}

/// The `[inventory]` table: settings of Get Inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InventorySettings {
    pub retrieval: Retrieval,
    /// A mapping template file (TOML or JSON); the built-in default when unset.
    /// Relative to `petra.toml`.
    pub template: Option<PathBuf>,
    /// Archive items absent from a complete retrieval and re-activate returning ones.
    pub archive: bool,
    /// The largest fraction of active items one run may archive without
    /// `--allow-mass-archive`, from 0.0 to 1.0.
    pub archive_guard: f64,
    /// Mapped variants written per pool transaction. The default, 5,000, imported a
    /// generated 1,000,000-row feed into SQLite about 6% faster than 2,000 in alternated
    /// runs, with a peak resident set about 10 MiB larger.
    pub batch_size: usize,
    /// When a scheduler should run Get Inventory: `daily HH:MM`, `every N hours` or a
    /// cron expression, all in UTC.
    pub schedule: Option<String>,
}

impl Default for InventorySettings {
    fn default() -> Self {
        Self {
            retrieval: Retrieval::Api,
            template: None,
            archive: true,
            archive_guard: 0.20,
            batch_size: 5_000,
            schedule: None,
        }
    }
}

impl InventorySettings {
    fn problems(&self) -> Vec<SettingsProblem> {
        let mut problems = Vec::new();
        if !(0.0..=1.0).contains(&self.archive_guard) {
            problems.push(SettingsProblem::invalid(
                "inventory.archive_guard",
                self.archive_guard,
                accepts::ARCHIVE_GUARD,
            ));
        }
        if self.batch_size == 0 || self.batch_size > 100_000 {
            problems.push(SettingsProblem::invalid(
                "inventory.batch_size",
                self.batch_size,
                accepts::INVENTORY_BATCH_SIZE,
            ));
        }
        // The scheduler's own parser, so validation accepts exactly what it runs.
        if let Some(schedule) = &self.schedule {
            if let Err(reason) = schedule.parse::<Schedule>() {
                problems.push(SettingsProblem {
                    field: "inventory.schedule".into(),
                    reason,
                });
            }
        }
        problems
    }
}

/// The `[store]` table: where the embedded store keeps its database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoreSettings {
    /// SQLite database file, relative to `petra.toml`.
    pub path: PathBuf,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            path: PathBuf::from("petra.sqlite"),
        }
    }
}

/// Everything `petra.toml` holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub connection: ConnectionSettings,
    pub source: SourceSettings,
    pub inventory: InventorySettings,
    pub fulfillment: FulfillmentSettings,
    pub shipments: ShipmentSettings,
    pub store: StoreSettings,
    /// The folder relative paths are resolved against: the folder of `petra.toml`.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The file [`Config::load`] read, for messages that tell the user what to edit.
    /// `None` for a configuration built in code or parsed from text.
    #[serde(skip)]
    pub file: Option<PathBuf>,
    /// Keys of the parsed text that no setting reads, such as `connection.tiemout_secs`.
    /// [`Config::problems`] lists each, so a misspelled key is never silently ignored.
    #[serde(skip)]
    pub unknown_keys: Vec<String>,
    /// Keys whose value has a type the setting does not take, such as
    /// `inventory.batch_size = "many"`. Parsing leaves them out, so those settings keep
    /// their defaults, and [`Config::problems`] lists each.
    #[serde(skip)]
    pub invalid_values: Vec<SettingsProblem>,
}

impl Config {
    /// Reads and parses `petra.toml`, without validating it.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
            path: path.to_owned(),
            source,
        })?;
        let mut config = Self::parse(&text).map_err(|reason| Error::ConfigFile {
            path: path.to_owned(),
            reason,
        })?;
        config.base_dir = path.parent().map(Path::to_owned).unwrap_or_default();
        config.file = Some(path.to_owned());
        Ok(config)
    }

    /// Parses the TOML text of `petra.toml`. Only invalid TOML fails the parse. An unknown
    /// key is kept in [`Config::unknown_keys`] and a value of the wrong type in
    /// [`Config::invalid_values`], and [`Config::problems`] reports both.
    pub fn parse(text: &str) -> Result<Self, String> {
        let error = match unknown_keys::parse_recording_unknown::<Self>(text) {
            Ok((mut config, unknown_keys)) => {
                config.unknown_keys = unknown_keys;
                return Ok(config);
            }
            Err(error) => error,
        };

        // A syntax error fails here, with the line and column in the message.
        let mut document: toml::Table = text
            .parse()
            .map_err(|err: toml::de::Error| err.to_string())?;
        let invalid_values = invalid_values::remove_invalid::<Self>(&mut document);
        let cleaned = toml::to_string(&document).map_err(|_| error.to_string())?;
        // Values that fail only together stay an error of the whole file.
        let (mut config, unknown_keys): (Self, _) =
            unknown_keys::parse_recording_unknown(&cleaned).map_err(|_| error.to_string())?;
        config.unknown_keys = unknown_keys;
        config.invalid_values = invalid_values;
        Ok(config)
    }

    /// Lists every problem of every table, empty when the configuration is valid. Unknown
    /// keys come first, because a misspelled key often causes another problem, such as a
    /// required key that reads as missing.
    pub fn problems(&self) -> Vec<SettingsProblem> {
        let mut problems: Vec<SettingsProblem> = self
            .unknown_keys
            .iter()
            .map(|path| unknown_keys::unknown_key_problem(path))
            .collect();
        problems.extend(self.invalid_values.iter().cloned());
        let checked_from = problems.len();
        problems.extend(self.connection.problems());
        problems.extend(self.source.problems());
        problems.extend(self.inventory.problems());
        problems.extend(self.fulfillment.problems());
        problems.extend(self.shipments.problems());
        if self.fulfillment.schedule.is_some() && !self.source.fulfills_orders {
            problems.push(SettingsProblem {
                field: "fulfillment.schedule".into(),
                reason: "is set but source.fulfills_orders is false, so no order may be sent; \
                         remove the schedule, or set fulfills_orders = true"
                    .into(),
            });
        }
        if self.inventory.retrieval == Retrieval::Feed && self.connection.feed_url().is_none() {
            problems.push(SettingsProblem {
                field: "connection.feed_url".into(),
                reason: "is missing but inventory.retrieval is \"feed\"; set the feed URL or use retrieval = \"api\"".into(),
            });
        }

        // A key set aside for its type was checked with its default, so a finding such as
        // "is missing" about it or its entries would contradict the file.
        let checked = problems.split_off(checked_from);
        problems.extend(
            checked
                .into_iter()
                .filter(|problem| !self.covered_by_invalid_value(&problem.field)),
        );
        problems
    }

    /// Reports whether `field` is a key set aside for its type, or inside one.
    fn covered_by_invalid_value(&self, field: &str) -> bool {
        self.invalid_values.iter().any(|invalid| {
            let key = invalid.field.as_str();
            field.strip_prefix(key).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')
            })
        })
    }

    /// Lists the problems that stop `operation`, leaving out those of settings only other
    /// operations read, such as a shipping method for Get Inventory.
    pub fn problems_for(&self, operation: Operation) -> Vec<SettingsProblem> {
        self.problems()
            .into_iter()
            .filter(|problem| stops_operation(&problem.field, operation))
            .collect()
    }

    /// Lists the problems that stop every operation: those of the connection, the source's
    /// name, the store and unknown tables.
    pub fn shared_problems(&self) -> Vec<SettingsProblem> {
        self.problems()
            .into_iter()
            .filter(|problem| {
                Operation::ALL
                    .into_iter()
                    .all(|operation| stops_operation(&problem.field, operation))
            })
            .collect()
    }

    /// Returns an error listing every problem, or nothing when the configuration is valid.
    pub fn validate(&self) -> Result<(), Error> {
        invalid_if_any(self.problems())
    }

    /// Returns an error listing every problem that stops `operation`, or nothing when the
    /// operation may run.
    pub fn validate_for(&self, operation: Operation) -> Result<(), Error> {
        invalid_if_any(self.problems_for(operation))
    }

    /// Returns an error listing every problem that stops all operations, or nothing when
    /// the settings they share are valid.
    pub fn validate_shared(&self) -> Result<(), Error> {
        invalid_if_any(self.shared_problems())
    }

    /// Resolves a path from the file against the folder of `petra.toml`.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_owned()
        } else {
            self.base_dir.join(path)
        }
    }

    /// Returns the name of the configuration file for messages: the path it was loaded
    /// from, or `petra.toml` for a configuration built in code.
    pub fn file_name(&self) -> String {
        self.file.as_deref().map_or_else(
            || "petra.toml".to_owned(),
            |file| file.display().to_string(),
        )
    }

    /// Loads the connection's credentials from the environment or the secrets file.
    pub fn credentials(&self, env: EnvLookup<'_>) -> Result<Credentials, Error> {
        let file = self
            .connection
            .secrets_file
            .as_deref()
            .map(|path| self.resolve(path));
        load_credentials(file.as_deref(), env)
    }

    /// Builds the client configuration of the connection.
    pub fn client_config(&self, credentials: Credentials) -> Result<ConnectionConfig, Error> {
        let client_error = |source| Error::Client {
            context: "read the [connection] settings",
            source,
        };
        let mut config = ConnectionConfig::new(
            self.connection.name.trim(),
            self.connection.base_url.trim(),
            credentials,
        )
        .map_err(client_error)?;
        let timeout = std::time::Duration::from_secs(self.connection.timeout_secs.max(1));
        config.timeouts.request = Some(timeout);
        if let Some(rate) = self
            .connection
            .requests_per_second
            .and_then(std::num::NonZeroU32::new)
        {
            config.rate_limit = Some(petra_client::RateLimit::per_second(rate));
        }
        // Only an HTTP feed URL is the client's to download; file and FTP URLs are read
        // by the feed reader directly.
        if let Some(feed_url) = self.connection.feed_url() {
            if feed_url.starts_with("http://") || feed_url.starts_with("https://") {
                config = config.with_feed_url(feed_url).map_err(client_error)?;
            }
        }
        Ok(config)
    }
}

fn invalid_if_any(problems: Vec<SettingsProblem>) -> Result<(), Error> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidSettings { problems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[connection]
base_url = "http://127.0.0.1:9/v1"
"#;

    #[test]
    fn minimal_config_is_valid() {
        let config = Config::parse(MINIMAL).unwrap();
        assert_eq!(config.problems(), []);
    }

    #[test]
    fn config_defaults_guard_to_twenty_percent() {
        let config = Config::parse(MINIMAL).unwrap();
        assert_eq!(config.inventory.archive_guard, 0.20);
    }

    #[test]
    fn unknown_key_is_a_problem() {
        let config = Config::parse("[connection]\npassword = \"x\"\n").unwrap();

        let fields: Vec<String> = config.problems().into_iter().map(|p| p.field).collect();

        assert!(
            fields.contains(&"connection.password".to_owned()),
            "{fields:?}"
        );
    }

    #[test]
    fn unknown_key_listed_with_other_problems() {
        let text = r#"
[connection]
base_url = "http://127.0.0.1:9/v1"
tiemout_secs = 5
[source]
fulfills_orders = true
[[source.shipping_methods]]
name = "UPS Ground"
code = "UPSG"
[source.ship_from]
address = "2101 S Hohokam Dr"
city = "Tempe"
stat_code = "AZ"
postal_code = "85282"
country_code = "US"
[inventory]
batch_size = 0
"#;
        let config = Config::parse(text).unwrap();

        let message = config.validate().unwrap_err().to_string();

        assert!(
            message.starts_with("invalid settings (4 problems):"),
            "{message}"
        );
        assert!(
            message.contains(
                "connection.tiemout_secs is not a known key; did you mean \"timeout_secs\"?"
            ),
            "{message}"
        );
        assert!(
            message.contains(
                "source.ship_from.stat_code is not a known key; did you mean \"state_code\"?"
            ),
            "{message}"
        );
        assert!(
            message.contains("source.ship_from.state_code is missing"),
            "{message}"
        );
        assert!(
            message.contains("inventory.batch_size is invalid: found 0, expected a whole number from 1 to 100000"),
            "{message}"
        );
    }

    #[test]
    fn range_problems_show_value_and_accepted() {
        let cases = [
            (
                "[inventory]\narchive_guard = 1.5\n",
                "inventory.archive_guard",
                "is invalid: found 1.5, expected a fraction from 0.0 to 1.0, such as 0.2 for 20%",
            ),
            (
                "[inventory]\nbatch_size = 0\n",
                "inventory.batch_size",
                "is invalid: found 0, expected a whole number from 1 to 100000",
            ),
            (
                "[fulfillment]\nconcurrency = 65\n",
                "fulfillment.concurrency",
                "is invalid: found 65, expected a whole number from 1 to 64",
            ),
            (
                "[fulfillment]\nbatch_size = 0\n",
                "fulfillment.batch_size",
                "is invalid: found 0, expected a whole number from 1 to 10000",
            ),
            (
                "[shipments]\nwindow_days = 400\n",
                "shipments.window_days",
                "is invalid: found 400, expected a whole number from 1 to 365",
            ),
            (
                "[shipments]\nbatch_size = 0\n",
                "shipments.batch_size",
                "is invalid: found 0, expected a whole number from 1 to 10000",
            ),
            (
                "[connection]\ntimeout_secs = 0\n",
                "connection.timeout_secs",
                "is invalid: found 0, expected a whole number of at least 1",
            ),
            (
                "[connection]\nrequests_per_second = 0\n",
                "connection.requests_per_second",
                "is invalid: found 0, expected a whole number of at least 1, or no key for \
                 the default",
            ),
        ];

        for (text, field, expected) in cases {
            let config = Config::parse(text).unwrap();
            let reason = config
                .problems()
                .into_iter()
                .find(|problem| problem.field == field)
                .map(|problem| problem.reason);
            assert_eq!(reason.as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn wrong_types_listed_together() {
        let text = format!(
            "{MINIMAL}[inventory]\nbatch_size = \"many\"\nretrieval = \"ftp\"\n\
             [fulfillment]\nconcurrency = -1\n[shipments]\nwindow_dayz = 3\n"
        );
        let config = Config::parse(&text).unwrap();

        let problems = config.problems();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        let batch_size = problems
            .iter()
            .find(|p| p.field == "inventory.batch_size")
            .map(|p| p.reason.as_str());

        assert_eq!(
            fields,
            [
                "shipments.window_dayz",
                "fulfillment.concurrency",
                "inventory.batch_size",
                "inventory.retrieval",
            ]
        );
        assert_eq!(
            batch_size,
            Some("is invalid: found \"many\", expected a whole number from 1 to 100000")
        );
        assert_eq!(
            config.inventory.batch_size,
            InventorySettings::default().batch_size
        );
    }

    #[test]
    fn wrong_type_not_also_missing() {
        let text = "[connection]\nbase_url = 5\n[source]\nfulfills_orders = true\n\
                    shipping_methods = \"UPSG\"\nship_from = \"Tempe AZ\"\n";
        let config = Config::parse(text).unwrap();

        let fields: Vec<String> = config.problems().into_iter().map(|p| p.field).collect();

        assert_eq!(
            fields,
            [
                "connection.base_url",
                "source.ship_from",
                "source.shipping_methods"
            ]
        );
    }

    #[test]
    fn wrong_type_stops_only_its_operation() {
        let text = format!("{MINIMAL}[fulfillment]\nconcurrency = \"four\"\n");
        let config = Config::parse(&text).unwrap();

        assert!(config.validate_for(Operation::GetInventory).is_ok());
        assert!(config
            .validate_for(Operation::SendFulfillmentRequests)
            .is_err());
    }

    #[test]
    fn unknown_keys_come_first() {
        let text = "[connection]\nbase_ur = \"http://127.0.0.1:9/v1\"\n";
        let config = Config::parse(text).unwrap();

        let fields: Vec<String> = config.problems().into_iter().map(|p| p.field).collect();

        assert_eq!(fields, ["connection.base_ur", "connection.base_url"]);
    }

    #[test]
    fn shipping_method_key_is_checked() {
        let text = format!(
            "{MINIMAL}[[source.shipping_methods]]\nname = \"UPS Ground\"\ncode = \"UPSG\"\n\
             [[source.shipping_methods]]\nname = \"FedEx\"\ncod = \"FDX\"\n"
        );
        let config = Config::parse(&text).unwrap();

        let fields: Vec<String> = config.problems().into_iter().map(|p| p.field).collect();

        assert_eq!(config.unknown_keys, ["source.shipping_methods[1].cod"]);
        assert_eq!(
            fields,
            [
                "source.shipping_methods[1].cod",
                "source.shipping_methods[1].code"
            ]
        );
    }

    #[test]
    fn shared_problems_skip_operation_tables() {
        let text = "[connection]\nbase_url = \"\"\ntiemout_secs = 3\n\
                    [inventory]\nbatch_size = 0\n[fulfillment]\nbatch_size = 0\n";
        let config = Config::parse(text).unwrap();

        let fields: Vec<String> = config
            .shared_problems()
            .into_iter()
            .map(|p| p.field)
            .collect();

        assert_eq!(fields, ["connection.tiemout_secs", "connection.base_url"]);
    }

    #[test]
    fn invalid_toml_still_fails_parse() {
        let err = Config::parse("[connection\nbase_url = 1\n").unwrap_err();

        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn problems_span_all_tables() {
        let text = r#"
[connection]
base_url = "not a url"
[source]
name = ""
[inventory]
retrieval = "feed"
archive_guard = 1.5
schedule = "every few hours"
"#;
        let config = Config::parse(text).unwrap();

        let fields: Vec<String> = config.problems().into_iter().map(|p| p.field).collect();

        assert_eq!(
            fields,
            [
                "connection.base_url",
                "source.name",
                "inventory.archive_guard",
                "inventory.schedule",
                "connection.feed_url",
            ]
        );
    }

    #[test]
    fn one_problem_reads_singular() {
        let config = Config::parse("[connection]\nbase_url = \"\"\n").unwrap();

        let message = config.validate().unwrap_err().to_string();

        assert!(
            message.starts_with("invalid settings (1 problem):"),
            "{message}"
        );
    }

    #[test]
    fn two_problems_read_plural() {
        let config = Config::parse("[connection]\nbase_url = \"\"\ntimeout_secs = 0\n").unwrap();

        let message = config.validate().unwrap_err().to_string();

        assert!(
            message.starts_with("invalid settings (2 problems):"),
            "{message}"
        );
    }

    #[test]
    fn fulfillment_schedule_needs_fulfilling_source() {
        let text = format!("{MINIMAL}[fulfillment]\nschedule = \"every 2 hours\"\n");
        let config = Config::parse(&text).unwrap();

        let fields: Vec<String> = config.problems().into_iter().map(|p| p.field).collect();

        assert_eq!(fields, ["fulfillment.schedule"]);
    }

    #[test]
    fn inventory_schedule_accepts_scheduler_forms() {
        for schedule in ["daily 02:30", "every 4 hours", "every hour", "0 */4 * * *"] {
            let text = format!("{MINIMAL}[inventory]\nschedule = \"{schedule}\"\n");
            let config = Config::parse(&text).unwrap();

            assert_eq!(config.problems(), [], "{schedule}");
        }
    }

    #[test]
    fn inventory_schedule_rejects_what_scheduler_rejects() {
        for schedule in ["daily 25:00", "every 0 hours", "sometimes", "0 */4 * *"] {
            let text = format!("{MINIMAL}[inventory]\nschedule = \"{schedule}\"\n");
            let config = Config::parse(&text).unwrap();

            let fields: Vec<String> = config.problems().into_iter().map(|p| p.field).collect();

            assert_eq!(fields, ["inventory.schedule"], "{schedule}");
            assert!(schedule.parse::<Schedule>().is_err(), "{schedule}");
        }
    }

    #[test]
    fn relative_paths_follow_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.toml");
        std::fs::write(&path, MINIMAL).unwrap();

        let config = Config::load(&path).unwrap();

        assert_eq!(
            config.resolve(&config.store.path),
            dir.path().join("petra.sqlite")
        );
    }
}
