//! What a run's summary says of all entries together, taken in one pass over the entries
//! and their verdicts while the declarations are planned: entries and IEEPA duty by
//! decision, reasons and warnings by code, row problems, and the entries whose CAPE
//! deadline comes first.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::eligibility::{Decision, Verdict};
use crate::entry::sort_prefix;
use crate::ledger::{Ledger, RowIssue};
use crate::money::Cents;

/// How many of the nearest deadlines are kept.
pub const NEAREST: usize = 5;
/// How many row problems are kept as examples.
pub const EXAMPLES: usize = 5;

/// The counts over all entries.
#[derive(Debug, Default)]
pub struct Tally {
    /// Entries and IEEPA duty, by [`Decision`].
    pub buckets: [(usize, Cents); 3],
    /// Estimated interest, by [`Decision`].
    pub interest: [Cents; 3],
    /// Entries with IEEPA duty but no interest estimate (no entry summary date).
    pub not_estimated: usize,
    pub reasons: BTreeMap<&'static str, usize>,
    pub warnings: BTreeMap<&'static str, usize>,
    /// Row problems of entries and rows without an entry number.
    pub row_problems: u64,
    /// The first of them, entries' first.
    pub examples: Vec<RowIssue>,
    /// The entries not excluded whose last CAPE day comes first, by that day, then entry
    /// number: the day and the ledger index.
    pub nearest: Vec<(NaiveDate, usize)>,
}

impl Tally {
    /// `interest`: each entry's estimate, same order as the entries.
    pub fn new(ledger: &Ledger, verdicts: &[Verdict], interest: &[Option<Cents>]) -> Tally {
        let mut t = Tally {
            row_problems: ledger.orphan_count,
            ..Tally::default()
        };
        let mut nearest = Nearest::default();
        for (i, (e, v)) in ledger.entries.iter().zip(verdicts).enumerate() {
            let (n, duty) = &mut t.buckets[v.decision as usize];
            *n += 1;
            *duty = duty.saturating_add(v.ieepa_duty);
            match interest.get(i).copied().flatten() {
                Some(x) => {
                    let sum = &mut t.interest[v.decision as usize];
                    *sum = sum.saturating_add(x);
                }
                None => t.not_estimated += usize::from(v.ieepa_duty.0 > 0),
            }
            for r in v.reasons() {
                *t.reasons.entry(r.code()).or_insert(0) += 1;
            }
            for w in v.warnings() {
                *t.warnings.entry(w.code()).or_insert(0) += 1;
            }
            t.row_problems += u64::from(e.issue_count());
            let room = EXAMPLES - t.examples.len();
            t.examples.extend(e.issues().iter().take(room).cloned());
            if v.decision != Decision::Excluded
                && v.days_since_liquidation.is_some()
                && let Some(last) = v.last_cape_day
                && nearest.may_take(last)
            {
                nearest.take((last, sort_prefix(e.shown().as_bytes()), i));
            }
        }
        let room = EXAMPLES - t.examples.len();
        t.examples
            .extend(ledger.orphan_rows.iter().take(room).cloned());
        t.nearest = nearest.0.into_iter().map(|(day, _, i)| (day, i)).collect();
        t
    }
}

/// The [`NEAREST`] smallest keys seen, in order.
#[derive(Default)]
struct Nearest(Vec<(NaiveDate, u128, usize)>);

impl Nearest {
    /// Whether a key with this day could be kept.
    fn may_take(&self, day: NaiveDate) -> bool {
        self.0.len() < NEAREST || self.0.last().is_some_and(|k| day <= k.0)
    }

    fn take(&mut self, key: (NaiveDate, u128, usize)) {
        let at = self.0.partition_point(|k| *k < key);
        if at < NEAREST {
            self.0.insert(at, key);
            self.0.truncate(NEAREST);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn nearest_keeps_the_smallest_keys_in_order(
            items in proptest::collection::vec((0i32..30, 0u128..4), 0..80),
        ) {
            let day = |d| NaiveDate::from_num_days_from_ce_opt(739_000 + d).unwrap();
            let keys: Vec<_> = items
                .iter()
                .enumerate()
                .map(|(i, &(d, p))| (day(d), p, i))
                .collect();
            let mut kept = Nearest::default();
            for &k in &keys {
                if kept.may_take(k.0) {
                    kept.take(k);
                }
            }
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            sorted.truncate(NEAREST);
            prop_assert_eq!(kept.0, sorted);
        }
    }
}
