//! The SKUs a retrieval returned: rows passed over as unchanged, and records read or
//! rejected.

use std::collections::{HashMap, HashSet};

use bit_vec::BitVec;
use rustc_hash::FxBuildHasher;

use crate::pool::{sku_fingerprint, ContentHash, RowHashes};

/// A set of SKU fingerprints, hashed with Fx because XXH3 digests are already spread well.
pub(crate) type Fingerprints = HashSet<u64, FxBuildHasher>;

/// The SKUs a retrieval returned, by [`sku_fingerprint`].
///
/// A row passed over as unchanged sets one bit for its stored row hash, so a re-import
/// that passes over most rows keeps a hash set only of the SKUs it read. A first import
/// reads every row and keeps about 10 to 21 bytes per SKU, depending on how full the
/// table is (about 19 at 1,000,000 SKUs), and more while the table grows.
///
/// NOTE: two SKUs sharing a fingerprint (an estimated 1 in 30 million chance for a
/// million items) would keep an absent item from being archived in that run. A shared
/// fingerprint can never archive an item that is present.
#[derive(Default)]
pub(crate) struct SeenSkus {
    /// Fingerprints of the SKUs read and accepted, and, when the pool did not list every
    /// active item, of the SKUs passed over too.
    read: Fingerprints,
    /// Fingerprints of the SKUs of rejected records. A rejected record still counts its
    /// SKU as present, but its item keeps the values of an earlier copy.
    rejected: Fingerprints,
    /// Row hashes of the items active before the run.
    stored: RowHashes,
    /// One bit per entry of `stored`, set when the run passed over that entry's row.
    /// Empty until the first row is passed over.
    passed_over: BitVec,
    /// A bit per fingerprint hash, about 8 per stored entry and a power of two, set for
    /// the SKUs passed over. A SKU accepted later whose bit is set may have been passed
    /// over, so its line is kept in `maybe_repeated`.
    passed_filter: BitVec,
    /// Line and SKU of the accepted records whose `passed_filter` bit was set. At most one
    /// bit in eight is set, so at most about one in eight other accepted records land
    /// here too, and this stays small.
    maybe_repeated: HashMap<u64, (u64, String), FxBuildHasher>,
}

/// A SKU whose unchanged row was passed over and which a later record repeated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepeatedSku {
    /// Line of the later record, which was written.
    pub(crate) line: u64,
    pub(crate) sku: String,
}

impl SeenSkus {
    /// Starts a retrieval whose rows may be passed over when their hash is in `stored`.
    pub(crate) fn new(stored: RowHashes) -> Self {
        Self {
            stored,
            ..Self::default()
        }
    }

    /// Returns whether any row can be passed over.
    pub(crate) fn has_row_hashes(&self) -> bool {
        !self.stored.is_empty()
    }

    /// Marks the item written from the row with this hash as seen, and returns true when
    /// the row may be passed over.
    ///
    /// It returns false when no stored item has this row hash, and when the item's SKU was
    /// already seen in this retrieval: a repeated SKU is read, so the later record wins.
    pub(crate) fn pass_over(&mut self, row_hash: &ContentHash) -> bool {
        let Some(position) = self.stored.position(row_hash) else {
            return false;
        };
        let fingerprint = self.stored.entries()[position].fingerprint;
        if self.was_read(fingerprint) || self.is_passed_over(position) {
            return false;
        }

        if self.passed_over.is_empty() {
            self.passed_over = BitVec::from_elem(self.stored.len(), false);
            let filter_bits = (self.stored.len() * 8).next_power_of_two();
            self.passed_filter = BitVec::from_elem(filter_bits, false);
        }
        self.passed_over.set(position, true);
        let bit = self.filter_bit(fingerprint);
        self.passed_filter.set(bit, true);
        // Without a list of every active item, the archive step checks listed SKUs one by
        // one, so it needs this SKU in the set.
        if !self.stored.has_all_active() {
            self.read.insert(fingerprint);
        }
        true
    }

    /// Adds the SKU of an accepted record from feed line `line`, and returns false when
    /// the SKU was read or rejected earlier.
    ///
    /// A SKU passed over earlier is not detected here when the pool listed every active
    /// item; [`passed_over_then_read`](Self::passed_over_then_read) lists those.
    pub(crate) fn insert(&mut self, sku: &str, line: u64) -> bool {
        let fingerprint = sku_fingerprint(sku);
        let rejected = self.rejected.contains(&fingerprint);
        let first = self.read.insert(fingerprint) && !rejected;
        let maybe_passed =
            !self.passed_filter.is_empty() && self.passed_filter[self.filter_bit(fingerprint)];
        if first && maybe_passed {
            self.maybe_repeated
                .insert(fingerprint, (line, sku.to_owned()));
        }
        first
    }

