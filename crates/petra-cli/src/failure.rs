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
    /// `petra.toml`, the secrets or the template are missing or invalid.
    Config = 3,
    /// Petra could not be reached or rejected the credentials.
    Connection = 4,
    /// The catalog was not read to its end: the upserts were applied and nothing was
    /// archived.
    Incomplete = 5,
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
    /// What the command found before it failed, such as a connection test outcome. With
    /// `--json` it goes into the one error document, so stdout never contains two.
    pub details: Option<serde_json::Value>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            fix: None,
            details: None,
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

impl From<petra_ops::Error> for Failure {
    fn from(err: petra_ops::Error) -> Self {
        use petra_ops::Error as E;
        if let E::MissingSecret { name, fix } = &err {
            return Failure::new(Exit::Config, format!("the Petra {name} is missing"))
                .with_fix(fix.clone());
        }
        // ReadFile is only raised for petra.toml, the secrets file and template files.
        let exit = match &err {
            E::InvalidSettings { .. }
            | E::ReadFile { .. }
            | E::ConfigFile { .. }
            | E::SecretsFile { .. }
            | E::MissingSecret { .. }
            | E::Template { .. }
            | E::TemplateFile { .. } => Exit::Config,
            E::Client { .. } => Exit::Config,
            E::Retrieval { .. } => Exit::Incomplete,
            _ => Exit::Failure,
        };
        Failure::new(exit, err.to_string())
    }
}

impl From<petra_store::Error> for Failure {
    fn from(err: petra_store::Error) -> Self {
        Failure::new(Exit::Failure, err.to_string())
    }
}
