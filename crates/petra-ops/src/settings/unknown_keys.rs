//! Keys of `petra.toml` that no setting reads. Parsing records them instead of stopping at
//! the first one, so validation lists them with every other problem of the file.

use serde::de::DeserializeOwned;
use serde_aux::serde_introspection::serde_introspect;
use serde_ignored::Path;

use super::{
    Config, ConnectionSettings, FulfillmentSettings, InventorySettings, ShipFrom, ShipmentSettings,
    ShippingMethod, SourceSettings, StoreSettings,
};
use crate::error::SettingsProblem;

/// Deserializes `text` into `T`, returning the path of every key that no field read, such
/// as `connection.tiemout_secs` or `source.shipping_methods[0].nmae`.
pub(super) fn parse_recording_unknown<T: DeserializeOwned>(
    text: &str,
) -> Result<(T, Vec<String>), toml::de::Error> {
    let deserializer = toml::Deserializer::parse(text)?;
    let mut unknown = Vec::new();
    let value = serde_ignored::deserialize(deserializer, |path| unknown.push(key_path(&path)))?;
    Ok((value, unknown))
}

/// Builds the problem of one unknown key, naming the closest known key of its table when
/// one is close enough to be a misspelling.
pub(super) fn unknown_key_problem(path: &str) -> SettingsProblem {
    let (table, key) = match path.rsplit_once('.') {
        Some((table, key)) => (table, key),
        None => ("", path),
    };
    let reason = match closest_key(key, known_keys(table)) {
        Some(known) => format!("is not a known key; did you mean {known:?}?"),
        None if table.is_empty() => format!(
            "is not a known table or key; the tables are {}",
            known_keys("").join(", ")
        ),
        None => format!(
            "is not a known key of [{}]; remove it, or see docs/configuration.md",
            table_name(table)
        ),
    };
    SettingsProblem {
        field: path.to_owned(),
        reason,
    }
}

/// Formats a path the way validation names fields: keys joined by dots, array indexes in
/// brackets.
fn key_path(path: &Path<'_>) -> String {
    match path {
        Path::Root => String::new(),
        Path::Map { parent, key } => {
            let parent = key_path(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        Path::Seq { parent, index } => format!("{}[{index}]", key_path(parent)),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => key_path(parent),
    }
}

/// Returns the table path without array indexes, `source.shipping_methods[0]` becoming
/// `source.shipping_methods`, as the TOML header `[[source.shipping_methods]]` names it.
fn table_name(table: &str) -> String {
    let mut name = String::with_capacity(table.len());
    let mut in_index = false;
    for character in table.chars() {
        match character {
            '[' => in_index = true,
            ']' => in_index = false,
            _ if !in_index => name.push(character),
            _ => {}
        }
    }
    name
}

/// Lists the keys the table at `table` accepts; the root's are the table names.
fn known_keys(table: &str) -> &'static [&'static str] {
    match table_name(table).as_str() {
        "" => serde_introspect::<Config>(),
        "connection" => serde_introspect::<ConnectionSettings>(),
        "source" => serde_introspect::<SourceSettings>(),
        "source.shipping_methods" => serde_introspect::<ShippingMethod>(),
        "source.ship_from" => serde_introspect::<ShipFrom>(),
        "inventory" => serde_introspect::<InventorySettings>(),
        "fulfillment" => serde_introspect::<FulfillmentSettings>(),
        "shipments" => serde_introspect::<ShipmentSettings>(),
        "store" => serde_introspect::<StoreSettings>(),
        _ => &[],
    }
}

/// Returns the known key within a third of the unknown key's length in edits (at least
/// one), counting a swap of two neighbouring letters as one edit.
fn closest_key(unknown: &str, known: &[&'static str]) -> Option<&'static str> {
    let limit = (unknown.chars().count() / 3).max(1);
    known
        .iter()
        .map(|key| (strsim::damerau_levenshtein(unknown, key), *key))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swapped_letters_suggest_key() {
        let problem = unknown_key_problem("connection.tiemout_secs");

        assert_eq!(problem.field, "connection.tiemout_secs");
        assert_eq!(
            problem.reason,
            "is not a known key; did you mean \"timeout_secs\"?"
        );
    }

    #[test]
    fn misspelled_table_suggests_table() {
        let problem = unknown_key_problem("inventroy");

        assert_eq!(
            problem.reason,
            "is not a known key; did you mean \"inventory\"?"
        );
    }

    #[test]
    fn unrelated_root_key_lists_tables() {
        let problem = unknown_key_problem("logging");

        assert_eq!(
            problem.reason,
            "is not a known table or key; the tables are connection, source, inventory, \
             fulfillment, shipments, store"
        );
    }

    #[test]
    fn unrelated_key_names_table() {
        let problem = unknown_key_problem("source.shipping_methods[1].carrier");

        assert_eq!(
            problem.reason,
            "is not a known key of [source.shipping_methods]; remove it, or see \
             docs/configuration.md"
        );
    }

    #[test]
    fn array_table_keys_are_known() {
        let problem = unknown_key_problem("source.shipping_methods[0].nmae");

        assert_eq!(problem.reason, "is not a known key; did you mean \"name\"?");
    }

    #[test]
    fn short_key_allows_one_edit() {
        assert_eq!(closest_key("cod", &["code", "name"]), Some("code"));
        assert_eq!(closest_key("id", &["code", "name"]), None);
    }
}
