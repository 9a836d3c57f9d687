//! A local Petra-compatible server for demos, examples and end-to-end tests.
//!
//! It speaks the contract of `petra_client::wire` (documented in `docs/petra-api.md`),
//! with a clock tests move by hand and faults switchable per route.
//!
//! - [`server`]: [`Sandbox::start`] and the [`RunningSandbox`] handle (URLs, clock, admin
//!   view, fault switches, shutdown).
//! - [`config`]: [`SandboxConfig`], accounts, catalog source and shipping behaviour.
//! - [`clock`]: the sandbox clock shipments follow.
//! - [`faults`]: fault rules (5xx, 429 bursts, latency, connection dropped after or
//!   before handling, truncated body, repeated page), their text form and how they fire.
//! - [`admin`]: the admin view of received orders and the clock control bodies.
//! - [`tracking`]: UPS, FedEx and USPS tracking numbers and their check digits.
//! - [`prodlist`]: products written as Petra's ProdList.csv, for catalogs given as products.
//! - `catalog`: catalog sources, ordering, cursors and the built-in sample products.
//! - `feed_catalog`: products read from ProdList.csv files and the synthetic generator.
//! - `order_book`: stored orders, planned shipments and per-PO records.
//! - `shipping_plan`: how an order splits into shipments and when each ships.
//! - `validation`: field-by-field validation of order bodies.
//! - `auth`: HTTP Basic authentication against the configured accounts.
//! - `routes`: the axum routes under `/v1` and `/sandbox`.
//! - `api_error`: Petra's JSON error responses.
//! - `state`: the state every handler shares.
//! - [`error`]: the crate's one error type.
//!
//! # Control endpoints
//!
//! Under `/sandbox`, without credentials: `GET /sandbox/orders` (the [`AdminView`]),
//! `GET /sandbox/clock`, `POST /sandbox/clock/advance` with
//! `{"days":0,"hours":N,"minutes":0,"seconds":0}` (each part optional),
//! `GET /sandbox/faults`, `PUT /sandbox/faults` with a [`FaultConfig`] in JSON, and
//! `DELETE /sandbox/faults`.

pub mod admin;
mod api_error;
mod auth;
mod catalog;
pub mod clock;
pub mod config;
pub mod error;
pub mod faults;
mod feed_catalog;
mod order_book;
pub mod prodlist;
mod routes;
pub mod server;
mod shipping_plan;
mod state;
pub mod tracking;
mod validation;

pub use admin::{AdminView, AttemptOutcome, ClockAdvance, ClockReading, CreateAttempt, PoRecord};
pub use catalog::sample_products;
pub use clock::{ClockConfig, SandboxClock};
pub use config::{
    Account, CatalogSource, SandboxConfig, ShippedAtMix, ShippingConfig, DEFAULT_ACCOUNT_ID,
    DEFAULT_API_KEY, DEFAULT_GENERATED_ROWS, DEFAULT_PASSWORD, DEFAULT_USERNAME, DISABLED_USERNAME,
};
pub use error::Error;
pub use faults::engine::FaultReport;
pub use faults::{Fault, FaultConfig, FaultRule, RetryAfter, RouteSelector, Trigger};
pub use server::{RunningSandbox, Sandbox};
