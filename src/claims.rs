//! ACE's Claim Details download: `CLAIM_NUMBER`, `ENTRY_NUMBER`, `STATUS`,
//! `ERROR_DESCRIPTION`, matched by header name in any order, values possibly wrapped as
//! `="..."`. Each failed entry's CBP error text is mapped to the rule it reports, with what
//! to do about it; a text the tool does not know is kept as it is.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::entry::EntryNumber;
use crate::es003::columns::header_key;
use crate::es003::values;
use crate::input::Kind;
use crate::rules::Rule;

/// ACE's status of an accepted entry.
pub const UPDATED: &str = "Entry Summary Updated";

/// What ACE did with one entry of a claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimStatus {
    Updated,
    Failed,
    Other(String),
}

/// One row of a Claim Details file.
#[derive(Clone, Debug)]
pub struct ClaimResult {
    pub file: PathBuf,
    pub line: u64,
    pub claim: String,
    pub raw_entry: String,
    pub entry: Option<EntryNumber>,
    pub status: ClaimStatus,
    pub error: String,
}

impl ClaimResult {
    pub fn status_text(&self) -> &str {
        match &self.status {
            ClaimStatus::Updated => UPDATED,
            ClaimStatus::Failed => "Failed",
            ClaimStatus::Other(s) => s,
        }
    }
}

/// Why a Claim Details file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ClaimsError {
    #[error("{path}: cannot read the file")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not a Claim Details file: the first row needs the columns CLAIM_NUMBER, \
         ENTRY_NUMBER and STATUS (found: {found})"
    )]
    NotClaims { path: PathBuf, found: String },
    #[error("{path}: the file is {what}, not a Claim Details download; {fix}")]
    NotText {
        path: PathBuf,
        what: &'static str,
        fix: &'static str,
    },
    #[error("{path}: this is a workbook; download the Claim Details as CSV, or save it as CSV")]
    Workbook { path: PathBuf },
}

/// `="60576072486"` -> `60576072486`; other values trimmed.
pub fn unwrap_excel(v: &str) -> &str {
    crate::input::excel::unwrap_str(v).trim()
}

/// The columns of a Claim Details header row, if it is one.
pub fn claim_columns(header: &[String]) -> Option<[Option<usize>; 4]> {
    let find = |want: &str| header.iter().position(|h| header_key(h) == want);
    let cols = [
        find("claimnumber"),
        find("entrynumber"),
        find("status"),
        find("errordescription"),
    ];
    (cols[0].is_some() && cols[1].is_some() && cols[2].is_some()).then_some(cols)
}

/// Reads a Claim Details file whose bytes are `bytes` (the readers decode first, to look at
/// the first row).
#[cfg(test)]
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<ClaimResult>, ClaimsError> {
    parse_text(path, &decode(path, bytes)?)
}

/// The text of a Claim Details file (see [`crate::input::decode_whole`]), or why it is none.
pub fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, ClaimsError> {
    crate::input::decode_whole(bytes).map_err(|kind| match kind {
        Kind::Workbook => ClaimsError::Workbook { path: path.into() },
        _ => ClaimsError::NotText {
            path: path.into(),
            what: kind.what(),
            fix: crate::input::save_as_fix(kind),
        },
    })
}

