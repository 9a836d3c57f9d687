//! Golden tests: each file under `tests/golden/` holds a template, the schemas, input
//! records and the expected output or diagnostics. A failing case prints a line diff.
//!
//! Run with `GOLDEN_UPDATE=1` to rewrite `expected` from the actual result; review the
//! diff before committing it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use fieldmap::{
    compile, schemas, Code, FieldType, SourceField, SourceSchema, TargetField, TargetSchema,
    Template, Value,
};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value as Json};

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("GOLDEN_UPDATE").is_some();

    let mut files = case_files(&root.join("cases"));
    files.extend(case_files(&root.join("regressions")));
    assert!(
        files.len() >= 40,
        "expected at least 40 golden cases, found {}",
        files.len()
    );

    let mut failures = String::new();
    let mut seen_codes = BTreeSet::new();
    let mut seen_ops = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let mut case: Json = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let actual = run_case(&case);
        collect_ops(&case["template"], &mut seen_ops);
        for diagnostic in actual["diagnostics"].as_array().into_iter().flatten() {
            seen_codes.insert(diagnostic["code"].as_str().unwrap().to_owned());
        }
        let expected = case.get("expected").cloned().unwrap_or(Json::Null);
        if actual == expected {
            continue;
        }
        if update {
            case["expected"] = actual;
            std::fs::write(file, serde_json::to_string_pretty(&case).unwrap() + "\n").unwrap();
            continue;
        }
        let expected_text = serde_json::to_string_pretty(&expected).unwrap();
        let actual_text = serde_json::to_string_pretty(&actual).unwrap();
        let diff = similar::TextDiff::from_lines(&expected_text, &actual_text);
        writeln!(failures, "\n=== {} (- expected, + actual)", file.display()).unwrap();
        write!(failures, "{}", diff.unified_diff().context_radius(3)).unwrap();
    }
    assert!(failures.is_empty(), "golden cases differ:{failures}");

    let missing_codes: Vec<&str> = Code::ALL
        .iter()
        .map(|code| code.as_str())
        .filter(|code| !seen_codes.contains(*code))
        .collect();
    assert!(
        missing_codes.is_empty(),
        "no golden case produces {missing_codes:?}"
    );
    let missing_ops: Vec<&str> = EVERY_OP
        .iter()
        .copied()
        .filter(|op| !seen_ops.contains(*op))
        .collect();
    assert!(
        missing_ops.is_empty(),
        "no golden case uses {missing_ops:?}"
    );
}

/// Every transform, condition, action and mapping kind name the format has.
const EVERY_OP: [&str; 50] = [
    "trim",
    "upper",
    "lower",
    "sentence_case",
    "title_case",
    "replace",
    "regex_replace",
    "strip_html",
    "decode_html_entities",
    "prefix",
    "suffix",
    "truncate",
    "default_if_empty",
    "split",
    "join",
    "round",
    "multiply",
    "add",
    "percent_markup",
    "clamp",
    "parse_number",
    "parse_date",
    "format_date",
    "gtin",
    "equals",
    "not_equals",
    "contains",
    "starts_with",
    "ends_with",
    "in_list",
    "greater_than",
    "greater_or_equal",
    "less_than",
    "less_or_equal",
    "is_empty",
    "is_not_empty",
    "matches",
    "all",
    "any",
    "not",
    "action:set",
    "action:copy",
    "action:transform",
    "action:lookup",
    "action:skip",
    "kind:match",
    "kind:set",
    "kind:transform",
    "kind:smart_rules",
    "kind:skip",
];

/// Collects the `op`, `action` and `kind` names a template uses.
fn collect_ops(json: &Json, seen: &mut BTreeSet<String>) {
    match json {
        Json::Object(object) => {
            if let Some(op) = object.get("op").and_then(Json::as_str) {
                seen.insert(op.to_owned());
            }
            for tag in ["action", "kind"] {
                if let Some(name) = object.get(tag).and_then(Json::as_str) {
                    seen.insert(format!("{tag}:{name}"));
                }
            }
            object.values().for_each(|value| collect_ops(value, seen));
        }
        Json::Array(items) => items.iter().for_each(|item| collect_ops(item, seen)),
        _ => {}
    }
}

fn case_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    files.sort();
    files
}

