//! Everything a sandbox is started with: address, catalog, accounts, clock, shipping and
//! faults.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use petra_client::wire::Product;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::clock::ClockConfig;
use crate::faults::FaultConfig;
use crate::Error;

/// Username of the default account, which has API access.
pub const DEFAULT_USERNAME: &str = "sandbox-dealer";
/// API key of the default account; it works in place of the username.
pub const DEFAULT_API_KEY: &str = "sandbox-api-key";
/// Password of both default accounts.
pub const DEFAULT_PASSWORD: &str = "sandbox-password";
/// Account id of the default account, returned by `GET /ping`.
pub const DEFAULT_ACCOUNT_ID: &str = "DEALER-1042";
/// Username of the second default account, whose API access is disabled (403).
pub const DISABLED_USERNAME: &str = "sandbox-no-api";

/// Rows of the generated catalog a default sandbox serves.
pub const DEFAULT_GENERATED_ROWS: u64 = 250;

/// How to start a sandbox. `SandboxConfig::default()` binds 127.0.0.1 on a free port, serves
/// a generated catalog of `DEFAULT_GENERATED_ROWS` rows (seed 42), holds the two default accounts, pauses the clock at
/// 2026-06-11T15:00:00Z and injects no fault.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub bind: IpAddr,
    /// Port 0 lets the operating system pick a free port.
    pub port: u16,
    pub catalog: CatalogSource,
    pub accounts: Vec<Account>,
    pub clock: ClockConfig,
    pub shipping: ShippingConfig,
    pub faults: FaultConfig,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            catalog: CatalogSource::Generated {
                rows: DEFAULT_GENERATED_ROWS,
                seed: 42,
            },
            accounts: Account::defaults(),
            clock: ClockConfig::default(),
            shipping: ShippingConfig::default(),
            faults: FaultConfig::default(),
        }
    }
}

impl SandboxConfig {
    pub fn with_catalog(mut self, catalog: CatalogSource) -> Self {
        self.catalog = catalog;
        self
    }

    pub fn with_faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    pub fn with_shipping(mut self, shipping: ShippingConfig) -> Self {
        self.shipping = shipping;
        self
    }

    pub fn with_clock(mut self, clock: ClockConfig) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_accounts(mut self, accounts: Vec<Account>) -> Self {
        self.accounts = accounts;
        self
    }

    /// Checks the settings that serde and the types cannot, before anything binds.
    pub fn validate(&self) -> Result<(), Error> {
        if self.accounts.is_empty() {
            return Err(Error::config(
                "accounts",
                "at least one account is required",
            ));
        }
        self.shipping.validate()?;
        self.faults.validate()
    }
}

/// Source of the catalog.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CatalogSource {
    /// Five hand-written products (see [`crate::sample_products`]), for tests that name SKUs.
    Sample,
    /// These products, served as given and rendered as ProdList.csv for the feed download.
    Products(Vec<Product>),
    /// A ProdList.csv file, read with the feed reader and served byte for byte.
    FeedFile(PathBuf),
    /// The synthetic ProdList.csv of `petra_client::feed::generate`, served as written.
    Generated { rows: u64, seed: u64 },
}

/// A dealer account. The username or the API key, with the password, authenticates.
#[derive(Debug, Clone)]
pub struct Account {
    pub account_id: String,
    pub username: String,
    pub api_key: Option<SecretString>,
    pub password: SecretString,
    /// False makes every API request with valid credentials fail with
    /// 403 `api_access_disabled`.
    pub api_access: bool,
}

