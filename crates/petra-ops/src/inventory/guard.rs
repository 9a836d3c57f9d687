//! The archive guard: a pure decision on whether a run may archive what its retrieval
//! did not contain.

use chrono::{DateTime, Utc};

/// A mass archive that an earlier run refused, with no run archiving since.
///
/// The refused run still applied its upserts. Had it created many items, the next run
/// would measure the same absent items against a larger catalog and archive them. So a
/// refusal stays pending until a run archives or finds nothing absent, and until then
/// runs measure against no more than the active items the refused run measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingRefusal {
    /// When the first refusal of the chain was made.
    pub at: DateTime<Utc>,
    /// Active items the refused run measured the guard against.
    pub active: u64,
}

/// Inputs of the archive guard.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveInputs<'a> {
    /// The archive / un-archive setting.
    pub enabled: bool,
    /// `Err` with the reason when any part of the retrieval failed.
    pub retrieval: Result<(), &'a str>,
    /// Records the retrieval returned, rejected ones included.
    pub records: u64,
    /// Active items of the source before the run.
    pub active: u64,
    /// Active items absent from the retrieval.
    pub candidates: u64,
    /// Largest fraction of `active` a run may archive without `allow_mass_archive`.
    pub max_fraction: f64,
    pub allow_mass_archive: bool,
    /// A refusal of an earlier run that no run has resolved since, if any.
    pub pending_refusal: Option<PendingRefusal>,
}

impl ArchiveInputs<'_> {
    /// Returns the count of active items the guard's fraction is measured against: those
    /// of this run, or fewer when an earlier refusal is pending.
    pub fn guard_base(&self) -> u64 {
        match self.pending_refusal {
            Some(pending) => pending.active.min(self.active),
            None => self.active,
        }
    }

    /// Returns when the refusal the guard base comes from was made: at the pending
    /// refusal when its count is the base, or `now`.
    pub fn refused_at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.pending_refusal {
            Some(pending) if pending.active <= self.active => pending.at,
            _ => now,
        }
    }
}

/// The guard's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveDecision {
    Disabled,
    Archive,
    /// The retrieval was incomplete or empty, so nothing proves the items are gone.
    Refuse(String),
    /// More than the guard's fraction of active items is absent; `allow_mass_archive`
    /// lifts this.
    RefuseMassArchive(String),
}

/// Decides whether the candidates may be archived.
///
/// An incomplete or failed retrieval and an empty one always refuse, because nothing
/// proves the items are gone; `allow_mass_archive` lifts only the fraction limit.
pub fn decide(inputs: &ArchiveInputs<'_>) -> ArchiveDecision {
    if !inputs.enabled {
        return ArchiveDecision::Disabled;
    }
    if let Err(reason) = inputs.retrieval {
        return ArchiveDecision::Refuse(format!(
            "the retrieval was incomplete, so absent items may still be in the catalog ({reason})"
        ));
    }
    if inputs.records == 0 {
        return ArchiveDecision::Refuse(
            "the retrieval returned zero items; an empty catalog is far more likely a broken export than a real one"
                .to_owned(),
        );
    }
    if inputs.candidates == 0 {
        return ArchiveDecision::Archive;
    }

    let base = inputs.guard_base();
    let limit = inputs.max_fraction * base as f64;
    if inputs.candidates as f64 > limit && !inputs.allow_mass_archive {
        return ArchiveDecision::RefuseMassArchive(mass_archive_reason(inputs, base));
    }
    ArchiveDecision::Archive
}

