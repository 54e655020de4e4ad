//! Deciding each entry by the rules in force on the filing date. Every rule is applied and
//! every failure recorded, not only the first. The rules are small functions in modules of
//! their own, each adding what it finds to one `Found` (`found.rs`):
//!
//! - `number`: the entry number, the account's filer code, earlier declarations;
//! - `tariff`: the IEEPA rows, their duty and headings;
//! - `statuses`: entry type, reconciliation, summary, control and protest statuses, the
//!   importer account;
//! - [`liquidation`]: the 80-day window, with its status table in [`status_tables`].
//!
//! What a finding does comes from the rule table's severity (`rules`), not from the rule
//! function: an entry is `excluded` when an excluding rule fails, `review` when none does but
//! one cannot be decided from the file, and `eligible` otherwise. Which rules apply, and how,
//! follows the changes in force on the filing date (`rules::changes`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::entry::FilerCode;
use crate::es003::Field;
use crate::history::Declared;
use crate::ledger::{EntryState, Ledger, LineTotals, Sym};
use crate::money::Cents;
use crate::rules::{Change, InForce, Rule, Severity};

mod found;
pub use found::Findings;
pub mod liquidation;
mod number;
mod readings;
pub mod status_tables;
mod statuses;
mod tariff;

pub use liquidation::{CAPE_DAYS, NEAR_DEADLINE_DAYS, PROTEST_DAYS};

/// How reconciliation-flagged entries are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reconciliation {
    /// As the rules of the filing date say (types 01, 02, 06 accepted from 2026-06-29).
    ByDate,
    /// The 2026-06-29 rule, before its date too (`--allow-reconciliation`).
    Allow,
    /// Every flagged entry out: the broker knows the type 09s are filed.
    Exclude,
}

/// The options that change a decision.
#[derive(Clone, Debug)]
pub struct RuleOptions {
    pub as_of: NaiveDate,
    pub filer_code: Option<FilerCode>,
    /// An importer account's importer number, as letters and digits.
    pub importer: Option<String>,
    pub assume_unliquidated: bool,
    pub reconciliation: Reconciliation,
}

impl RuleOptions {
    /// The options of a run on `as_of` with no account and nothing assumed.
    pub fn new(as_of: NaiveDate) -> RuleOptions {
        RuleOptions {
            as_of,
            filer_code: None,
            importer: None,
            assume_unliquidated: false,
            reconciliation: Reconciliation::ByDate,
        }
    }

    /// The changes that apply: those of the filing date, and any an option brings forward.
    pub fn in_force(&self) -> InForce {
        let on = InForce::on(self.as_of);
        match self.reconciliation {
            Reconciliation::Allow => on.with(Change::ReconciliationTypes),
            _ => on,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Eligible,
    Excluded,
    Review,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Eligible => "eligible",
            Decision::Excluded => "excluded",
            Decision::Review => "review",
        }
    }

    /// What the most severe finding on an entry makes of it.
    pub fn of(worst: Option<Severity>) -> Decision {
        match worst {
            Some(Severity::Exclude | Severity::File) => Decision::Excluded,
            Some(Severity::Review) => Decision::Review,
            Some(Severity::Warning) | None => Decision::Eligible,
        }
    }
}

/// The decision on an entry, with everything that led to it.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub decision: Decision,
    /// Reasons, warnings and notes; `None` when there are none, as for most entries, which
    /// then take no allocation.
    pub findings: Option<Findings>,
    pub ieepa_duty: Cents,
    pub days_since_liquidation: Option<i32>,
    pub last_cape_day: Option<NaiveDate>,
    pub protest_deadline: Option<NaiveDate>,
}

impl Verdict {
    /// Failed rules, or for `review` the undecided ones.
    pub fn reasons(&self) -> impl Iterator<Item = Rule> + Clone + '_ {
        self.findings.iter().flat_map(Findings::reasons)
    }

    pub fn warnings(&self) -> impl Iterator<Item = Rule> + Clone + '_ {
        self.findings.iter().flat_map(Findings::warnings)
    }

    /// One sentence per reason and warning, for people.
    pub fn notes(&self) -> impl Iterator<Item = &str> + '_ {
        self.findings.iter().flat_map(Findings::notes)
    }
}

