//! The state every request handler shares.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::catalog::Catalog;
use crate::clock::SandboxClock;
use crate::config::{Account, ShippingConfig};
use crate::faults::engine::FaultEngine;
use crate::order_book::OrderBook;
use crate::prodlist::FeedDownload;

#[derive(Debug)]
pub(crate) struct AppState {
    pub catalog: Catalog,
    pub feed: FeedDownload,
    pub accounts: Vec<Account>,
    pub clock: SandboxClock,
    pub shipping: ShippingConfig,
    pub faults: Mutex<FaultEngine>,
    pub book: Mutex<OrderBook>,
}

impl AppState {
    pub(crate) fn book(&self) -> MutexGuard<'_, OrderBook> {
        lock(&self.book)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultEngine> {
        lock(&self.faults)
    }
}

/// Locks a mutex even after a handler panicked while holding it: every update to the
/// guarded values completes before the next statement can panic, so none is left torn.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
