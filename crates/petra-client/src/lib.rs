//! Typed async client for Petra Industries.
//!
//! - [`api`]: [`PetraClient`], one file per resource (catalog, orders, shipments), and
//!   the [`PetraApi`] trait for fakes.
//! - [`config`]: connection settings (base URL, credentials, feed URL, timeouts, rate
//!   limit, retry policy) and their validation.
//! - [`credentials`]: the username or API key and password, trimmed and kept secret.
//! - [`error`]: the crate's one error type.
//! - [`error_context`]: the request, reply and hint carried by API errors.
//! - [`feed`]: the ProdList.csv feed: streaming reader, downloads and a synthetic
//!   feed generator.
//! - [`ids`]: identifier newtypes (SKU, PO number, tracking number) and their
//!   normalisation rules.
//! - `pagination` (private): cursor listings as streams, with the repeated-page guard.
//! - [`rate_limit`]: the client-side request quota shared by a connection.
//! - [`retry`]: the pure retry decision and the `Retry-After` parser.
//! - `transport` (private): one API call with rate limit, retries, tracing and error
//!   mapping.
//! - [`wire`]: every type of the HTTP wire contract documented in `docs/petra-api.md`.

pub mod api;
pub mod config;
pub mod credentials;
pub mod error;
pub mod error_context;
pub mod feed;
pub mod ids;
mod pagination;
pub mod rate_limit;
pub mod retry;
mod transport;
pub mod wire;

pub use api::{PetraApi, PetraClient};
pub use config::{ConnectionConfig, Timeouts};
pub use credentials::{CredentialField, Credentials};
pub use error::Error;
pub use error_context::{ApiError, AuthHint, Delivery, NotFoundTarget, RequestInfo};
pub use ids::{PoNumber, Sku, TrackingNumber};
pub use rate_limit::RateLimit;
pub use retry::{Jitter, RetryPolicy};
