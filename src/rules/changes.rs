//! CBP's dated changes to the CAPE rules (cape-rules.md §5.1), and which are in force on a
//! filing date. A decision depends on the filing date (`--as-of`): a run on 2026-06-28 and one
//! on 2026-06-29 may decide the same entry differently, and each says why.
//!
//! # Adding a change from CBP
//!
//! A new change is one row in [`CHANGES`] plus, where it changes what an entry needs, one
//! test in a rule function. The change of 2026-06-29 (reconciliation-flagged entries of types
//! 01, 02 and 06 accepted) took:
//!
//! 1. a variant here, [`Change::ReconciliationTypes`], and its row: effective 2026-06-29,
//!    source CSMS 69035485, confidence C, the rules it touches and the new wording of
//!    `reconciliation-flagged`;
//! 2. the warning it brings, `reconciliation-pending`, as a row of the rule table
//!    (`rules/mod.rs`), in force from the same day;
//! 3. in `eligibility/statuses.rs`, the reconciliation rule asks
//!    `ctx.on.has(Change::ReconciliationTypes)` and, when it holds, gives the warning
//!    instead of the exclusion for those types.
//!
//! Nothing else changes: `cape rules`, `cape_run.json` and the README's table read this table.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Confidence, Rule};

/// A date in a `const` table.
pub const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("not a date"),
    }
}

/// A change CBP made to the rules, by its stable id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// CAPE Phase 1 as the Quick Reference Guide describes it.
    Phase1,
    /// Claim error texts split; the Chapter 1–97 goods value check retired.
    ClaimErrors,
    /// Reconciliation-flagged entries of types 01, 02 and 06 accepted.
    ReconciliationTypes,
    /// Warehouse entries, types 21 and 22, no longer accepted.
    WarehouseTypes,
    /// A later phase for finally liquidated entries: announced, not in force.
    FinalLiquidationPhase,
}

/// One row of [`CHANGES`].
#[derive(Debug)]
pub struct ChangeSpec {
    pub change: Change,
    /// Stable id, for JSON and `cape_run.json`.
    pub id: &'static str,
    /// The day it takes effect; `None` when announced but not in force.
    pub effective: Option<NaiveDate>,
    /// The last day it applies, where it ends.
    pub ends: Option<NaiveDate>,
    pub what: &'static str,
    pub source: &'static str,
    pub confidence: Confidence,
    /// Rules whose outcome it changes.
    pub rules: &'static [Rule],
    /// New wording of what a rule checks, from this change on.
    pub rewords: &'static [(Rule, &'static str)],
}

/// Every change, oldest first.
pub const CHANGES: &[ChangeSpec] = &[
    ChangeSpec {
        change: Change::Phase1,
        id: "2026-04-20-phase-1",
        effective: Some(date(2026, 4, 20)),
        ends: None,
        what: "CAPE Phase 1: declarations of unliquidated entries and of entries liquidated no \
               more than 80 days before",
        source: super::QRG,
        confidence: Confidence::C,
        rules: &[],
        rewords: &[],
    },
    ChangeSpec {
        change: Change::ClaimErrors,
        id: "2026-06-25-claim-errors",
        effective: Some(date(2026, 6, 25)),
        ends: None,
        what: "claim error HTS RELATIONSHIP/SEQUENCE MISMATCH split into INVALID HTS and HTS \
               RELATIONSHIP MISMATCH; the check GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH \
               1-97 retired (entries it failed can be declared again)",
        source: "CSMS 69056483",
        confidence: Confidence::C,
        rules: &[Rule::PreviouslyFailed],
        rewords: &[],
    },
    ChangeSpec {
        change: Change::ReconciliationTypes,
        id: "2026-06-29-reconciliation-types",
        effective: Some(date(2026, 6, 29)),
        ends: None,
        what: "reconciliation-flagged entries of types 01, 02 and 06 are accepted while no type \
               09 reconciliation entry has been filed for them; other flagged types stay out",
        source: "CSMS 69035485",
        confidence: Confidence::C,
        rules: &[
            Rule::ReconciliationFlagged,
            Rule::ReconciliationPending,
            Rule::Type09Filed,
        ],
        rewords: &[(
            Rule::ReconciliationFlagged,
            "not flagged for reconciliation, unless of type 01, 02 or 06 \
             (then reconciliation-pending)",
        )],
    },
    ChangeSpec {
        change: Change::WarehouseTypes,
        id: "2026-07-07-warehouse-types",
        effective: Some(date(2026, 7, 7)),
        ends: None,
        what: "warehouse entries, types 21 and 22, are no longer accepted (ENTRY TYPE NOT \
               ALLOWED); warehouse withdrawals 31, 32, 34 and 38 still are",
        source: "CSMS 69127837, as cited by one knowledge base",
        confidence: Confidence::L,
        rules: &[Rule::ExcludedEntryType],
        rewords: &[(
            Rule::ExcludedEntryType,
            "entry type is not 08 duty deferral, 09 reconciliation, 21 or 22 warehouse, 23 TIB \
             or 47 drawback",
        )],
    },
    ChangeSpec {
        change: Change::FinalLiquidationPhase,
        id: "announced-final-liquidation-phase",
        effective: None,
        ends: None,
        what: "a later phase for finally liquidated entries (more than 80 days after \
               liquidation): announced for late July 2026, then delayed; not applied",
        source: "CIT filings, trade press",
        confidence: Confidence::U,
        rules: &[Rule::LiquidatedOver80Days],
        rewords: &[],
    },
];

