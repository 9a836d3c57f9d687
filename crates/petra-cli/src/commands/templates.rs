//! `petra templates`: list and export the built-in mapping templates.

use crate::cli::{Cli, TemplateFormat, TemplatesCommand};
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::outln;

pub fn run(cli: &Cli, command: &TemplatesCommand) -> Result<Exit, Failure> {
    match command {
        TemplatesCommand::List => {
            let names: Vec<&str> = fieldmap::defaults::ALL.iter().map(|t| t.name).collect();
            if cli.json {
                output::print_json(&names);
            } else {
                for name in names {
                    outln!("{name}");
                }
            }
        }
        TemplatesCommand::Export(args) => {
            let text = match args.format {
                TemplateFormat::Toml => fieldmap::defaults::export_toml(&args.name),
                TemplateFormat::Json => fieldmap::defaults::export_json(&args.name),
            }
            .map_err(|err| {
                Failure::new(Exit::Config, err.to_string())
                    .with_fix("run `petra templates list` for the names")
            })?;
            if cli.json {
                output::print_json(&serde_json::json!({ "name": args.name, "template": text }));
            } else {
                crate::output::write_stdout(format_args!("{text}"));
            }
        }
    }
    Ok(Exit::Success)
}
