//! `petra connection test`: ping Petra and record the outcome for `petra status`.

use petra_client::PetraClient;
use petra_ops::history::{ConnectionTest, RunHistory};
use petra_ops::settings::Config;
use serde::Serialize;

use crate::cli::Cli;
use crate::context;
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::outln;

#[derive(Debug, Clone, Serialize)]
pub struct TestOutcome {
    pub connection: String,
    pub passed: bool,
    pub message: String,
}

pub async fn test(cli: &Cli) -> Result<Exit, Failure> {
    let config = context::load_valid_config(&cli.config)?;
    let client = context::client(&config)?;
    let store = context::open_store(&config)?;
    let outcome = test_and_record(&config, &client, &store).await?;
    print(&outcome, cli.json)
}

/// Prints a passed test, or turns a failed one into a failure that carries the outcome,
/// so `--json` prints one document either way.
pub fn print(outcome: &TestOutcome, json: bool) -> Result<Exit, Failure> {
    if !outcome.passed {
        return Err(Failure::new(
            Exit::Connection,
            format!("connection {} failed: {}", outcome.connection, outcome.message),
        )
        .with_fix("check base_url and the credentials in PETRA_USERNAME (or PETRA_API_KEY) and PETRA_PASSWORD; a leading or trailing space copied with a credential is a common cause")
        .with_details(serde_json::json!(outcome)));
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
    let (passed, message) = match client.ping().await {
        Ok(ping) if ping.api_access => (true, format!("connected to account {}", ping.account)),
        Ok(ping) => (
            false,
            format!(
                "account {} has no API access; ask Petra to enable it",
                ping.account
            ),
        ),
        Err(err) => (false, err.to_string()),
    };

    let test = ConnectionTest {
        connection: name.clone(),
        tested_at: chrono::Utc::now(),
        passed,
        message: message.clone(),
    };
    history
        .record_connection_test(test)
        .await
        .map_err(|err| Failure::new(Exit::Failure, format!("cannot record the test: {err}")))?;

    Ok(TestOutcome {
        connection: name,
        passed,
        message,
    })
}