impl Change {
    pub fn spec(self) -> &'static ChangeSpec {
        CHANGES
            .iter()
            .find(|c| c.change == self)
            .expect("every change has a row")
    }

    /// See [`ChangeSpec::rewords`].
    pub fn rewords(self) -> &'static [(Rule, &'static str)] {
        self.spec().rewords
    }

    /// The day it takes effect, if it does.
    pub fn effective(self) -> Option<NaiveDate> {
        self.spec().effective
    }
}

/// The changes in force on one filing date: built once per run, asked by every rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InForce {
    as_of: NaiveDate,
    bits: u32,
}

impl InForce {
    /// What applies on `as_of`: every change whose day has come and whose end has not passed.
    pub fn on(as_of: NaiveDate) -> InForce {
        let bits = CHANGES
            .iter()
            .filter(|c| c.effective.is_some_and(|d| d <= as_of))
            .filter(|c| c.ends.is_none_or(|e| as_of <= e))
            .fold(0, |bits, c| bits | 1 << c.change as u32);
        InForce { as_of, bits }
    }

    /// The same, with `change` applied before its day too (an option of the user's).
    pub fn with(self, change: Change) -> InForce {
        InForce {
            bits: self.bits | 1 << change as u32,
            ..self
        }
    }

    pub fn has(self, change: Change) -> bool {
        self.bits & (1 << change as u32) != 0
    }

    /// The filing date.
    pub fn as_of(self) -> NaiveDate {
        self.as_of
    }

    /// The ids of the changes in force, oldest first, as runs record them.
    pub fn ids(self) -> Vec<&'static str> {
        self.changes().map(|c| c.spec().id).collect()
    }

    /// The changes in force, oldest first.
    pub fn changes(self) -> impl Iterator<Item = Change> {
        CHANGES
            .iter()
            .map(|c| c.change)
            .filter(move |&c| self.has(c))
    }
}

/// Where a change stands on a date, for `cape rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    InForce,
    /// Applied before its day by an option.
    AppliedEarly,
    Coming,
    Ended,
    Announced,
}

impl Standing {
    pub fn of(c: &ChangeSpec, on: InForce) -> Standing {
        let d = on.as_of();
        match (c.effective, c.ends) {
            (None, _) if on.has(c.change) => Standing::AppliedEarly,
            (None, _) => Standing::Announced,
            (Some(_), Some(e)) if e < d => Standing::Ended,
            (Some(from), _) if d < from && on.has(c.change) => Standing::AppliedEarly,
            (Some(from), _) if d < from => Standing::Coming,
            _ => Standing::InForce,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::InForce => "in force",
            Standing::AppliedEarly => "applied early by option",
            Standing::Coming => "not yet in force",
            Standing::Ended => "ended",
            Standing::Announced => "announced, not in force",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_is_in_force_from_its_day_on() {
        for c in CHANGES {
            let Some(d) = c.effective else {
                assert!(!InForce::on(date(2030, 1, 1)).has(c.change));
                continue;
            };
            let before = d.pred_opt().unwrap();
            let after = d.succ_opt().unwrap();
            assert!(!InForce::on(before).has(c.change), "{}", c.id);
            assert!(InForce::on(d).has(c.change), "{}", c.id);
            assert!(InForce::on(after).has(c.change), "{}", c.id);
        }
    }

    #[test]
    fn every_change_has_a_row_and_an_id() {
        let mut ids: Vec<&str> = CHANGES.iter().map(|c| c.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), CHANGES.len());
        for c in CHANGES {
            assert_eq!(c.change.spec().id, c.id);
            assert!(!c.source.is_empty() && !c.what.is_empty());
        }
    }

    #[test]
    fn an_option_applies_a_change_early() {
        let on = InForce::on(date(2026, 6, 1));
        assert!(!on.has(Change::ReconciliationTypes));
        let early = on.with(Change::ReconciliationTypes);
        assert!(early.has(Change::ReconciliationTypes));
        let spec = Change::ReconciliationTypes.spec();
        assert_eq!(Standing::of(spec, early), Standing::AppliedEarly);
        assert_eq!(Standing::of(spec, on), Standing::Coming);
        assert_eq!(
            Standing::of(spec, InForce::on(date(2026, 6, 29))),
            Standing::InForce
        );
        assert_eq!(
            Standing::of(Change::FinalLiquidationPhase.spec(), on),
            Standing::Announced
        );
    }
}
