//! The operation lock: never two runs of the same operation of a source at once.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::history::Operation;
use crate::pool::PoolError;

/// Names the lock of one operation of one source.
pub fn lock_name(source: &str, operation: Operation) -> String {
    format!("{source}/{}", operation.as_str())
}

/// A held lock. Dropping it releases the lock.
pub struct LockGuard {
    name: String,
    _release: Box<dyn Send + Sync>,
}

impl LockGuard {
    /// Wraps `release`, whose drop releases the lock in the backend.
    pub fn new(name: impl Into<String>, release: Box<dyn Send + Sync>) -> Self {
        Self {
            name: name.into(),
            _release: release,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockGuard")
            .field("name", &self.name)
            .finish()
    }
}

/// Named locks that exclude runs of other tasks and, in a shared store, of other
/// processes. A lock of a process that dies must not stay held.
#[async_trait]
pub trait OperationLocks: Send + Sync {
    /// Takes the lock `name` for `owner`, or returns `None` at once when someone else
    /// holds it.
    async fn try_lock(&self, name: &str, owner: &str) -> Result<Option<LockGuard>, PoolError>;

    /// Reports whether a live task or process holds the lock `name`, without taking it,
    /// so `petra status` can distinguish a run still going from one whose process died.
    /// `None` means the backend cannot tell, which the default returns.
    async fn is_held(&self, name: &str) -> Result<Option<bool>, PoolError> {
        let _ = name;
        Ok(None)
    }
}

/// Locks within one process.
#[derive(Debug, Default, Clone)]
pub struct MemoryLocks {
    held: Arc<Mutex<HashSet<String>>>,
}

impl MemoryLocks {
    pub fn new() -> Self {
        Self::default()
    }
}

struct MemoryRelease {
    held: Arc<Mutex<HashSet<String>>>,
    name: String,
}

impl Drop for MemoryRelease {
    fn drop(&mut self) {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        held.remove(&self.name);
    }
}

#[async_trait]
impl OperationLocks for MemoryLocks {
    async fn try_lock(&self, name: &str, _owner: &str) -> Result<Option<LockGuard>, PoolError> {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !held.insert(name.to_owned()) {
            return Ok(None);
        }
        let release = MemoryRelease {
            held: Arc::clone(&self.held),
            name: name.to_owned(),
        };
        Ok(Some(LockGuard::new(name, Box::new(release))))
    }

    async fn is_held(&self, name: &str) -> Result<Option<bool>, PoolError> {
        let held = self
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(Some(held.contains(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn second_lock_is_refused() {
        let locks = MemoryLocks::new();

        let first = locks.try_lock("petra/get_shipments", "a").await.unwrap();
        let second = locks.try_lock("petra/get_shipments", "b").await.unwrap();

        assert!(first.is_some());
        assert!(second.is_none());
    }

    #[tokio::test]
    async fn is_held_follows_guard() {
        let locks = MemoryLocks::new();

        let guard = locks.try_lock("x", "a").await.unwrap();
        let while_held = locks.is_held("x").await.unwrap();
        drop(guard);
        let after_drop = locks.is_held("x").await.unwrap();

        assert_eq!(while_held, Some(true));
        assert_eq!(after_drop, Some(false));
    }

    #[tokio::test]
    async fn dropped_lock_is_free_again() {
        let locks = MemoryLocks::new();

        drop(locks.try_lock("x", "a").await.unwrap());

        assert!(locks.try_lock("x", "b").await.unwrap().is_some());
    }
}
