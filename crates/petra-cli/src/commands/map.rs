//! `petra map preview`: map the first records of a ProdList file with a template.

use std::io::Read;
use std::path::Path;

use fieldmap::{compile, schemas, SourceSchema};
use petra_client::feed::{Column, ProdListReader};
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
    let mut reader =
        ProdListReader::open(&args.input).map_err(|err| input_failure(&args.input, err))?;
    let schema = SourceSchema::from_columns("prodlist", reader.columns().names());
    let plan = compile(&template, &schema, &schemas::inventory()).map_err(|diagnostics| {
        let path = args.template.display();
        Failure::new(
            Exit::Config,
            format!("template {path} does not compile:\n{diagnostics}"),
        )
        .with_fix(format!(
            "edit {path} at the path each problem names, as its fix says; `petra \
             templates export petra-prodlist-inventory` prints a working template to start \
             from"
        ))
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

/// Builds the failure for an `--input` file that does not open as a ProdList feed. When
/// the file reads but contains no feed header, the message names the expected header row
/// and quotes the file's first line.
fn input_failure(input: &Path, err: petra_client::Error) -> Failure {
    use petra_client::Error as E;

    let input_name = input.display();
    let header = format!(
        "a header row with the columns {}",
        Column::REQUIRED.map(Column::name).join(", ")
    );
    let use_feed = "pass a Petra ProdList.csv with --input: optional lines before the header, \
                    then a header row that names PETRA SKU, DESCRIPTION, AVAILABLE and PRICE, \
                    then one row per item";
    match err {
        E::FeedHeaderNotFound {
            rows_searched: 0, ..
        } => Failure::new(
            Exit::Config,
            format!(
                "{input_name} is empty; expected a Petra ProdList feed, which starts with \
                 {header}"
            ),
        )
        .with_fix(use_feed),
        E::FeedHeaderNotFound { rows_searched, .. } => Failure::new(
            Exit::Config,
            format!(
                "{input_name} is not a Petra ProdList feed: expected {header} within {} and \
                 found none; its first line is {}",
                rows_read(rows_searched),
                first_line(input)
            ),
        )
        .with_fix(use_feed),
        E::FeedHeaderCut { line } => Failure::new(
            Exit::Config,
            format!(
                "{input_name} ends inside line {line} before {header}, so it is cut short or \
                 not a Petra ProdList feed; its first line is {}",
                first_line(input)
            ),
        )
        .with_fix(format!(
            "download the feed again if it was cut short; otherwise {use_feed}"
        )),
        other => Failure::new(
            Exit::Config,
            format!("cannot read {input_name}: {}", root_cause(&other)),
        )
        .with_fix(if input.exists() {
            "check that the --input file is a readable file, not a folder"
        } else {
            "check the --input path; it must be a ProdList.csv file"
        }),
    }
}

/// Names the rows a header search read: the file's only row, or its first rows.
fn rows_read(rows: usize) -> String {
    match rows {
        1 => "its first row".to_owned(),
        rows => format!("its first {rows} rows"),
    }
}

/// Maximum characters of a file's first line that a message quotes.
const FIRST_LINE_MAX_CHARS: usize = 80;

/// Returns the first line of `path` as a quoted string with control characters escaped,
/// cut to [`FIRST_LINE_MAX_CHARS`] characters, or a note when it cannot be read.
fn first_line(path: &Path) -> String {
    let mut head = Vec::new();
    let read =
        std::fs::File::open(path).and_then(|file| file.take(4 * 1024).read_to_end(&mut head));
    if read.is_err() {
        return "unreadable".to_owned();
    }
    let line = head.split(|&byte| byte == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let line = line.strip_suffix('\r').unwrap_or(&line);
    if line.chars().count() > FIRST_LINE_MAX_CHARS {
        let start: String = line.chars().take(FIRST_LINE_MAX_CHARS).collect();
        format!("{start:?} (cut at {FIRST_LINE_MAX_CHARS} characters)")
    } else {
        format!("{line:?}")
    }
}
