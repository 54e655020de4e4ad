//! Putting an entry's parts together: its rows in each input, and in each part of an input
//! that repeats its header (exports pasted together). Parts with the same row keys and the
//! same totals count once (the rules read only the totals);
//! parts keyed by `Entry Summary Line Number` and `Tariff Ordinal Number` whose keys do not
//! meet are pieces of one entry (an export cut to stay under Excel's row limit) and add up;
//! anything else is a conflict: the entry's totals cannot be trusted, and the part with the
//! most IEEPA duty is shown, whatever the order of the inputs.

use super::{EntryState, FileRows, Ledger, LineTotals};

/// An entry's tariff rows, all parts taken together.
#[derive(Clone, Debug, Default)]
pub struct Combined {
    pub totals: LineTotals,
    /// Why the parts disagree, when they do.
    pub conflict: Option<String>,
}

/// Whether two parts hold the same rows.
fn same(a: &FileRows, b: &FileRows) -> bool {
    match (a.keys.keyed, b.keys.keyed) {
        (Some(_), Some(_)) => a.keys == b.keys && a.totals == b.totals,
        _ => a.totals == b.totals,
    }
}

/// Whether two keyed parts share no key.
fn apart(a: &FileRows, b: &FileRows) -> bool {
    let (Some(x), Some(y)) = (a.keys.keyed, b.keys.keyed) else {
        return false;
    };
    x == 0 || y == 0 || a.keys.max < b.keys.min || b.keys.max < a.keys.min
}

fn add(t: &mut LineTotals, o: &LineTotals) {
    t.rows += o.rows;
    t.ieepa_rows += o.ieepa_rows;
    t.ieepa_duty = t.ieepa_duty.saturating_add(o.ieepa_duty);
    t.ieepa_goods_value_rows += o.ieepa_goods_value_rows;
    t.chapter99 = t.chapter99.union(o.chapter99);
}

impl EntryState {
    /// The entry's rows, its parts put together.
    pub fn combined(&self, ledger: &Ledger) -> Combined {
        let mut parts = self.files();
        let Some(first) = parts.next() else {
            return Combined::default();
        };
        let mut taken = vec![first];
        let mut out = Combined {
            totals: first.totals,
            conflict: None,
        };
        for p in parts {
            if taken.iter().any(|t| same(t, p)) {
                continue;
            }
            if taken.iter().all(|t| apart(t, p)) {
                add(&mut out.totals, &p.totals);
                taken.push(p);
                continue;
            }
            if out.conflict.is_none() {
                let other = taken
                    .iter()
                    .find(|t| !apart(t, p))
                    .expect("one part meets it");
                let (a, b) = (
                    ledger.place(other.file, other.first_line),
                    ledger.place(p.file, p.first_line),
                );
                out.conflict = Some(if p.keys.keyed.is_some() && other.keys.keyed.is_some() {
                    format!(
                        "{a} and {b} hold rows of this entry with the same line and tariff \
                         ordinal numbers but other values: its IEEPA duty cannot be added up"
                    )
                } else {
                    format!(
                        "{a} and {b} differ on this entry's tariff rows (IEEPA duty or row \
                         count), and have no Entry Summary Line Number and Tariff Ordinal Number \
                         to tell which rows are the same"
                    )
                });
            }
        }
        if out.conflict.is_some() {
            // Whatever the order of the inputs, the part with the most IEEPA duty is shown.
            out.totals = self
                .files()
                .map(|f| f.totals)
                .max_by_key(|t| (t.ieepa_duty, t.ieepa_rows, t.rows))
                .unwrap_or_default();
        }
        out
    }
}
