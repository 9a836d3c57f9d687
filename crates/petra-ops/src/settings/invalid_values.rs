//! Values of `petra.toml` whose type no setting accepts, such as `batch_size = "many"`.
//! Serde stops at the first one, so each key is checked on its own and every bad one is
//! set aside, letting validation list them all with every other problem of the file.

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use crate::error::SettingsProblem;

/// Removes from `document` every key whose value `T` cannot read, checking each key of
/// each table alone, and returns one problem per removed key, tables and keys in
/// alphabetical order.
///
/// `T` must read a document holding a single key, as a configuration whose tables all
/// have defaults does.
pub(super) fn remove_invalid<T: DeserializeOwned>(document: &mut Table) -> Vec<SettingsProblem> {
    let mut problems = Vec::new();
    let names: Vec<String> = document.keys().cloned().collect();

    for name in names {
        let Some(value) = document.get_mut(&name) else {
            continue;
        };
        match value {
            Value::Table(table) => {
                let keys: Vec<String> = table.keys().cloned().collect();
                for key in keys {
                    let Some(entry) = table.get(&key) else {
                        continue;
                    };
                    let single = Table::from_iter([(key.clone(), entry.clone())]);
                    let single = Table::from_iter([(name.clone(), Value::Table(single))]);
                    if let Err(reason) = read::<T>(single) {
                        problems.push(problem(format!("{name}.{key}"), entry, &reason));
                        table.remove(&key);
                    }
                }
            }
            other => {
                let single = Table::from_iter([(name.clone(), other.clone())]);
                if let Err(reason) = read::<T>(single) {
                    problems.push(problem(name.clone(), other, &reason));
                    document.remove(&name);
                }
            }
        }
    }
    problems
}

fn read<T: DeserializeOwned>(document: Table) -> Result<T, String> {
    Value::Table(document)
        .try_into::<T>()
        .map_err(|err| err.message().to_owned())
}

/// Descriptions of the values each setting with a range accepts. A value of the wrong
/// type for one of these keys gets the same words as a number outside its range, so
/// fixing the type does not lead to a second, different message.
pub(crate) mod accepts {
    pub(crate) const REQUESTS_PER_SECOND: &str =
        "a whole number of at least 1, or no key for the default";
    pub(crate) const TIMEOUT_SECS: &str = "a whole number of at least 1";
    pub(crate) const ARCHIVE_GUARD: &str = "a fraction from 0.0 to 1.0, such as 0.2 for 20%";
    pub(crate) const INVENTORY_BATCH_SIZE: &str = "a whole number from 1 to 100000";
    pub(crate) const CONCURRENCY: &str = "a whole number from 1 to 64";
    pub(crate) const BATCH_SIZE: &str = "a whole number from 1 to 10000";
    pub(crate) const WINDOW_DAYS: &str = "a whole number from 1 to 365";
}

/// The keys of [`accepts`], by their place in `petra.toml`.
const RANGES: [(&str, &str); 8] = [
    (
        "connection.requests_per_second",
        accepts::REQUESTS_PER_SECOND,
    ),
    ("connection.timeout_secs", accepts::TIMEOUT_SECS),
    ("inventory.archive_guard", accepts::ARCHIVE_GUARD),
    ("inventory.batch_size", accepts::INVENTORY_BATCH_SIZE),
    ("fulfillment.concurrency", accepts::CONCURRENCY),
    ("fulfillment.batch_size", accepts::BATCH_SIZE),
    ("shipments.batch_size", accepts::BATCH_SIZE),
    ("shipments.window_days", accepts::WINDOW_DAYS),
];

/// The maximum length, in characters, of a value a problem quotes whole.
const MAX_SHOWN_CHARS: usize = 60;

/// Builds the problem of `field` set to `value`, from serde's `message` about it.
fn problem(field: String, value: &Value, message: &str) -> SettingsProblem {
    let range = RANGES
        .iter()
        .find(|(key, _)| *key == field)
        .map(|(_, range)| (*range).to_owned());
    let accepted = range.unwrap_or_else(|| accepted(message));
    SettingsProblem::invalid(field, as_written(value), &accepted)
}

/// Formats `value` as TOML writes it, such as `"ftp"` or `42`, cut short when long.
fn as_written(value: &Value) -> String {
    let written = value.to_string();
    if written.chars().count() <= MAX_SHOWN_CHARS {
        return written;
    }
    let start: String = written.chars().take(MAX_SHOWN_CHARS).collect();
    format!("{start}...")
}

/// Describes what a setting accepts, from serde's message about a value it rejected,
/// such as "unknown variant `ftp`, expected `api` or `feed`" or "invalid type: integer
/// `42`, expected path string".
fn accepted(message: &str) -> String {
    // Serde ends both kinds of message with what it expected, and quotes no value after
    // it, so the last ", expected " starts that part.
    let Some((found, expected)) = message.rsplit_once(", expected ") else {
        return format!("another value ({})", message.replace('`', "\""));
    };

    if found.starts_with("unknown variant") {
        let names: Vec<String> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|name| format!("{name:?}"))
            .collect();
        match names.as_slice() {
            [] => {}
            [name] => return name.clone(),
            names => return format!("one of {}", names.join(", ")),
        }
    }
    plain_type(expected)
}