    /// Adds the SKU of a rejected record.
    pub(crate) fn insert_rejected(&mut self, sku: &str) {
        self.rejected.insert(sku_fingerprint(sku));
    }

    /// Returns whether a SKU was seen. Exact only when [`absent`](Self::absent) returns
    /// `None`, because otherwise a SKU passed over is only marked by its bit.
    pub(crate) fn contains(&self, sku: &str) -> bool {
        self.contains_fingerprint(sku_fingerprint(sku))
    }

    /// Returns whether a SKU with this [`sku_fingerprint`] was seen, with the same limit as
    /// [`contains`](Self::contains).
    pub(crate) fn contains_fingerprint(&self, fingerprint: u64) -> bool {
        self.was_read(fingerprint)
    }

    /// Counts the items active before the run that the retrieval did not return, or
    /// returns `None` when the pool did not list every active item.
    ///
    /// Unlike [`absent`](Self::absent) it allocates nothing, so a failed retrieval that
    /// leaves most items absent costs no memory. It also counts an item whose fingerprint
    /// is shared with an item passed over, which `absent` leaves out.
    pub(crate) fn count_absent(&self) -> Option<u64> {
        if !self.stored.has_all_active() {
            return None;
        }
        Some(self.unseen_fingerprints().count() as u64)
    }

    /// Returns the fingerprints of the items active before the run that the retrieval did
    /// not return, or `None` when the pool did not list every active item.
    pub(crate) fn absent(&self) -> Option<Fingerprints> {
        if !self.stored.has_all_active() {
            return None;
        }

        let entries = self.stored.entries();
        let mut absent: Fingerprints = self.unseen_fingerprints().collect();

        // An item sharing its fingerprint with an item passed over counts as seen, so the
        // archive step, which matches SKUs by fingerprint, never archives a present item.
        if !absent.is_empty() {
            for (position, entry) in entries.iter().enumerate() {
                if self.is_passed_over(position) {
                    absent.remove(&entry.fingerprint);
                }
            }
        }
        Some(absent)
    }

    /// Lists the SKUs passed over as unchanged and accepted again later in the retrieval,
    /// in line order: SKUs repeated in the catalog whose earlier copy is unchanged. The
    /// later copy was mapped and written, so it wins, but [`insert`](Self::insert) did
    /// not report it.
    pub(crate) fn passed_over_then_read(&self) -> Vec<RepeatedSku> {
        if self.maybe_repeated.is_empty() || !self.stored.has_all_active() {
            return Vec::new();
        }
        let mut repeated: Vec<RepeatedSku> = self
            .stored
            .entries()
            .iter()
            .enumerate()
            .filter(|&(position, _)| self.is_passed_over(position))
            .filter_map(|(_, entry)| self.maybe_repeated.get(&entry.fingerprint))
            .map(|(line, sku)| RepeatedSku {
                line: *line,
                sku: sku.clone(),
            })
            .collect();
        repeated.sort_by_key(|repeat| repeat.line);
        repeated
    }

    /// Returns the bit of `passed_filter` for a fingerprint. XXH3 spreads the low bits
    /// evenly.
    fn filter_bit(&self, fingerprint: u64) -> usize {
        (fingerprint as usize) & (self.passed_filter.len() - 1)
    }

