//! `cape_entries.csv`: one row per distinct entry of the inputs, declared or explained,
//! sorted by entry number. Values from the inputs are neutralised against formulas.

use std::io::Write;

use chrono::{Datelike, NaiveDate};

use crate::eligibility::Verdict;
use crate::ledger::Ledger;
use crate::ledger::{EntryState, Sym};
use crate::money::{Cents, push_u64};
use crate::output::{CSV_LINE_END, push_field};
use crate::parallel;
use crate::prepare::prepared::{DeclarationFile, Prepared};
use crate::rules::Rule;

/// The report's columns, in order.
pub const COLUMNS: [&str; 22] = [
    "entry_number",
    "decision",
    "reasons",
    "warnings",
    "ieepa_duty",
    "interest_estimate",
    "importer_number",
    "importer_name",
    "entry_type",
    "entry_date",
    "entry_summary_status",
    "control_status",
    "reconciliation_flag",
    "protest_status",
    "liquidation_status",
    "liquidation_date",
    "days_since_liquidation",
    "last_cape_day",
    "protest_deadline",
    "declaration_file",
    "sources",
    "notes",
];

/// Appends where an entry's rows are, `file:first-last` per input.
fn push_sources(out: &mut Vec<u8>, p: &View<'_>, e: &EntryState) {
    for (k, f) in e.files().enumerate() {
        if k > 0 {
            out.extend_from_slice(b"; ");
        }
        let name = p
            .ledger
            .inputs
            .get(f.file as usize)
            .map_or("?", String::as_str);
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        push_u64(out, f.first_line);
        if f.last_line != f.first_line {
            out.push(b'-');
            push_u64(out, f.last_line);
        }
    }
}

/// Appends `rules` joined by `;`.
fn push_codes(out: &mut Vec<u8>, rules: impl Iterator<Item = Rule>) {
    for (k, r) in rules.enumerate() {
        if k > 0 {
            out.push(b';');
        }
        out.extend_from_slice(r.code().as_bytes());
    }
}

/// Appends `YYYY-MM-DD`.
fn push_date(out: &mut Vec<u8>, d: Option<NaiveDate>) {
    let Some(d) = d else { return };
    let (y, m, day) = (d.year().clamp(0, 9999) as u32, d.month(), d.day());
    let two = |n: u32| [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
    out.extend_from_slice(&two(y / 100));
    out.extend_from_slice(&two(y % 100));
    out.push(b'-');
    out.extend_from_slice(&two(m));
    out.push(b'-');
    out.extend_from_slice(&two(day));
}

/// One record being appended to the output buffer.
struct Record<'a> {
    buf: &'a mut Vec<u8>,
    scratch: &'a mut Vec<u8>,
    first: bool,
}

impl Record<'_> {
    fn sep(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.buf.push(b',');
        }
    }

    /// A value that may echo an input: quoted where needed and neutralised.
    fn text(&mut self, v: &[u8]) {
        self.sep();
        push_field(self.buf, v, true);
    }

    /// A value the tool composed into the scratch buffer by `fill`.
    fn composed(&mut self, fill: impl FnOnce(&mut Vec<u8>)) {
        self.scratch.clear();
        fill(self.scratch);
        self.sep();
        push_field(self.buf, self.scratch, true);
    }

    /// A value the tool computed from digits, letters, `-` and `;` alone (amounts, dates,
    /// codes): nothing to quote or neutralise, and it may start with `-`.
    fn plain(&mut self, fill: impl FnOnce(&mut Vec<u8>)) {
        self.sep();
        fill(self.buf);
    }

    fn end(self) {
        self.buf.extend_from_slice(CSV_LINE_END);
    }
}

/// The entries' indexes in the order of the numbers the report shows (bytewise). Entry
/// numbers, nearly all of them, are sorted as integers
/// ([`crate::entry::EntryNumber::ordinal`]); values that are not numbers are sorted as bytes
/// and merged in.
pub fn by_number(entries: &[EntryState]) -> Vec<usize> {
    let mut numbers: Vec<(u64, u32)> = Vec::with_capacity(entries.len());
    let mut others: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match &e.number {
            // The ledger numbers its entries in 32 bits.
            Some(n) => numbers.push((n.ordinal(), i as u32)),
            None => others.push(i),
        }
    }
    numbers.sort_unstable();
    others.sort_unstable_by(|&a, &b| entries[a].shown().cmp(entries[b].shown()));
    let mut order = Vec::with_capacity(entries.len());
    let mut others = others.into_iter().peekable();
    for (_, i) in numbers {
        let i = i as usize;
        while let Some(o) = others.next_if(|&o| entries[o].shown() < entries[i].shown()) {
            order.push(o);
        }
        order.push(i);
    }
    order.extend(others);
    order
}

