//! The archive guard: a pure decision on whether a run may archive what its retrieval
//! did not contain.

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

    let limit = inputs.max_fraction * inputs.active as f64;
    if inputs.candidates as f64 > limit && !inputs.allow_mass_archive {
        let percent = 100.0 * inputs.candidates as f64 / inputs.active.max(1) as f64;
        return ArchiveDecision::RefuseMassArchive(format!(
            "archiving {} of {} active items ({percent:.1}%) exceeds the archive guard of {:.0}%; \
             if the catalog really shrank, run again with --allow-mass-archive",
            inputs.candidates,
            inputs.active,
            inputs.max_fraction * 100.0
        ));
    }
    ArchiveDecision::Archive
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
}
