//! `petra status`: Connected, Configured and Mapped per operation.

use petra_ops::history::Operation;
use petra_ops::status::LastRun;

use crate::cli::Cli;
use crate::context;
use crate::failure::{settings_fix, Exit, Failure};
use crate::output;
use crate::output::outln;

pub async fn run(cli: &Cli) -> Result<Exit, Failure> {
    let config = context::load_config(&cli.config)?;
    // An invalid store path would open, and create, the default store instead. Without
    // the store there is no status to print, so every problem of the file is listed.
    let store_invalid = config
        .invalid_values
        .iter()
        .any(|problem| problem.field.starts_with("store."));
    if store_invalid {
        let invalid = petra_ops::Error::InvalidSettings {
            problems: config.problems(),
        };
        return Err(Failure::from(invalid).with_fix(settings_fix(&config.file_name())));
    }
    let store = context::open_store(&config)?;
    print(&config, &store, cli.json, None).await?;
    Ok(Exit::Success)
}

/// Computes and prints the status. The text of the last run of `reported`, whose report
/// the output above already contains, leaves out the reason it failed.
pub async fn print(
    config: &petra_ops::settings::Config,
    store: &petra_store::SqliteStore,
    json: bool,
    reported: Option<Operation>,
) -> Result<(), Failure> {
    let status =
        petra_ops::status::status(config, store, store, &petra_ops::clock::SystemClock).await?;
    if json {
        output::print_json(&status);
        return Ok(());
    }

    outln!(
        "Status of connection {} (source {})",
        status.connection,
        status.source
    );
    for operation in &status.operations {
        outln!("  {}", operation.operation);
        for (label, check) in [
            ("Connected ", &operation.connected),
            ("Configured", &operation.configured),
            ("Mapped    ", &operation.mapped),
        ] {
            let mark = if check.ok { "yes" } else { "no " };
            outln!("    {label} {mark}  {}", check.detail);
        }
        let reported = reported == Some(operation.operation);
        match &operation.last_run {
            Some(run) => outln!("    last run   {}", describe_run(run, reported)),
            None => outln!("    last run   never"),
        }
        if let Some(run) = &operation.last_dry_run {
            outln!("    dry run    {}", describe_run(run, false));
        }
        match &operation.next_run {
            Some(next) => outln!("    next run   {}", next.format("%Y-%m-%d %H:%M:%S UTC")),
            None => outln!("    next run   not scheduled"),
        }
    }
    Ok(())
}

/// Describes a run in one line. When `reported` is true, a pointer to the report printed
/// above replaces the failure reason, so the reason is printed once.
fn describe_run(run: &LastRun, reported: bool) -> String {
    let summary = match &run.reason {
        Some(_) if reported => format!(
            "{}; the report above gives the reason",
            run.summary_without_reason()
        ),
        _ => run.summary.clone(),
    };
    format!(
        "{} {} ({summary})",
        run.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        run.status.as_str(),
    )
}
