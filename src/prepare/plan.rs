//! Planning the declaration files: the eligible entries, sorted, grouped by filer code or
//! importer when asked, and cut into files of at most `max_entries`, no entry in two files;
//! and the CBP validation result for the entries that fail the entry-number rules.

use std::collections::BTreeMap;

use crate::declaration::TEMPLATE_NAME;
use crate::eligibility::{Decision, Verdict};
use crate::entry::EntryNumber;
use crate::es003::values::ident;
use crate::ledger::Ledger;
use crate::rules::Rule;
use crate::validation_result::ValidationResult;

pub use super::prepared::{DeclarationFile, SplitBy};

/// The declaration files, and for each ledger entry the index of its file. `by_number`
/// holds the ledger's entries in the order of their numbers.
pub fn plan(
    ledger: &Ledger,
    verdicts: &[Verdict],
    by_number: &[usize],
    split: SplitBy,
    max_entries: usize,
) -> (Vec<DeclarationFile>, Vec<Option<usize>>) {
    // Each eligible entry with its group and number, in number order; the groups in the
    // order of their key.
    let mut group_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut members: Vec<(usize, usize, EntryNumber)> = Vec::new();
    for &i in by_number {
        let e = &ledger.entries[i];
        let Some(n) = e
            .number
            .filter(|_| verdicts[i].decision == Decision::Eligible)
        else {
            continue;
        };
        let group = match split {
            SplitBy::None => 0,
            SplitBy::Filer => group_id(&mut group_ids, n.filer_code()),
            SplitBy::Importer => {
                let key = e
                    .header
                    .importer_number
                    .map(|id| ident(ledger.strings.get(id).as_bytes()))
                    .filter(|k| !k.is_empty());
                group_id(&mut group_ids, key.as_deref().unwrap_or("no-importer"))
            }
        };
        members.push((group, i, n));
    }
    if group_ids.is_empty() {
        group_ids.insert(String::new(), 0);
    }
    let keys: Vec<String> = group_ids.keys().cloned().collect();
    let mut rank = vec![0; keys.len()];
    for (r, &id) in group_ids.values().enumerate() {
        rank[id] = r;
    }
    for m in &mut members {
        m.0 = rank[m.0];
    }
    // Stable: in number order within each group.
    members.sort_by_key(|m| m.0);
    let mut files = Vec::new();
    let mut placed = vec![None; ledger.entries.len()];
    let max = max_entries.max(1);
    for group in members.chunk_by(|a, b| a.0 == b.0) {
        let key = &keys[group[0].0];
        let chunks = group.len().div_ceil(max);
        for (n, chunk) in group.chunks(max).enumerate() {
            let name = match (split, chunks) {
                (SplitBy::None, 1) => format!("{TEMPLATE_NAME}.csv"),
                (SplitBy::None, _) => format!("{TEMPLATE_NAME}_{}.csv", n + 1),
                _ => format!("{TEMPLATE_NAME}_{key}_{}.csv", n + 1),
            };
            for &(_, i, _) in chunk {
                placed[i] = Some(files.len());
            }
            files.push(DeclarationFile {
                name,
                key: (split != SplitBy::None).then(|| key.clone()),
                entries: chunk.iter().map(|&(_, _, n)| n).collect(),
            });
        }
    }
    (files, placed)
}

/// The id of group `key`, numbered as first met.
fn group_id(ids: &mut BTreeMap<String, usize>, key: &str) -> usize {
    if let Some(&id) = ids.get(key) {
        return id;
    }
    let id = ids.len();
    ids.insert(key.to_string(), id);
    id
}