impl Account {
    /// Creates an account with API access enabled and no API key.
    pub fn new(
        account_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            account_id: account_id.into(),
            username: username.into(),
            api_key: None,
            password: SecretString::from(password.into()),
            api_access: true,
        }
    }

    pub fn with_api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(api_key.into()));
        self
    }

    pub fn with_api_access(mut self, enabled: bool) -> Self {
        self.api_access = enabled;
        self
    }

    /// Returns the default account (`DEFAULT_USERNAME` or `DEFAULT_API_KEY` with
    /// `DEFAULT_PASSWORD`) and one with API access disabled (`DISABLED_USERNAME`).
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::new(DEFAULT_ACCOUNT_ID, DEFAULT_USERNAME, DEFAULT_PASSWORD)
                .with_api_key(DEFAULT_API_KEY),
            Self::new("DEALER-2001", DISABLED_USERNAME, DEFAULT_PASSWORD).with_api_access(false),
        ]
    }
}

/// Shipping behaviour of accepted orders. Every random choice comes from `seed` and the PO number, so
/// the same order placed in the same sandbox setup ships the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShippingConfig {
    pub seed: u64,
    /// Share of orders, from 0.0 to 1.0, that ship in more than one shipment. An order of a
    /// single unit always ships whole.
    pub partial_rate: f64,
    /// Hours from acceptance to the first shipment: drawn from this inclusive range.
    pub min_hours_to_ship: u32,
    pub max_hours_to_ship: u32,
    /// Upper bound, in hours, of the gap between two shipments of one order (at least 1).
    pub max_hours_between_parts: u32,
    /// Relative weights of the `shipped_at` formats.
    pub shipped_at: ShippedAtMix,
}

impl Default for ShippingConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            partial_rate: 0.35,
            min_hours_to_ship: 2,
            max_hours_to_ship: 24,
            max_hours_between_parts: 48,
            shipped_at: ShippedAtMix::default(),
        }
    }
}

impl ShippingConfig {
    /// Returns a setting where every order ships whole, with `shipped_at` always RFC 3339 with an offset.
    pub fn whole_orders() -> Self {
        Self {
            partial_rate: 0.0,
            shipped_at: ShippedAtMix::offset_only(),
            ..Self::default()
        }
    }

    /// Returns a setting where every order of two units or more ships in parts.
    pub fn always_partial() -> Self {
        Self {
            partial_rate: 1.0,
            ..Self::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if !(0.0..=1.0).contains(&self.partial_rate) {
            return Err(Error::config(
                "shipping.partial_rate",
                format!("{} is outside 0.0..=1.0", self.partial_rate),
            ));
        }
        if self.min_hours_to_ship > self.max_hours_to_ship {
            return Err(Error::config(
                "shipping.min_hours_to_ship",
                "must not exceed shipping.max_hours_to_ship",
            ));
        }
        if self.max_hours_between_parts == 0 {
            return Err(Error::config(
                "shipping.max_hours_between_parts",
                "must be at least 1",
            ));
        }
        if self.shipped_at.total() == 0 {
            return Err(Error::config(
                "shipping.shipped_at",
                "at least one weight must be above 0",
            ));
        }
        Ok(())
    }
}

/// Relative weights of the four `shipped_at` forms a shipment can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippedAtMix {
    /// RFC 3339 with the America/Chicago offset: `2026-06-12T09:30:00-05:00`.
    pub with_offset: u32,
    /// Local America/Chicago time without an offset: `2026-06-12T09:30:00`.
    pub local_without_offset: u32,
    /// The America/Chicago date only: `2026-06-12`.
    pub date_only: u32,
    /// `null`.
    pub missing: u32,
}

impl Default for ShippedAtMix {
    /// Mostly RFC 3339 with an offset, with each other form about one time in twenty.
    fn default() -> Self {
        Self {
            with_offset: 85,
            local_without_offset: 5,
            date_only: 5,
            missing: 5,
        }
    }
}

impl ShippedAtMix {
    pub fn offset_only() -> Self {
        Self {
            with_offset: 1,
            local_without_offset: 0,
            date_only: 0,
            missing: 0,
        }
    }

    pub(crate) fn total(&self) -> u32 {
        self.with_offset
            .saturating_add(self.local_without_offset)
            .saturating_add(self.date_only)
            .saturating_add(self.missing)
    }
}
