//! Planning the declaration files: the eligible entries, sorted, grouped by filer code or
//! importer when asked, and cut into files of at most `max_entries`, no entry in two files;
//! and the CBP validation result for the entries that fail the entry-number rules.

use std::collections::BTreeMap;

use crate::declaration::TEMPLATE_NAME;
use crate::eligibility::{Decision, Verdict};
use crate::entry::{EntryNumber, sort_prefix};
use crate::es003::values::ident;
use crate::ledger::Ledger;
use crate::rules::Rule;
use crate::validation_result::ValidationResult;

/// How eligible entries are spread over declaration files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitBy {
    None,
    Filer,
    Importer,
}

/// One declaration file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationFile {
    pub name: String,
    /// The filer code or importer number it holds, when split.
    pub key: Option<String>,
    pub entries: Vec<EntryNumber>,
}

/// The declaration files, and for each ledger entry the index of its file.
pub fn plan(
    ledger: &Ledger,
    verdicts: &[Verdict],
    split: SplitBy,
    max_entries: usize,
) -> (Vec<DeclarationFile>, Vec<Option<usize>>) {
    let mut groups: BTreeMap<String, Vec<(EntryNumber, usize)>> = BTreeMap::new();
    for (i, (e, v)) in ledger.entries.iter().zip(verdicts).enumerate() {
        let Some(n) = e.number.filter(|_| v.decision == Decision::Eligible) else {
            continue;
        };
        let key = match split {
            SplitBy::None => String::new(),
            SplitBy::Filer => n.filer_code().to_string(),
            SplitBy::Importer => e
                .header
                .importer_number
                .map(|id| ident(ledger.strings.get(id).as_bytes()))
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| "no-importer".into()),
        };
        groups.entry(key).or_default().push((n, i));
    }
    let mut files = Vec::new();
    let mut placed = vec![None; ledger.entries.len()];
    let max = max_entries.max(1);
    for (key, mut members) in groups {
        members.sort_unstable_by_key(|(e, _)| sort_prefix(e.as_bytes()));
        let chunks = members.len().div_ceil(max);
        for (n, chunk) in members.chunks(max).enumerate() {
            let name = match (split, chunks) {
                (SplitBy::None, 1) => format!("{TEMPLATE_NAME}.csv"),
                (SplitBy::None, _) => format!("{TEMPLATE_NAME}_{}.csv", n + 1),
                _ => format!("{TEMPLATE_NAME}_{key}_{}.csv", n + 1),
            };
            for (_, i) in chunk {
                placed[*i] = Some(files.len());
            }
            files.push(DeclarationFile {
                name,
                key: (split != SplitBy::None).then(|| key.clone()),
                entries: chunk.iter().map(|(e, _)| *e).collect(),
            });
        }
    }
    (files, placed)
}

/// CBP's validation result for the inputs: the values that fail the entry-number format or
/// the account's filer code, as written.
pub fn validation_result(ledger: &Ledger, verdicts: &[Verdict]) -> ValidationResult {
    let mut r = ValidationResult::default();
    for (e, v) in ledger.entries.iter().zip(verdicts) {
        if v.reasons.contains(&Rule::EntryFormat) {
            r.not_11_characters.push(e.raw.to_string());
        } else if v.reasons.contains(&Rule::FilerMismatch) {
            r.filer_code_not_matching.push(e.raw.to_string());
        }
    }
    r
}
