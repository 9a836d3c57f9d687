//! Printing results as text for people or as JSON for programs, and progress bars.

use std::io::IsTerminal;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use petra_ops::inventory::{ArchiveOutcome, InventoryReport, ProgressFn};
use serde::Serialize;

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("error: cannot write JSON output: {err}"),
    }
}

/// A spinner counting records on a terminal, or a line per 100,000 records otherwise.
/// Nothing is drawn with `--json`, so stdout stays one JSON document.
pub fn progress(json: bool) -> (Option<ProgressBar>, Option<ProgressFn>) {
    if json {
        return (None, None);
    }
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} records {per_sec} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let handle = bar.clone();
        let callback: ProgressFn = Arc::new(move |progress| handle.set_position(progress.records));
        return (Some(bar), Some(callback));
    }

    let last_line = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let callback: ProgressFn = Arc::new(move |progress| {
        let step = progress.records / 100_000;
        if step > last_line.swap(step, std::sync::atomic::Ordering::Relaxed) {
            eprintln!("{} records", progress.records);
        }
    });
    (None, Some(callback))
}

/// Prints a Get Inventory report for people.
pub fn print_report(report: &InventoryReport) {
    let mode = if report.dry_run {
        " (dry run: nothing written)"
    } else {
        ""
    };
    println!("Get Inventory for {}{mode}", report.source);
    println!("  from         {}", report.retrieved_from);
    println!("  records      {}", report.records);
    println!("  created      {}", report.created);
    println!("  updated      {}", report.updated);
    println!("  unchanged    {}", report.unchanged);
    println!("  re-activated {}", report.reactivated);
    match &report.archive {
        ArchiveOutcome::Disabled => println!("  archived     0 (archiving is off)"),
        ArchiveOutcome::Applied { count } => println!("  archived     {count}"),
        ArchiveOutcome::Refused {
            would_archive,
            reason,
        } => {
            let count = would_archive.map_or(String::new(), |n| format!(", {n} absent"));
            println!("  archived     0 (refused{count}): {reason}");
        }
    }
    println!("  rejected     {}", report.rejected);
    println!("  warnings     {}", report.warning_count);
    println!("  duration     {:.2} s", report.duration_ms as f64 / 1000.0);
    if let Some(error) = &report.retrieval_error {
        println!("  retrieval incomplete: {error}");
    }

    for rejection in report.rejections.iter().take(20) {
        let sku = rejection.sku.as_deref().unwrap_or("(no SKU)");
        println!(
            "  rejected line {} {sku}: {} {:?} {}",
            rejection.line, rejection.field, rejection.value, rejection.reason
        );
    }
    if report.rejections.len() > 20 {
        println!(
            "  ... {} more rejections in the JSON report (--json)",
            report.rejections.len() - 20
        );
    }
    for warning in report.warnings.iter().take(5) {
        println!("  warning: {warning}");
    }
    if report.warning_count > 5 {
        println!(
            "  ... {} more warnings (--json lists them)",
            report.warning_count - 5
        );
    }
}
