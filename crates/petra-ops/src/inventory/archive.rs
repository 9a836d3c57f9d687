//! Archiving items absent from a complete retrieval, in pages so memory stays bounded
//! whatever the size of the pool.

use chrono::{DateTime, Utc};

use super::guard::{decide, ArchiveDecision, ArchiveInputs};
use super::report::ArchiveOutcome;
use super::seen::{Fingerprints, SeenSkus};
use crate::pool::{sku_fingerprint, InventoryPool, ItemStatus, PoolError};
use crate::Sku;

/// Active SKUs read per page.
const PAGE: usize = 5_000;

/// Counts the active items absent from `seen`, checks them against the guard, and archives them unless
/// it refuses or the run is a dry run. `inputs.candidates` is filled in here.
///
/// An item created or re-activated by the run is in `seen`, so the items active before
/// the run are the only candidates.
pub(crate) async fn archive_absent(
    pool: &dyn InventoryPool,
    source: &str,
    seen: &SeenSkus,
    mut inputs: ArchiveInputs<'_>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ArchiveOutcome, PoolError> {
    if !inputs.enabled {
        return Ok(ArchiveOutcome::Disabled);
    }

    // Counting first lets the guard see the whole picture before anything changes.
    let candidates = match seen.count_absent() {
        Some(count) => count,
        None => match pool.active_fingerprints(source).await? {
            Some(active) => active
                .iter()
                .filter(|fingerprint| !seen.contains_fingerprint(**fingerprint))
                .count() as u64,
            None => count_absent(pool, source, seen).await?,
        },
    };
    inputs.candidates = candidates;

    match decide(&inputs) {
        ArchiveDecision::Disabled => return Ok(ArchiveOutcome::Disabled),
        ArchiveDecision::Refuse(reason) => {
            return Ok(ArchiveOutcome::Refused {
                would_archive: inputs.retrieval.is_ok().then_some(candidates),
                reason,
                mass_archive: false,
                guard_base: None,
                refused_at: None,
            })
        }
        ArchiveDecision::RefuseMassArchive(reason) => {
            return Ok(ArchiveOutcome::Refused {
                would_archive: Some(candidates),
                reason,
                mass_archive: true,
                guard_base: Some(inputs.guard_base()),
                refused_at: Some(inputs.refused_at(now)),
            })
        }
        ArchiveDecision::Archive if dry_run || candidates == 0 => {
            return Ok(ArchiveOutcome::Applied { count: candidates })
        }
        ArchiveDecision::Archive => {}
    }

    // The candidates are known by fingerprint only, so their SKUs come from the listing.
    // The guard let at most its fraction of the items through, unless the run allows a
    // mass archive, so this set stays small.
    let absent = seen.absent();
    let mut archived = 0u64;
    let mut after: Option<Sku> = None;
    loop {
        let page = pool
            .list_skus(source, ItemStatus::Active, after.clone(), PAGE)
            .await?;
        let full = page.len() == PAGE;
        after = page.last().cloned();
        let page_absent: Vec<Sku> = page
            .into_iter()
            .filter(|sku| is_absent(sku, seen, absent.as_ref()))
            .collect();
        if !page_absent.is_empty() {
            archived += pool.archive(source, page_absent, now).await?;
        }
        if !full {
            break;
        }
    }
    Ok(ArchiveOutcome::Applied { count: archived })
}

/// Returns whether a listed active SKU is absent from the retrieval: by its fingerprint
/// when `absent` lists them, or else when `seen` does not contain it.
fn is_absent(sku: &Sku, seen: &SeenSkus, absent: Option<&Fingerprints>) -> bool {
    match absent {
        Some(absent) => absent.contains(&sku_fingerprint(sku.as_str())),
        None => !seen.contains(sku.as_str()),
    }
}

/// Counts the active items absent from `seen` by paging through their SKUs.
async fn count_absent(
    pool: &dyn InventoryPool,
    source: &str,
    seen: &SeenSkus,
) -> Result<u64, PoolError> {
    let mut candidates = 0u64;
    let mut after: Option<Sku> = None;
    loop {
        let page = pool
            .list_skus(source, ItemStatus::Active, after.clone(), PAGE)
            .await?;
        candidates += page
            .iter()
            .filter(|sku| !seen.contains(sku.as_str()))
            .count() as u64;
        if page.len() < PAGE {
            return Ok(candidates);
        }
        after = page.last().cloned();
    }
}
