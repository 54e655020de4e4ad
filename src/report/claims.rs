//! `cape claims`: reads ACE Claim Details files and reports per claim and overall, with the
//! rule behind each failed entry and what to do about it; writes `cape_claims.csv`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::claims::{self, ClaimResult, ClaimStatus, ClaimsError};
use crate::output::{self, OutputError, csv_writer, neutralise};

/// The name of the report.
pub const FILE_NAME: &str = "cape_claims.csv";

/// A resolved `cape claims` run.
#[derive(Clone, Debug)]
pub struct ClaimsConfig {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimsRunError {
    #[error(transparent)]
    Read(#[from] ClaimsError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Folder(crate::history::HistoryError),
    #[error(
        "no Claim Details file among the inputs{}; download each claim's Claim Details from \
         the Claim Status subtab as CSV",
        skipped.iter().map(|s| format!("\n  {s}")).collect::<String>()
    )]
    NoClaims { skipped: Vec<String> },
}

/// The counts of one claim, or of all.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub entries: usize,
    pub updated: usize,
    pub failed: usize,
    pub other: usize,
    /// Failed entries by CBP error text.
    pub errors: BTreeMap<String, usize>,
}

impl Counts {
    fn add(&mut self, r: &ClaimResult) {
        self.entries += 1;
        match r.status {
            ClaimStatus::Updated => self.updated += 1,
            ClaimStatus::Failed => {
                self.failed += 1;
                *self.errors.entry(r.error.clone()).or_insert(0) += 1;
            }
            ClaimStatus::Other(_) => self.other += 1,
        }
    }
}

/// A failed entry, with its rule and what to do.
#[derive(Clone, Debug, Serialize)]
pub struct FailedEntry {
    pub claim_number: String,
    pub entry_number: String,
    pub error_description: String,
    pub rule: Option<&'static str>,
    pub action: &'static str,
    /// Whether this is the entry's latest result.
    pub latest: bool,
}

/// What `cape claims` found.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimsReport {
    pub files: Vec<String>,
    pub overall: Counts,
    pub claims: BTreeMap<String, Counts>,
    pub failed: Vec<FailedEntry>,
    /// Entries whose claims disagree: the latest claim wins.
    pub conflicts: Vec<String>,
    /// Downloads of one claim that disagree about an entry, and which result counts.
    pub notes: Vec<String>,
    /// Inputs that are not Claim Details (declarations in the folder), with why.
    pub skipped: Vec<String>,
    pub written: String,
    #[serde(skip)]
    results: Vec<ClaimResult>,
}

fn shown_entry(r: &ClaimResult) -> String {
    r.entry
        .map_or_else(|| r.raw_entry.clone(), |e| e.to_string())
}

