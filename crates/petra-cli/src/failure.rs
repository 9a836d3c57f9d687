//! Failures of a command: the message for people, the fix, and the exit code.

use std::fmt;
use std::process::ExitCode;

/// Exit codes of `petra`, documented in `docs/operations.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The command did what it was asked. Rejected records do not change this.
    Success = 0,
    /// Something failed that is not one of the cases below (store, file system, bug).
    Failure = 1,
    /// Invalid arguments (written by clap).
    Usage = 2,
    /// An input file is missing or invalid: `petra.toml`, the secrets, a template, a
    /// feed file or a request file.
    Config = 3,
    /// Petra could not be reached or rejected the credentials.
    Connection = 4,
    /// The run did not finish its work: a listing was not read to its end (the upserts
    /// were applied and nothing was archived), an order's outcome is unknown, or a stop
    /// signal interrupted it.
    Incomplete = 5,
    /// The archive guard refused to archive more than `inventory.archive_guard` of the
    /// active items. The upserts were applied.
    ArchiveGuard = 6,
}

impl Exit {
    /// Returns the line printed on stderr when a run ends with this code after printing
    /// its report on stdout, so a job that keeps only stderr still gets the failure.
    pub fn summary(self) -> Option<&'static str> {
        match self {
            Exit::Connection => Some(
                "Petra or the feed server could not be reached or rejected the \
                 credentials (exit 4); the report on stdout names the cause",
            ),
            Exit::Incomplete => Some(
                "the run did not finish its work (exit 5); the report on stdout says what \
                 is left for the next run",
            ),
            Exit::ArchiveGuard => Some(
                "the archive guard refused a mass archive (exit 6); check the catalog the \
                 run read (the report on stdout names it), then run again with \
                 --allow-mass-archive",
            ),
            Exit::Success | Exit::Failure | Exit::Usage | Exit::Config => None,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A failed command.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub fix: Option<String>,
    /// Findings of the command before it failed, such as a connection test outcome. With
    /// `--json` they go into the one error document, so stdout never contains two.
    pub details: Option<serde_json::Value>,
    /// True when the command already printed its report on stdout, so only the line on
    /// stderr is written, also with `--json`.
    pub after_report: bool,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            fix: None,
            details: None,
            after_report: false,
        }
    }

    /// Builds the failure of a run whose report is already on stdout: the one line for
    /// stderr, with the report's `cause`, so a job that keeps only stderr gets the reason.
    pub fn after_report(exit: Exit, cause: &str) -> Self {
        Self::after_report_from(exit, cause, "Petra or the feed server")
    }

    /// Builds the failure of a run that talks to the Petra API only, such as a send or a
    /// fetch, like [`Failure::after_report`] but without naming a feed server.
    pub fn after_api_report(exit: Exit, cause: &str) -> Self {
        Self::after_report_from(exit, cause, "Petra")
    }

    /// Builds the failure of a run whose text report on stdout states the cause and the
    /// fix. The line for stderr names the exit code and points at `report`, such as "the
    /// Get Inventory report above", so the cause is printed once.
    pub fn after_report_above(exit: Exit, report: &str) -> Self {
        let what = Self::outcome(exit, "Petra or the feed server");
        Self {
            after_report: true,
            ..Self::new(
                exit,
                format!("{what} (exit {}); {report} gives the cause", exit as u8),
            )
        }
    }

    fn after_report_from(exit: Exit, cause: &str, server: &str) -> Self {
        let what = Self::outcome(exit, server);
        Self {
            after_report: true,
            ..Self::new(exit, format!("{what} (exit {}): {cause}", exit as u8))
        }
    }

    /// Returns what went wrong for a run that ended with `exit`, naming `server` when it
    /// could not be reached.
    fn outcome(exit: Exit, server: &str) -> String {
        match exit {
            Exit::Connection => {
                format!("{server} could not be reached or rejected the credentials")
            }
            Exit::Incomplete => "the run did not finish its work".to_owned(),
            Exit::ArchiveGuard => "the archive guard refused a mass archive".to_owned(),
            _ => "the run failed".to_owned(),
        }
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Builds the JSON document printed on stdout for this failure with `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut document = serde_json::json!({
            "error": self.message,
            "fix": self.fix,
            "exit_code": self.exit as u8,
        });
        if let Some(details) = &self.details {
            document["details"] = details.clone();
        }
        document
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, "\n  fix: {fix}")?;
        }
        Ok(())
    }
}

/// Builds the fix for a source that does not fulfill orders, when orders are imported or
/// sent, naming the configuration `file` to edit.
pub fn fulfills_orders_fix(file: &str) -> String {
    format!(
        "set fulfills_orders = true in [source] of {file}, with at least one \
         [[source.shipping_methods]] and a [source.ship_from] location"
    )
}

/// Builds the fix for invalid settings in the configuration `file`.
pub fn settings_fix(file: &str) -> String {
    format!("edit {file}; docs/configuration.md describes every key")
}

impl From<petra_ops::Error> for Failure {
    fn from(err: petra_ops::Error) -> Self {
        use petra_ops::Error as E;
        if let E::MissingSecret { name, fix } = &err {
            return Failure::new(Exit::Config, format!("the Petra {name} is missing"))
                .with_fix(fix.clone());
        }
        // ReadFile is only raised for petra.toml, the secrets file, template files and the
        // request files of `petra orders import`: all input files, so all exit 3.
        let exit = match &err {
            E::InvalidSettings { .. }
            | E::FulfillmentDisabled { .. }
            | E::ReadFile { .. }
            | E::Import { .. }
            | E::MissingPo { .. }
            | E::RepeatedPo { .. }
            | E::ConfigFile { .. }
            | E::SecretsFile { .. }
            | E::SecretsFileUnreadable { .. }
            | E::MissingSecret { .. }
            | E::InvalidSecret { .. }
            | E::Template { .. }
            | E::TemplateFile { .. } => Exit::Config,
            E::Client { .. } => Exit::Config,
            E::Retrieval { .. } => Exit::Incomplete,
            _ => Exit::Failure,
        };
        // Callers that know the configuration file replace the generic fixes below
        // with ones that name it.
        let fix = match &err {
            E::ConfigFile { path, .. } => Some(settings_fix(&path.display().to_string())),
            E::InvalidSettings { .. } => Some(settings_fix("the configuration file")),
            E::FulfillmentDisabled { .. } => Some(fulfills_orders_fix("the configuration file")),
            E::SecretsFile { .. } => Some(
                "correct the secrets file: TOML with username (or api_key) and password, each \
                 a string in quotes"
                    .to_owned(),
            ),
            E::SecretsFileUnreadable { .. } => Some(
                "create the secrets file, point connection.secrets_file at the right one, or \
                 set the variables it stands in for"
                    .to_owned(),
            ),
            E::InvalidSecret {
                setting, origin, ..
            } => Some(format!("correct the {setting} in {origin}")),
            E::ReadFile { .. } => Some("check that the path exists and is readable".to_owned()),
            E::Template { .. } | E::TemplateFile { .. } => Some(
                "correct the template; `petra templates export NAME` prints a built-in one \
                 to start from"
                    .to_owned(),
            ),
            _ => None,
        };
        let failure = Failure::new(exit, err.to_string());
        match fix {
            Some(fix) => failure.with_fix(fix),
            None => failure,
        }
    }
}

/// Returns the innermost error of the chain, which names the cause, such as
/// "No such file or directory (os error 2)".
pub fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

impl From<petra_store::Error> for Failure {
    fn from(err: petra_store::Error) -> Self {
        let failure = Failure::new(Exit::Failure, err.to_string());
        match &err {
            petra_store::Error::NotADatabase { path } => failure.with_fix(format!(
                "point the store at a new file (store.path in petra.toml, or --store for \
                 petra demo), or move {} away if it holds something else",
                crate::output::shell_word(&path.to_string_lossy())
            )),
            _ => failure,
        }
    }
}
