//! `petra sandbox`: a local Petra-compatible server on 127.0.0.1 until Ctrl-C.

use petra_sandbox::{Sandbox, SandboxConfig};

use crate::cli::{Cli, SandboxArgs};
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::outln;

pub async fn run(cli: &Cli, args: &SandboxArgs) -> Result<Exit, Failure> {
    let config = SandboxConfig {
        port: args.port,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config)
        .await
        .map_err(|err| Failure::new(Exit::Failure, format!("cannot start the sandbox: {err}")))?;

    if cli.json {
        output::print_json(&serde_json::json!({
            "base_url": sandbox.base_url(),
            "feed_url": sandbox.feed_url(),
            "username": petra_sandbox::config::DEFAULT_USERNAME,
        }));
    } else {
        outln!("sandbox listening");
        outln!("  base_url = \"{}\"", sandbox.base_url());
        outln!("  feed_url = \"{}\"", sandbox.feed_url());
        outln!(
            "  export PETRA_USERNAME={} PETRA_PASSWORD={}",
            petra_sandbox::config::DEFAULT_USERNAME,
            petra_sandbox::config::DEFAULT_PASSWORD
        );
        outln!("press Ctrl-C to stop");
    }

    tokio::signal::ctrl_c()
        .await
        .map_err(|err| Failure::new(Exit::Failure, format!("cannot wait for Ctrl-C: {err}")))?;
    Ok(Exit::Success)
}