/// What every rule function reads: one entry, where its text values are, the options and
/// the changes in force.
pub(crate) struct Ctx<'a> {
    pub e: &'a EntryState,
    pub ledger: &'a Ledger,
    pub o: &'a RuleOptions,
    pub on: InForce,
    pub declared: &'a Declared,
    /// The entry's tariff rows added up (see [`crate::ledger::Combined`]).
    pub totals: LineTotals,
    /// Whether its parts disagree on the rows: then no rule decides by the totals.
    pub rows_conflict: bool,
    readings: &'a readings::Readings,
}

impl Ctx<'_> {
    pub fn text(&self, id: Option<Sym>) -> Option<&str> {
        id.map(|i| self.ledger.strings.get(i))
    }

    /// The entry's liquidation status, and how its table reads it.
    pub fn liquidation_status(&self) -> Option<(&str, status_tables::Liquidation)> {
        let s = self.e.header.liquidation_status?;
        Some((self.ledger.strings.get(s), self.readings.liquidation(s)))
    }

    /// The entry's protest status, and how its table reads it.
    pub fn protest_status(&self) -> Option<(&str, status_tables::Protest)> {
        let s = self.e.header.protest_status?;
        Some((self.ledger.strings.get(s), self.readings.protest(s)))
    }

    /// Whether the entry's files have a column for `f`.
    pub fn has_col(&self, f: Field) -> bool {
        self.e.columns.contains(f)
    }
}

/// Decides the entries of one ledger by one run's options; the changes in force, and what
/// each status value reads as, are worked out once.
pub struct Decider<'a> {
    o: &'a RuleOptions,
    on: InForce,
    declared: &'a Declared,
    ledger: &'a Ledger,
    readings: readings::Readings,
}

impl<'a> Decider<'a> {
    pub fn new(o: &'a RuleOptions, declared: &'a Declared, ledger: &'a Ledger) -> Decider<'a> {
        Decider {
            o,
            on: o.in_force(),
            declared,
            ledger,
            readings: readings::Readings::of(ledger),
        }
    }

    /// Applies every rule in force to `e`, an entry of the ledger.
    pub fn decide(&self, e: &EntryState) -> Verdict {
        let ledger = self.ledger;
        let mut out = found::Found::default();
        let combined = e.combined(ledger);
        let totals = combined.totals;
        let rows_conflict = combined.conflict.is_some();
        if let Some(why) = combined.conflict {
            out.add(Rule::ConflictingValues, why);
        }
        for c in e.conflicts() {
            out.add(
                Rule::ConflictingValues,
                format!("{}: {}", ledger.place(c.file, c.line), c.message),
            );
        }
        let ctx = Ctx {
            e,
            ledger,
            o: self.o,
            on: self.on,
            declared: self.declared,
            totals,
            rows_conflict,
            readings: &self.readings,
        };
        number::check(&ctx, &mut out);
        statuses::importer(&ctx, &mut out);
        tariff::check(&ctx, &mut out);
        statuses::check(&ctx, &mut out);
        tariff::entry_date(&ctx, &mut out);
        let window = liquidation::check(&ctx, &mut out);
        if e.issue_count() > 0 {
            let first = &e.issues()[0];
            out.add(
                Rule::RowError,
                format!(
                    "{} row problem(s); first at {}: {}",
                    e.issue_count(),
                    ledger.place(first.file, first.line),
                    first.message
                ),
            );
        }
        let (decision, findings) = out.finish();
        Verdict {
            decision,
            findings,
            ieepa_duty: totals.ieepa_duty,
            days_since_liquidation: window.days_since.map(|d| d.clamp(-1 << 30, 1 << 30) as i32),
            last_cape_day: window.last_day,
            protest_deadline: window.protest_deadline,
        }
    }
}

/// Applies every rule in force to `e` (one entry: [`Decider`] reads the ledger's statuses
/// once for many).
pub fn decide(e: &EntryState, ledger: &Ledger, o: &RuleOptions, declared: &Declared) -> Verdict {
    Decider::new(o, declared, ledger).decide(e)
}

#[cfg(test)]
mod tests;
