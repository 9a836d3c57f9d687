//! The stop signal of long-running commands: SIGINT (Ctrl-C) or SIGTERM.

use tokio_util::sync::CancellationToken;

/// Returns a token cancelled at the first SIGINT or SIGTERM, which also writes `notice`
/// on stderr: what the command does before it exits. Operations watching the token end
/// their current batch and record where they stopped; a second signal is not needed.
///
/// The handlers are registered before this returns, so a signal that arrives at any
/// later point cancels the token instead of ending the process. Must be called inside
/// the Tokio runtime.
pub fn on_signals(notice: &'static str) -> CancellationToken {
    let token = CancellationToken::new();
    let cancel = token.clone();
    let signals = Signals::register();
    tokio::spawn(async move {
        signals.wait().await;
        tracing::info!(notice, "stop signal received");
        eprintln!("{notice}");
        cancel.cancel();
    });
    token
}

/// SIGINT and SIGTERM, registered with the runtime.
#[cfg(unix)]
struct Signals {
    interrupt: Option<tokio::signal::unix::Signal>,
    terminate: Option<tokio::signal::unix::Signal>,
}

#[cfg(unix)]
impl Signals {
    fn register() -> Self {
        use tokio::signal::unix::{signal, SignalKind};

        let register = |kind| {
            signal(kind)
                .inspect_err(|err| tracing::warn!(error = %err, "cannot watch a stop signal"))
                .ok()
        };
        Self {
            interrupt: register(SignalKind::interrupt()),
            terminate: register(SignalKind::terminate()),
        }
    }

    /// Waits for either signal. A signal that could not be registered never arrives.
    async fn wait(mut self) {
        let interrupt = async {
            match &mut self.interrupt {
                Some(signal) => signal.recv().await,
                None => std::future::pending().await,
            }
        };
        let terminate = async {
            match &mut self.terminate {
                Some(signal) => signal.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate => {}
        }
    }
}

/// Ctrl-C, the one stop signal outside Unix.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn register() -> Self {
        Self
    }

    async fn wait(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
