//! `petra connection test`: ping Petra and record the outcome for `petra status`.

use petra_client::PetraClient;
use petra_ops::history::{ConnectionTest, RunHistory};
use petra_ops::settings::Config;
use serde::Serialize;

use crate::cli::Cli;
use crate::commands::connection_error;
use crate::context;
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::outln;

#[derive(Debug, Clone, Serialize)]
pub struct TestOutcome {
    pub connection: String,
    pub passed: bool,
    pub message: String,
    /// The change that fixes a failed test; `None` when the test passed.
    pub fix: Option<String>,
}

pub async fn test(cli: &Cli) -> Result<Exit, Failure> {
    let config = context::load_shared_config(&cli.config)?;
    let client = context::client(&config)?;
    let store = context::open_store(&config)?;
    let outcome = test_and_record(&config, &client, &store).await?;
    print(&outcome, cli.json)
}

/// Prints a passed test, or turns a failed one into a failure that carries the outcome,
/// so `--json` prints one document either way.
pub fn print(outcome: &TestOutcome, json: bool) -> Result<Exit, Failure> {
    if !outcome.passed {
        let failure = Failure::new(
            Exit::Connection,
            format!(
                "connection {} failed: {}",
                outcome.connection, outcome.message
            ),
        );
        let failure = match &outcome.fix {
            Some(fix) => failure.with_fix(fix.clone()),
            None => failure,
        };
        return Err(failure.with_details(serde_json::json!(outcome)));
    }

    if json {
        output::print_json(outcome);
    } else {
        outln!("connection {}: {}", outcome.connection, outcome.message);
    }
    Ok(Exit::Success)
}

/// Pings Petra and records the outcome in the store.
pub async fn test_and_record(
    config: &Config,
    client: &PetraClient,
    history: &dyn RunHistory,
) -> Result<TestOutcome, Failure> {
    let name = config.connection.name.clone();
    let (passed, message, fix) = match client.ping().await {
        Ok(ping) if ping.api_access => {
            (true, format!("connected to account {}", ping.account), None)
        }
        Ok(ping) => (
            false,
            format!("account {} has no API access", ping.account),
            Some("ask Petra to enable API access for the account".to_owned()),
        ),
        Err(err) => {
            let (message, fix) = connection_error::describe(config, &err);
            (false, message, Some(fix))
        }
    };

    let test = ConnectionTest {
        connection: name.clone(),
        tested_at: chrono::Utc::now(),
        passed,
        message: match &fix {
            Some(fix) => format!("{message}; fix: {fix}"),
            None => message.clone(),
        },
    };
    history
        .record_connection_test(test)
        .await
        .map_err(|err| Failure::new(Exit::Failure, format!("cannot record the test: {err}")))?;

    Ok(TestOutcome {
        connection: name,
        passed,
        message,
        fix,
    })
}
