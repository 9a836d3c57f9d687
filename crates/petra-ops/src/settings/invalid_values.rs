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
                        table.remove(&key);
                        problems.push(problem(format!("{name}.{key}"), &reason));
                    }
                }
            }
            other => {
                let single = Table::from_iter([(name.clone(), other.clone())]);
                if let Err(reason) = read::<T>(single) {
                    document.remove(&name);
                    problems.push(problem(name, &reason));
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

fn problem(field: String, message: &str) -> SettingsProblem {
    SettingsProblem {
        field,
        reason: format!("is invalid: {}", plain_types(without_kind(message))),
    }
}

/// Removes serde's "invalid type: " or "invalid value: " from the start of a message,
/// because the problem's own text begins with "is invalid".
fn without_kind(message: &str) -> &str {
    ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|kind| message.strip_prefix(kind))
        .unwrap_or(message)
}

/// Rust's names for the numbers serde expected, and the words a person reads instead.
/// The settings check their own ranges after parsing, so only the upper limit of the
/// smallest types is named here.
const TYPE_NAMES: [(&str, &str); 9] = [
    ("expected u8", "expected a whole number up to 255"),
    ("expected u16", "expected a whole number up to 65535"),
    (
        "expected u32",
        "expected a whole number that is not negative",
    ),
    (
        "expected u64",
        "expected a whole number that is not negative",
    ),
    (
        "expected usize",
        "expected a whole number that is not negative",
    ),
    ("expected i32", "expected a whole number"),
    ("expected i64", "expected a whole number"),
    ("expected f32", "expected a number"),
    ("expected f64", "expected a number"),
];

/// Replaces the Rust type a serde message names at its end with plain words.
fn plain_types(message: &str) -> String {
    // A table of settings reads as `struct ShipFrom`, for example.
    if let Some(start) = message.find("expected struct ") {
        return format!("{}expected a table", &message[..start]);
    }
    for (rust, plain) in TYPE_NAMES {
        if let Some(start) = message.strip_suffix(rust) {
            return format!("{start}{plain}");
        }
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_number_types_read_as_words() {
        assert_eq!(
            plain_types("invalid type: string \"30\", expected u64"),
            "invalid type: string \"30\", expected a whole number that is not negative"
        );
        assert_eq!(
            plain_types("invalid type: boolean `true`, expected f64"),
            "invalid type: boolean `true`, expected a number"
        );
        assert_eq!(
            plain_types("invalid type: string \"Tempe AZ\", expected struct ShipFrom"),
            "invalid type: string \"Tempe AZ\", expected a table"
        );
        assert_eq!(
            plain_types("unknown variant `ftp`, expected `api` or `feed`"),
            "unknown variant `ftp`, expected `api` or `feed`"
        );
    }
}