/// Reads a Claim Details file's decoded text.
pub fn parse_text(path: &Path, body: &[u8]) -> Result<Vec<ClaimResult>, ClaimsError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(crate::input::sniff_delimiter(body))
        .from_reader(body);
    let mut records = rdr.byte_records();
    let header: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|f| values::text(f).into_owned()).collect(),
        _ => Vec::new(),
    };
    let Some([claim, entry, status, error]) = claim_columns(&header) else {
        return Err(ClaimsError::NotClaims {
            path: path.into(),
            found: header.join(", "),
        });
    };
    let mut out = Vec::new();
    // Line numbers: the header is line 1 and Claim Details rows hold no line breaks.
    for (i, rec) in records.enumerate() {
        let Ok(rec) = rec else { continue };
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(|f| unwrap_excel(&values::text(f)).to_string())
                .unwrap_or_default()
        };
        let raw_entry = get(entry);
        if raw_entry.is_empty() {
            continue;
        }
        let status_text = get(status);
        let status = if status_text.eq_ignore_ascii_case(UPDATED) {
            ClaimStatus::Updated
        } else if status_text.eq_ignore_ascii_case("failed") {
            ClaimStatus::Failed
        } else {
            ClaimStatus::Other(status_text)
        };
        out.push(ClaimResult {
            file: path.into(),
            line: i as u64 + 2,
            claim: get(claim),
            entry: EntryNumber::parse(&raw_entry),
            raw_entry,
            status,
            error: get(error),
        });
    }
    Ok(out)
}

/// How much a status says, for one entry within one claim: a download made later may show
/// an entry still pending, never an accepted one undone.
fn status_rank(s: &ClaimStatus) -> u8 {
    match s {
        ClaimStatus::Updated => 2,
        ClaimStatus::Failed => 1,
        ClaimStatus::Other(_) => 0,
    }
}

/// The results of every download, one per entry and claim, whatever the files' names or
/// order: the same row downloaded twice counts once, and within one claim the most final
/// status stands (`Entry Summary Updated`, then `Failed`, then any other). Each entry whose
/// downloads disagree within a claim gets a note naming both.
pub fn merge(results: Vec<ClaimResult>) -> (Vec<ClaimResult>, Vec<String>) {
    let mut best: std::collections::HashMap<(String, String), ClaimResult> =
        std::collections::HashMap::new();
    let mut notes = Vec::new();
    for r in results {
        let key = (
            r.claim.clone(),
            r.entry
                .map_or_else(|| r.raw_entry.clone(), |e| e.to_string()),
        );
        match best.entry(key) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(r);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let kept = o.get();
                let same = kept.status == r.status && kept.error == r.error;
                // Between two equal rows, the first file in name order is the one cited.
                let wins = (status_rank(&r.status), std::cmp::Reverse(&r.file))
                    > (status_rank(&kept.status), std::cmp::Reverse(&kept.file));
                if !same {
                    let (w, l) = if wins { (&r, kept) } else { (kept, &r) };
                    notes.push(format!(
                        "{}: claim {} is {} in {}:{} and {} in {}:{}; {} counts",
                        o.key().1,
                        r.claim,
                        w.status_text(),
                        w.file.display(),
                        w.line,
                        l.status_text(),
                        l.file.display(),
                        l.line,
                        w.status_text()
                    ));
                }
                if wins {
                    o.insert(r);
                }
            }
        }
    }
    let mut out: Vec<ClaimResult> = best.into_values().collect();
    out.sort_by(|a, b| {
        (claim_key(&a.claim), &a.raw_entry, &a.file, a.line).cmp(&(
            claim_key(&b.claim),
            &b.raw_entry,
            &b.file,
            b.line,
        ))
    });
    notes.sort();
    (out, notes)
}

/// Orders claim numbers: numerically when they are digits, else as text.
pub fn claim_key(c: &str) -> (usize, &str) {
    let t = c.trim_start_matches('0');
    if t.bytes().all(|b| b.is_ascii_digit()) {
        (t.len(), t)
    } else {
        (usize::MAX, c)
    }
}

/// The rule a CBP error text reports, where the tool knows it.
pub fn rule_of(error: &str) -> Option<Rule> {
    crate::claim_errors::known(error).and_then(|c| c.rule)
}

