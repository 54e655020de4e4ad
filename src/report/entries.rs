//! `cape_entries.csv`: one row per distinct entry of the inputs, declared or explained,
//! sorted by entry number. Values from the inputs are neutralised against formulas.

use std::io::Write;

use crate::ledger::EntryState;
use crate::output::{csv_writer, neutralise};
use crate::prepare::Prepared;

/// The report's columns, in order.
pub const COLUMNS: [&str; 21] = [
    "entry_number",
    "decision",
    "reasons",
    "warnings",
    "ieepa_duty",
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

/// Columns the tool computes (amounts and day counts), which may start with `-`.
const COMPUTED: [usize; 2] = [4, 15];

/// The entry number as the report shows it: normalised, or as written when malformed.
pub fn shown_number(e: &EntryState) -> String {
    e.number
        .map_or_else(|| e.raw.to_string(), |n| n.to_string())
}

/// Where an entry's rows are: `file:first-last` per input.
pub fn sources(p: &Prepared, e: &EntryState) -> String {
    e.files()
        .map(|f| {
            let place = p.ledger.place(f.file, f.first_line);
            if f.first_line == f.last_line {
                place
            } else {
                format!("{place}-{}", f.last_line)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Writes the report.
pub fn write(w: &mut dyn Write, p: &Prepared) -> std::io::Result<()> {
    let mut out = csv_writer(w);
    out.write_record(COLUMNS)?;
    let mut order: Vec<usize> = (0..p.ledger.entries.len()).collect();
    order.sort_by_cached_key(|&i| shown_number(&p.ledger.entries[i]));
    let text = |id: Option<u32>| {
        id.map(|i| p.ledger.strings.get(i).to_string())
            .unwrap_or_default()
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for i in order {
        let e = &p.ledger.entries[i];
        let v = &p.verdicts[i];
        let h = &e.header;
        let join = |rules: &[crate::rules::Rule]| {
            rules.iter().map(|r| r.code()).collect::<Vec<_>>().join(";")
        };
        let record = [
            shown_number(e),
            v.decision.as_str().to_string(),
            join(&v.reasons),
            join(&v.warnings),
            v.ieepa_duty.to_string(),
            text(h.importer_number),
            text(h.importer_name),
            h.entry_type.map(|t| format!("{t:02}")).unwrap_or_default(),
            date(h.entry_date),
            text(h.summary_status),
            text(h.control_status),
            h.reconciliation
                .map(|b| if b { "Y" } else { "N" }.to_string())
                .unwrap_or_default(),
            text(h.protest_status),
            text(h.liquidation_status),
            date(h.liquidation_date),
            v.days_since_liquidation
                .map(|d| d.to_string())
                .unwrap_or_default(),
            date(v.last_cape_day),
            date(v.protest_deadline),
            p.placed[i]
                .map(|d| p.declarations[d].name.clone())
                .unwrap_or_default(),
            sources(p, e),
            v.notes.join(" | "),
        ];
        // Computed numbers stay as they are; everything else may echo an input.
        out.write_record(record.iter().enumerate().map(|(k, f)| {
            if COMPUTED.contains(&k) {
                f.clone()
            } else {
                neutralise(f).into_owned()
            }
        }))?;
    }
    out.flush()
}