/// CBP's validation result for the inputs: the values that fail the entry-number format or
/// the account's filer code, as written.
pub fn validation_result(ledger: &Ledger, verdicts: &[Verdict]) -> ValidationResult {
    let mut r = ValidationResult::default();
    for (e, v) in ledger.entries.iter().zip(verdicts) {
        if v.reasons().any(|r| r == Rule::EntryFormat) {
            r.not_11_characters.push(e.raw().to_string());
        } else if v.reasons().any(|r| r == Rule::FilerMismatch) {
            r.filer_code_not_matching.push(e.raw().to_string());
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::Verdict;
    use crate::es003::{ColumnMap, RowSink};
    use crate::money::Cents;

    /// A ledger of `(entry, importer)` rows, each entry eligible but those named in `out`.
    fn planned(rows: &[(&str, &str)], out: &[&str], split: SplitBy, max: usize) -> Vec<String> {
        let names: Vec<String> = ["Entry Summary Number", "HTS Number - Full"]
            .into_iter()
            .chain(["Line Tariff Duty Amount", "Importer Number"])
            .map(String::from)
            .collect();
        let columns = ColumnMap::resolve(&names);
        let mut ledger = Ledger::default();
        let mut sink = ledger.file("x.csv", &columns, &names, Default::default());
        for (k, (entry, importer)) in rows.iter().enumerate() {
            let cells = [*entry, "9903.01.25", "1.00", *importer];
            sink.row(k as u64 + 2, &cells[..]);
        }
        let verdicts: Vec<Verdict> = ledger
            .entries
            .iter()
            .map(|e| Verdict {
                decision: if out.contains(&&*e.raw()) {
                    Decision::Excluded
                } else {
                    Decision::Eligible
                },
                findings: None,
                ieepa_duty: Cents::ZERO,
                days_since_liquidation: None,
                last_cape_day: None,
                protest_deadline: None,
            })
            .collect();
        let order = crate::report::entries::by_number(&ledger.entries);
        let (files, placed) = plan(&ledger, &verdicts, &order, split, max);
        for (i, e) in ledger.entries.iter().enumerate() {
            let file = placed[i].map(|f| &files[f]);
            assert_eq!(
                file.is_some_and(|f| f.entries.contains(&e.number.unwrap())),
                !out.contains(&&*e.raw()),
                "{}",
                e.raw()
            );
        }
        let shown = |f: &DeclarationFile| {
            let entries: Vec<&str> = f.entries.iter().map(|e| e.as_str()).collect();
            format!("{}: {}", f.name, entries.join(" "))
        };
        files.iter().map(shown).collect()
    }

    const ROWS: [(&str, &str); 5] = [
        ("ZZZ00000020", "30-0000000-00"),
        ("AAA00000035", "10-0000000-00"),
        ("ZZZ00000012", ""),
        ("AAA00000019", "30-0000000-00"),
        ("MMM00000011", "10-0000000-00"),
    ];

    #[test]
    fn groups_come_in_key_order_and_entries_in_number_order() {
        let t = TEMPLATE_NAME;
        assert_eq!(
            planned(&ROWS, &["MMM00000011"], SplitBy::Filer, 9_999),
            [
                format!("{t}_AAA_1.csv: AAA00000019 AAA00000035"),
                format!("{t}_ZZZ_1.csv: ZZZ00000012 ZZZ00000020"),
            ]
        );
        assert_eq!(
            planned(&ROWS, &[], SplitBy::Importer, 1),
            [
                format!("{t}_10000000000_1.csv: AAA00000035"),
                format!("{t}_10000000000_2.csv: MMM00000011"),
                format!("{t}_30000000000_1.csv: AAA00000019"),
                format!("{t}_30000000000_2.csv: ZZZ00000020"),
                format!("{t}_no-importer_1.csv: ZZZ00000012"),
            ]
        );
        assert_eq!(
            planned(&ROWS, &["AAA00000035"], SplitBy::None, 2),
            [
                format!("{t}_1.csv: AAA00000019 MMM00000011"),
                format!("{t}_2.csv: ZZZ00000012 ZZZ00000020"),
            ]
        );
        assert_eq!(planned(&ROWS, &[], SplitBy::None, 9_999).len(), 1);
        assert!(planned(&ROWS[..1], &["ZZZ00000020"], SplitBy::None, 9).is_empty());
    }
}