fn mass_archive_reason(inputs: &ArchiveInputs<'_>, base: u64) -> String {
    let percent = 100.0 * inputs.candidates as f64 / base.max(1) as f64;
    let guard = inputs.max_fraction * 100.0;
    let fix = "if the catalog really shrank, run again with --allow-mass-archive";
    match inputs.pending_refusal {
        Some(pending) if base < inputs.active => format!(
            "archiving {} items is {percent:.1}% of the {base} items that were active when a \
             run at {} refused a mass archive, over the archive guard of {guard:.0}%; the {} \
             items active now include those created since, which do not count until a run \
             archives; {fix}",
            inputs.candidates,
            pending.at.format("%Y-%m-%d %H:%M:%S UTC"),
            inputs.active,
        ),
        _ => format!(
            "archiving {} of {} active items ({percent:.1}%) exceeds the archive guard of \
             {guard:.0}%; {fix}",
            inputs.candidates, inputs.active,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> ArchiveInputs<'static> {
        ArchiveInputs {
            enabled: true,
            retrieval: Ok(()),
            records: 2_287,
            active: 2_387,
            candidates: 100,
            max_fraction: 0.20,
            allow_mass_archive: false,
            pending_refusal: None,
        }
    }

    fn refused(decision: ArchiveDecision) -> String {
        match decision {
            ArchiveDecision::Refuse(reason) | ArchiveDecision::RefuseMassArchive(reason) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn small_shrink_archives() {
        assert_eq!(decide(&inputs()), ArchiveDecision::Archive);
    }

    #[test]
    fn disabled_setting_wins() {
        let inputs = ArchiveInputs {
            enabled: false,
            ..inputs()
        };
        assert_eq!(decide(&inputs), ArchiveDecision::Disabled);
    }

    #[test]
    fn incomplete_retrieval_refuses() {
        let inputs = ArchiveInputs {
            retrieval: Err("feed truncated"),
            allow_mass_archive: true,
            ..inputs()
        };
        let decision = decide(&inputs);
        assert!(
            matches!(decision, ArchiveDecision::Refuse(_)),
            "{decision:?}"
        );
        let reason = refused(decision);
        assert!(reason.contains("feed truncated"), "{reason}");
    }

    #[test]
    fn zero_records_refuse() {
        let inputs = ArchiveInputs {
            records: 0,
            candidates: 2_387,
            allow_mass_archive: true,
            ..inputs()
        };
        let reason = refused(decide(&inputs));
        assert!(reason.contains("zero items"), "{reason}");
    }

    #[test]
    fn guard_refuses_mass_archive() {
        let inputs = ArchiveInputs {
            candidates: 478,
            ..inputs()
        };
        let decision = decide(&inputs);
        assert!(
            matches!(decision, ArchiveDecision::RefuseMassArchive(_)),
            "{decision:?}"
        );
        let reason = refused(decision);
        assert!(reason.contains("478 of 2387"), "{reason}");
        assert!(reason.contains("--allow-mass-archive"), "{reason}");
    }

    #[test]
    fn guard_allows_exact_fraction() {
        let inputs = ArchiveInputs {
            active: 1_000,
            candidates: 200,
            ..inputs()
        };
        assert_eq!(decide(&inputs), ArchiveDecision::Archive);
    }

    #[test]
    fn allow_flag_lifts_fraction() {
        let inputs = ArchiveInputs {
            candidates: 2_000,
            allow_mass_archive: true,
            ..inputs()
        };
        assert_eq!(decide(&inputs), ArchiveDecision::Archive);
    }

    #[test]
    fn nothing_absent_archives_nothing() {
        let inputs = ArchiveInputs {
            active: 0,
            candidates: 0,
            ..inputs()
        };
        assert_eq!(decide(&inputs), ArchiveDecision::Archive);
    }

    fn pending(active: u64) -> Option<PendingRefusal> {
        Some(PendingRefusal {
            at: "2026-12-01T06:00:00Z".parse().unwrap(),
            active,
        })
    }

    #[test]
    fn pending_refusal_ignores_new_items() {
        // 250 of 250 items were refused; the refused run then created 2,387 items.
        let inputs = ArchiveInputs {
            active: 2_637,
            candidates: 250,
            pending_refusal: pending(250),
            ..inputs()
        };
        let decision = decide(&inputs);
        assert!(
            matches!(decision, ArchiveDecision::RefuseMassArchive(_)),
            "{decision:?}"
        );
        let reason = refused(decision);
        assert!(
            reason.starts_with("archiving 250 items is 100.0% of the 250 items"),
            "{reason}"
        );
        assert!(reason.contains("2026-12-01 06:00:00 UTC"), "{reason}");
        assert!(reason.contains("the 2637 items active now"), "{reason}");
    }

    #[test]
    fn pending_refusal_allows_small_shrink() {
        let inputs = ArchiveInputs {
            active: 2_637,
            candidates: 3,
            pending_refusal: pending(2_000),
            ..inputs()
        };
        assert_eq!(decide(&inputs), ArchiveDecision::Archive);
    }

    #[test]
    fn pending_refusal_never_raises_the_base() {
        let inputs = ArchiveInputs {
            active: 1_000,
            candidates: 300,
            pending_refusal: pending(5_000),
            ..inputs()
        };
        assert_eq!(inputs.guard_base(), 1_000);
        let reason = refused(decide(&inputs));
        assert!(
            reason.contains("300 of 1000 active items (30.0%)"),
            "{reason}"
        );
    }

    #[test]
    fn repeated_refusal_keeps_first_time() {
        let now = "2026-12-02T06:00:00Z".parse().unwrap();
        let from_pending = ArchiveInputs {
            active: 2_637,
            candidates: 250,
            pending_refusal: pending(250),
            ..inputs()
        };
        let own = ArchiveInputs {
            active: 1_000,
            candidates: 300,
            pending_refusal: pending(5_000),
            ..inputs()
        };

        assert_eq!(
            from_pending.refused_at(now),
            "2026-12-01T06:00:00Z"
                .parse::<chrono::DateTime<Utc>>()
                .unwrap()
        );
        assert_eq!(own.refused_at(now), now);
    }

    #[test]
    fn allow_flag_lifts_pending_refusal() {
        let inputs = ArchiveInputs {
            active: 2_637,
            candidates: 250,
            pending_refusal: pending(250),
            allow_mass_archive: true,
            ..inputs()
        };
        assert_eq!(decide(&inputs), ArchiveDecision::Archive);
    }
}