/// Compiles the case's template and maps its records; returns what `expected` holds.
fn run_case(case: &Json) -> Json {
    let template: Template = match case.get("default").and_then(Json::as_str) {
        Some(name) => fieldmap::defaults::template(name).unwrap(),
        None => {
            serde_json::from_value(case["template"].clone()).expect("template follows the format")
        }
    };
    let source = source_schema(&case["source"]);
    let target = target_schema(&case["target"]);
    let explain = case.get("explain").and_then(Json::as_bool).unwrap_or(false);

    let plan = match compile(&template, &source, &target) {
        Ok(plan) => plan,
        Err(diagnostics) => {
            let items = diagnostics
                .items
                .iter()
                .map(|item| json!({"code": item.code.as_str(), "path": item.path, "message": item.message, "hint": item.hint}))
                .collect();
            return json!({ "diagnostics": Json::Array(items) });
        }
    };

    let mut results = Vec::new();
    for (position, record) in case["records"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let values: Vec<Option<Value>> =
            record.as_array().unwrap().iter().map(input_value).collect();
        let row_values: Vec<fieldmap::ValueRef<'_>> = values
            .iter()
            .map(|value| {
                value
                    .as_ref()
                    .map_or(fieldmap::ValueRef::Absent, Value::as_value_ref)
            })
            .collect();
        let row = position as u64 + 1;
        let mapped = if explain {
            plan.map_explained(row_values.as_slice(), row)
        } else {
            plan.map(row_values.as_slice(), row)
        };
        results.push(match mapped {
            Ok(mapped) => {
                let mut output = json!({ "output": mapped.to_json() });
                if let Some(explanations) = mapped.explanations() {
                    output["explain"] = explanations.iter().map(ToString::to_string).collect();
                }
                output
            }
            Err(error) => {
                let problems: Vec<Json> = error
                    .problems
                    .iter()
                    .map(|problem| json!({"field": problem.field, "value": problem.value, "reason": problem.reason}))
                    .collect();
                json!({ "rejected": { "row": error.row, "key": error.key, "problems": problems } })
            }
        });
    }
    json!({ "records": results })
}

/// `{"absent": true}` is an absent field; other JSON values map to their value types.
fn input_value(json: &Json) -> Option<Value> {
    Some(match json {
        Json::Null => Value::Null,
        Json::Bool(flag) => Value::Boolean(*flag),
        Json::Number(number) => Value::Number(Decimal::from_str(&number.to_string()).unwrap()),
        Json::String(text) => Value::Text(text.clone()),
        Json::Array(items) => Value::List(
            items
                .iter()
                .map(|item| item.as_str().unwrap().to_owned())
                .collect(),
        ),
        Json::Object(_) => return None,
    })
}

fn source_schema(spec: &Json) -> SourceSchema {
    match spec {
        Json::String(name) if name == "prodlist" => schemas::prodlist(),
        Json::String(name) if name == "petra_catalog_api" => schemas::petra_catalog_api(),
        Json::Object(object) => {
            let types = object
                .get("types")
                .and_then(Json::as_object)
                .cloned()
                .unwrap_or_default();
            let fields = object["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|column| {
                    let name = column.as_str().unwrap().to_owned();
                    let field_type = types
                        .get(&name)
                        .map(|value| field_type(value.as_str().unwrap()));
                    SourceField { name, field_type }
                })
                .collect();
            SourceSchema::new("golden", fields)
        }
        other => panic!("unknown source {other}"),
    }
}

fn target_schema(spec: &Json) -> TargetSchema {
    match spec {
        Json::String(name) if name == "inventory" => schemas::inventory(),
        Json::String(name) if name == "shipment" => schemas::shipment(),
        Json::Object(object) => {
            let fields = object["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|field| {
                    let field: &Map<String, Json> = field.as_object().unwrap();
                    TargetField {
                        name: field["name"].as_str().unwrap().to_owned(),
                        field_type: field_type(
                            field.get("type").and_then(Json::as_str).unwrap_or("text"),
                        ),
                        required: field
                            .get("required")
                            .and_then(Json::as_bool)
                            .unwrap_or(false),
                        description: String::new(),
                    }
                })
                .collect();
            TargetSchema::new("golden", fields, object.get("key").and_then(Json::as_str))
        }
        other => panic!("unknown target {other}"),
    }
}

fn field_type(name: &str) -> FieldType {
    match name {
        "text" => FieldType::Text,
        "number" => FieldType::Number,
        "date" => FieldType::Date,
        "boolean" => FieldType::Boolean,
        "list" => FieldType::List,
        other => panic!("unknown field type {other}"),
    }
}
