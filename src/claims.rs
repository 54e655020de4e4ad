//! ACE's Claim Details download: `CLAIM_NUMBER`, `ENTRY_NUMBER`, `STATUS`,
//! `ERROR_DESCRIPTION`, matched by header name in any order, values possibly wrapped as
//! `="..."`. Each failed entry's CBP error text is mapped to the rule it reports, with what
//! to do about it; a text the tool does not know is kept as it is.

use std::path::{Path, PathBuf};

use crate::entry::EntryNumber;
use crate::es003::columns::header_key;
use crate::es003::values;
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
    #[error("{path}: this is a workbook; download the Claim Details as CSV, or save it as CSV")]
    Workbook { path: PathBuf },
}

/// `="60576072486"` -> `60576072486`; other values trimmed.
pub fn unwrap_excel(v: &str) -> &str {
    let t = v.trim();
    match t.strip_prefix('=') {
        Some(rest) => rest.trim().trim_matches('"').trim(),
        None => t,
    }
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

/// Reads a Claim Details file whose bytes are `bytes`.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<ClaimResult>, ClaimsError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(ClaimsError::Workbook { path: path.into() });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let tabs = memchr::memchr_iter(b'\t', body).count();
    let commas = memchr::memchr_iter(b',', body).count();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if tabs > commas { b'\t' } else { b',' })
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

/// Reads a Claim Details file.
pub fn read(path: &Path) -> Result<Vec<ClaimResult>, ClaimsError> {
    let bytes = std::fs::read(path).map_err(|source| ClaimsError::Read {
        path: path.into(),
        source,
    })?;
    parse(path, &bytes)
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

    #[test]
    fn not_a_claims_file() {
        let e = parse(Path::new("d.csv"), b"Entry Number\r\nABC12345676\r\n").unwrap_err();
        assert!(e.to_string().contains("found: Entry Number"), "{e}");
    }
}