/// Serde's names for the types a setting expects, and the words a person reads
/// instead. The settings check their own ranges after parsing, so only the upper limit
/// of the smallest types is named here.
const TYPE_NAMES: [(&str, &str); 14] = [
    ("u8", "a whole number up to 255"),
    ("u16", "a whole number up to 65535"),
    ("u32", "a whole number that is not negative"),
    ("u64", "a whole number that is not negative"),
    ("usize", "a whole number that is not negative"),
    ("i32", "a whole number"),
    ("i64", "a whole number"),
    ("f32", "a number"),
    ("f64", "a number"),
    ("a boolean", "true or false"),
    ("a string", "text in quotes"),
    ("path string", "a path in quotes"),
    ("a sequence", "an array"),
    ("a map", "a table"),
];

/// Replaces the type serde expected with plain words. A table of settings reads as
/// `struct ShipFrom`, for example.
fn plain_type(expected: &str) -> String {
    if expected.starts_with("struct ") {
        return "a table".to_owned();
    }
    TYPE_NAMES
        .iter()
        .find(|(serde_name, _)| *serde_name == expected)
        .map_or_else(|| expected.to_owned(), |(_, plain)| (*plain).to_owned())
}

#[cfg(test)]
mod tests {
    use crate::settings::Config;

    /// Parses `text` and returns the reason given for `field`.
    fn reason_for(text: &str, field: &str) -> String {
        let config = Config::parse(text).unwrap();
        config
            .invalid_values
            .into_iter()
            .find(|problem| problem.field == field)
            .map(|problem| problem.reason)
            .unwrap_or_else(|| panic!("no problem for {field} in {text}"))
    }

    #[test]
    fn reasons_show_value_and_accepted() {
        let cases = [
            (
                "[inventory]\nretrieval = \"ftp\"\n",
                "inventory.retrieval",
                "is invalid: found \"ftp\", expected one of \"api\", \"feed\"",
            ),
            (
                "[source]\ntype = \"shop\"\n",
                "source.type",
                "is invalid: found \"shop\", expected one of \"vendor-warehouse\", \
                 \"internal-warehouse\", \"external-warehouse\", \"product-data-source\"",
            ),
            (
                "[store]\npath = 42\n",
                "store.path",
                "is invalid: found 42, expected a path in quotes",
            ),
            (
                "[inventory]\nbatch_size = \"many\"\n",
                "inventory.batch_size",
                "is invalid: found \"many\", expected a whole number from 1 to 100000",
            ),
            (
                "[fulfillment]\nconcurrency = -1\n",
                "fulfillment.concurrency",
                "is invalid: found -1, expected a whole number from 1 to 64",
            ),
            (
                "[inventory]\narchive = 1\n",
                "inventory.archive",
                "is invalid: found 1, expected true or false",
            ),
            (
                "[inventory]\narchive_guard = true\n",
                "inventory.archive_guard",
                "is invalid: found true, expected a fraction from 0.0 to 1.0, such as 0.2 for 20%",
            ),
            (
                "[inventory]\narchive_guard = \"20%\"\n",
                "inventory.archive_guard",
                "is invalid: found \"20%\", expected a fraction from 0.0 to 1.0, such as 0.2 for 20%",
            ),
            (
                "[connection]\ntimeout_secs = \"30\"\n",
                "connection.timeout_secs",
                "is invalid: found \"30\", expected a whole number of at least 1",
            ),
            (
                "[connection]\nbase_url = 5\n",
                "connection.base_url",
                "is invalid: found 5, expected text in quotes",
            ),
            (
                "[source]\nship_from = \"Tempe AZ\"\n",
                "source.ship_from",
                "is invalid: found \"Tempe AZ\", expected a table",
            ),
            (
                "[source]\nshipping_methods = \"UPSG\"\n",
                "source.shipping_methods",
                "is invalid: found \"UPSG\", expected an array",
            ),
            (
                "store = 5\n",
                "store",
                "is invalid: found 5, expected a table",
            ),
        ];

        for (text, field, expected) in cases {
            assert_eq!(reason_for(text, field), expected, "{text}");
        }
    }

    #[test]
    fn reasons_have_no_serde_wording() {
        let text = "[inventory]\nretrieval = \"ftp\"\nbatch_size = \"many\"\n\
                    [store]\npath = 42\n";
        let config = Config::parse(text).unwrap();

        for problem in &config.invalid_values {
            assert!(!problem.reason.contains("variant"), "{problem}");
            assert!(!problem.reason.contains("invalid type"), "{problem}");
            assert!(!problem.reason.contains('`'), "{problem}");
        }
    }

    #[test]
    fn long_value_is_shortened() {
        let long = "x".repeat(200);
        let text = format!("[inventory]\nretrieval = \"{long}\"\n");

        let reason = reason_for(&text, "inventory.retrieval");

        assert!(reason.len() < 150, "{reason}");
        assert!(
            reason.contains("expected one of \"api\", \"feed\""),
            "{reason}"
        );
    }
}