/// Reads the files, writes the report.
pub fn run(cfg: &ClaimsConfig) -> Result<ClaimsReport, ClaimsRunError> {
    let files = crate::history::expand(&cfg.inputs).map_err(ClaimsRunError::Folder)?;
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    output::ensure_not_input(&cfg.output, &paths)?;
    let mut results = Vec::new();
    let mut read = Vec::new();
    let mut skipped = Vec::new();
    for (p, from_folder) in files {
        let bytes = std::fs::read(&p).map_err(|source| ClaimsError::Read {
            path: p.clone(),
            source,
        })?;
        // Decoded once: for the first row, then for the rows.
        let parsed = claims::decode(&p, &bytes).and_then(|text| {
            if crate::history::is_declaration(&crate::history::first_row(&text)) {
                Ok(None)
            } else {
                claims::parse_text(&p, &text).map(Some)
            }
        });
        match parsed {
            Ok(None) => skipped.push(format!(
                "{}: a declaration (`Entry Number`), not Claim Details: skipped",
                p.display()
            )),
            Ok(Some(r)) => {
                results.extend(r);
                read.push(p.display().to_string());
            }
            Err(e) if from_folder => skipped.push(format!("{e}: skipped")),
            Err(e) => return Err(e.into()),
        }
    }
    if read.is_empty() {
        return Err(ClaimsRunError::NoClaims { skipped });
    }
    let (results, notes) = claims::merge(results);
    // The latest result of each entry: the last in claim order.
    let mut latest: HashMap<String, usize> = HashMap::new();
    for (i, r) in results.iter().enumerate() {
        latest.insert(shown_entry(r), i);
    }
    let mut overall = Counts::default();
    let mut per_claim: BTreeMap<String, Counts> = BTreeMap::new();
    let mut failed = Vec::new();
    let mut by_entry: BTreeMap<String, Vec<&ClaimResult>> = BTreeMap::new();
    for (i, r) in results.iter().enumerate() {
        overall.add(r);
        per_claim.entry(r.claim.clone()).or_default().add(r);
        by_entry.entry(shown_entry(r)).or_default().push(r);
        if r.status == ClaimStatus::Failed {
            let rule = claims::rule_of(&r.error);
            failed.push(FailedEntry {
                claim_number: r.claim.clone(),
                entry_number: shown_entry(r),
                error_description: r.error.clone(),
                rule: rule.map(|r| r.code()),
                action: claims::action(&r.error),
                latest: latest.get(&shown_entry(r)) == Some(&i),
            });
        }
    }
    let conflicts = by_entry
        .iter()
        .filter(|(_, rs)| rs.iter().any(|r| r.status != rs[0].status))
        .map(|(e, rs)| {
            let all: Vec<String> = rs
                .iter()
                .map(|r| format!("claim {} {}", r.claim, r.status_text()))
                .collect();
            let last = rs.last().expect("one at least");
            format!(
                "{e}: {}; the latest, claim {}, counts",
                all.join(", "),
                last.claim
            )
        })
        .collect();
    let report = ClaimsReport {
        files: read,
        overall,
        claims: per_claim,
        failed,
        conflicts,
        notes,
        skipped,
        written: cfg.output.display().to_string(),
        results,
    };
    output::write_atomic(&cfg.output, |w| report.write_csv(w))?;
    Ok(report)
}

impl ClaimsReport {
    fn write_csv(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut out = csv_writer(w);
        out.write_record([
            "claim_number",
            "entry_number",
            "status",
            "error_description",
            "rule",
            "action",
            "source",
        ])?;
        for r in &self.results {
            let rule = claims::rule_of(&r.error).filter(|_| r.status == ClaimStatus::Failed);
            let action = if r.status == ClaimStatus::Failed {
                claims::action(&r.error)
            } else {
                ""
            };
            let fields = [
                r.claim.clone(),
                shown_entry(r),
                r.status_text().to_string(),
                r.error.clone(),
                rule.map(|r| r.code().to_string()).unwrap_or_default(),
                action.to_string(),
                format!("{}:{}", r.file.display(), r.line),
            ];
            out.write_record(fields.iter().map(|f| neutralise(f).into_owned()))?;
        }
        out.flush()
    }

    /// One JSON document.
    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The summary for people.
    pub fn human(&self) -> String {
        let mut s = String::new();
        let o = &self.overall;
        let _ = writeln!(
            s,
            "cape claims: {} file(s), {} claim(s), {} entry results: {} updated, {} failed{}",
            self.files.len(),
            self.claims.len(),
            o.entries,
            o.updated,
            o.failed,
            if o.other > 0 {
                format!(", {} other", o.other)
            } else {
                String::new()
            }
        );
        for (claim, c) in &self.claims {
            let _ = writeln!(
                s,
                "claim {claim}: {} updated, {} failed",
                c.updated, c.failed
            );
            for (text, n) in &c.errors {
                let shown = if text.is_empty() {
                    "(no error text)"
                } else {
                    text
                };
                let _ = writeln!(s, "  {n:>6}  {shown}");
            }
        }
        if !self.failed.is_empty() {
            let _ = writeln!(s, "failed entries:");
            for f in &self.failed {
                let superseded = if f.latest {
                    ""
                } else {
                    " (superseded by a later claim)"
                };
                let _ = writeln!(
                    s,
                    "  {}  claim {}  {}: {}{superseded}\n      -> {}",
                    f.entry_number,
                    f.claim_number,
                    f.rule.unwrap_or("unknown"),
                    f.error_description,
                    f.action
                );
            }
        }
        for c in &self.conflicts {
            let _ = writeln!(s, "results disagree: {c}");
        }
        for n in &self.notes {
            let _ = writeln!(s, "downloads disagree: {n}");
        }
        for k in &self.skipped {
            let _ = writeln!(s, "note: {k}");
        }
        let _ = writeln!(s, "wrote {}", self.written);
        s
    }
}