/// What the report reads of a run: the entries, their verdicts, their order and their
/// declaration files.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub ledger: &'a Ledger,
    pub verdicts: &'a [Verdict],
    /// The ledger's entries in the order of their numbers.
    pub by_number: &'a [usize],
    /// The declaration of each entry, by index into `declarations`.
    pub placed: &'a [Option<usize>],
    pub declarations: &'a [DeclarationFile],
    /// The estimated interest of each entry.
    pub interest: &'a [Option<Cents>],
}

impl<'a> View<'a> {
    pub fn of(p: &'a Prepared) -> View<'a> {
        View {
            ledger: &p.ledger,
            verdicts: &p.verdicts,
            by_number: &p.by_number,
            placed: &p.placed,
            declarations: &p.declarations,
            interest: &p.interest,
        }
    }
}

/// Writes the report, sorted by entry number, formatted in chunks on several threads.
pub fn write(w: &mut dyn Write, p: View<'_>) -> std::io::Result<()> {
    let entries = &p.ledger.entries;
    let order = &p.by_number;
    let text = |id: Option<Sym>| id.map_or(&b""[..], |i| p.ledger.strings.get(i).as_bytes());
    let mut head = COLUMNS.join(",").into_bytes();
    head.extend_from_slice(CSV_LINE_END);
    w.write_all(&head)?;
    parallel::write_ordered(w, order.len(), |scratch: &mut Vec<u8>, k, buf| {
        let i = order[k];
        let e = &entries[i];
        let v = &p.verdicts[i];
        let h = &e.header;
        let mut r = Record {
            buf,
            scratch,
            first: true,
        };
        r.text(e.shown().as_bytes());
        r.plain(|o| o.extend_from_slice(v.decision.as_str().as_bytes()));
        r.plain(|o| push_codes(o, v.reasons()));
        r.plain(|o| push_codes(o, v.warnings()));
        r.plain(|o| v.ieepa_duty.push_to(o));
        r.plain(|o| {
            if let Some(x) = p.interest.get(i).copied().flatten() {
                x.push_to(o);
            }
        });
        r.text(text(h.importer_number));
        r.text(text(h.importer_name));
        r.plain(|o| {
            if let Some(t) = h.entry_type {
                o.extend_from_slice(&[b'0' + t / 10, b'0' + t % 10]);
            }
        });
        r.plain(|o| push_date(o, h.entry_date));
        r.text(text(h.summary_status));
        r.text(text(h.control_status));
        r.text(
            h.reconciliation
                .map_or(b"", |b| if b { b"Y" } else { b"N" }),
        );
        r.text(text(h.protest_status));
        r.text(text(h.liquidation_status));
        r.plain(|o| push_date(o, h.liquidation_date));
        r.plain(|o| {
            if let Some(d) = v.days_since_liquidation {
                if d < 0 {
                    o.push(b'-');
                }
                push_u64(o, u64::from(d.unsigned_abs()));
            }
        });
        r.plain(|o| push_date(o, v.last_cape_day));
        r.plain(|o| push_date(o, v.protest_deadline));
        r.text(p.placed[i].map_or(&b""[..], |d| p.declarations[d].name.as_bytes()));
        r.composed(|o| push_sources(o, &p, e));
        r.composed(|o| {
            for (k, n) in v.notes().enumerate() {
                if k > 0 {
                    o.extend_from_slice(b" | ");
                }
                o.extend_from_slice(n.as_bytes());
            }
        });
        r.end();
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Ledger;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn entries_are_ordered_by_the_bytes_they_show(
            values in proptest::collection::vec("[0-9A-Za-z -]{0,14}", 0..60),
        ) {
            let ledger = Ledger::of_entry_cells(values.iter().map(String::as_str));
            let entries = &ledger.entries;
            let order = by_number(entries);
            let mut seen = order.clone();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..entries.len()).collect::<Vec<_>>());
            for w in order.windows(2) {
                prop_assert!(entries[w[0]].shown() < entries[w[1]].shown());
            }
        }
    }
}