    /// Returns the fingerprints of the stored items neither passed over nor read.
    fn unseen_fingerprints(&self) -> impl Iterator<Item = u64> + '_ {
        let hashed = self
            .stored
            .entries()
            .iter()
            .enumerate()
            .filter(|&(position, _)| !self.is_passed_over(position))
            .map(|(_, entry)| entry.fingerprint);
        let unhashed = self.stored.unhashed().iter().copied();
        hashed
            .chain(unhashed)
            .filter(|fingerprint| !self.was_read(*fingerprint))
    }

    /// Returns whether a record with this SKU fingerprint was accepted or rejected.
    fn was_read(&self, fingerprint: u64) -> bool {
        self.read.contains(&fingerprint) || self.rejected.contains(&fingerprint)
    }

    fn is_passed_over(&self, position: usize) -> bool {
        self.passed_over.get(position).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(index: u64) -> ContentHash {
        ContentHash::of(&index.to_le_bytes())
    }

    /// Stored items 0 to `count - 1`, each with the row hash of its index and the SKU
    /// fingerprint `index * 10`, listed completely.
    fn stored(count: u64) -> RowHashes {
        let mut hashes = RowHashes::default();
        for index in 0..count {
            hashes.insert_fingerprint(hash_of(index), index * 10);
        }
        hashes.mark_all_active();
        hashes
    }

    /// Stored items with the SKUs `skus`, item `i` with the row hash of `i + 1`, listed
    /// completely.
    fn stored_skus(skus: &[&str]) -> RowHashes {
        let mut hashes = RowHashes::default();
        for (index, sku) in (1..).zip(skus) {
            hashes.insert(hash_of(index), sku);
        }
        hashes.mark_all_active();
        hashes
    }

    fn absent_sorted(seen: &SeenSkus) -> Vec<u64> {
        let mut absent: Vec<u64> = seen
            .absent()
            .expect("complete listing")
            .into_iter()
            .collect();
        absent.sort_unstable();
        absent
    }

    #[test]
    fn unknown_row_is_read() {
        let mut seen = SeenSkus::new(stored(3));

        assert!(!seen.pass_over(&hash_of(7)));
    }

    #[test]
    fn second_identical_row_is_read() {
        let mut seen = SeenSkus::new(stored(3));

        assert!(seen.pass_over(&hash_of(1)));
        assert!(!seen.pass_over(&hash_of(1)));
    }

    #[test]
    fn row_of_sku_read_earlier_is_read() {
        let mut seen = SeenSkus::new(stored_skus(&["A-1"]));

        assert!(seen.insert("A-1", 10));
        assert!(!seen.pass_over(&hash_of(1)));
        assert!(!seen.insert("A-1", 11));
    }

    #[test]
    fn absent_lists_items_neither_passed_nor_read() {
        let mut hashes = stored(4);
        hashes.push_active(sku_fingerprint("NO-HASH"), None);
        hashes.push_active(sku_fingerprint("NO-HASH-READ"), None);
        let mut seen = SeenSkus::new(hashes);

        assert!(seen.pass_over(&hash_of(0)));
        assert!(seen.pass_over(&hash_of(2)));
        seen.read.insert(30);
        assert!(seen.insert("NO-HASH-READ", 10));

        let mut expected = vec![10, sku_fingerprint("NO-HASH")];
        expected.sort_unstable();
        assert_eq!(absent_sorted(&seen), expected);
        assert_eq!(seen.count_absent(), Some(2));
    }

    #[test]
    fn shared_fingerprint_passed_over_is_not_absent() {
        let mut hashes = RowHashes::default();
        hashes.insert_fingerprint(hash_of(1), 5);
        hashes.insert_fingerprint(hash_of(2), 5);
        hashes.insert_fingerprint(hash_of(3), 6);
        hashes.mark_all_active();
        let mut seen = SeenSkus::new(hashes);

        assert!(seen.pass_over(&hash_of(1)));

        assert_eq!(absent_sorted(&seen), vec![6]);
    }

    #[test]
    fn rejected_sku_counts_as_seen() {
        let mut seen = SeenSkus::new(stored_skus(&["A-1", "B-2"]));
        assert!(seen.pass_over(&hash_of(1)));

        seen.insert_rejected("A-1");
        seen.insert_rejected("B-2");

        assert!(seen.passed_over_then_read().is_empty());
        assert!(!seen.pass_over(&hash_of(2)));
        assert!(!seen.insert("B-2", 12));
        assert_eq!(seen.count_absent(), Some(0));
    }

    #[test]
    fn passed_over_then_read_is_counted() {
        let mut seen = SeenSkus::new(stored_skus(&["A-1", "B-2"]));
        assert!(seen.pass_over(&hash_of(1)));
        assert!(seen.pass_over(&hash_of(2)));

        assert!(seen.insert("NEW", 20));
        assert!(seen.insert("A-1", 30));

        let repeated = seen.passed_over_then_read();
        assert_eq!(
            repeated,
            vec![RepeatedSku {
                line: 30,
                sku: "A-1".to_owned()
            }]
        );
    }

    #[test]
    fn partial_listing_keeps_passed_skus_in_set() {
        let mut hashes = RowHashes::default();
        hashes.insert(hash_of(1), "A-1");
        let mut seen = SeenSkus::new(hashes);

        assert!(seen.pass_over(&hash_of(1)));

        assert!(seen.absent().is_none());
        assert!(seen.count_absent().is_none());
        assert!(seen.contains("A-1"));
        assert!(!seen.contains("B-2"));
        assert!(!seen.insert("A-1", 10));
        assert!(seen.passed_over_then_read().is_empty());
    }

    #[test]
    fn first_import_has_no_row_hashes() {
        let mut seen = SeenSkus::default();

        assert!(!seen.has_row_hashes());
        assert!(!seen.pass_over(&hash_of(1)));
        assert!(seen.insert("A-1", 10));
        assert!(seen.contains("A-1"));
        assert!(seen.absent().is_none());
    }
}
