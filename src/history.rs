//! What was declared before (`--declared`): earlier declaration files and ACE's Claim
//! Details, given as files or folders. An entry in a declaration that no Claim Details file
//! answers is pending; an entry whose latest claim result is `Entry Summary Updated` is
//! done; both are already declared. An entry whose latest result is `Failed` may be declared
//! again once corrected.
//!
//! A declaration is answered by a claim that holds all of its entries (ACE's Claim Details
//! list every entry of the upload). Claims are ordered by claim number: the latest wins.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::claims::{self, ClaimResult, ClaimStatus};
use crate::declaration::HEADER;
use crate::entry::EntryNumber;
use crate::es003::values;
use crate::rules::Rule;

/// What a `--declared` file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Declaration,
    ClaimDetails,
}

/// One file read for `--declared`.
#[derive(Clone, Debug)]
pub struct DeclaredFile {
    pub path: PathBuf,
    pub kind: Kind,
    pub entries: usize,
}

/// The earlier fate of one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prior {
    /// `AlreadyDeclared` (exclude) or `PreviouslyFailed` (warning).
    pub rule: Rule,
    pub message: String,
    /// The text of a check CBP has since retired, when that is what failed the entry.
    pub retired_check: Option<&'static str>,
}

/// Everything `--declared` gave.
#[derive(Clone, Debug, Default)]
pub struct Declared {
    pub files: Vec<DeclaredFile>,
    /// Files in a folder that were neither kind, with why.
    pub skipped: Vec<(PathBuf, String)>,
    /// Claim downloads that disagree about an entry, and which result counts.
    pub notes: Vec<String>,
    /// The paths given (files and folders), as given.
    pub given: Vec<PathBuf>,
    priors: HashMap<EntryNumber, Prior>,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path}: cannot read it")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Claims(#[from] claims::ClaimsError),
    #[error(
        "{path}: neither a declaration (first row `Entry Number`) nor a Claim Details file \
         (CLAIM_NUMBER, ENTRY_NUMBER, STATUS)"
    )]
    Unknown { path: PathBuf },
    #[error("{path}: the file is {what}, not a declaration or Claim Details; {fix}")]
    NotText {
        path: PathBuf,
        what: &'static str,
        fix: &'static str,
    },
}

/// Whether a first row is a declaration's header, `Entry Number`.
pub(crate) fn is_declaration(first_row: &[String]) -> bool {
    first_row
        .first()
        .is_some_and(|h| h.trim().eq_ignore_ascii_case(HEADER))
}

/// The files named, with folders replaced by their `.csv` and `.txt` files (sorted); the flag
/// says whether the file came from a folder.
pub(crate) fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, HistoryError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let read = std::fs::read_dir(p).map_err(|source| HistoryError::Read {
                path: p.clone(),
                source,
            })?;
            let mut files: Vec<PathBuf> = read
                .flatten()
                .map(|e| e.path())
                .filter(|f| {
                    f.is_file()
                        && f.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                            e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt")
                        })
                })
                .collect();
            files.sort();
            out.extend(files.into_iter().map(|f| (f, true)));
        } else {
            out.push((p.clone(), false));
        }
    }
    Ok(out)
}

/// The first row's fields, of a file's decoded text.
pub(crate) fn first_row(body: &[u8]) -> Vec<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => rec
            .iter()
            .map(|f| claims::unwrap_excel(&values::text(f)).to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// The well-formed entry numbers of a declaration file's decoded text.
fn declaration_entries(body: &[u8]) -> Vec<EntryNumber> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(body);
    rdr.byte_records()
        .flatten()
        .filter_map(|r| {
            r.get(0)
                .and_then(|f| EntryNumber::parse_bytes(crate::input::excel::unwrap(f)))
        })
        .collect()
}

impl Declared {
    /// Reads every file and folder of `--declared`.
    pub fn load(paths: &[PathBuf]) -> Result<Declared, HistoryError> {
        let mut d = Declared {
            given: paths.to_vec(),
            ..Declared::default()
        };
        let mut declarations: Vec<(PathBuf, Vec<EntryNumber>)> = Vec::new();
        let mut results: Vec<ClaimResult> = Vec::new();
        for (path, from_folder) in expand(paths)? {
            let bytes = std::fs::read(&path).map_err(|source| HistoryError::Read {
                path: path.clone(),
                source,
            })?;
            let text = match crate::input::decode_whole(&bytes) {
                Ok(t) => t,
                Err(kind) => {
                    let what = kind.what();
                    if from_folder {
                        d.skipped.push((path, format!("not text: {what}")));
                        continue;
                    }
                    return Err(HistoryError::NotText {
                        path,
                        what,
                        fix: crate::input::save_as_fix(kind),
                    });
                }
            };
            let head = first_row(&text);
            if is_declaration(&head) {
                let entries = declaration_entries(&text);
                d.files.push(DeclaredFile {
                    path: path.clone(),
                    kind: Kind::Declaration,
                    entries: entries.len(),
                });
                declarations.push((path, entries));
            } else if claims::claim_columns(&head).is_some() {
                let r = claims::parse_text(&path, &text)?;
                d.files.push(DeclaredFile {
                    path,
                    kind: Kind::ClaimDetails,
                    entries: r.len(),
                });
                results.extend(r);
            } else if from_folder {
                d.skipped
                    .push((path, "neither a declaration nor Claim Details".into()));
            } else {
                return Err(HistoryError::Unknown { path });
            }
        }
        let (results, notes) = claims::merge(results);
        d.notes = notes;
        d.resolve(&declarations, &results);
        Ok(d)
    }

