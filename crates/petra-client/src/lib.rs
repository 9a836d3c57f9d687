//! Typed async client for Petra Industries.
//!
//! - [`config`]: connection settings (base URL, credentials, feed URL, timeouts, rate
//!   limit, retry policy) and their validation.
//! - [`credentials`]: the username or API key and password, trimmed and kept secret.
//! - [`error`]: the crate's one error type.
//! - [`error_context`]: the request, reply and hint carried by API errors.
//! - [`ids`]: identifier newtypes (SKU, PO number, tracking number) and their
//!   normalisation rules.
//! - [`rate_limit`]: the client-side request quota shared by a connection.
//! - [`retry`]: the pure retry decision and the `Retry-After` parser.
//! - [`wire`]: every type of the HTTP wire contract documented in `docs/petra-api.md`.

pub mod config;
pub mod credentials;
pub mod error;
pub mod error_context;
pub mod ids;
pub mod rate_limit;
pub mod retry;
pub mod wire;

pub use config::{ConnectionConfig, Timeouts};
pub use credentials::{CredentialField, Credentials};
pub use error::Error;
pub use error_context::{ApiError, AuthHint, Delivery, NotFoundTarget, RequestInfo};
pub use ids::{PoNumber, Sku, TrackingNumber};
pub use rate_limit::RateLimit;
pub use retry::{Jitter, RetryPolicy};
