//! Printing results as text for people or as JSON for programs, and progress bars.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use petra_ops::inventory::{ArchiveOutcome, InventoryReport, ProgressFn};
use serde::Serialize;

use crate::commands::connection_error::{print_stopped, RunStop};

/// Set once a write to stdout failed, so the rest of the output is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes formatted text to stdout, like `print!`, without panicking when stdout is closed.
///
/// A reader that exits early, such as `petra status | head -1`, closes the pipe and the
/// next write fails with `BrokenPipe`. The output is then dropped quietly and the command
/// finishes with its own exit code. Any other write error is reported once on stderr.
pub fn write_stdout(args: fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| stdout.flush());
    if let Err(err) = written {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to stdout: {err}");
        }
    }
}

/// `println!` through [`write_stdout`].
macro_rules! outln {
    () => {
        $crate::output::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// Returns `word` with an `s` unless `count` is 1.
pub fn plural(count: impl Into<u64>, word: &str) -> String {
    if count.into() == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// Returns `text` as one word of a POSIX shell command: unchanged when it contains only
/// characters no shell treats specially, otherwise in single quotes.
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        Err(err) => eprintln!("error: cannot write JSON output: {err}"),
    }
}

/// A spinner counting rows read and records mapped on a terminal, or a line per 100,000
/// rows read otherwise. Rows passed over as unchanged count as read, so a re-import that
/// writes nothing still moves. Nothing is drawn with `--json`, so stdout stays one JSON
/// document.
pub fn progress(json: bool) -> (Option<ProgressBar>, Option<ProgressFn>) {
    if json {
        return (None, None);
    }
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} rows read, {msg} {per_sec} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let handle = bar.clone();
        let callback: ProgressFn = Arc::new(move |progress| {
            // A writer's report may carry an older count than the reader's last one.
            handle.set_position(handle.position().max(progress.read));
            handle.set_message(format!("{} mapped", progress.records));
        });
        return (Some(bar), Some(callback));
    }

    let steps = Arc::new(ProgressSteps::default());
    let callback: ProgressFn = Arc::new(move |progress| {
        if steps.passed_new_step(progress.read) {
            eprintln!("{} rows read, {} mapped", progress.read, progress.records);
        }
    });
    (None, Some(callback))
}

/// The last 100,000-row step a progress line was printed for.
#[derive(Default)]
struct ProgressSteps {
    last: std::sync::atomic::AtomicU64,
}

impl ProgressSteps {
    /// Returns true when `read` rows reach a step no earlier call reached. The reader and
    /// the writer both report, so a call may carry an older count than the one before.
    fn passed_new_step(&self, read: u64) -> bool {
        let step = read / 100_000;
        step > self
            .last
            .fetch_max(step, std::sync::atomic::Ordering::Relaxed)
    }
}

/// Returns the host and port of a downloaded feed's URL, or `None` when the catalog came
/// from the API or a local file.
fn feed_host(retrieved_from: &str) -> Option<String> {
    let url = url::Url::parse(retrieved_from).ok()?;
    if !matches!(url.scheme(), "http" | "https" | "ftp" | "ftps") {
        return None;
    }
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Prints a Get Inventory report for people. `feed_url_login` names where the feed URL
/// was given when the download sent the login written in it. `mass_archive_fix` replaces
/// the fix printed after a refused mass archive.
pub fn print_report(
    report: &InventoryReport,
    feed_url_login: Option<&str>,
    mass_archive_fix: Option<&str>,
) {
    let mode = if report.dry_run {
        " (dry run: nothing written)"
    } else {
        ""
    };
    outln!("Get Inventory for {}{mode}", report.source);
    outln!("  from         {}", report.retrieved_from);
    outln!("  records      {}", report.records);
    outln!("  created      {}", report.created);
    outln!("  updated      {}", report.updated);
    outln!("  unchanged    {}", report.unchanged);
    outln!("  re-activated {}", report.reactivated);
    match &report.archive {
        ArchiveOutcome::Disabled => outln!("  archived     0 (archiving is off)"),
        ArchiveOutcome::Applied { count } => outln!("  archived     {count}"),
        // The line printed below the counts names the retrieval's error, which the
        // guard's reason repeats.
        ArchiveOutcome::Refused {
            mass_archive: false,
            ..
        } if report.retrieval_error.is_some() || report.fatal_error.is_some() => {
            outln!("  archived     0 (refused, because the retrieval was incomplete)");
        }
        ArchiveOutcome::Refused {
            would_archive,
            reason,
            ..
        } => {
            let count = would_archive.map_or(String::new(), |n| format!(", {n} absent"));
            outln!("  archived     0 (refused{count}): {reason}");
        }
    }
    outln!("  rejected     {}", report.rejected);
    outln!("  warnings     {}", report.warning_count);
    outln!("  duration     {:.2} s", report.duration_ms as f64 / 1000.0);
    let feed_host = feed_host(&report.retrieved_from);
    let stop = RunStop {
        fatal_error: report.fatal_error.as_deref(),
        fatal_status: report.fatal_status,
        petra_unreachable: report.petra_unreachable,
        retrieval_error: report.retrieval_error.as_deref(),
        feed_host: feed_host.as_deref(),
        feed_url_login,
    };
    let settings = if report.from_api() {
        "connection.base_url"
    } else {
        "connection.feed_url (or --feed)"
    };
    let stopped = print_stopped(&stop, settings);
    match (stopped, &report.retrieval_error) {
        (false, Some(error)) if report.interrupted => outln!("  interrupted: {error}"),
        (false, Some(error)) => outln!("  retrieval incomplete: {error}"),
        _ => {}
    }
    if let (true, Some(fix)) = (report.mass_archive_refused(), mass_archive_fix) {
        outln!("  fix: {fix}");
    } else if report.mass_archive_refused() {
        let saved = if report.dry_run {
            "a dry run writes nothing"
        } else {
            "the created, updated and re-activated items are saved"
        };
        let retrieved = if report.from_api() {
            "the catalog the Petra API returned"
        } else {
            "the feed"
        };
        outln!(
            "  fix: check {retrieved}; if the catalog really shrank, run again with \
             --allow-mass-archive ({saved})"
        );
    }

    for rejection in report.rejections.iter().take(20) {
        let sku = rejection.sku.as_deref().unwrap_or("(no SKU)");
        outln!(
            "  rejected line {} {sku}: {} {:?} {}",
            rejection.line,
            rejection.field,
            rejection.value,
            rejection.reason
        );
    }
    if report.rejections.len() > 20 {
        outln!(
            "  ... {} more rejections in the JSON report (--json)",
            report.rejections.len() - 20
        );
    }
    for warning in report.warnings.iter().take(5) {
        outln!("  warning: {warning}");
    }
    if report.warning_count > 5 {
        outln!(
            "  ... {} more warnings (--json lists them)",
            report.warning_count - 5
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_word_plain_unchanged() {
        assert_eq!(shell_word("conf/petra-2.toml"), "conf/petra-2.toml");
    }

    #[test]
    fn shell_word_quotes_special() {
        assert_eq!(shell_word("my settings.toml"), "'my settings.toml'");
        assert_eq!(shell_word("it's.toml"), r"'it'\''s.toml'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn progress_step_prints_once() {
        let steps = ProgressSteps::default();

        assert!(!steps.passed_new_step(99_999));
        assert!(steps.passed_new_step(100_000));
        assert!(steps.passed_new_step(200_000));
        // A writer's report that carries an older count prints nothing.
        assert!(!steps.passed_new_step(150_000));
        assert!(!steps.passed_new_step(210_000));
        assert!(steps.passed_new_step(300_000));
    }
}
