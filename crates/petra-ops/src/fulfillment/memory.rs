//! An outbox held in memory, for tests and for trying the SDK out.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_client::PoNumber;

use super::outbox::{Change, FulfillmentRequests, ImportOutcome, OutboxEntry, OutboxState};
use super::request::FulfillmentRequest;
use crate::pool::PoolError;

/// The outbox of every source, keyed by source and upper-case PO.
#[derive(Debug, Default)]
pub struct MemoryRequests {
    sources: Mutex<HashMap<String, BTreeMap<String, OutboxEntry>>>,
}

impl MemoryRequests {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, BTreeMap<String, OutboxEntry>>> {
        self.sources
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Adds or replaces one imported request in `entries`, keyed by upper-case PO. Shared by
/// the backends so the replace rule has one definition.
pub fn import_into(
    existing: Option<&OutboxEntry>,
    request: FulfillmentRequest,
    next_sequence: &mut u64,
    hold: bool,
    now: DateTime<Utc>,
    outcome: &mut ImportOutcome,
) -> Option<OutboxEntry> {
    match existing {
        Some(entry) if entry.may_have_been_sent() => {
            outcome.skipped.push(entry.po_number.clone());
            None
        }
        Some(entry) => {
            let mut replacement = OutboxEntry::new(request, entry.sequence, hold, now);
            replacement.created_at = entry.created_at;
            outcome.replaced.push(replacement.po_number.clone());
            Some(replacement)
        }
        None => {
            *next_sequence += 1;
            let entry = OutboxEntry::new(request, *next_sequence, hold, now);
            outcome.added.push(entry.po_number.clone());
            Some(entry)
        }
    }
}

#[async_trait]
impl FulfillmentRequests for MemoryRequests {
    async fn import(
        &self,
        source: &str,
        requests: Vec<FulfillmentRequest>,
        hold: bool,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, PoolError> {
        let mut sources = self.lock();
        let outbox = sources.entry(source.to_owned()).or_default();
        let mut next_sequence = outbox
            .values()
            .map(|entry| entry.sequence)
            .max()
            .unwrap_or(0);
        let mut outcome = ImportOutcome::default();

        for request in requests {
            let key = PoNumber::new(&request.fr_number).key().to_owned();
            let existing = outbox.get(&key);
            if let Some(entry) = import_into(
                existing,
                request,
                &mut next_sequence,
                hold,
                now,
                &mut outcome,
            ) {
                outbox.insert(key, entry);
            }
        }
        Ok(outcome)
    }

    async fn actionable(
        &self,
        source: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, PoolError> {
        let sources = self.lock();
        let Some(outbox) = sources.get(source) else {
            return Ok(Vec::new());
        };
        let mut entries: Vec<OutboxEntry> = outbox
            .values()
            .filter(|entry| entry.state.is_actionable() && entry.sequence > after)
            .cloned()
            .collect();
        entries.sort_by_key(|entry| entry.sequence);
        entries.truncate(limit);
        Ok(entries)
    }

    async fn record(
        &self,
        source: &str,
        po: &PoNumber,
        change: Change,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry, PoolError> {
        let mut sources = self.lock();
        let entry = sources
            .get_mut(source)
            .and_then(|outbox| outbox.get_mut(po.key()))
            .ok_or_else(|| format!("PO {po} is not in the outbox of source {source:?}"))?;
        let mut updated = entry.clone();
        change.apply(&mut updated, now)?;
        *entry = updated.clone();
        Ok(updated)
    }

    async fn get(&self, source: &str, po: &PoNumber) -> Result<Option<OutboxEntry>, PoolError> {
        Ok(self
            .lock()
            .get(source)
            .and_then(|outbox| outbox.get(po.key()))
            .cloned())
    }

    async fn list(
        &self,
        source: &str,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxEntry>, PoolError> {
        let sources = self.lock();
        let mut entries: Vec<OutboxEntry> = sources
            .get(source)
            .map(|outbox| {
                outbox
                    .values()
                    .filter(|entry| state.is_none_or(|state| entry.state == state))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        entries.sort_by_key(|entry| entry.sequence);
        Ok(entries)
    }
}
