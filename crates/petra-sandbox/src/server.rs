//! Starting, serving and stopping the sandbox, in-process or from the command.
//!
//! Connections are served by hand with hyper rather than `axum::serve`, because the
//! drop-connection fault must close one connection before any byte of its response is
//! written, and only the task owning the connection can do that.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::Request;
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_service::Service;

use crate::admin::AdminView;
use crate::catalog::Catalog;
use crate::clock::SandboxClock;
use crate::config::SandboxConfig;
use crate::faults::engine::{FaultEngine, FaultReport};
use crate::faults::FaultConfig;
use crate::order_book::OrderBook;
use crate::prodlist::FeedDownload;
use crate::state::AppState;
use crate::{catalog, routes, Error};

/// Starts sandboxes.
pub struct Sandbox;

impl Sandbox {
    /// Builds the catalog, binds `config.bind:config.port` and serves until the returned
    /// handle is shut down or dropped.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), petra_sandbox::Error> {
    /// use petra_sandbox::{Sandbox, SandboxConfig};
    ///
    /// let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    /// println!("API at {}, feed at {}", sandbox.base_url(), sandbox.feed_url());
    /// sandbox.advance_clock(chrono::Duration::hours(24));
    /// println!("{} orders received", sandbox.admin().orders.len());
    /// sandbox.shutdown().await;
    /// # Ok(()) }
    /// ```
    #[tracing::instrument(skip_all, fields(bind = %config.bind, port = config.port))]
    pub async fn start(config: SandboxConfig) -> Result<RunningSandbox, Error> {
        config.validate()?;

        // Reading a feed file or generating one is blocking work.
        let source = config.catalog.clone();
        let loaded = tokio::task::spawn_blocking(move || catalog::load(&source))
            .await
            .map_err(|error| {
                Error::config("catalog", format!("catalog loading failed: {error}"))
            })??;
        let feed = FeedDownload::new(loaded.feed)?;
        let rejected_rows = loaded.rejected_rows;
        let state = Arc::new(AppState {
            catalog: Catalog::new(loaded.products),
            feed,
            accounts: config.accounts,
            clock: SandboxClock::new(&config.clock),
            shipping: config.shipping,
            faults: Mutex::new(FaultEngine::new(config.faults)),
            book: Mutex::new(OrderBook::default()),
        });

        let addr = SocketAddr::new(config.bind, config.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;

        let shutdown = CancellationToken::new();
        let tasks = TaskTracker::new();
        let router = routes::router(Arc::clone(&state));
        tasks.spawn(accept_loop(
            listener,
            router,
            shutdown.clone(),
            tasks.clone(),
        ));

        tracing::info!(
            addr = %local_addr,
            products = state.catalog.products().len(),
            rejected_rows,
            "sandbox started"
        );
        Ok(RunningSandbox {
            local_addr,
            state,
            shutdown,
            tasks,
        })
    }
}

/// A sandbox serving in the background. Dropping it stops accepting connections and
/// closes idle ones; [`RunningSandbox::shutdown`] also waits for requests in flight.
#[derive(Debug)]
pub struct RunningSandbox {
    local_addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: CancellationToken,
    tasks: TaskTracker,
}

impl RunningSandbox {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Returns the API base URL, `http://127.0.0.1:PORT/v1`, with no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.local_addr)
    }

    /// Returns the URL of the ProdList.csv download, `http://127.0.0.1:PORT/v1/feed/ProdList.csv`.
    pub fn feed_url(&self) -> String {
        format!("{}/feed/ProdList.csv", self.base_url())
    }

    /// Returns the root URL of the control endpoints, `http://127.0.0.1:PORT/sandbox`.
    pub fn control_url(&self) -> String {
        format!("http://{}/sandbox", self.local_addr)
    }

    /// Returns a handle to the sandbox clock, shared with the server.
    pub fn clock(&self) -> SandboxClock {
        self.state.clock.clone()
    }

    /// Returns the current sandbox time.
    pub fn now(&self) -> DateTime<Utc> {
        self.state.clock.now()
    }

    /// Moves the sandbox clock forward, so planned shipments come due; returns the new time.
    pub fn advance_clock(&self, by: Duration) -> DateTime<Utc> {
        let now = self.state.clock.advance(by);
        tracing::info!(%now, "sandbox clock advanced");
        now
    }

    /// Returns a snapshot of every order creation received so far, per PO.
    pub fn admin(&self) -> AdminView {
        self.state.book().admin_view(self.state.clock.now())
    }

    /// Replaces the fault rules; trigger budgets and counts start over.
    pub fn set_faults(&self, faults: FaultConfig) -> Result<(), Error> {
        faults.validate()?;
        tracing::info!(rules = faults.rules.len(), "sandbox faults replaced");
        *self.state.faults() = FaultEngine::new(faults);
        Ok(())
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        tracing::info!("sandbox faults cleared");
        *self.state.faults() = FaultEngine::new(FaultConfig::none());
    }

    /// Returns the fault rules in force and how many requests each fired on.
    pub fn fault_report(&self) -> FaultReport {
        self.state.faults().report()
    }

    /// Stops accepting, lets requests in flight finish, and returns when every connection
    /// is closed.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        tracing::info!(addr = %self.local_addr, "sandbox stopped");
    }

    /// Resolves once the sandbox is shut down, for a command that serves until stopped.
    pub async fn stopped(&self) {
        self.shutdown.cancelled().await;
    }

    /// Returns a token that shuts the sandbox down when cancelled, for signal handlers.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Closes the connection that carries a request: the drop-connection fault fires it.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionKill(CancellationToken);

impl ConnectionKill {
    pub(crate) fn fire(&self) {
        self.0.cancel();
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
    tasks: TaskTracker,
) {
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                tasks.spawn(serve_connection(
                    stream,
                    peer,
                    router.clone(),
                    shutdown.clone(),
                ));
            }
            Err(error) => {
                // Accept errors such as running out of file descriptors pass; back off
                // briefly so the loop does not spin.
                tracing::warn!(%error, "failed to accept a connection");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    shutdown: CancellationToken,
) {
    let kill = CancellationToken::new();
    let request_kill = ConnectionKill(kill.clone());
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(request_kill.clone());
        let mut router = router.clone();
        async move {
            Ok::<_, Infallible>(
                router
                    .call(request.map(Body::new))
                    .await
                    .unwrap_or_else(|never| match never {}),
            )
        }
    });

    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);

    let outcome = tokio::select! {
        outcome = connection.as_mut() => outcome,
        _ = kill.cancelled() => {
            tracing::debug!(%peer, "connection dropped on purpose (injected fault)");
            return;
        }
        _ = shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            tokio::select! {
                outcome = connection.as_mut() => outcome,
                _ = kill.cancelled() => return,
            }
        }
    };
    if let Err(error) = outcome {
        tracing::debug!(%peer, %error, "connection ended with an error");
    }
}