    fn resolve(&mut self, declarations: &[(PathBuf, Vec<EntryNumber>)], results: &[ClaimResult]) {
        let mut by_claim: HashMap<&str, HashSet<EntryNumber>> = HashMap::new();
        for r in results {
            if let Some(e) = r.entry {
                by_claim.entry(&r.claim).or_default().insert(e);
            }
        }
        // Latest result per entry, and every claim that spoke of it.
        let mut latest: HashMap<EntryNumber, (&ClaimResult, Vec<&ClaimResult>)> = HashMap::new();
        for r in results {
            let Some(e) = r.entry else { continue };
            let slot = latest.entry(e).or_insert((r, Vec::new()));
            slot.1.push(r);
            if claims::claim_key(&r.claim) >= claims::claim_key(&slot.0.claim) {
                slot.0 = r;
            }
        }
        for (e, (r, all)) in &latest {
            let conflict = all.iter().any(|o| o.status != r.status);
            let note = if conflict {
                let others: Vec<String> = all
                    .iter()
                    .filter(|o| o.claim != r.claim)
                    .map(|o| format!("claim {} {}", o.claim, o.status_text()))
                    .collect();
                format!(" (latest claim wins over {})", others.join(", "))
            } else {
                String::new()
            };
            let place = format!("{}:{}", r.file.display(), r.line);
            let prior = match &r.status {
                ClaimStatus::Failed => Prior {
                    rule: Rule::PreviouslyFailed,
                    retired_check: crate::claim_errors::known(&r.error)
                        .filter(|c| c.retired.is_some())
                        .map(|c| c.text),
                    message: format!(
                        "failed in claim {} ({place}): {}; declare it again only if corrected{note}",
                        r.claim,
                        if r.error.is_empty() {
                            "no error text"
                        } else {
                            &r.error
                        }
                    ),
                },
                other => Prior {
                    rule: Rule::AlreadyDeclared,
                    retired_check: None,
                    message: format!(
                        "claim {} ({place}): {}{note}",
                        r.claim,
                        match other {
                            ClaimStatus::Other(s) => s.as_str(),
                            _ => claims::UPDATED,
                        }
                    ),
                },
            };
            self.priors.insert(*e, prior);
        }
        // Declarations no claim answers are pending: their entries are declared.
        for (path, entries) in declarations {
            let answered = !entries.is_empty()
                && by_claim
                    .values()
                    .any(|set| entries.iter().all(|e| set.contains(e)));
            if answered {
                continue;
            }
            for e in entries {
                let before = self
                    .priors
                    .get(e)
                    .map(|p| format!("; before that, {}", p.message));
                self.priors.insert(
                    *e,
                    Prior {
                        rule: Rule::AlreadyDeclared,
                        retired_check: None,
                        message: format!(
                            "declared in {} with no claim result given yet{}",
                            path.display(),
                            before.unwrap_or_default()
                        ),
                    },
                );
            }
        }
    }

    /// What claim results alone say (for tests of the rules that read them).
    #[cfg(test)]
    pub(crate) fn from_results(results: &[ClaimResult]) -> Declared {
        let mut d = Declared::default();
        d.resolve(&[], results);
        d
    }

    /// The earlier fate of `e`, if any.
    pub fn prior(&self, e: &EntryNumber) -> Option<&Prior> {
        self.priors.get(e)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> EntryNumber {
        EntryNumber::parse(s).unwrap()
    }

    fn result(claim: &str, entry: &str, status: ClaimStatus) -> ClaimResult {
        ClaimResult {
            file: "c.csv".into(),
            line: 2,
            claim: claim.into(),
            raw_entry: entry.into(),
            entry: EntryNumber::parse(entry),
            status,
            error: "ENTRY SUMMARY IS IN TRADE CONTROL".into(),
        }
    }

    fn resolved(decls: &[(&str, &[&str])], results: &[ClaimResult]) -> Declared {
        let decls: Vec<(PathBuf, Vec<EntryNumber>)> = decls
            .iter()
            .map(|(p, es)| (PathBuf::from(p), es.iter().map(|x| e(x)).collect()))
            .collect();
        let mut d = Declared::default();
        d.resolve(&decls, results);
        d
    }

    #[test]
    fn an_unanswered_declaration_is_pending() {
        let d = resolved(&[("d.csv", &["ABC12345676"])], &[]);
        let p = d.prior(&e("ABC12345676")).unwrap();
        assert_eq!(p.rule, Rule::AlreadyDeclared);
        assert!(p.message.contains("d.csv with no claim result"));
        assert!(d.prior(&e("00261103162")).is_none());
    }

    #[test]
    fn an_answered_declaration_takes_its_results() {
        let r = [
            result("100", "ABC12345676", ClaimStatus::Failed),
            result("100", "00261103162", ClaimStatus::Updated),
        ];
        let d = resolved(&[("d.csv", &["ABC12345676", "00261103162"])], &r);
        assert_eq!(
            d.prior(&e("ABC12345676")).unwrap().rule,
            Rule::PreviouslyFailed
        );
        assert_eq!(
            d.prior(&e("00261103162")).unwrap().rule,
            Rule::AlreadyDeclared
        );
    }

    #[test]
    fn the_latest_claim_wins_by_number_not_by_text() {
        let r = [
            result("99", "ABC12345676", ClaimStatus::Updated),
            result("100", "ABC12345676", ClaimStatus::Failed),
        ];
        let d = resolved(&[], &r);
        let p = d.prior(&e("ABC12345676")).unwrap();
        assert_eq!(p.rule, Rule::PreviouslyFailed);
        assert!(
            p.message.contains("latest claim wins over claim 99"),
            "{}",
            p.message
        );
    }
}
