//! `petra map preview`: map the first records of a ProdList file with a template.

use fieldmap::{compile, schemas, SourceSchema};
use petra_client::feed::ProdListReader;
use petra_ops::inventory::{read_template_file, ProdListRecord};
use serde_json::json;

use crate::cli::{Cli, MapPreviewArgs};
use crate::failure::{root_cause, Exit, Failure};
use crate::output;
use crate::output::outln;

pub fn preview(cli: &Cli, args: &MapPreviewArgs) -> Result<Exit, Failure> {
    let template = read_template_file(&args.template).map_err(|err| {
        let fix = if matches!(err, petra_ops::Error::ReadFile { .. }) {
            "check the --template path"
        } else {
            "correct the template"
        };
        Failure::from(err).with_fix(format!(
            "{fix}; `petra templates export petra-prodlist-inventory` prints the default \
             template to start from"
        ))
    })?;
    let mut reader = ProdListReader::open(&args.input).map_err(|err| {
        Failure::new(
            Exit::Config,
            format!("cannot read {}: {}", args.input.display(), root_cause(&err)),
        )
        .with_fix(if args.input.is_file() {
            "use a Petra ProdList.csv: a header row with PETRA SKU, DESCRIPTION, AVAILABLE and \
             PRICE, then one row per item"
        } else {
            "check the --input path; it must be a ProdList.csv file"
        })
    })?;
    let schema = SourceSchema::from_columns("prodlist", reader.columns().names());
    let plan = compile(&template, &schema, &schemas::inventory()).map_err(|diagnostics| {
        Failure::new(
            Exit::Config,
            format!(
                "template {} does not compile:\n{diagnostics}",
                args.template.display()
            ),
        )
    })?;

    let mut results = Vec::new();
    for row in (&mut reader).take(args.limit) {
        let result = match row {
            Ok(row) => {
                let warnings: Vec<String> = row.warnings().iter().map(|w| w.to_string()).collect();
                let mapped = if args.explain {
                    plan.map_explained(&ProdListRecord(&row), row.line())
                } else {
                    plan.map(&ProdListRecord(&row), row.line())
                };
                match mapped {
                    Ok(mapped) => {
                        let explanations = mapped
                            .explanations()
                            .map(|list| list.iter().map(|e| e.to_string()).collect::<Vec<_>>());
                        json!({
                            "line": row.line(),
                            "fields": mapped.to_json(),
                            "warnings": warnings,
                            "explain": explanations,
                        })
                    }
                    Err(error) => json!({
                        "line": row.line(),
                        "rejected": error.to_string(),
                        "warnings": warnings,
                    }),
                }
            }
            Err(error) => json!({ "line": error.line, "rejected": error.to_string() }),
        };
        results.push(result);
    }

    // Fewer records than the limit means the reader reached the end of the file, so
    // whether the file is whole is known.
    let end = if results.len() < args.limit {
        reader.finish().err()
    } else {
        None
    };
    let end_failure = end.map(|error| {
        Failure::new(
            Exit::Config,
            format!("{} is incomplete: {}", args.input.display(), root_cause(&error)),
        )
        .with_fix("download the feed again; a whole ProdList.csv has data rows after its header and ends with a line end")
    });

    if cli.json {
        if let Some(failure) = end_failure {
            return Err(failure.with_details(json!({ "records": results })));
        }
        output::print_json(&results);
        return Ok(Exit::Success);
    }
    for result in &results {
        outln!("line {}", result["line"]);
        if let Some(warnings) = result["warnings"].as_array() {
            for warning in warnings {
                outln!("  warning: {}", warning.as_str().unwrap_or_default());
            }
        }
        if let Some(rejected) = result["rejected"].as_str() {
            outln!("  rejected: {rejected}");
            continue;
        }
        if let Some(fields) = result["fields"].as_object() {
            for (name, value) in fields {
                outln!("  {name:<13} {value}");
            }
        }
        if let Some(explain) = result["explain"].as_array() {
            for line in explain {
                outln!("  explain: {}", line.as_str().unwrap_or_default());
            }
        }
    }
    match end_failure {
        Some(failure) => Err(failure),
        None => Ok(Exit::Success),
    }
}