/// What to do about an entry that failed with `error`.
pub fn action(error: &str) -> &'static str {
    crate::claim_errors::known(error).map_or(crate::claim_errors::UNKNOWN_ACTION, |c| c.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_values_and_any_column_order() {
        let text = "STATUS,ERROR_DESCRIPTION,ENTRY_NUMBER,CLAIM_NUMBER\r\n\
                    Failed,ENTRY SUMMARY IS IN TRADE CONTROL,=\"SSA26031301\",=\"100000013568\"\r\n\
                    Entry Summary Updated,,\"=\"\"SSA26031606\"\"\",100000013568\r\n";
        let r = parse(Path::new("c.csv"), text.as_bytes()).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].claim, "100000013568");
        assert_eq!(r[0].entry.unwrap().as_str(), "SSA26031301");
        assert_eq!(r[0].status, ClaimStatus::Failed);
        assert_eq!(r[0].line, 2);
        assert_eq!(r[1].raw_entry, "SSA26031606");
        assert_eq!(r[1].status, ClaimStatus::Updated);
    }

    #[test]
    fn error_texts_map_to_rules() {
        for (text, rule) in [
            (
                "ENTRY SUMMARY IS CANCELLED/REJECTED",
                Rule::StatusNotAccepted,
            ),
            ("ENTRY SUMMARY IS IN TRADE CONTROL", Rule::TradeControl),
            (
                "ENTRY SUMMARY FLAGGED FOR RECON",
                Rule::ReconciliationFlagged,
            ),
            (
                "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
                Rule::LiquidatedOver80Days,
            ),
            ("NO IEEPA HTS ON ENTRY", Rule::NoIeepaLine),
            ("Entry previously submitted", Rule::AlreadyDeclared),
            ("Account Mismatch", Rule::ImporterMismatch),
        ] {
            assert_eq!(rule_of(text), Some(rule), "{text}");
        }
        assert_eq!(rule_of("SOMETHING NEW"), None);
        assert!(action("SOMETHING NEW").contains("read it in ACE"));
    }

    fn results(file: &str, text: &str) -> Vec<ClaimResult> {
        parse(Path::new(file), text.as_bytes()).unwrap()
    }

    #[test]
    fn a_claim_downloaded_twice_counts_once_and_updated_sticks() {
        let head = "CLAIM_NUMBER,ENTRY_NUMBER,STATUS,ERROR_DESCRIPTION\r\n";
        let day1 =
            format!("{head}7,SSA26031301,Entry Summary Updated,\r\n7,SSA26031606,Failed,X\r\n");
        let day2 = format!("{head}7,SSA26031301,Submitted,\r\n7,SSA26031606,Failed,X\r\n");
        for names in [["day1.csv", "day2.csv"], ["z-day1.csv", "day2.csv"]] {
            for flip in [false, true] {
                let mut all = results(names[0], &day1);
                all.extend(results(names[1], &day2));
                if flip {
                    all.reverse();
                }
                let (merged, notes) = merge(all);
                assert_eq!(merged.len(), 2, "{names:?}");
                assert_eq!(merged[0].status, ClaimStatus::Updated, "{names:?} {flip}");
                assert_eq!(notes.len(), 1, "{notes:?}");
                assert!(
                    notes[0].contains(names[0]) && notes[0].contains("day2.csv:2"),
                    "{notes:?}"
                );
                assert!(
                    notes[0].ends_with("Entry Summary Updated counts"),
                    "{notes:?}"
                );
            }
        }
    }

    #[test]
    fn unicode_text_claims() {
        let text = "CLAIM_NUMBER\tENTRY_NUMBER\tSTATUS\r\n7\tSSA26031301\tFailed\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let r = parse(Path::new("c.txt"), &bytes).unwrap();
        assert_eq!(r[0].entry.unwrap().as_str(), "SSA26031301");
        assert_eq!(r[0].status, ClaimStatus::Failed);
    }

    #[test]
    fn not_a_claims_file() {
        let e = parse(Path::new("d.csv"), b"Entry Number\r\nABC12345676\r\n").unwrap_err();
        assert!(e.to_string().contains("found: Entry Number"), "{e}");
    }
}
