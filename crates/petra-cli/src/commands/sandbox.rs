//! `petra sandbox`: a local Petra-compatible server on 127.0.0.1 until Ctrl-C.

use petra_sandbox::config::{DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME};
use petra_sandbox::{ClockConfig, Sandbox, SandboxConfig};

use crate::cli::{Cli, SandboxArgs};
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::outln;

pub async fn run(cli: &Cli, args: &SandboxArgs) -> Result<Exit, Failure> {
    // An operator's commands read the system clock, so the sandbox follows it unless
    // pinned. A clock paused in the past would put every shipment outside the window.
    let clock = match args.paused_at {
        Some(start) => ClockConfig::paused_at(start),
        None => ClockConfig::system(),
    };
    let config = SandboxConfig {
        port: args.port,
        ..SandboxConfig::default()
    }
    .with_clock(clock)
    .with_faults(args.faults.clone());
    let sandbox = Sandbox::start(config).await.map_err(start_failure)?;
    let clock_mode = if args.paused_at.is_some() {
        "paused"
    } else {
        "follows the system clock"
    };

    if cli.json {
        output::print_json(&serde_json::json!({
            "base_url": sandbox.base_url(),
            "feed_url": sandbox.feed_url(),
            "control_url": sandbox.control_url(),
            "username": DEFAULT_USERNAME,
            "api_key": DEFAULT_API_KEY,
            "password": DEFAULT_PASSWORD,
            "clock": { "now": sandbox.now(), "paused": args.paused_at.is_some() },
            "faults": args.faults,
        }));
    } else {
        outln!("sandbox listening");
        outln!("  base_url = \"{}\"", sandbox.base_url());
        outln!("  feed_url = \"{}\"", sandbox.feed_url());
        outln!("  controls   {}", sandbox.control_url());
        outln!(
            "  clock      {} ({clock_mode})",
            sandbox.now().format("%Y-%m-%d %H:%M:%S UTC")
        );
        if !args.faults.rules.is_empty() {
            outln!(
                "  faults     {} {}; GET /sandbox/faults lists them",
                args.faults.rules.len(),
                output::plural(args.faults.rules.len() as u64, "rule")
            );
        }
        outln!("  export PETRA_USERNAME={DEFAULT_USERNAME} PETRA_PASSWORD={DEFAULT_PASSWORD}");
        outln!("`petra sandbox --help` lists the control routes; press Ctrl-C to stop");
    }

    tokio::signal::ctrl_c()
        .await
        .map_err(|err| Failure::new(Exit::Failure, format!("cannot wait for Ctrl-C: {err}")))?;
    Ok(Exit::Success)
}

fn start_failure(err: petra_sandbox::Error) -> Failure {
    match err {
        petra_sandbox::Error::Bind { addr, source } => Failure::new(
            Exit::Failure,
            format!("cannot start the sandbox: cannot listen on {addr}: {source}"),
        )
        .with_fix(format!(
            "pass --port with a free port, or stop the program listening on port {}",
            addr.port()
        )),
        other => Failure::new(Exit::Failure, format!("cannot start the sandbox: {other}")),
    }
}
